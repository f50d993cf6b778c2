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

/// Refusing, up front and in one line, work that cannot fit in memory (the alternative is the
/// operating system killing the process halfway, with nothing said).
module Memory =
    /// Raises `SeagullException` when `bytes` exceed the memory available to this process.
    /// Example: `Memory.require "the data" (int64 rows * 80L)`.
    let require (what: string) (bytes: int64) : unit =
        let available = GC.GetGCMemoryInfo().TotalAvailableMemoryBytes
        if bytes > available then
            let gb (b: int64) = (float b / 1e9).ToString("0.#", Globalization.CultureInfo.InvariantCulture)
            Fail.with' $"{what}: about {gb bytes} GB of memory needed, more than the {gb available} GB available"

/// File output that never leaves a half-written file behind: write a temporary file in the same
/// folder, flush it, then rename it over the destination in one step.
module AtomicFile =
    // Where the bytes really go: the final target of a symbolic link (renaming over the link would
    // replace the link itself and leave its target stale).
    let private destination (path: string) =
        let full = Path.GetFullPath path
        match (try File.ResolveLinkTarget(full, true) with _ -> null) with
        | null -> full
        | target -> target.FullName

    // Devices (/dev/null, /dev/stdout) cannot be replaced by a rename, and must not be: write into them.
    let private isDevice (full: string) =
        not (OperatingSystem.IsWindows()) && full.StartsWith("/dev/", StringComparison.Ordinal) && File.Exists full

    let private cannotWrite (path: string) (why: string) : 'a = Fail.with' $"cannot write '{path}': {why}"

    /// Writes `write`'s output to `path` atomically. Creates the parent folder if needed. A symbolic
    /// link is written through (its target is replaced); a device such as /dev/null is written into.
    /// Raises `SeagullException` with a one-line reason when the path cannot be written (a folder, a
    /// parent that is a file, no permission).
    let writeWith (path: string) (write: Stream -> unit) : unit =
        if String.IsNullOrWhiteSpace path then Fail.with' "no output path given"
        if path.EndsWith(string Path.DirectorySeparatorChar) || path.EndsWith(string Path.AltDirectorySeparatorChar) then
            cannotWrite path "it names a folder; give a file name"
        let full = destination path
        if Directory.Exists full then cannotWrite path "it is a folder; give a file name"
        if isDevice full then
            using (new FileStream(full, FileMode.Open, FileAccess.Write)) write
        else
            let dir = Path.GetDirectoryName full
            if not (String.IsNullOrEmpty dir) then
                try Directory.CreateDirectory dir |> ignore
                with
                | :? IOException ->
                    let mutable blocker = dir
                    while not (String.IsNullOrEmpty blocker) && not (File.Exists blocker) do
                        blocker <- Path.GetDirectoryName blocker
                    if String.IsNullOrEmpty blocker then reraise ()
                    cannotWrite path $"'{blocker}' is a file, not a folder"
                | :? UnauthorizedAccessException -> cannotWrite path $"no permission to create the folder '{dir}'"
            let temp = Path.Combine(dir, $".{Path.GetFileName full}.{Guid.NewGuid():N}.tmp")
            try
                try
                    using (new FileStream(temp, FileMode.CreateNew, FileAccess.Write)) (fun stream ->
                        write stream
                        stream.Flush true)
                    File.Move(temp, full, true)
                with
                | :? UnauthorizedAccessException -> cannotWrite path "permission denied"
                | :? IOException as e when not (e :? FileNotFoundException) ->
                    cannotWrite path (e.Message.Replace(temp, full).TrimEnd('.'))
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
