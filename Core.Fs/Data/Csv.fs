namespace Seagull.Core

open System
open System.Globalization
open System.IO
open System.Text

/// A reference to a CSV column: by header name, or by 0-based position.
/// Example: `ColumnRef.parse "u1" = Name "u1"`, `ColumnRef.parse "3" = Index 3`.
type ColumnRef =
    /// The column whose header is this name (exact match).
    | Name of string
    /// The column at this 0-based position.
    | Index of int

/// Parsing and printing column references.
module ColumnRef =
    /// An all-digit string is an `Index` (0-based), anything else a `Name`; surrounding spaces are dropped.
    /// When a file's header has exactly one column named by that number, the name wins (headers such as 10,20,30).
    /// Example: `ColumnRef.parse " 0 " = Index 0`, `ColumnRef.parse "x0" = Name "x0"`.
    let parse (text: string) : ColumnRef =
        let t = if isNull text then "" else text.Trim()
        if t = "" then Fail.with' "column list: an empty column reference"
        elif t |> Seq.forall Char.IsAsciiDigit then
            match Int32.TryParse(t, NumberStyles.None, CultureInfo.InvariantCulture) with
            | true, i -> Index i
            | _ -> Fail.with' $"column list: the column index {t} is too large"
        else Name t

    /// A short description for messages. Example: `ColumnRef.describe (Index 2) = "index 2"`.
    let describe (r: ColumnRef) : string =
        match r with
        | Name n -> $"'{n}'"
        | Index i -> $"index {i}"

/// Which CSV columns play which role. u and v must have the same width; column j of u is paired with
/// column j of v under the swap. Y = [] means the column named "y".
///
/// Example: `{ U = [ Name "x1"; Name "y1" ]; V = [ Name "x2"; Name "y2" ]; W = []; Y = [ Name "energy" ] }`.
type ColumnRoles =
    { /// Columns of the block u, in order.
      U: ColumnRef list
      /// Columns of the block v, in order (same width as u).
      V: ColumnRef list
      /// Columns of the block w, in order (may be empty).
      W: ColumnRef list
      /// The target columns, one or more; [] means the column named "y".
      Y: ColumnRef list }

/// Inputs read from a CSV file for a trained model: row-major X in the model's column order, and the
/// target columns when the file has them.
///
/// Example: `(Csv.loadForModel "new.csv" model.InputNames [ Name "y" ]).Observed`.
type PredictionInputs =
    { /// Row-major inputs, RowCount × (number of input names), in the order of the names asked for.
      Inputs: float[]
      /// Number of data rows.
      RowCount: int
      /// The target columns' values, row-major, when the file has them.
      Observed: float[] option
      /// The file's header, every column (so predictions can be written next to ids and other columns).
      Header: string[]
      /// Every data row's fields as written in the file, one array per row, as wide as `Header`.
      Fields: string[][] }

/// How `Csv.loadWith` treats the rows of a file.
/// Example: `Csv.loadWith { DropMissing = true } "data.csv" roles`.
type CsvReadOptions =
    { /// Skip the rows with a missing value in a column used (an empty or blank cell, or NA, N/A, NaN, -NaN or
      /// null in any case) instead of refusing the file. Other text that is not a number is still an error: it is
      /// more often a mistake (a decimal comma, a unit) than a gap.
      DropMissing: bool }

    /// Every row is read; a missing value is an error.
    static member Default = { DropMissing = false }

/// A data set read from a CSV file, and how many of its rows `CsvReadOptions.DropMissing` left out.
/// Example: `let loaded = Csv.loadWith { DropMissing = true } "data.csv" roles in loaded.DroppedRows`.
type LoadedCsv =
    { /// The rows kept.
      Data: Dataset
      /// Rows skipped for a missing value (0 unless `DropMissing`).
      DroppedRows: int }

/// Reading and writing CSV files: a header row, comma-separated fields, RFC 4180 quoting,
/// invariant-culture numbers. Every error is one line naming the file, the line (1-based) and the column.
module Csv =
    type private Record = CsvRecords.Record

    let private show = CsvRecords.show

    let private listNames (header: string[]) =
        let shown = header |> Array.truncate 20 |> Array.map (fun h -> $"'{show h}'") |> String.concat ", "
        if header.Length > 20 then $"{shown}, … ({header.Length} in all)" else shown

    /// Splits a comma-separated list of names: items are trimmed, and an item in double quotes is taken as
    /// written, commas included ("" is one quote), so a column named `u,1` is `"u,1"`.
    /// Example: `Csv.splitList "a, \"b,c\" ,d" = [ "a"; "b,c"; "d" ]`; `""` gives `[]`.
    let splitList (text: string) : string list =
        if String.IsNullOrWhiteSpace text then []
        else
            let items = ResizeArray<string>()
            let item = StringBuilder()
            let mutable quoted = false
            let mutable wasQuoted = false
            let mutable i = 0
            while i < text.Length do
                let c = text.[i]
                if quoted then
                    if c = '"' && i + 1 < text.Length && text.[i + 1] = '"' then
                        item.Append '"' |> ignore
                        i <- i + 1
                    elif c = '"' then quoted <- false
                    else item.Append c |> ignore
                elif c = ',' then
                    items.Add(if wasQuoted then item.ToString() else item.ToString().Trim())
                    item.Clear() |> ignore
                    wasQuoted <- false
                elif c = '"' && item.ToString().Trim() = "" && not wasQuoted then
                    item.Clear() |> ignore
                    quoted <- true
                    wasQuoted <- true
                elif not (wasQuoted && Char.IsWhiteSpace c) then
                    if wasQuoted then Fail.with' $"list '{text}': unexpected '{c}' after a quoted item"
                    item.Append c |> ignore
                i <- i + 1
            if quoted then Fail.with' $"list '{text}': a quote is not closed"
            items.Add(if wasQuoted then item.ToString() else item.ToString().Trim())
            List.ofSeq items

    /// A name in double quotes, inner quotes doubled: how CSV fields and `splitList` items hold commas and quotes.
    /// Example: `Csv.quoted "say \"hi\"" = "\"say \"\"hi\"\"\""`.
    let quoted (s: string) = "\"" + s.Replace("\"", "\"\"") + "\""

    /// A name as an item of a comma-separated list that `splitList` reads back: in double quotes when it holds a
    /// comma or a quote or has spaces at its ends. Example: `Csv.listItem "u,1" = "\"u,1\""`, `Csv.listItem "u1" = "u1"`.
    let listItem (name: string) =
        if name.IndexOfAny [| ','; '"' |] >= 0 || name.Trim() <> name then quoted name else name

    /// Parses a comma-separated list of column references (names with commas in double quotes, see `splitList`).
    /// Example: `Csv.parseColumnList "a, b,2" = [ Name "a"; Name "b"; Index 2 ]`; `""` gives `[]`.
    let parseColumnList (text: string) : ColumnRef list =
        splitList text |> List.map ColumnRef.parse

    /// A path as one word of a shell command line (in single quotes unless it is plain).
    let private shellWord (path: string) =
        if path <> "" && path |> Seq.forall (fun c -> Char.IsAsciiLetterOrDigit c || "._/+-=:,@%".Contains c) then path
        else "'" + path.Replace("'", "'\\''") + "'"

    /// A header of one field holding semicolons or tabs comes from a file with another separator (a spreadsheet
    /// saved where the decimal mark is a comma, a tab-separated export): say so and how to convert it, instead of
    /// a column "not found" among one long name. One field can never be enough: u and v need a column each.
    let private checkSeparator (file: string) (header: string[]) =
        let separators = [ ';', "semicolon", ";"; '\t', "tab", "\\t" ]
        match separators |> List.tryFind (fun (c, _, _) -> header.Length = 1 && header.[0].Contains c) with
        | Some (_, kind, written) ->
            let converted = Path.Combine(Path.GetDirectoryName file, Path.GetFileNameWithoutExtension file + "-comma.csv")
            let field = (show header.[0]).Replace("\t", "\\t")
            Fail.with' ($"'{file}' line 1: the file looks {kind}-separated (its header is the one field '{field}'); "
                        + $"Seagull reads comma-separated files with a point as the decimal mark; convert it with "
                        + $"tr '{written},' ',.' < {shellWord file} > {shellWord converted} ({kind}s become commas, decimal commas points)")
        | None -> ()

    /// Checks the header record: one field holding another separator (see `checkSeparator`), or a first row of
    /// numbers (no header).
    let private checkHeader (file: string) (header: string[]) =
        checkSeparator file header
        let isNumber (s: string) = fst (Double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture))
        if header |> Array.forall isNumber then
            Fail.with' $"'{file}' line 1, column '{show header.[0]}': the first row holds numbers, but a header row of column names is required"

    /// Streams a file's records: `onHeader` with the header, then `onRow` with each data record.
    let private streamHashing (hash: Security.Cryptography.IncrementalHash option) (file: string) (onHeader: string[] -> unit) (onRow: Record -> unit) : unit =
        use reader = CsvRecords.openTextHashing file hash
        let mutable seenHeader = false
        CsvRecords.iter file reader (fun r ->
            if seenHeader then onRow r
            else
                checkHeader file r.Fields
                seenHeader <- true
                onHeader r.Fields)
        if not seenHeader then
            Fail.with' $"'{file}' line 1: the file is empty; a header row of column names is required"

    let private stream = streamHashing None

    /// The 0-based position of a column reference, or a one-line error.
    let rec private resolve (file: string) (header: string[]) (role: string) (r: ColumnRef) : int =
        let at = $"'{file}' line 1 (header)"
        match r with
        // A header of numbers (10, 20, 30): a number that is exactly one column's name means that column.
        | Index i when (header |> Array.filter (fun h -> h = string i)).Length = 1 -> resolve file header role (Name (string i))
        | Index i ->
            if i < 0 || i >= header.Length then
                Fail.with' $"{at}: {role} column index {i} is out of range; the file has {header.Length} columns (indices 0–{header.Length - 1})"
            i
        | Name name ->
            let find (n: string) = header |> Array.indexed |> Array.filter (fun (_, h) -> h = n) |> Array.map fst
            let exact = find name
            let name, hits = if exact.Length > 0 then name, exact else name.Trim(), find (name.Trim())
            match hits with
            | [| j |] -> j
            | [||] ->
                let near =
                    header |> Array.tryFind (fun h -> String.Equals(h, name, StringComparison.OrdinalIgnoreCase))
                    |> Option.map (fun h -> $" (did you mean '{show h}'?)") |> Option.defaultValue ""
                Fail.with' $"{at}, column '{show name}': no such column for {role}{near}; available: {listNames header}"
            | _ ->
                let where = hits |> Array.map string |> String.concat " and "
                Fail.with' $"{at}, column '{show name}': the name appears {hits.Length} times (positions {where}); rename one or refer to it by index"

    /// A cell that marks a missing value: blank, or a marker data tools write for one (R's NA, Excel's N/A,
    /// NaN from NumPy and .NET, null from databases), in any case.
    let private isMissing (text: string) =
        String.IsNullOrWhiteSpace text
        || (match text.Trim().ToLowerInvariant() with "na" | "n/a" | "nan" | "-nan" | "null" -> true | _ -> false)

    /// Where a cell is, for messages: file, line and column.
    let private cellAt (file: string) (header: string[]) (record: Record) (j: int) =
        $"'{file}' line {record.Line}, column '{show header.[j]}'"

    /// What is wrong with a missing value where a number is needed.
    let private missingValue (text: string) =
        if String.IsNullOrWhiteSpace text then "the cell is empty; a number is needed"
        else $"'{show text}' marks a missing value; a number is needed"

    /// The number in one cell, ValueNone for a missing value (`isMissing`), or a one-line error naming file, line
    /// and column for any other text.
    let private tryCell (file: string) (header: string[]) (record: Record) (j: int) : float voption =
        let text = record.Fields.[j]
        // The location only when there is an error: formatting it for every cell cost more than the parsing.
        let fail (problem: string) : float voption = Fail.with' $"{cellAt file header record j}: {problem}"
        match Double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture) with
        // .NET's parser ignores trailing NUL characters: a cell "1.5\0" is not the number 1.5.
        | true, v when Double.IsFinite v && text.IndexOf '\000' < 0 -> ValueSome v
        | _ when isMissing text -> ValueNone
        | _ when text.IndexOf '\000' >= 0 -> fail $"'{show (text.Replace('\000', '?'))}' is not a number (it holds a NUL character, shown as ?)"
        | _ when text |> Seq.exists (fun c -> Char.IsControl c && not (Char.IsWhiteSpace c)) ->
            let c = text |> Seq.find (fun c -> Char.IsControl c && not (Char.IsWhiteSpace c))
            fail $"'{show text}' is not a number (it holds the control character U+{int c:X4})"
        | true, _ -> fail $"'{show text}' is not a finite number; infinities are not allowed"
        | _ -> fail $"'{show text}' is not a number (write numbers like -1.5 or 2e-3, with a point)"

    /// The number in one cell, or a one-line error naming file, line and column (a missing value included).
    let private cell (file: string) (header: string[]) (record: Record) (j: int) : float =
        match tryCell file header record j with
        | ValueSome v -> v
        | ValueNone -> Fail.with' $"{cellAt file header record j}: {missingValue record.Fields.[j]}"

    /// Checks that a data record has as many fields as the header.
    let private checkWidth (file: string) (header: string[]) (record: Record) =
        let m = record.Fields.Length
        if m <> header.Length then
            let detail =
                if m < header.Length then $"no value for column '{show header.[m]}'"
                else $"an extra field after column '{show header.[header.Length - 1]}'"
            Fail.with' $"'{file}' line {record.Line} has {m} fields, the header has {header.Length} ({detail})"

    /// Appends the chosen columns of one data record to `out`, after checking the record's width.
    let private readColumns (file: string) (header: string[]) (record: Record) (columns: int[]) (out: ResizeArray<float>) =
        checkWidth file header record
        for j in columns do
            out.Add(cell file header record j)

    /// Reads the numbers in `columns` of one record into `values` (as long as `columns`), after checking the
    /// record's width: true when every cell holds one; false when one marks a missing value and
    /// `options.DropMissing` is set (the row is to be skipped). Every cell is read, so text that is not a number is
    /// an error even in a row with a missing value; without `DropMissing`, a missing value is an error that says
    /// how to skip such rows.
    let private readCells (options: CsvReadOptions) (file: string) (header: string[]) (record: Record) (columns: int[]) (values: float[]) : bool =
        checkWidth file header record
        let mutable complete = true
        for k in 0 .. columns.Length - 1 do
            match tryCell file header record columns.[k] with
            | ValueSome v -> values.[k] <- v
            | ValueNone when options.DropMissing -> complete <- false
            | ValueNone ->
                let j = columns.[k]
                Fail.with' $"{cellAt file header record j}: {missingValue record.Fields.[j]} (to skip rows with missing values: --drop-missing on the command line, dropMissing: true in C#)"
        complete

    // `loadWith`, feeding the file's bytes to `hash` when given.
    /// Reads the rows of a CSV file in the roles given; with `labels`, the one target column is read as text into it
    /// (class labels) instead of as numbers. Returns the symmetry, input names, target names, inputs, targets, dropped rows.
    let private readRoles (hash: Security.Cryptography.IncrementalHash option) (options: CsvReadOptions) (path: string) (roles: ColumnRoles)
                          (labels: ResizeArray<string> option) =

        let at = $"'{path}' line 1 (header)"
        let mutable header: string[] = [||]
        let mutable inputs: int[] = [||]
        let mutable y: int[] = [||]
        let mutable symmetry: Symmetry option = None
        let mutable used: int[] = [||]          // the columns read: inputs, then targets
        let mutable values: float[] = [||]      // one row's numbers in them
        // The header's columns in their roles, checked before any data row is read.
        let onHeader (h: string[]) =
            header <- h
            let resolveAll role refs = refs |> List.map (resolve path header role) |> Array.ofList
            let u = resolveAll "u" roles.U
            let v = resolveAll "v" roles.V
            let w = resolveAll "w" roles.W
            y <-
                match roles.Y with
                | [] ->
                    if not (Array.contains "y" header) then
                        Fail.with' $"{at}: no target column given and no column is named 'y'; name the target column (--y on the command line, ColumnRoles' y in C#); available: {listNames header}"
                    [| resolve path header "y" (Name "y") |]
                | targets -> resolveAll "y" targets
            if u.Length = 0 then Fail.with' $"{at}: no u columns given; choose at least one of: {listNames header}"
            if u.Length <> v.Length then
                let names (cols: int[]) = cols |> Array.map (fun j -> $"'{show header.[j]}'") |> String.concat ", "
                Fail.with' $"{at}: u has {u.Length} columns ({names u}) but v has {v.Length} ({names v}); column j of u pairs with column j of v, so they need the same width"
            let roleOf = Array.concat [ u |> Array.map (fun j -> j, "u"); v |> Array.map (fun j -> j, "v")
                                        w |> Array.map (fun j -> j, "w"); y |> Array.map (fun j -> j, "y") ]
            for j, uses in roleOf |> Array.groupBy fst do
                if uses.Length > 1 then
                    let roleList = uses |> Array.map snd
                    let text = if Array.distinct roleList |> Array.length = 1 then $"given {uses.Length} times as {roleList.[0]}"
                               else $"used as both {roleList.[0]} and {roleList.[1]}"
                    Fail.with' $"{at}, column '{show header.[j]}': {text}; a column can have one role"
            inputs <- Array.concat [ u; v; w ]
            for j in Array.append inputs y do
                if String.IsNullOrWhiteSpace header.[j] then
                    Fail.with' $"{at}, column {j}: the header name is empty; every column used needs a name"
            match inputs |> Array.groupBy (fun j -> header.[j]) |> Array.tryFind (fun (_, js) -> js.Length > 1) with
            | Some (name, js) ->
                Fail.with' $"{at}, column '{show name}': positions {js.[0]} and {js.[1]} have the same name; a model needs distinct input names"
            | None -> ()
            symmetry <- Some (Symmetry.blocks u.Length w.Length)
            if labels.IsSome && y.Length <> 1 then Fail.with' $"{at}: a classifier takes one label column, {y.Length} were given"
            used <- if labels.IsSome then inputs else Array.append inputs y
            values <- Array.zeroCreate used.Length
        let x = ResizeArray<float>()
        let yValues = ResizeArray<float>()
        let mutable rows = 0
        let mutable dropped = 0
        let mutable firstLine = 1
        streamHashing hash path onHeader (fun record ->
            if rows = Array.MaxLength then Fail.with' $"'{path}' line {record.Line}: more than {Array.MaxLength} data rows"
            // A row is read whole before any of it is kept: a missing target must not leave its inputs behind.
            let label =
                match labels with
                | Some _ ->
                    let text = record.Fields.[y.[0]].Trim()
                    if isMissing text && not options.DropMissing then
                        Fail.with' $"'{path}' line {record.Line}, column '{show header.[y.[0]]}': the label is missing (use --drop-missing to skip such rows)"
                    if isMissing text then null else text
                | None -> ""
            if not (isNull label) && readCells options path header record used values then
                if rows = 0 then firstLine <- record.Line
                labels |> Option.iter (fun l -> l.Add label)
                for k in 0 .. inputs.Length - 1 do x.Add values.[k]
                for k in inputs.Length .. used.Length - 1 do yValues.Add values.[k]
                rows <- rows + 1
            else dropped <- dropped + 1)
        if rows < 2 && dropped > 0 then
            let left = if rows = 1 then "only 1 row is" else "no rows are"
            Fail.with' $"'{path}': {left} left after dropping {dropped} of {rows + dropped} rows with missing values; at least 2 are needed"
        if rows < 2 then
            let count = if rows = 1 then "only 1 data row" else "no data rows"
            Fail.with' $"'{path}' line {(if rows = 1 then firstLine else 1)}: {count} after the header; at least 2 are needed"
        symmetry.Value, (inputs |> Array.map (fun j -> header.[j])), (y |> Array.map (fun j -> header.[j])), x.ToArray(), yValues.ToArray(), dropped

    let private loadHashing (hash: Security.Cryptography.IncrementalHash option) (options: CsvReadOptions) (path: string) (roles: ColumnRoles) : LoadedCsv =
        let symmetry, inputNames, targetNames, x, y, dropped = readRoles hash options path roles None
        { Data = Dataset.create symmetry inputNames targetNames x y; DroppedRows = dropped }

    /// The rows of a CSV file for a classifier: inputs u, v, w as `loadWith` reads them, and the one target column
    /// (`roles.Y`, default the column named y) as text labels. Returns (symmetry, input names, inputs row-major,
    /// labels, label column name, rows dropped with `options.DropMissing`).
    /// Example: `Csv.loadLabelled CsvReadOptions.Default "pairs.csv" roles`.
    let loadLabelled (options: CsvReadOptions) (path: string) (roles: ColumnRoles) : Symmetry * string[] * float[] * string[] * string * int =
        let labels = ResizeArray<string>()
        let symmetry, inputNames, targetNames, x, _, dropped = readRoles None options path roles (Some labels)
        symmetry, inputNames, x, labels.ToArray(), targetNames.[0], dropped

    /// Loads a data set from a CSV file with a header row, taking u, v, w and y from the given columns, and
    /// with `options.DropMissing` skipping the rows with a missing value in one of them (counted in `DroppedRows`).
    /// Unused columns may hold anything (for example ids). Needs at least 2 data rows (kept ones).
    /// Raises `SeagullException` with a one-line message naming the file, line and column on any problem.
    /// Example: `Csv.loadWith { DropMissing = true } "data.csv" { U = Csv.parseColumnList "u1"; V = Csv.parseColumnList "v1"; W = []; Y = [] }`.
    let loadWith (options: CsvReadOptions) (path: string) (roles: ColumnRoles) : LoadedCsv = loadHashing None options path roles

    /// `loadWith` with every row read (a missing value is an error): the data set alone.
    /// Example: `Csv.load "data.csv" { U = Csv.parseColumnList "u1,u2"; V = Csv.parseColumnList "v1,v2"; W = []; Y = [] }`.
    let load (path: string) (roles: ColumnRoles) : Dataset = (loadWith CsvReadOptions.Default path roles).Data

    /// `loadWith`, and the SHA-256 of the file's bytes (lower-case hex), from the one read: a file that can be read
    /// only once (a pipe) is loaded and identified together.
    /// Example: `let loaded, sha = Csv.loadWithSha256 CsvReadOptions.Default "data.csv" roles`.
    let loadWithSha256 (options: CsvReadOptions) (path: string) (roles: ColumnRoles) : LoadedCsv * string =
        use hash = Security.Cryptography.IncrementalHash.CreateHash Security.Cryptography.HashAlgorithmName.SHA256
        let loaded = loadHashing (Some hash) options path roles
        loaded, Convert.ToHexStringLower(hash.GetHashAndReset())

    /// Rows read at a time by `openForModel`: enough to keep a forward pass busy, few enough to stay in the cache.
    let chunkRows = 4096

    /// The buffers of one chunk of `ModelRows`.
    [<Sealed>]
    type internal ChunkBuffers(rows: int, width: int, targetWidth: int) =
        member val X = Array.zeroCreate<float> (rows * width)
        member val Observed = Array.zeroCreate<float> (rows * targetWidth)
        member val Fields = Array.zeroCreate<string[]> rows
        member val Count = 0 with get, set

    /// A CSV file opened for a trained model, read chunk by chunk (`Next`): a file of any size is predicted or
    /// evaluated in memory that does not grow with it. Opening reads and checks the header (the model's input
    /// columns by name, the target columns as `loadForModel` finds them); each `Next` reads up to `ChunkRows` rows
    /// into buffers reused from chunk to chunk. Errors are `loadForModel`'s, naming the file, the line and the column.
    ///
    /// A row filter (such as training's `--drop-missing`, for predictions too) belongs in the chunk reader (`read`),
    /// between a record's width check and the parsing of its cells: a record it rejects is counted and not added to
    /// the chunk, and chunks stay full. Messages that name lines stay right; a caller numbering rows by their place
    /// in the chunks (`predict: row N`) would then count kept rows, so the filter should also keep each kept row's
    /// line (a `Lines` buffer beside `Fields`) for such messages to name.
    ///
    /// Example: `use rows = Csv.openForModel "new.csv" model.InputNames [] in while rows.Next CancellationToken.None do …`.
    [<Sealed>]
    type ModelRows internal (path: string, inputNames: string[], targets: ColumnRef list, chunkRows: int) =
        do if chunkRows < 1 then invalidArg (nameof chunkRows) $"chunks need at least 1 row, got {chunkRows}"
        let reader = CsvRecords.openTextHashing path None
        let records = CsvRecords.Reader(path, reader)
        // The header, checked before any data row is read; the file is closed again when it is wrong.
        let header, inputs, targetColumns =
            try
                match records.Next() with
                | ValueNone -> Fail.with' $"'{path}' line 1: the file is empty; a header row of column names is required"
                | ValueSome h ->
                    let header = h.Fields
                    checkHeader path header
                    let inputs = inputNames |> Array.map (fun n -> resolve path header "the model's input" (Name n))
                    let absent (r: ColumnRef) = match r with Name t -> not (Array.contains t header || Array.contains (t.Trim()) header) | Index _ -> false
                    let targetColumns =
                        if targets.IsEmpty || targets |> List.forall absent then None
                        else
                            Some [| for r in targets ->
                                      let j = resolve path header "the target" r
                                      if Array.contains j inputs then
                                          Fail.with' $"'{path}' line 1 (header), column '{show header.[j]}': it is one of the model's inputs, so it cannot be the target"
                                      j |]
                    // Each output is measured against a column of its own: one column for two would hide the second.
                    match targetColumns |> Option.bind (fun js -> js |> Array.countBy id |> Array.tryFind (fun (_, n) -> n > 1)) with
                    | Some (j, n) -> Fail.with' $"'{path}' line 1 (header), column '{show header.[j]}': given {n} times as a target; each output needs a column of its own"
                    | None -> ()
                    header, inputs, targetColumns
            with _ ->
                reader.Dispose()
                reraise ()
        let width = inputs.Length
        let targetWidth = targetColumns |> Option.map Array.length |> Option.defaultValue 0
        // Two sets of buffers: the caller works on one chunk while the next is read into the other.
        let buffers = Array.init 2 (fun _ -> ChunkBuffers(chunkRows, width, targetWidth))
        let mutable current = buffers.[0]
        let mutable pending: Threading.Tasks.Task<ChunkBuffers> = null
        let mutable firstRow = 0L
        let mutable rows = 0L
        let mutable ended = false

        // Reads up to `chunkRows` rows into `chunk` (on one thread at a time: the caller's for the first chunk, then
        // one task after the other).
        let read (chunk: ChunkBuffers) (cancel: Threading.CancellationToken) =
            chunk.Count <- 0
            while not ended && chunk.Count < chunkRows do
                cancel.ThrowIfCancellationRequested()
                match records.Next() with
                | ValueNone -> ended <- true
                | ValueSome record ->
                    checkWidth path header record
                    // (a row filter goes here: after the width check, before the cells are parsed)
                    let count = chunk.Count
                    let at = count * width
                    for k in 0 .. width - 1 do
                        chunk.X.[at + k] <- cell path header record inputs.[k]
                    let at = count * targetWidth
                    for k in 0 .. targetWidth - 1 do
                        chunk.Observed.[at + k] <- cell path header record targetColumns.Value.[k]
                    chunk.Fields.[count] <- record.Fields
                    chunk.Count <- count + 1
            chunk

        /// The file's path, as given.
        member _.Path = path
        /// The file's header, every column.
        member _.Header = Array.copy header
        /// True when the file has the target columns asked for (their values are in `Observed`).
        member _.HasTargets = targetColumns.IsSome
        /// The number of input columns read per row (the model's input names).
        member _.Width = width
        /// The number of target columns read (0 without targets).
        member _.TargetCount = targetWidth
        /// The most rows a chunk holds.
        member _.ChunkRows = chunkRows
        /// Rows in the current chunk.
        member _.Count = current.Count
        /// The 0-based number (among the file's data rows) of the current chunk's first row.
        member _.FirstRow = firstRow
        /// Data rows read so far, the current chunk's included.
        member _.RowsRead = rows
        /// The current chunk's inputs, row-major in the order of the model's input names: the first `Count` rows
        /// are this chunk's (the buffer is `ChunkRows` rows long, valid until the next `Next`).
        member _.Inputs = current.X
        /// The current chunk's target values, row-major (`TargetCount` per row), in the same way.
        member _.Observed = current.Observed
        /// The current chunk's rows' fields as written in the file, as wide as `Header`: the first `Count` are this chunk's.
        member _.Fields = current.Fields

        /// Moves to the next chunk of rows; false at the end of the file. While the caller works on it, the chunk
        /// after it is read on another thread; a bad record raises its error here, at the chunk it belongs to,
        /// one line naming the file, the line and the column (and at the end when the file has no data rows).
        /// `cancel` is looked at here and before every row read.
        member _.Next(cancel: Threading.CancellationToken) : bool =
            cancel.ThrowIfCancellationRequested()
            let chunk =
                match pending with
                | null -> read (if obj.ReferenceEquals(current, buffers.[0]) then buffers.[1] else buffers.[0]) cancel
                | task ->
                    pending <- null
                    task.GetAwaiter().GetResult() // the reader's own exception, as if it had been read here
            firstRow <- rows
            rows <- rows + int64 chunk.Count
            current <- chunk
            if ended && rows = 0L then Fail.with' $"'{path}' line 1: no data rows after the header"
            if not ended then
                let other = if obj.ReferenceEquals(chunk, buffers.[0]) then buffers.[1] else buffers.[0]
                pending <- Threading.Tasks.Task.Run(fun () -> read other cancel)
            chunk.Count > 0

        interface IDisposable with
            member _.Dispose() =
                // A chunk still being read is waited for (it reads at most `ChunkRows` rows), then the file is closed.
                match pending with
                | null -> ()
                | task ->
                    pending <- null
                    try task.Wait() with _ -> ()
                reader.Dispose()

    /// `openForModel` with chunks of `chunkRows` rows (the tests use small ones to cross chunk boundaries).
    let internal openForModelChunked (chunkRows: int) (path: string) (inputNames: string[]) (targets: ColumnRef list) : ModelRows =
        new ModelRows(path, inputNames, targets, chunkRows)

    /// Opens a CSV file for a trained model, to be read in chunks of `chunkRows` rows (`ModelRows`): the header is
    /// read and checked now, by the model's stored input names (in that order) and the targets as in `loadForModel`.
    /// Example: `use rows = Csv.openForModel "new.csv" model.InputNames [ Name "y" ]`.
    let openForModel (path: string) (inputNames: string[]) (targets: ColumnRef list) : ModelRows =
        openForModelChunked chunkRows path inputNames targets

    /// Loads the inputs a trained model needs, finding columns by the model's stored input names (in
    /// that order); the target columns are read when `targets` are given and in the file (names none of which
    /// is in the header give no targets; a position must exist; a column the model reads as an input is an
    /// error). Needs ≥ 1 data row. Keeps every row's fields as written, so predictions can be written next to them;
    /// a big file is better read in chunks (`openForModel`).
    /// Example: `let data = Csv.loadForModel "new.csv" [| "u1"; "v1" |] [ Name "y" ]`.
    let loadForModel (path: string) (inputNames: string[]) (targets: ColumnRef list) : PredictionInputs =
        use rows = openForModel path inputNames targets
        let x = ResizeArray<float>()
        let observed = ResizeArray<float>()
        let fields = ResizeArray<string[]>()
        while rows.Next Threading.CancellationToken.None do
            Collections.Generic.CollectionExtensions.AddRange(x, ReadOnlySpan(rows.Inputs, 0, rows.Count * inputNames.Length))
            Collections.Generic.CollectionExtensions.AddRange(observed, ReadOnlySpan(rows.Observed, 0, rows.Count * rows.TargetCount))
            Collections.Generic.CollectionExtensions.AddRange(fields, ReadOnlySpan(rows.Fields, 0, rows.Count))
        { Inputs = x.ToArray()
          RowCount = fields.Count
          Observed = if rows.HasTargets then Some (observed.ToArray()) else None
          Header = rows.Header
          Fields = fields.ToArray() }

    /// The names of the prediction columns written after a file's columns: "prediction" for one output,
    /// "prediction_NAME" per target for several, with "_1", "_2", … added to a name the file already has.
    /// Example: `Csv.predictionColumns [| "u"; "prediction" |] [| "y" |] = [| "prediction_1" |]`.
    let predictionColumns (header: string[]) (targetNames: string[]) : string[] =
        let names = ResizeArray<string>(header)
        for target in targetNames do
            let stem = if targetNames.Length = 1 then "prediction" else $"prediction_{target}"
            let mutable name = stem
            let mutable k = 1
            while names.Contains name do
                name <- $"{stem}_{k}"
                k <- k + 1
            names.Add name
        names.GetRange(header.Length, targetNames.Length).ToArray()

    let private quote (s: string) =
        let needs = s = "" || s.Trim() <> s || s.IndexOfAny [| ','; '"'; '\r'; '\n' |] >= 0
        if needs then quoted s else s

    /// Appends one CSV line to `text`: the fields (quoted when needed, as `writeText` does), then `count` numbers
    /// from `numbers` at `offset` in round-trip form; the line ends with '\n'.
    let internal appendLine (text: StringBuilder) (fields: string[]) (numbers: float[]) (offset: int) (count: int) =
        for j in 0 .. fields.Length - 1 do
            if j > 0 then text.Append ',' |> ignore
            text.Append(quote fields.[j]) |> ignore
        for k in 0 .. count - 1 do
            if fields.Length > 0 || k > 0 then text.Append ',' |> ignore
            text.Append(quote (numbers.[offset + k].ToString("R", CultureInfo.InvariantCulture))) |> ignore
        text.Append '\n' |> ignore

    let private checkColumns (headers: string[]) (columns: float[][]) =
        if headers.Length = 0 then Fail.with' "nothing to write: no columns"
        if headers.Length <> columns.Length then
            Fail.with' $"{headers.Length} headers for {columns.Length} columns"
        let rows = columns.[0].Length
        columns |> Array.iteri (fun j c ->
            if c.Length <> rows then
                Fail.with' $"column '{show headers.[j]}' has {c.Length} values, column '{show headers.[0]}' has {rows}")

    // Row by row into `out`: a big file is streamed, never held as one string.
    let private writeColumnsTo (out: TextWriter) (headers: string[]) (columns: float[][]) =
        out.Write(headers |> Array.map quote |> String.concat ",")
        out.Write '\n'
        for i in 0 .. columns.[0].Length - 1 do
            for j in 0 .. columns.Length - 1 do
                if j > 0 then out.Write ','
                out.Write(columns.[j].[i].ToString("R", CultureInfo.InvariantCulture))
            out.Write '\n'

    /// CSV text of columns under headers: numbers in round-trip form ("R", invariant culture), so
    /// reading back gives the same bits; headers quoted when needed.
    /// Example: `Csv.columnsText [| "y" |] [| [| 1.5 |] |] = "y\n1.5\n"`.
    let columnsText (headers: string[]) (columns: float[][]) : string =
        checkColumns headers columns
        use text = new StringWriter(CultureInfo.InvariantCulture)
        writeColumnsTo text headers columns
        text.ToString()

    /// Writes columns under headers to `path` atomically (the text of `columnsText`, streamed).
    /// Example: `Csv.writeColumns "pred.csv" [| "y"; "prediction" |] [| y; predictions |]`.
    let writeColumns (path: string) (headers: string[]) (columns: float[][]) : unit =
        try checkColumns headers columns
        with :? SeagullException as e -> Fail.with' $"'{path}': {e.Message}"
        AtomicFile.writeText path (fun out -> writeColumnsTo out headers columns)

    /// Writes rows of text fields under headers to `path` atomically, quoting fields when needed.
    /// Example: `Csv.writeText "out.csv" [| "id"; "prediction" |] [| [| "a"; "0.5" |] |]`.
    let writeText (path: string) (headers: string[]) (rows: string[][]) : unit =
        if headers.Length = 0 then Fail.with' $"'{path}': nothing to write: no columns"
        rows |> Array.iteri (fun i row ->
            if row.Length <> headers.Length then
                Fail.with' $"'{path}': row {i + 1} has {row.Length} fields for {headers.Length} headers")
        AtomicFile.writeText path (fun out ->
            out.Write(headers |> Array.map quote |> String.concat ",")
            out.Write '\n'
            for row in rows do
                out.Write(row |> Array.map quote |> String.concat ",")
                out.Write '\n')

    // A data set's headers and columns: its inputs, then its targets.
    let private datasetColumns (ds: Dataset) =
        Array.append ds.InputNames ds.TargetNames,
        Array.append (Array.init (Dataset.inputWidth ds) (Dataset.column ds)) (Array.init (Dataset.targets ds) (Dataset.target ds))

    /// A data set as CSV text: its input columns, then its targets; `load` reads it back exactly.
    /// Example: `Csv.toText (Targets.generate (Targets.find "angle") (Random.key 0) 10)`.
    let toText (ds: Dataset) : string = datasetColumns ds ||> columnsText

    /// Writes a data set (its input columns, then its targets) atomically; `load` reads it back exactly.
    /// Example: `Csv.write "train.csv" (Targets.generate (Targets.find "angle") (Random.key 0) 1000)`.
    let write (path: string) (ds: Dataset) : unit = datasetColumns ds ||> writeColumns path
