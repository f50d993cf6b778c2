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

    /// Opens a file as text: UTF-8 unless a byte-order mark says UTF-16 or UTF-32. Bytes that are not
    /// valid UTF-8 are an error (see `iter`), not silently replaced: a Latin-1 "É" would otherwise become
    /// "\uFFFD" in column names stored in models and in predictions written back.
    let openText (file: string) : StreamReader =
        if Directory.Exists file then Fail.with' $"'{file}': is a folder, not a CSV file"
        if not (File.Exists file) then Fail.with' $"'{file}': file not found"
        try new StreamReader(file, UTF8Encoding(false, true), true, 1 <<< 16)
        with e -> Fail.with' $"'{file}': cannot be read ({e.Message.Replace('\r', ' ').Replace('\n', ' ').TrimEnd('.')})"

    /// Calls `onRecord` for every record in file order, the header first; skips blank lines. Every
    /// syntax error is one line naming the file, the line and the column (by the header's name once
    /// the header is known).
    let iter (file: string) (reader: TextReader) (onRecord: Record -> unit) : unit =
        let buffer = Array.zeroCreate<char> (1 <<< 16)
        let mutable length = 0
        let mutable position = 0
        let mutable line = 1
        let available () =
            if position < length then true
            else
                length <-
                    try reader.Read(buffer, 0, buffer.Length)
                    with
                    | :? DecoderFallbackException ->
                        Fail.with' $"'{file}' line {line}: the file is not UTF-8 text (it holds bytes that are not UTF-8); save it as UTF-8"
                    | :? IOException as e -> Fail.with' $"'{file}': cannot be read ({e.Message.TrimEnd('.')})"
                position <- 0
                length > 0
        let next () = if available () then (let c = buffer.[position] in position <- position + 1; int c) else -1
        let peek () = if available () then int buffer.[position] else -1
        let fields = ResizeArray<string>()
        let field = StringBuilder()
        let mutable header: string[] = null
        let mutable recordLine = 1
        let mutable quoted = false
        let mutable wasQuoted = false
        let mutable afterQuote = false
        let mutable anyQuote = false
        let columnName () =
            let j = fields.Count
            if not (isNull header) && j < header.Length then $"column '{show header.[j]}'" else $"field {j + 1}"
        let fail (at: int) (message: string) : unit = Fail.with' $"'{file}' line {at}, {columnName ()}: {message}"
        let endField () =
            fields.Add(if wasQuoted then field.ToString() else field.ToString().Trim())
            field.Clear() |> ignore
            wasQuoted <- false
            afterQuote <- false
        let endRecord () =
            endField ()
            let fs = fields.ToArray()
            fields.Clear()
            if not (fs.Length = 1 && fs.[0] = "" && not anyQuote) then
                if isNull header then header <- fs
                onRecord { Line = recordLine; Fields = fs }
            anyQuote <- false
        let blank () =
            let mutable k = 0
            while k < field.Length && Char.IsWhiteSpace field.[k] do k <- k + 1
            k = field.Length
        let mutable c = next ()
        while c >= 0 do
            let ch = char c
            if quoted then
                if ch = '"' then
                    if peek () = int '"' then
                        field.Append '"' |> ignore
                        next () |> ignore
                    else
                        quoted <- false
                        afterQuote <- true
                elif ch = '\r' && peek () = int '\n' then ()
                else
                    if ch = '\n' then line <- line + 1
                    field.Append ch |> ignore
            else
                match ch with
                | ',' -> endField ()
                | '\r' | '\n' ->
                    if ch = '\r' && peek () = int '\n' then next () |> ignore
                    endRecord ()
                    line <- line + 1
                    recordLine <- line
                | '"' when not afterQuote && not wasQuoted && blank () ->
                    field.Clear() |> ignore
                    quoted <- true
                    wasQuoted <- true
                    anyQuote <- true
                | '"' -> fail line "a quote inside an unquoted field; quote the whole field and double the quotes inside it"
                | ch when afterQuote ->
                    if not (Char.IsWhiteSpace ch) then fail line $"unexpected '{ch}' after a closing quote"
                | ch -> field.Append ch |> ignore
            c <- next ()
        if quoted then fail recordLine "a quoted field is not closed before the end of the file"
        if fields.Count > 0 || field.Length > 0 || anyQuote then endRecord ()
