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

    /// A number as a message shows it: round-trip digits in the invariant culture, or NaN, ∞, -∞.
    /// Example: `Fail.number 0.1 = "0.1"`, `Fail.number -infinity = "-∞"`.
    let number (x: float) : string =
        if Double.IsNaN x then "NaN"
        elif Double.IsPositiveInfinity x then "∞"
        elif Double.IsNegativeInfinity x then "-∞"
        else x.ToString("R", Globalization.CultureInfo.InvariantCulture)

/// Refusing, up front and in one line, work that cannot fit in memory (the alternative is the
/// operating system killing the process halfway, with nothing said).
module Memory =
    /// Raises `SeagullException` when `bytes` exceed the memory this process may use (the machine's, or
    /// its container's limit; what other processes hold is not counted, so this catches the impossible,
    /// not the merely tight).
    /// Example: `Memory.require "the data" (int64 rows * 80L)`.
    let require (what: string) (bytes: int64) : unit =
        let limit = GC.GetGCMemoryInfo().TotalAvailableMemoryBytes
        if bytes > limit then
            let gb (b: int64) = (float b / 1e9).ToString("0.#", Globalization.CultureInfo.InvariantCulture)
            Fail.with' $"{what}: about {gb bytes} GB of memory needed, more than the {gb limit} GB this process can use"

/// File output that never leaves a half-written file behind: write a temporary file in the same
/// folder, flush it, then rename it over the destination in one step.
module AtomicFile =
    /// Where a path's bytes go.
    type private Destination =
        /// A device or an open descriptor (/dev/null, /dev/stdout, /proc/self/fd/1): written into, appended
        /// to; a rename would replace it (or, through /dev/stdout, the file the shell redirected to).
        | Device of string
        /// An ordinary file, replaced by renaming a finished temporary file over it.
        | Regular of string

    let private isSpecial (full: string) =
        not (OperatingSystem.IsWindows())
        && (full.StartsWith("/dev/", StringComparison.Ordinal) || full.StartsWith("/proc/", StringComparison.Ordinal))

    // A symbolic link is followed to its final target: renaming over the link would replace the link
    // itself and leave its target stale.
    let private destination (path: string) =
        let full = Path.GetFullPath path
        if isSpecial full then Device full
        else
            match (try File.ResolveLinkTarget(full, true) with _ -> null) with
            | null -> Regular full
            | target when isSpecial target.FullName -> Device full
            | target -> Regular target.FullName

    let private cannotWrite (path: string) (why: string) : 'a = Fail.with' $"cannot write '{path}': {why}"

    // Runs file work whose failures are one line naming `path`: `denied` for a refused permission, else the
    // system's reason, with the name of a temporary file (`own`) shown as what the user knows (`shown`).
    let private orCannotWrite (path: string) (denied: string) (own: string, shown: string) (work: unit -> 'a) : 'a =
        try work ()
        with
        | :? UnauthorizedAccessException -> cannotWrite path denied
        | :? IOException as e ->
            // .NET ends some messages with " : 'the path'", which the line already names.
            let message = if own = "" then e.Message else e.Message.Replace(own, shown)
            let message = message.Replace($" : '{path}'", "").Replace($" : '{Path.GetFullPath path}'", "")
            cannotWrite path (message.TrimEnd('.'))

    // Temporary files being written. If the process ends first (Ctrl+C's grace period over while a big
    // file is still being written), they are deleted on the way out instead of being left behind.
    let private pending = Collections.Concurrent.ConcurrentDictionary<string, byte>()
    do AppDomain.CurrentDomain.ProcessExit.Add(fun _ -> for t in pending.Keys do (try File.Delete t with _ -> ()))

    let private checkNamesAFile (path: string) =
        if String.IsNullOrWhiteSpace path then Fail.with' "no output path given"
        if path.EndsWith(string Path.DirectorySeparatorChar) || path.EndsWith(string Path.AltDirectorySeparatorChar) then
            cannotWrite path "it names a folder; give a file name"

    // The temporary file beside `full`, its name cut to 40 characters (at most 160 bytes of UTF-8, never
    // half a surrogate pair): the temp name must fit wherever the final one does.
    let private tempPathFor (full: string) =
        let name = Path.GetFileName full
        let cut = if name.Length <= 40 then name.Length elif Char.IsHighSurrogate name.[39] then 39 else 40
        Path.Combine(Path.GetDirectoryName full, $".{name.Substring(0, cut)}.{Guid.NewGuid():N}.tmp")

    [<Runtime.InteropServices.DllImport("libc", EntryPoint = "access")>]
    extern int private unixAccess(string path, int mode)

    // An existing file we may not write to is refused: renaming over it would succeed (the folder allows it)
    // and silently replace a file its owner made read-only. Asked of the system, not by opening the file
    // (opening a named pipe for writing waits for a reader).
    let private checkExistingWritable (path: string) (full: string) =
        if File.Exists full then
            let writable =
                if OperatingSystem.IsWindows() then not (File.GetAttributes(full).HasFlag FileAttributes.ReadOnly)
                else (try unixAccess (full, 2) = 0 with _ -> true) // W_OK
            if not writable then cannotWrite path "no permission to write to it (read-only or another user's)"

    // A regular destination the rename may replace: not a folder, a name that fits, not read-only.
    let private checkReplaceable (path: string) (full: string) =
        if Directory.Exists full then cannotWrite path "it is a folder; give a file name"
        if Text.Encoding.UTF8.GetByteCount(Path.GetFileName full) > 255 then cannotWrite path "the file name is longer than 255 bytes"
        checkExistingWritable path full

    // Appends `write`'s output to a device (nothing, to check it can be opened).
    let private appendTo (path: string) (device: string) (write: Stream -> unit) =
        // A reader that stopped early (`--out /dev/stdout | head`) is the reader's choice, as on the console,
        // where .NET drops what no one reads: not an error. (EPIPE is 32 on Linux and macOS.)
        let brokenPipe (e: IOException) = e.HResult &&& 0xFFFF = 32 || e.Message.StartsWith "Broken pipe"
        try
            orCannotWrite path "permission denied" ("", "") (fun () ->
                try using (new FileStream(device, FileMode.Append, FileAccess.Write)) write
                with :? IOException as e when brokenPipe e -> ())
        with :? SeagullException as e when device.StartsWith "/proc/" ->
            // A system file under /proc that exists but takes no output gives the bare reason "Invalid argument".
            let reason = e.Message.Substring(e.Message.IndexOf("': ") + 3)
            cannotWrite path $"it is a system file under /proc, which takes no output ({reason})"

    // The nearest folder that exists above `full`; a file on the way is an error naming it.
    let private existingFolderAbove (path: string) (full: string) =
        let mutable folder = Path.GetDirectoryName full
        while not (String.IsNullOrEmpty folder) && not (Directory.Exists folder) do
            if File.Exists folder then cannotWrite path $"'{folder}' is a file, not a folder"
            folder <- Path.GetDirectoryName folder
        folder

    /// Checks, before long work, that `writeWith path` could write there: the path names a file, not a
    /// folder; a device exists; the nearest existing folder above it accepts new files. Leaves nothing behind.
    /// Raises `SeagullException` with a one-line reason.
    /// Example: `AtomicFile.checkWritable "results/model.json"` before a fit that ends in saving there.
    let checkWritable (path: string) : unit =
        checkNamesAFile path
        match destination path with
        | Device d ->
            // /dev and /proc hold only what the system made: a new file cannot be created there.
            let system = if d.StartsWith "/proc/" then "/proc" else "/dev"
            if not (File.Exists d) then cannotWrite path $"there is no such device, and no file can be created in {system}"
            appendTo path d ignore
        | Regular full ->
            checkReplaceable path full
            let folder = existingFolderAbove path full
            if not (String.IsNullOrEmpty folder) then
                // A file named like the write's temporary one, in the folder that exists: same name length.
                let probe = Path.Combine(folder, Path.GetFileName(tempPathFor full))
                try orCannotWrite path $"no permission to write in '{folder}'" (probe, folder) (fun () -> File.WriteAllBytes(probe, [||]))
                finally (try File.Delete probe with _ -> ())

    /// Writes `write`'s output to `path` atomically. Creates the parent folder if needed. A symbolic
    /// link is written through (its target is replaced); a device such as /dev/null or /dev/stdout is
    /// written into. Raises `SeagullException` with a one-line reason when the path cannot be written (a
    /// folder, a parent that is a file, no permission, a full disk).
    let writeWith (path: string) (write: Stream -> unit) : unit =
        checkNamesAFile path
        match destination path with
        | Device device -> appendTo path device write
        | Regular full ->
            checkReplaceable path full
            let mode = if File.Exists full && not (OperatingSystem.IsWindows()) then (try Some (File.GetUnixFileMode full) with _ -> None) else None
            let dir = Path.GetDirectoryName full
            if not (String.IsNullOrEmpty dir) && not (Directory.Exists dir) then
                existingFolderAbove path full |> ignore
                orCannotWrite path $"no permission to create the folder '{dir}'" ("", "") (fun () -> Directory.CreateDirectory dir |> ignore)
            let temp = tempPathFor full
            pending.TryAdd(temp, 0uy) |> ignore
            try
                orCannotWrite path "permission denied" (temp, full) (fun () ->
                    using (new FileStream(temp, FileMode.CreateNew, FileAccess.Write)) (fun stream ->
                        write stream
                        stream.Flush true)
                    // The replacement keeps the permissions the old file had (a group-readable model stays so).
                    mode |> Option.iter (fun m -> File.SetUnixFileMode(temp, m))
                    File.Move(temp, full, true))
            with _ ->
                (try File.Delete temp with _ -> ())
                pending.TryRemove temp |> ignore
                reraise ()
            pending.TryRemove temp |> ignore

    /// Writes what `write` writes as text (UTF-8, no byte-order mark) to `path` atomically, streamed.
    /// Example: `AtomicFile.writeText "rows.csv" (fun out -> out.Write "y\n1\n")`.
    let writeText (path: string) (write: TextWriter -> unit) : unit =
        writeWith path (fun stream ->
            use out = new StreamWriter(stream, Text.UTF8Encoding(false), 1 <<< 16, true)
            write out)

    /// Writes `text` (UTF-8, no byte-order mark) to `path` atomically.
    let writeAllText (path: string) (text: string) : unit =
        writeWith path (fun s ->
            let bytes = Text.UTF8Encoding(false).GetBytes text
            s.Write(bytes, 0, bytes.Length))

    /// Writes `bytes` to `path` atomically.
    let writeAllBytes (path: string) (bytes: byte[]) : unit =
        writeWith path (fun s -> s.Write(bytes, 0, bytes.Length))
