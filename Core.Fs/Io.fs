namespace Seagull.Core

open System
open System.IO

/// A user error: bad input, a bad option, a corrupt file. Its message is one line meant for a person;
/// shells print it without a stack trace.
type SeagullException(message: string) =
    inherit Exception(message)

/// Raising `SeagullException` with formatted messages.
module Fail =
    /// Raises a `SeagullException` with the given one-line message.
    let with' (message: string) : 'a = raise (SeagullException message)

/// File output that never leaves a half-written file behind: write a temporary file in the same
/// folder, flush it, then rename it over the destination in one step.
module AtomicFile =
    /// Writes `write`'s output to `path` atomically. Creates the parent folder if needed.
    let writeWith (path: string) (write: Stream -> unit) : unit =
        let full = Path.GetFullPath path
        let dir = Path.GetDirectoryName full
        if not (String.IsNullOrEmpty dir) then Directory.CreateDirectory dir |> ignore
        let temp = Path.Combine(dir, $".{Path.GetFileName full}.{Guid.NewGuid():N}.tmp")
        try
            using (new FileStream(temp, FileMode.CreateNew, FileAccess.Write)) (fun stream ->
                write stream
                stream.Flush true)
            File.Move(temp, full, true)
        with _ ->
            (try File.Delete temp with _ -> ())
            reraise ()

    /// Writes `text` (UTF-8, no byte-order mark) to `path` atomically.
    let writeAllText (path: string) (text: string) : unit =
        writeWith path (fun s ->
            let bytes = Text.UTF8Encoding(false).GetBytes text
            s.Write(bytes, 0, bytes.Length))

    /// Writes `bytes` to `path` atomically.
    let writeAllBytes (path: string) (bytes: byte[]) : unit =
        writeWith path (fun s -> s.Write(bytes, 0, bytes.Length))
