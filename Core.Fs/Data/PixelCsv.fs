namespace Seagull.Core

open System
open System.Globalization

/// Images in a CSV file, one per row, as Kaggle's Fashion-MNIST CSVs come (`label,pixel1,…,pixel784`): a header
/// row, then a row per image whose every column except the label column is a pixel value in [0, 255].
module internal PixelCsv =
    let private show = CsvRecords.show

    /// The position of the label column in the header, or a one-line error.
    let private labelIndex (file: string) (header: string[]) (column: string) : int =
        let at = $"'{file}' line 1 (header)"
        let byName (name: string) =
            match header |> Array.indexed |> Array.filter (fun (_, h) -> h = name) with
            | [| j, _ |] -> Some j
            | [||] -> None
            | hits -> Fail.with' $"{at}, column '{show name}': the name appears {hits.Length} times; rename one or refer to it by index"
        match byName (column.Trim()) with
        | Some j -> j
        | None ->
            match ColumnRef.parse column with
            | Index i when i < header.Length -> i
            | Index i -> Fail.with' $"{at}: label column index {i} is out of range; the file has {header.Length} columns (indices 0–{header.Length - 1})"
            | Name name ->
                let shown = header |> Array.truncate 5 |> Array.map (fun h -> $"'{show h}'") |> String.concat ", "
                let more = if header.Length > 5 then ", …" else ""
                Fail.with' $"{at}, column '{show name}': no such label column; the columns are {shown}{more}"

    /// A pixel value: 1 to 3 digits read directly (the common case), any other number parsed; it must lie in [0, 255].
    let private pixel (text: string) (fail: string -> float32) : float32 =
        let n = text.Length
        if n >= 1 && n <= 3 && Char.IsAsciiDigit text.[0] && (n < 2 || Char.IsAsciiDigit text.[1]) && (n < 3 || Char.IsAsciiDigit text.[2]) then
            let mutable v = 0
            for k in 0 .. n - 1 do v <- v * 10 + int text.[k] - int '0'
            if v > 255 then fail $"{v} is outside 0–255" else ImageInput.scale (byte v)
        else
            match Double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture) with
            | true, v when Double.IsFinite v && text.IndexOf '\000' < 0 ->
                if v < 0.0 || v > 255.0 then fail $"{Fail.number v} is outside 0–255"
                else float32 v / ImageInput.pixelScale
            | _ when String.IsNullOrWhiteSpace text -> fail "the cell is empty; a pixel value 0–255 is needed"
            | _ -> fail $"'{show (text.Replace('\000', '?'))}' is not a number; a pixel value 0–255 is needed"

    /// The class names and indices of text labels: all non-negative integers give "0" .. "K−1", anything else
    /// the distinct labels sorted (ordinal).
    let private classes (labels: string[]) : int[] * string[] =
        let asInteger (s: string) =
            match Int32.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture) with
            | true, v -> Some v
            | _ -> None
        let numbers = labels |> Array.map asInteger
        if numbers |> Array.forall Option.isSome then
            let indices = numbers |> Array.map Option.get
            indices, ImageInput.numberedClasses indices
        else
            let names = labels |> Array.distinct |> Array.sortWith (fun a b -> String.CompareOrdinal(a, b))
            let index = names |> Array.mapi (fun k n -> n, k) |> dict
            labels |> Array.map (fun l -> index.[l]), names

    /// The images of a CSV file (see `Images.readCsv`) and the names of its pixel columns, in order.
    let readNamed (file: string) (width: int) (height: int) (channels: int) (labelColumn: string option) : ImageSet * string[] =
        let size = ImageInput.imageSize $"'{file}'" width height channels
        use reader = CsvRecords.openTextHashing file None
        let records = CsvRecords.Reader(file, reader)
        let header =
            match records.Next() with
            | ValueSome h -> h.Fields
            | ValueNone -> Fail.with' $"'{file}' line 1: the file is empty; a header row of column names is required"
        let isNumber (s: string) = fst (Double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture))
        if header |> Array.forall isNumber then
            Fail.with' $"'{file}' line 1, column '{show header.[0]}': the first row holds numbers, but a header row of column names is required"
        let label = labelColumn |> Option.map (labelIndex file header)
        let columns = [| for j in 0 .. header.Length - 1 do if Some j <> label then yield j |]
        if columns.Length <> size then
            let hint =
                if label.IsNone && columns.Length = size + 1 then " (is one of them a label column? name it)"
                else ""
            let labelled = if label.IsSome then " besides the label column" else ""
            Fail.with' $"'{file}' line 1 (header): {columns.Length} pixel columns{labelled}, but {width}×{height}×{channels} images need {size}{hint}"
        let pixels = ResizeArray<float32>()
        let labels = ResizeArray<string>()
        let mutable count = 0
        let mutable next = records.Next()
        while next.IsSome do
            let record = next.Value
            let fields = record.Fields
            if fields.Length <> header.Length then
                Fail.with' $"'{file}' line {record.Line} (image {count}) has {fields.Length} fields, the header has {header.Length}"
            if int64 (count + 1) * int64 size > int64 Array.MaxLength then
                Fail.with' $"'{file}' line {record.Line}: more images of {size} values than an array holds"
            for j in columns do
                let fail (problem: string) : float32 = Fail.with' $"'{file}' line {record.Line} (image {count}), column '{show header.[j]}': {problem}"
                pixels.Add(pixel fields.[j] fail)
            match label with
            | Some j ->
                let text = fields.[j]
                if String.IsNullOrWhiteSpace text then
                    Fail.with' $"'{file}' line {record.Line} (image {count}), column '{show header.[j]}': the label is empty"
                labels.Add text
            | None -> ()
            count <- count + 1
            next <- records.Next()
        if count = 0 then Fail.with' $"'{file}': no image rows after the header"
        let labelIndices, classNames =
            match label with
            | Some _ -> let indices, names = classes (labels.ToArray()) in Some indices, names
            | None -> None, [||]
        { Width = width; Height = height; Channels = channels; Pixels = pixels.ToArray(); Count = count
          Labels = labelIndices; ClassNames = classNames; Names = ImageInput.indexNames count },
        columns |> Array.map (fun j -> header.[j])

    /// The images of a CSV file (see `Images.readCsv`).
    let read (file: string) (width: int) (height: int) (channels: int) (labelColumn: string option) : ImageSet =
        fst (readNamed file width height channels labelColumn)

    /// The pixel columns of a header, for a model whose inputs are `inputNames`: those columns by name when the
    /// header holds each once (a model trained on this kind of file keeps its column names), else — a model
    /// named pixel1 … pixelN by older Seagull, or trained on another source — every column but one named `label`,
    /// by position, as `read` takes a file.
    let private modelColumns (file: string) (header: string[]) (inputNames: string[]) : int[] =
        let once (name: string) = match header |> Array.indexed |> Array.filter (fun (_, h) -> h = name) with [| j, _ |] -> j | _ -> -1
        let byName = inputNames |> Array.map once
        if byName |> Array.forall (fun j -> j >= 0) then byName
        else
            let columns = [| for j in 0 .. header.Length - 1 do if header.[j].Trim() <> "label" then yield j |]
            if columns.Length <> inputNames.Length then
                let names = if inputNames.Length > 3 then $"{inputNames.[0]}, {inputNames.[1]}, …, {inputNames.[inputNames.Length - 1]}" else String.Join(", ", inputNames)
                Fail.with' $"'{file}' line 1 (header): neither the model's pixel columns ({names}) nor {inputNames.Length} pixel columns besides a 'label' column, but {columns.Length}"
            columns

    /// Streams a pixel CSV for a model whose inputs are `inputNames` (pixel values 0–255, scaled as `read` scales
    /// them): `onHeader` gets the header, then `onChunk fields pixels count` gets up to `chunk` rows at a time —
    /// each row's fields as written and its pixels in the model's order, as float64 of the reader's float32.
    /// Returns the number of rows. Errors are one line naming the file, line and column.
    let streamForModel (file: string) (inputNames: string[]) (chunk: int) (onHeader: string[] -> unit) (onChunk: string[][] -> float[] -> int -> unit) : int64 =
        use reader = CsvRecords.openTextHashing file None
        let records = CsvRecords.Reader(file, reader)
        let header =
            match records.Next() with
            | ValueSome h -> h.Fields
            | ValueNone -> Fail.with' $"'{file}' line 1: the file is empty; a header row of column names is required"
        let columns = modelColumns file header inputNames
        onHeader header
        let width = columns.Length
        let fields = Array.zeroCreate<string[]> chunk
        let pixels = Array.zeroCreate<float> (chunk * width)
        let mutable count = 0
        let mutable total = 0L
        let mutable next = records.Next()
        while next.IsSome do
            let record = next.Value
            if record.Fields.Length <> header.Length then
                Fail.with' $"'{file}' line {record.Line} (image {total}) has {record.Fields.Length} fields, the header has {header.Length}"
            for k in 0 .. width - 1 do
                let j = columns.[k]
                let fail (problem: string) : float32 = Fail.with' $"'{file}' line {record.Line} (image {total}), column '{show header.[j]}': {problem}"
                pixels.[count * width + k] <- float (pixel record.Fields.[j] fail)
            fields.[count] <- record.Fields
            count <- count + 1
            total <- total + 1L
            if count = chunk then
                onChunk fields pixels count
                count <- 0
            next <- records.Next()
        if count > 0 then onChunk fields pixels count
        if total = 0L then Fail.with' $"'{file}': no image rows after the header"
        total
