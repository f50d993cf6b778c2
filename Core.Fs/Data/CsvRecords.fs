namespace Seagull.Core

open System
open System.IO
open System.Text

/// The records of a CSV file, read as a stream (RFC 4180 quoting; a file of any size is never held
/// as one string). Used by `Csv`, which gives the records their meaning.
module internal CsvRecords =
    /// One record: the 1-based line it starts on and its fields (unquoted fields trimmed).
    type Record = { Line: int; Fields: string[] }

    /// A value shortened for messages, line breaks made visible.
    let show (s: string) =
        let s = s.Replace("\r", "\\r").Replace("\n", "\\n")
        if s.Length > 40 then s.Substring(0, 40) + "…" else s

    /// A forward-only, read-only stream over `inner` whose reads go through `read` (given `inner` and the
    /// buffer, offset and count); it owns `inner`.
    type private ReadingStream(inner: Stream, read: Stream -> byte[] -> int -> int -> int) =
        inherit Stream()
        override _.CanRead = true
        override _.CanSeek = false
        override _.CanWrite = false
        override _.Length = raise (NotSupportedException())
        override _.Position
            with get () = raise (NotSupportedException())
            and set _ = raise (NotSupportedException())
        override _.Flush() = ()
        override _.Seek(_, _) = raise (NotSupportedException())
        override _.SetLength _ = raise (NotSupportedException())
        override _.Write(_, _, _) = raise (NotSupportedException())
        override _.Read(buffer: byte[], offset: int, count: int) = read inner buffer offset count
        override _.Dispose(disposing: bool) =
            if disposing then inner.Dispose()
            base.Dispose disposing

    /// A stream that first returns `prefix`, then the rest of `rest`: the bytes read to find a byte-order
    /// mark are read once, so a pipe (`--data <(zcat data.csv.gz)`) loses nothing.
    let private prefixed (prefix: byte[]) (rest: Stream) : Stream =
        let mutable used = 0
        new ReadingStream(rest, fun inner buffer offset count ->
            if used < prefix.Length then
                let n = min count (prefix.Length - used)
                Array.blit prefix used buffer offset n
                used <- used + n
                n
            else inner.Read(buffer, offset, count))

    /// A stream that feeds every byte it reads to `hash`: a file's SHA-256 while it is parsed, so it is read
    /// once (a pipe can be read only once).
    let private hashing (hash: Security.Cryptography.IncrementalHash) (inner: Stream) : Stream =
        new ReadingStream(inner, fun inner buffer offset count ->
            let n = inner.Read(buffer, offset, count)
            hash.AppendData(buffer, offset, n)
            n)

    /// Opens a file as text: UTF-8 unless a byte-order mark says UTF-16 or UTF-32. Bytes that are not
    /// valid UTF-8 are an error (see `iter`), not silently replaced: a Latin-1 "É" would otherwise become
    /// "\uFFFD" in column names stored in models and in predictions written back. With `hash`, every byte
    /// read is also fed to it.
    let openTextHashing (file: string) (hash: Security.Cryptography.IncrementalHash option) : StreamReader =
        if Directory.Exists file then Fail.with' $"'{file}': is a folder, not a CSV file"
        if not (File.Exists file) then Fail.with' $"'{file}': file not found"
        try
            // The encoding from the byte-order mark, strict in every case: StreamReader's own detection
            // switches to a lenient UTF-8 when it sees a UTF-8 mark. Each encoding's preamble is its mark,
            // which the reader then skips.
            let stream: Stream =
                match hash with
                | Some h -> hashing h (File.OpenRead file)
                | None -> File.OpenRead file
            let mark = Array.zeroCreate<byte> 4
            let mutable n = 0
            let mutable more = true
            while more && n < 4 do
                let got = stream.Read(mark, n, 4 - n)
                if got = 0 then more <- false else n <- n + got
            let starts (bs: byte list) = n >= bs.Length && List.forall2 (fun (b: byte) i -> mark.[i] = b) bs [ 0 .. bs.Length - 1 ]
            let encoding: Encoding =
                if starts [ 0xFFuy; 0xFEuy; 0uy; 0uy ] then UTF32Encoding(false, true, true)
                elif starts [ 0uy; 0uy; 0xFEuy; 0xFFuy ] then UTF32Encoding(true, true, true)
                elif starts [ 0xFFuy; 0xFEuy ] then UnicodeEncoding(false, true, true)
                elif starts [ 0xFEuy; 0xFFuy ] then UnicodeEncoding(true, true, true)
                else UTF8Encoding(true, true)
            new StreamReader(prefixed mark.[.. n - 1] stream, encoding, false, 1 <<< 16)
        with e -> Fail.with' $"'{file}': cannot be read ({e.Message.Replace('\r', ' ').Replace('\n', ' ').TrimEnd('.')})"

    /// Where a file stops being UTF-8: the 1-based line and the first offending byte, found by decoding its bytes
    /// again (the reader fails a whole buffer ahead of the parser, so its position says nothing about the line).
    let private firstInvalidUtf8 (file: string) : (int * byte) option =
        use stream = File.OpenRead file
        let bytes = Array.zeroCreate<byte> (1 <<< 16)
        let chars = Array.zeroCreate<char> (1 <<< 16)
        let mutable carried = 0      // bytes of a sequence cut by the end of the previous block
        let mutable line = 1
        let mutable result = None
        let mutable atEnd = false
        let mutable first = true
        let mutable afterCR = false
        while result.IsNone && not atEnd do
            let read = stream.Read(bytes, carried, bytes.Length - carried)
            let total = carried + read
            atEnd <- read = 0
            // A UTF-8 byte-order mark is not an error; other marks never reach here (the reader decodes them).
            let start = if first && total >= 3 && bytes.[0] = 0xEFuy && bytes.[1] = 0xBBuy && bytes.[2] = 0xBFuy then 3 else 0
            first <- false
            let block = ReadOnlySpan<byte>(bytes, start, total - start)
            let mutable consumed = 0
            let mutable written = 0
            let status = Unicode.Utf8.ToUtf16(block, Span<char>(chars), &consumed, &written, false, atEnd)
            // Lines end at LF, CRLF or a lone CR (old Mac files), as the parser counts them.
            for k in 0 .. consumed - 1 do
                let b = block.[k]
                if b = byte '\r' then line <- line + 1
                elif b = byte '\n' && not (k > 0 && block.[k - 1] = byte '\r' || k = 0 && afterCR) then line <- line + 1
            afterCR <- consumed > 0 && block.[consumed - 1] = byte '\r'
            match status with
            | Buffers.OperationStatus.InvalidData -> result <- Some (line, block.[consumed])
            | _ ->
                // keep an incomplete trailing sequence for the next block
                carried <- block.Length - consumed
                if carried > 0 then Array.Copy(bytes, start + consumed, bytes, 0, carried)
        result

    /// The parser's state over one stream. Runs of ordinary characters are found with a vectorised search
    /// and appended at once: reading is bound by number parsing, not by a call per character.
    type private Parser(file: string, reader: TextReader, onRecord: Record -> unit) =
        static let plain = Buffers.SearchValues.Create(",\r\n\"")
        static let inQuotes = Buffers.SearchValues.Create("\"\r\n")
        let buffer = Array.zeroCreate<char> (1 <<< 16)
        let fields = ResizeArray<string>()
        let field = StringBuilder()
        let mutable length = 0
        let mutable position = 0
        let mutable line = 1
        let mutable header: string[] = null
        let mutable recordLine = 1
        let mutable quoted = false
        let mutable wasQuoted = false
        let mutable afterQuote = false
        let mutable anyQuote = false
        let mutable finished = false

        member private _.Available() =
            if position < length then true
            else
                length <-
                    try reader.Read(buffer, 0, buffer.Length)
                    with
                    | :? DecoderFallbackException when not (reader :? StreamReader && (reader :?> StreamReader).CurrentEncoding :? UTF8Encoding) ->
                        let name = match reader with :? StreamReader as r -> r.CurrentEncoding.WebName | _ -> "its encoding"
                        Fail.with' $"'{file}': the file is not valid {name} text, as its byte-order mark says it is"
                    | :? DecoderFallbackException ->
                        // Read the bytes again for the exact line, from a regular file only: a pipe cannot be read
                        // twice (a named pipe would wait for a writer for ever).
                        let regular = try (FileInfo file).Length > 0L && not (File.GetAttributes(file).HasFlag FileAttributes.Device) with _ -> false
                        match (if regular then (try firstInvalidUtf8 file with _ -> None) else None) with
                        | Some (at, b) ->
                            Fail.with' $"'{file}' line {at}: byte 0x{b:X2} is not UTF-8 (the file may be in another encoding, such as Windows-1252); save it as UTF-8"
                        | None -> Fail.with' $"'{file}': the file is not UTF-8 text; save it as UTF-8"
                    | :? IOException as e -> Fail.with' $"'{file}': cannot be read ({e.Message.TrimEnd('.')})"
                position <- 0
                length > 0

        /// The next character without taking it, or -1 at the end.
        member private this.Peek() = if this.Available() then int buffer.[position] else -1

        member private _.Fail(at: int, message: string) : unit =
            let j = fields.Count
            let column = if not (isNull header) && j < header.Length then $"column '{show header.[j]}'" else $"field {j + 1}"
            Fail.with' $"'{file}' line {at}, {column}: {message}"

        member private _.EndField() =
            fields.Add(if wasQuoted then field.ToString() else field.ToString().Trim())
            field.Clear() |> ignore
            wasQuoted <- false
            afterQuote <- false

        member private this.EndRecord() =
            this.EndField()
            let fs = fields.ToArray()
            fields.Clear()
            if not (fs.Length = 1 && fs.[0] = "" && not anyQuote) then
                if isNull header then header <- fs
                onRecord { Line = recordLine; Fields = fs }
            anyQuote <- false

        member private _.Blank() =
            let mutable k = 0
            while k < field.Length && Char.IsWhiteSpace field.[k] do k <- k + 1
            k = field.Length

        /// Parses up to the next special character (at most one record ends); false once the input is over,
        /// after the end-of-file checks (run once).
        member this.Step() : bool =
            if finished then false
            elif this.Available() then
                let rest = ReadOnlySpan<char>(buffer, position, length - position)
                if quoted then
                    let k = rest.IndexOfAny inQuotes
                    let run = if k < 0 then rest else rest.Slice(0, k)
                    field.Append run |> ignore
                    position <- position + run.Length
                    if k >= 0 then
                        let ch = buffer.[position]
                        position <- position + 1
                        if ch = '"' then
                            if this.Peek() = int '"' then
                                field.Append '"' |> ignore
                                position <- position + 1
                            else
                                quoted <- false
                                afterQuote <- true
                        elif ch = '\r' then
                            if this.Peek() <> int '\n' then field.Append '\r' |> ignore   // CRLF inside quotes reads as LF
                        else
                            line <- line + 1
                            field.Append '\n' |> ignore
                else
                    let k = rest.IndexOfAny plain
                    let run = if k < 0 then rest else rest.Slice(0, k)
                    if afterQuote then
                        for j in 0 .. run.Length - 1 do
                            if not (Char.IsWhiteSpace run.[j]) then this.Fail(line, $"unexpected '{run.[j]}' after a closing quote")
                    else field.Append run |> ignore
                    position <- position + run.Length
                    if k >= 0 then
                        let ch = buffer.[position]
                        position <- position + 1
                        match ch with
                        | ',' -> this.EndField()
                        | '\r' | '\n' ->
                            if ch = '\r' && this.Peek() = int '\n' then position <- position + 1
                            this.EndRecord()
                            line <- line + 1
                            recordLine <- line
                        | _ ->
                            if not afterQuote && not wasQuoted && this.Blank() then
                                field.Clear() |> ignore
                                quoted <- true
                                wasQuoted <- true
                                anyQuote <- true
                            else this.Fail(line, "a quote inside an unquoted field; quote the whole field and double the quotes inside it")
                true
            else
                finished <- true
                if quoted then this.Fail(recordLine, "a quoted field is not closed before the end of the file")
                if fields.Count > 0 || field.Length > 0 || anyQuote then this.EndRecord()
                false

        member this.Run() =
            while this.Step() do ()

    /// Calls `onRecord` for every record in file order, the header first; skips blank lines. Every
    /// syntax error is one line naming the file, the line and the column (by the header's name once
    /// the header is known).
    let iter (file: string) (reader: TextReader) (onRecord: Record -> unit) : unit =
        Parser(file, reader, onRecord).Run()

    /// The records of a file one at a time, on demand (the parser of `iter`, same errors and line numbers): a
    /// caller can read the header, check it, start writing, then read the data rows as it goes.
    /// Example: `let records = CsvRecords.Reader("a.csv", reader) in match records.Next() with ValueSome h -> … | ValueNone -> …`.
    [<Sealed>]
    type Reader(file: string, reader: TextReader) =
        let mutable pending = ValueNone
        let parser = Parser(file, reader, fun r -> pending <- ValueSome r)

        /// The next record (the header first; blank lines skipped), or ValueNone at the end of the file.
        member _.Next() : Record voption =
            while pending.IsNone && parser.Step() do ()
            let r = pending
            pending <- ValueNone
            r
