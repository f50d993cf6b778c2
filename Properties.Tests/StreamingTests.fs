module Seagull.Tests.StreamingTests

// Predicting and evaluating CSV files chunk by chunk (`Csv.openForModel`, `Regressor.writePredictions`,
// `Evaluation.evaluateRows`): the bytes and bits of the in-memory path, the same errors, and cancellation that
// leaves no file.

open System
open System.Globalization
open System.IO
open System.Text
open System.Threading
open Xunit
open FsCheck
open FsCheck.FSharp
open FsCheck.Xunit
open Seagull.Core
open Seagull.Testing

let private folder = Path.Combine(Path.GetTempPath(), "seagull-streaming-tests", Guid.NewGuid().ToString "N")
let private pathOf (name: string) = Directory.CreateDirectory folder |> ignore; Path.Combine(folder, name)
let private write (name: string) (text: string) = let p = pathOf name in File.WriteAllText(p, text); p

let private fixture (name: string) = Path.Combine(AppContext.BaseDirectory, "Fixtures", "format1", name)
let private r (x: float) = x.ToString("R", CultureInfo.InvariantCulture)
let private bits (x: float) = Checks.bits x

/// A float32 model of nine inputs u1…w3 and one target y (a fixture: no training needed).
let private oneOutput = lazy (ModelFile.load (fixture "mlp.json"))

/// A float64 model of two targets ("distance", "energy") on inputs u1, u2, v1, v2, w1, learnt in a few epochs.
let private twoOutputs =
    lazy (
        let s = Symmetry.blocks 2 1
        let x = Random.uniforms (Random.key 31) (300 * 5) -1.0 1.0
        let y = Array.init 300 (fun i -> [| (x.[5 * i] - x.[5 * i + 2]) ** 2.0; 1000.0 * x.[5 * i + 4] * x.[5 * i + 1] + 50.0 |]) |> Array.concat
        let data = Dataset.create s (Symmetry.defaultNames s) [| "distance"; "energy" |] x y
        let spec = Architectures.mlp s { Architectures.options [ 8 ] [ Activation.tanh ] with Outputs = 2; Precision = Float64 }
        fst (Regressor.fit spec { Regressor.defaults with Training = { Train.defaults with Epochs = 3 } } data))

/// A field as a person might write it: numbers in several spellings, text that needs quotes.
let private spell (rng: Random) (v: float) =
    match rng.Next 6 with
    | 0 -> r v
    | 1 -> v.ToString("E3", CultureInfo.InvariantCulture)
    | 2 -> $"  {r v} "                         // spaces around an unquoted number are trimmed
    | 3 -> $"\"{r v}\""                        // a quoted number
    | 4 -> v.ToString("0.0###", CultureInfo.InvariantCulture)
    | _ -> if v >= 0.0 then "+" + r v else r v

let private notes = [| "plain"; "with, comma"; "say \"hi\""; "two\nlines"; "  padded  "; ""; "É café"; "trailing " |]

let private quoteIfNeeded (s: string) =
    if s = "" || s.Trim() <> s || s.IndexOfAny [| ','; '"'; '\r'; '\n' |] >= 0 then "\"" + s.Replace("\"", "\"\"") + "\"" else s

/// A CSV file for a model with inputs `names`: an id, a note and extra columns around the inputs, in `rows` rows;
/// `extra` header names (say, "prediction") are columns of text.
let private dataFile (name: string) (seed: int) (rows: int) (names: string[]) (extra: string[]) (newline: string) =
    let rng = Random seed
    let header = Array.concat [ [| "id" |]; names.[.. 1]; [| "note" |]; names.[2 ..]; extra ]
    let text = StringBuilder()
    text.Append(header |> Array.map quoteIfNeeded |> String.concat ",").Append(newline) |> ignore
    for i in 0 .. rows - 1 do
        if rng.Next 50 = 0 then text.Append(newline) |> ignore // a blank line is skipped
        let number () = spell rng (rng.NextDouble() * 4.0 - 2.0)
        let fields =
            Array.concat [ [| quoteIfNeeded $"row {i}, {notes.[i % notes.Length]}" |]
                           Array.init 2 (fun _ -> number ())
                           [| quoteIfNeeded notes.[rng.Next notes.Length] |]
                           Array.init (names.Length - 2) (fun _ -> number ())
                           extra |> Array.map (fun _ -> quoteIfNeeded notes.[rng.Next notes.Length]) ]
        text.Append(String.concat "," fields).Append(newline) |> ignore
    write name (text.ToString())

/// A CSV file of one record a line and no quotes: an id, then the inputs `names` (so the line of row i is i + 2).
let private plainFile (name: string) (seed: int) (rows: int) (names: string[]) =
    let rng = Random seed
    let lines = Array.init rows (fun i -> $"r{i}," + String.Join(",", Array.init names.Length (fun _ -> r (rng.NextDouble() * 4.0 - 2.0))))
    write name (String.Join("\n", Array.append [| "id," + String.Join(",", names) |] lines) + "\n")

/// Today's names of the prediction columns (PredictTable's loop before the core had `predictionColumns`).
let private namesBefore (header: string[]) (targets: string[]) =
    let headers = Collections.Generic.List<string>(header)
    for target in targets do
        let stem = if targets.Length = 1 then "prediction" else $"prediction_{target}"
        let mutable name = stem
        let mutable k = 1
        while headers.Contains name do
            name <- $"{stem}_{k}"
            k <- k + 1
        headers.Add name
    headers.ToArray()

/// The in-memory path: every row loaded, predicted at once, the whole table written with `Csv.writeText`.
let private inMemory (model: Model) (path: string) : byte[] =
    let inputs = Csv.loadForModel path model.InputNames []
    let p = Regressor.predict model inputs.Inputs
    let outputs = model.TargetNames.Length
    let rows = inputs.Fields |> Array.mapi (fun i f -> Array.append f (Array.init outputs (fun o -> r p.[i * outputs + o])))
    let out = pathOf $"{Path.GetFileNameWithoutExtension path}.in-memory.csv"
    Csv.writeText out (namesBefore inputs.Header model.TargetNames) rows
    File.ReadAllBytes out

let private streamedToText (chunk: int) (model: Model) (path: string) =
    use rows = Csv.openForModelChunked chunk path model.InputNames []
    use text = new StringWriter(CultureInfo.InvariantCulture)
    let n = Regressor.writePredictions model rows text CancellationToken.None
    n, text.ToString()

let private utf8 = UTF8Encoding(false)

// ---- the record reader ----------------------------------------------------------------------------------

[<Fact>]
let ``the record reader gives the records iter gives, one at a time`` () =
    let texts =
        [ "a,b\n1,2\n"; "a,b\r\n1,2\r\n\r\n3,4"; "a\n\"x\ny\",\n\n\"\"\n"; "h1,h2\n\"q \"\"1\"\"\" , 2 \n3,\"4\r\n5\"\n"; "only"; "" ]
    for text in texts do
        let viaIter = ResizeArray<CsvRecords.Record>()
        CsvRecords.iter "t.csv" (new StringReader(text)) viaIter.Add
        let reader = CsvRecords.Reader("t.csv", new StringReader(text))
        let viaNext = ResizeArray<CsvRecords.Record>()
        let mutable go = true
        while go do
            match reader.Next() with
            | ValueSome record -> viaNext.Add record
            | ValueNone -> go <- false
        Assert.Equal<CsvRecords.Record list>(List.ofSeq viaIter, List.ofSeq viaNext)
        Assert.True((reader.Next()).IsNone) // and stays at the end
    // its errors are iter's: file, line and column
    let bad = CsvRecords.Reader("bad.csv", new StringReader("a,b\n1,\"2\" x\n"))
    bad.Next() |> ignore
    Checks.expectOneLineError [ "'bad.csv' line 2, column 'b'"; "after a closing quote" ] (fun () -> bad.Next()) |> ignore

// ---- predictions: the bytes of the in-memory path -------------------------------------------------------

[<Fact>]
let ``streamed predictions are the bytes of the in-memory table, across chunk sizes and row counts`` () =
    let one = oneOutput.Value
    let two = twoOutputs.Value
    let cases =
        [ for rows in [ 1; 2; 3; 4; 7; 256; 257; 4095; 4096; 4097; 9000 ] -> one, rows, [||], "\n" ]
        @ [ one, 50, [| "prediction"; "prediction_1" |], "\r\n"      // names the file already has
            two, 1, [||], "\n"
            two, 300, [| "prediction_energy" |], "\n"
            two, 5000, [| "prediction_distance"; "prediction_distance_1"; "prediction" |], "\r\n" ]
    for model, rows, extra, newline in cases do
        let path = dataFile $"data-{model.TargetNames.Length}-{rows}-{extra.Length}.csv" rows rows model.InputNames extra newline
        let expected = inMemory model path
        for chunk in [ 1; 3; 256; Csv.chunkRows ] do
            if chunk = Csv.chunkRows || rows <= 300 then
                let n, text = streamedToText chunk model path
                Assert.Equal(int64 rows, n)
                Assert.True((expected = utf8.GetBytes text), $"{rows} rows, {extra.Length} extra columns, chunks of {chunk}: the text differs")
        // to a file, atomically
        let out = pathOf "streamed.csv"
        Assert.Equal(int64 rows, Regressor.predictCsv model path out CancellationToken.None)
        Assert.Equal<byte[]>(expected, File.ReadAllBytes out)
        Assert.Equal(int64 rows, Regressor.predictCsvWith 7 ignore model path out CancellationToken.None)
        Assert.Equal<byte[]>(expected, File.ReadAllBytes out)

[<Theory>]
[<InlineData("mlp")>]
[<InlineData("split")>]
[<InlineData("split-odd")>]
[<InlineData("pooled")>]
[<InlineData("pooled-sum-f64")>]
[<InlineData("symmetrized-f64")>]
let ``streamed predictions of a format-1 fixture are its stored predictions file, byte for byte`` (name: string) =
    let model = ModelFile.load (fixture $"{name}.json")
    for chunk in [ 3; Csv.chunkRows ] do
        let n, text = streamedToText chunk model (fixture $"{name}.data.csv")
        Assert.Equal(40L, n)
        Assert.Equal<byte[]>(File.ReadAllBytes(fixture $"{name}.predictions.csv"), utf8.GetBytes text)

[<Fact>]
let ``the prediction columns are named as before`` () =
    let cases =
        [ [| "u" |], [| "y" |]
          [| "u"; "prediction" |], [| "y" |]
          [| "prediction"; "prediction_1"; "prediction_3" |], [| "y" |]
          [| "u" |], [| "a"; "b" |]
          [| "prediction_a"; "prediction_a_1"; "prediction_b_2" |], [| "a"; "b" |]
          // a target whose column name is another's: the second one's name is taken by then
          [| "x" |], [| "a"; "a_1" |] ]
    for header, targets in cases do
        Assert.Equal<string[]>((namesBefore header targets).[header.Length ..], Csv.predictionColumns header targets)
    Assert.Equal<string[]>([| "prediction_1" |], Csv.predictionColumns [| "u"; "prediction" |] [| "y" |])

// ---- predictions: errors ----------------------------------------------------------------------------------

[<Fact>]
let ``a bad cell in a later chunk is the in-memory error, naming the file, the line and the column`` () =
    let model = oneOutput.Value
    let good = File.ReadAllLines(plainFile "clean.csv" 5 20 model.InputNames)
    // line 14: u3 is not a number; line 18: a row that is too short
    let lines = good |> Array.mapi (fun i l ->
        if i = 13 then (let f = l.Split ',' in f.[3] <- "1.5x"; String.Join(",", f))
        elif i = 17 then l.Substring(0, l.LastIndexOf ',')
        else l)
    let bad = write "bad-cell.csv" (String.Join("\n", lines) + "\n")
    let expected = Checks.expectOneLineError [ $"'{bad}' line 14, column 'u3'"; "'1.5x' is not a number" ] (fun () -> Csv.loadForModel bad model.InputNames [])
    let out = pathOf "bad-cell.predictions.csv"
    for chunk in [ 1; 4; 13; 14; Csv.chunkRows ] do
        Assert.Equal(expected, Checks.expectOneLineError [] (fun () -> streamedToText chunk model bad))
        Assert.Equal(expected, Checks.expectOneLineError [] (fun () -> Regressor.predictCsvWith chunk ignore model bad out CancellationToken.None))
        Assert.False(File.Exists out)
    let short = write "short.csv" (String.Join("\n", lines |> Array.mapi (fun i l -> if i = 13 then good.[13] else l)) + "\n")
    let expected = Checks.expectOneLineError [ $"'{short}' line 18 has 9 fields, the header has 10" ] (fun () -> Csv.loadForModel short model.InputNames [])
    Assert.Equal(expected, Checks.expectOneLineError [] (fun () -> streamedToText 5 model short))
    // the header: errors before any output is begun
    let noColumn = write "no-column.csv" "id,u1\nx,1\n"
    Checks.expectOneLineError [ $"'{noColumn}' line 1 (header), column 'u2'"; "no such column" ] (fun () -> Regressor.predictCsv model noColumn out CancellationToken.None) |> ignore
    Assert.False(File.Exists out)
    let empty = write "header-only.csv" "id,u1,u2,u3,v1,v2,v3,w1,w2,w3\n"
    Checks.expectOneLineError [ $"'{empty}' line 1: no data rows after the header" ] (fun () -> Regressor.predictCsv model empty out CancellationToken.None) |> ignore
    Assert.False(File.Exists out)
    Assert.Empty(Directory.GetFiles(folder, "*.tmp"))

[<Fact>]
let ``a row the network cannot represent is named by its row in the whole file`` () =
    let model = oneOutput.Value // float32
    let lines = File.ReadAllLines(plainFile "overflow.csv" 6 30 model.InputNames)
    // row 23 (line 24): an input beyond float32 once standardised
    let f = lines.[23].Split ','
    f.[1] <- "1e300"
    lines.[23] <- String.Join(",", f)
    let path = write "overflow.csv" (String.Join("\n", lines) + "\n")
    let expected =
        Checks.expectOneLineError [ "predict: row 23, column 'u1' (1E+300) overflows float32" ] (fun () ->
            Regressor.predict model (Csv.loadForModel path model.InputNames []).Inputs)
    for chunk in [ 1; 5; 22; 23; 24; Csv.chunkRows ] do
        Assert.Equal(expected, Checks.expectOneLineError [] (fun () -> streamedToText chunk model path))
    let out = pathOf "overflow.predictions.csv"
    Assert.Equal(expected, Checks.expectOneLineError [] (fun () -> Regressor.predictCsvWith 5 ignore model path out CancellationToken.None))
    Assert.False(File.Exists out)
    // the errors come in file order, though the next chunk is read while one is predicted: an overflow in the chunk
    // of rows 21–25 before a bad cell in the next one, a bad cell in an earlier chunk before the overflow
    let withBadCell (line: int) =
        write $"overflow-and-bad-cell-{line}.csv" (String.Join("\n", lines |> Array.mapi (fun i l -> if i = line - 1 then l.Replace(",", ",x") else l)) + "\n")
    let later = withBadCell 28
    Assert.Equal(expected, Checks.expectOneLineError [] (fun () -> streamedToText 5 model later))
    let earlier = withBadCell 21
    Checks.expectOneLineError [ $"'{earlier}' line 21, column 'u1'" ] (fun () -> streamedToText 5 model earlier) |> ignore
    // evaluate names it the same way
    let withY = write "overflow-y.csv" (String.Join("\n", lines |> Array.mapi (fun i l -> if i = 0 then l + ",y" else l + ",0.5")) + "\n")
    Assert.Contains("predict: row 23, column 'u1'", Checks.expectOneLineError [] (fun () ->
        use rows = Csv.openForModelChunked 5 withY model.InputNames [ Name "y" ]
        Evaluation.evaluateRows model rows CancellationToken.None))

// ---- predictions: cancellation ------------------------------------------------------------------------------

[<Fact>]
let ``cancelling stops within a chunk and leaves no file, an existing one as it was`` () =
    let model = oneOutput.Value
    let path = plainFile "cancel.csv" 7 100 model.InputNames
    let out = write "cancel.predictions.csv" "the user's earlier file"
    // cancelled after the second chunk of 10 rows: the third stops at its first row
    use cancel = new CancellationTokenSource()
    let after = ResizeArray<int64>()
    Assert.ThrowsAny<OperationCanceledException>(fun () ->
        Regressor.predictCsvWith 10 (fun n -> after.Add n; if n = 20L then cancel.Cancel()) model path out cancel.Token |> ignore) |> ignore
    Assert.Equal<int64 list>([ 10L; 20L ], List.ofSeq after)
    Assert.Equal("the user's earlier file", File.ReadAllText out)
    let fresh = pathOf "cancel.new.csv"
    Assert.ThrowsAny<OperationCanceledException>(fun () -> Regressor.predictCsv model path fresh cancel.Token |> ignore) |> ignore
    Assert.False(File.Exists fresh)
    Assert.Empty(Directory.GetFiles(folder, "*.tmp"))
    // to a writer: what was written is whole chunks, the ones before the cancellation
    use cancel = new CancellationTokenSource()
    let text = new StringWriter(CultureInfo.InvariantCulture)
    let writer =
        { new TextWriter() with
            member _.Encoding = text.Encoding
            member _.Write(c: char) = text.Write c
            member _.Write(s: StringBuilder) = text.Write s; cancel.Cancel() }
    use rows = Csv.openForModelChunked 10 path model.InputNames []
    Assert.ThrowsAny<OperationCanceledException>(fun () -> Regressor.writePredictions model rows writer cancel.Token |> ignore) |> ignore
    Assert.Equal(10L, rows.RowsRead) // the second chunk stopped at its first row
    let expected = utf8.GetString(inMemory model path).Split('\n')
    Assert.Equal(String.Join("\n", expected.[.. 10]) + "\n", text.ToString())

// ---- evaluate: the bits of the in-memory metrics -------------------------------------------------------------

/// Every number of a `Metrics` as bits, and its names.
let private metricsBits (m: Metrics) =
    [ yield $"N {m.N}"
      yield $"StandardizedMse {bits m.StandardizedMse}"
      yield $"StandardizedInvarianceError {bits m.StandardizedInvarianceError}"
      for t in m.Targets do
          yield $"{t.Name}: {bits t.Mse} {bits t.StandardizedMse} {bits t.Rmse} {bits t.R2} {bits t.InvarianceError}" ]

[<Fact>]
let ``streamed evaluation has the bits of the in-memory one, across chunk sizes`` () =
    for model in [ oneOutput.Value; twoOutputs.Value ] do
        let targets = model.TargetNames
        for rows in [ 1; 2; 5; 300; 4097 ] do
            // the targets: the model's own predictions plus noise (so R² is neither 1 nor meaningless)
            let rng = Random rows
            let source = plainFile $"eval-{targets.Length}-{rows}.csv" rows rows model.InputNames
            let inputs = Csv.loadForModel source model.InputNames []
            let p = Regressor.predict model inputs.Inputs
            let y = p |> Array.map (fun v -> v + rng.NextDouble() - 0.5)
            let lines = File.ReadAllLines source
            let path =
                write $"eval-y-{targets.Length}-{rows}.csv"
                    (String.Join("\n", lines |> Array.mapi (fun i l ->
                        if i = 0 then l + "," + String.Join(",", targets)
                        else l + "," + String.Join(",", Array.init targets.Length (fun t -> r y.[(i - 1) * targets.Length + t]))))
                     + "\n")
            let data = Dataset.create model.Spec.Symmetry model.InputNames targets (Csv.loadForModel path model.InputNames []).Inputs y
            let expected = metricsBits (Evaluation.evaluate model data)
            for chunk in [ 1; 3; 256; Csv.chunkRows ] do
                use stream = Csv.openForModelChunked chunk path model.InputNames (targets |> Array.map Name |> List.ofArray)
                Assert.Equal<string list>(expected, metricsBits (Evaluation.evaluateRows model stream CancellationToken.None))
            Assert.Equal<string list>(expected, metricsBits (Evaluation.evaluateCsv model path [] CancellationToken.None))

[<Fact>]
let ``streamed evaluation needs the targets and stops when cancelled`` () =
    let model = oneOutput.Value
    let path = plainFile "no-y.csv" 8 20 model.InputNames
    Checks.expectOneLineError [ $"'{path}' line 1 (header): no target column" ] (fun () -> Evaluation.evaluateCsv model path [] CancellationToken.None) |> ignore
    use cancel = new CancellationTokenSource()
    cancel.Cancel()
    Assert.ThrowsAny<OperationCanceledException>(fun () -> Evaluation.evaluateCsv model path [ Name "id" ] cancel.Token |> ignore) |> ignore

/// `targetMetrics` as it was before the metrics were gathered row by row: the reference the streamed sums must match.
let private targetMetricsBefore (scale: float) (prediction: float[]) (y: float[]) =
    let meanSquaredError (prediction: float[]) (y: float[]) =
        Array.fold2 (fun acc (p: float) (y: float) -> acc + (p - y) * (p - y)) 0.0 prediction y / float y.Length
    let sumInScale (scale: float) (values: float[]) (centre: int -> float) =
        let mutable acc = 0.0
        for i in 0 .. values.Length - 1 do
            let d = (values.[i] - centre i) / scale
            acc <- acc + d * d
        acc
    let trustworthy (mse: float) (prediction: float[]) (y: float[]) = Double.IsNormal mse || (mse = 0.0 && prediction = y)
    let standardized (scale: float) (prediction: float[]) (y: float[]) (mse: float) =
        let q = mse / (scale * scale)
        if Double.IsFinite q && trustworthy mse prediction y then q
        else sumInScale scale prediction (fun i -> y.[i]) / float y.Length
    let n = float y.Length
    let mse = meanSquaredError prediction y
    let mean = Array.average y
    let variance = y |> Array.averageBy (fun v -> (v - mean) * (v - mean))
    let r2 =
        if trustworthy mse prediction y && Double.IsNormal variance && Double.IsFinite mean then 1.0 - mse / variance
        elif y |> Array.forall (fun v -> v = y.[0]) then Double.NaN
        else
            let scaledMean = (y |> Array.sumBy (fun v -> v / scale)) / n
            let spread = y |> Array.sumBy (fun v -> let d = v / scale - scaledMean in d * d)
            if spread > 0.0 then 1.0 - sumInScale scale prediction (fun i -> y.[i]) / spread else Double.NaN
    let standardizedMse = standardized scale prediction y mse
    [ bits mse; bits standardizedMse; bits (if trustworthy mse prediction y then Math.Sqrt mse else scale * Math.Sqrt standardizedMse); bits r2 ]

/// Targets and predictions of every kind the metrics treat apart: ordinary, constant, exact, near the ends of the
/// float range (squares overflow or underflow), differences that square to 0.
let private metricCase =
    gen {
        let! n = Gen.choose (1, 40)
        let! magnitude = Gen.elements [ 1.0; 1e-3; 1e200; 1e-300; 1e-160; 1e160 ]
        let! scale = Gen.elements [ 1.0; 0.37; magnitude; magnitude * 3.0 ]
        let! kind = Gen.choose (0, 4)
        let! seed = Gen.choose (0, 100000)
        let rng = Random seed
        let y = Array.init n (fun _ -> magnitude * (rng.NextDouble() * 4.0 - 2.0))
        let y = if kind = 1 then Array.create n y.[0] else y
        let p =
            match kind with
            | 2 -> Array.copy y
            | 3 -> y |> Array.map (fun v -> v + magnitude * 1e-170)
            | _ -> y |> Array.map (fun v -> v + magnitude * (rng.NextDouble() - 0.5))
        return scale, p, y
    }

[<Property(Replay = Seagull.Testing.Generators.Replay, MaxTest = 400)>]
let ``the metrics gathered row by row have the bits of the metrics of before`` () =
    Prop.forAll (Arb.fromGen metricCase) (fun (scale, p, y) ->
        let m = Evaluation.targetMetricsOf "y" scale p y 0.0
        [ bits m.Mse; bits m.StandardizedMse; bits m.Rmse; bits m.R2 ] = targetMetricsBefore scale p y)
