namespace Seagull.Core

open System

/// What a model predicts.
type ModelTask =
    /// Real-valued targets, one per output, in the targets' units.
    | Regression
    /// One logit per class (the model's `TargetNames` are the class names); the class is the largest.
    | Classification

/// A fitted model: the network, its parameters, and everything needed to use it on raw data
/// (column names, the standardisation fitted on the training part).
[<NoEquality; NoComparison>]
type Model =
    { Spec: NetworkSpec
      Params: Params
      Standardization: Standardization
      /// Input column names, in the network's column order.
      InputNames: string[]
      /// One name per output, in output order.
      TargetNames: string[]
      /// Where the data came from (a built-in target name or a CSV file name), for the record.
      Source: string
      /// Regression, or classification with `TargetNames` as the classes.
      Task: ModelTask }

/// The settings of a fit: the training loop's options, and what the regressor adds around it.
[<NoEquality; NoComparison>]
type FitSettings =
    { /// Epochs, batches, the optimizer, the seed (of the initial parameters, the validation split and the batch
      /// order), patience, progress and cancellation. Its validation, monitor and penalty are set by the fit.
      Training: TrainOptions
      Loss: LossKind
      /// Train on x and x̃ (twice the data).
      Augment: bool
      /// λ of the symmetry penalty λ·mean((g(x) − g(x̃))²); 0 for none.
      Penalty: float
      /// Hold out this fraction of the training rows for validation (early stopping with `Training.Patience`).
      ValidationFraction: float option
      /// Evaluated on the model after every epoch (a learning curve).
      Monitor: (Model -> float) option }

/// Fitting a model to a data set and predicting with it: the functional core behind `seagull train` and
/// `predict`. Measuring a model is `Evaluation`'s.
[<RequireQualifiedAccess>]
module Regressor =
    /// The fraction of a data set held out to test a fit when the caller does not say: the CLI's and the C# API's.
    let defaultTestFraction = 0.2

    /// The reference's defaults (`Train.defaults`), MSE, no augmentation, penalty or validation part.
    let defaults =
        { Training = Train.defaults; Loss = MeanSquaredError; Augment = false; Penalty = 0.0; ValidationFraction = None; Monitor = None }

    /// Checks the settings before any data is touched; raises a one-line error naming the bad one.
    /// Example: `Regressor.validate { Regressor.defaults with Penalty = -1.0 }` raises "penalty must be ≥ 0, got -1".
    let validate (settings: FitSettings) : FitSettings =
        if not (Double.IsFinite settings.Penalty) || settings.Penalty < 0.0 then Fail.with' $"penalty must be ≥ 0, got {settings.Penalty}"
        match settings.ValidationFraction with
        | Some f when not (f > 0.0 && f < 1.0) -> Fail.with' $"the validation fraction must be strictly between 0 and 1, got {f}"
        | None when settings.Training.Patience.IsSome -> Fail.with' "patience needs a validation fraction: early stopping watches the validation loss"
        | _ -> ()
        // The loop's own options, with the validation part this fit will hold out.
        let validation = settings.ValidationFraction |> Option.map (fun _ -> Tensor.zeros Float64 [| 0; 0 |], Tensor.zeros Float64 [| 0; 0 |])
        Train.validate { settings.Training with Validation = validation } |> ignore
        settings

    let private inputs (spec: NetworkSpec) (rows: int) (x: float[]) =
        Tensor.ofArray spec.Precision [| rows; spec.Symmetry.Width |] x

    /// Checks that `rows` training rows leave at least 2 to fit on once a validation part
    /// (`validationFraction`) is held out: one row has no spread to standardise by and nothing to learn a
    /// function from. `fit` checks it; a caller can check it before anything else.
    /// Example: `Regressor.requireFitRows 200 (Some 0.1)`.
    let requireFitRows (rows: int) (validationFraction: float option) : unit =
        match validationFraction with
        | Some _ when rows < 2 -> Fail.with' $"a validation part needs at least 2 training rows, there are {rows}"
        | Some f ->
            let fitRows = fst (Dataset.splitSizes rows f)
            if fitRows < 2 then Fail.with' $"holding out a validation fraction of {f} leaves {fitRows} of {rows} rows to fit on; at least 2 are needed"
        | None -> if rows < 2 then Fail.with' $"{rows} row to fit on; at least 2 are needed"

    /// Fails when a target column has one value in every row, up to rounding (`Standardization.isConstantUpToRounding`):
    /// there is nothing to learn, and no standardised error or R² means anything.
    /// Example: `Regressor.requireVaryingTarget train`.
    let requireVaryingTarget (train: Dataset) : unit =
        if train.Rows >= 1 then
            for t in 0 .. Dataset.targets train - 1 do
                let y = Dataset.target train t
                if Standardization.isConstantUpToRounding y then
                    let lo, hi = Array.min y, Array.max y
                    let value = if lo = hi then $"is {Fail.number lo}" else $"varies only by rounding ({Fail.number lo} to {Fail.number hi})"
                    Fail.with' $"the target '{train.TargetNames.[t]}' {value} in all {train.Rows} rows to fit on: a constant has nothing to learn"

    /// The rows `fit` trains the network on and the rows it validates on (`ValidationFraction`), as indices
    /// into `rows` training rows: the standardisation is fitted on the first part alone.
    /// Example: `let fitRows, validationRows = Regressor.fitRows settings 100`.
    let fitRows (settings: FitSettings) (rows: int) : int[] * int[] =
        match settings.ValidationFraction with
        | Some f -> Dataset.splitRows (Random.fold (Random.key settings.Training.Seed) 11) f rows
        | None -> Array.init rows id, [||]

    /// Fits a model on `train` (standardised with statistics of the rows it trains on alone). With a
    /// `ValidationFraction`, that part of `train` is held out for early stopping (`Training.Patience`), keeping
    /// the best parameters. The initial parameters are drawn with `Training.Seed`.
    let fit (spec: NetworkSpec) (settings: FitSettings) (train: Dataset) : Model * TrainResult =
        let settings = validate settings
        if not (train.Symmetry.Equals spec.Symmetry) then
            Fail.with' $"the data's inputs are {train.Symmetry} but the network expects {spec.Symmetry}"
        let outputs = Network.outputs spec
        if Dataset.targets train <> outputs then
            Fail.with' $"the data has {Dataset.targets train} target columns but the network has {outputs} outputs"
        requireFitRows train.Rows settings.ValidationFraction
        requireVaryingTarget train
        let fitPart, validationPart =
            match settings.ValidationFraction with
            | Some _ -> let a, b = fitRows settings train.Rows in Dataset.take a train, Some (Dataset.take b train)
            | None -> train, None
        let s = Standardization.fit fitPart
        let toTensors (ds: Dataset) =
            inputs spec ds.Rows (Standardization.applyInputs s ds.X),
            Tensor.ofArray spec.Precision [| ds.Rows; outputs |] (Standardization.applyTargets s ds.Y)
        let x, y = toTensors fitPart
        let x, y = if settings.Augment then Tensor.concatRows [ x; Symmetry.swap spec.Symmetry x ], Tensor.concatRows [ y; y ] else x, y
        let model p =
            { Spec = spec; Params = p; Standardization = s; InputNames = train.InputNames; TargetNames = train.TargetNames; Source = ""; Task = Regression }
        let training =
            { settings.Training with
                Validation = validationPart |> Option.map toTensors
                Monitor = settings.Monitor |> Option.map (fun m p -> m (model p))
                Penalty = if settings.Penalty > 0.0 then Some { Weight = settings.Penalty; Symmetry = spec.Symmetry } else None }
        Network.requireMemory spec 1
        let initial = Network.init spec (Random.key settings.Training.Seed)
        let result = Train.fit (Network.apply spec) (LossKind.apply settings.Loss) initial x y training
        model result.Params, result

    /// The model (g(x) + g(x̃)) / 2 around a fitted model g (`Network.symmetrize`): exactly invariant, with no
    /// retraining, the same standardisation (which commutes with the swap) and names. For a classifier, the mean of
    /// the two logits. Example: `let s = Regressor.symmetrize model in Network.isExactlyInvariant s.Spec`.
    let symmetrize (model: Model) : Model =
        let spec, p = Network.symmetrize model.Spec model.Params
        { model with Spec = spec; Params = p }

    /// Rows per forward pass when predicting many rows.
    let private predictChunk = 256

    /// `predict` with its chunks' intermediates in `arena` (a caller that predicts again and again, like a
    /// learning curve, keeps one arena and so reuses the arrays between calls). `strict`: a NaN or ∞ prediction
    /// is an error; otherwise it is returned (for measurements that report it).
    let rec internal predictIn (arena: Kernels.StepArena) (strict: bool) (model: Model) (x: float[]) : float[] =
        predictFrom arena strict 0L model x

    /// `predictIn` for rows that follow `firstRow` others (a chunk of a file): messages number rows in the whole file.
    and internal predictFrom (arena: Kernels.StepArena) (strict: bool) (firstRow: int64) (model: Model) (x: float[]) : float[] =
        let width = model.Spec.Symmetry.Width
        let outputs = model.TargetNames.Length
        if outputs <> Network.outputs model.Spec then
            Fail.with' $"predict: the model names {outputs} targets but its network has {Network.outputs model.Spec} outputs"
        if x.Length % width <> 0 then Fail.with' $"predict: {x.Length} values do not form rows of width {width}"
        if x |> Array.exists (fun v -> not (Double.IsFinite v)) then Fail.with' "predict: inputs contain NaN or infinite values"
        let rows = x.Length / width
        if rows = 0 then [||]
        else
            let xs = Standardization.applyInputs model.Standardization x
            // A finite input far outside the training range can still overflow the network's precision.
            let largest = match model.Spec.Precision with Float32 -> float Single.MaxValue | Float64 -> Double.MaxValue
            // (Not strict: such a row just gives a NaN or ∞ prediction.)
            match (if strict then xs |> Array.tryFindIndex (fun v -> not (abs v <= largest)) else None) with
            | Some i ->
                let value = Fail.number x.[i]
                let hint = match model.Spec.Precision with Float32 -> "; use a float64 model for inputs this far from the training data" | Float64 -> ""
                let column = if model.InputNames.Length = width then $"'{model.InputNames.[i % width]}'" else string (i % width + 1)
                Fail.with' $"predict: row {firstRow + int64 (i / width) + 1L}, column {column} ({value}) overflows {Dtype.name model.Spec.Precision} once standardised{hint}"
            | None -> ()
            // In chunks of rows whose intermediates are reused from chunk to chunk (a step arena) and stay
            // in the cache: one pass over 4000 rows at once allocated megabytes per layer and took several
            // times as long. A row's prediction has the same bits alone as in any batch, so chunking does
            // not change the result.
            let out = Array.zeroCreate<float> (rows * outputs)
            let run (f: unit -> float[]) = if isNull Kernels.StepArena.Current then arena.Scope f else f ()
            for start in 0 .. predictChunk .. rows - 1 do
                let count = min predictChunk (rows - start)
                let piece = inputs model.Spec count (Array.sub xs (start * width) (count * width))
                let y = run (fun () -> Network.apply model.Spec model.Params piece |> Tensor.toArray)
                Array.blit y 0 out (start * outputs) (count * outputs)
            let predictions = Standardization.invertTargets model.Standardization out
            // Inputs far outside the training data can overflow the network inside (z² of a wide layer), and a
            // NaN or ∞ prediction written to a file with exit code 0 would pass for a result.
            match (if strict then predictions |> Array.tryFindIndex (fun v -> not (Double.IsFinite v)) else None) with
            | Some at ->
                let row = at / outputs
                let values = xs.[row * width .. (row + 1) * width - 1]
                let farthest = values |> Array.maxBy abs
                let text = farthest.ToString("G4", Globalization.CultureInfo.InvariantCulture)
                let which = if outputs = 1 then "" else $" '{model.TargetNames.[at % outputs]}'"
                Fail.with' $"predict: row {firstRow + int64 row + 1L} gives{which} {Fail.number predictions.[at]}: the network overflows {Dtype.name model.Spec.Precision} on it (its largest standardised input is {text})"
            | None -> predictions

    /// Predictions in the targets' units for row-major inputs (rows × the input width, in the model's column
    /// order): row-major, rows × outputs. A prediction the network cannot represent (NaN or ∞) is an error naming the row.
    let predict (model: Model) (x: float[]) : float[] = predictIn (Kernels.StepArena()) true model x

    /// The current chunk's inputs as an array of exactly its rows (the buffer itself when the chunk is full).
    let internal chunkInputs (rows: Csv.ModelRows) : float[] =
        if rows.Count = rows.ChunkRows then rows.Inputs else Array.sub rows.Inputs 0 (rows.Count * rows.Width)

    /// `writePredictions`, calling `afterChunk` with the rows written so far after each chunk.
    let internal writePredictionsWith (afterChunk: int64 -> unit) (model: Model) (rows: Csv.ModelRows) (out: IO.TextWriter) (cancel: Threading.CancellationToken) : int64 =
        let outputs = model.TargetNames.Length
        let header = rows.Header
        let headers = Array.append header (Csv.predictionColumns header model.TargetNames)
        let arena = Kernels.StepArena()
        let text = Text.StringBuilder()
        let mutable first = true
        while rows.Next cancel do
            let y = predictFrom arena true rows.FirstRow model (chunkInputs rows)
            if first then
                Csv.appendLine text headers [||] 0 0
                first <- false
            for i in 0 .. rows.Count - 1 do
                Csv.appendLine text rows.Fields.[i] y (i * outputs) outputs
            cancel.ThrowIfCancellationRequested()
            out.Write text
            text.Clear() |> ignore
            afterChunk rows.RowsRead
        rows.RowsRead

    /// Predicts the rows of a CSV file opened for `model` (`Csv.openForModel` with `model.InputNames`) chunk by chunk,
    /// writing each chunk to `out` as soon as it is predicted: the header and every field of the file as written
    /// (quoted when needed), then the prediction columns (`Csv.predictionColumns`) in round-trip form. The text is
    /// what `Csv.writeText` writes for the whole table at once, to the byte. Errors are `predict`'s, with rows
    /// numbered in the whole file, and the reader's; nothing is written before the first chunk is predicted.
    /// `cancel` is looked at before every row. Returns the number of rows.
    /// Example: `use rows = Csv.openForModel "new.csv" model.InputNames [] in Regressor.writePredictions model rows Console.Out CancellationToken.None`.
    let writePredictions (model: Model) (rows: Csv.ModelRows) (out: IO.TextWriter) (cancel: Threading.CancellationToken) : int64 =
        writePredictionsWith ignore model rows out cancel

    /// `predictCsv` with chunks of `chunkRows` rows, calling `afterChunk` after each (for the tests).
    let internal predictCsvWith (chunkRows: int) (afterChunk: int64 -> unit) (model: Model) (inputPath: string) (outputPath: string) (cancel: Threading.CancellationToken) : int64 =
        // The header is checked before the output file is begun.
        use rows = Csv.openForModelChunked chunkRows inputPath model.InputNames []
        let mutable n = 0L
        AtomicFile.writeText outputPath (fun out -> n <- writePredictionsWith afterChunk model rows out cancel)
        n

    /// Predictions for every row of the CSV file `inputPath`, written to `outputPath` as they are made
    /// (`writePredictions`) and atomically: on an error or a cancellation no file is left and an existing one is
    /// kept as it was. Memory does not grow with the file. Returns the number of rows.
    /// Example: `Regressor.predictCsv model "new.csv" "predicted.csv" CancellationToken.None`.
    let predictCsv (model: Model) (inputPath: string) (outputPath: string) (cancel: Threading.CancellationToken) : int64 =
        predictCsvWith Csv.chunkRows ignore model inputPath outputPath cancel

    /// Predictions for every row of the CSV file `inputPath`, written to `out` chunk by chunk (`writePredictions`).
    /// Example: `Regressor.predictCsvTo model "new.csv" Console.Out CancellationToken.None`.
    let predictCsvTo (model: Model) (inputPath: string) (out: IO.TextWriter) (cancel: Threading.CancellationToken) : int64 =
        use rows = Csv.openForModel inputPath model.InputNames []
        writePredictions model rows out cancel

    /// f(x) against f(x̃) for every output of every row, in the targets' units (`Symmetry.compare`), one per output.
    let internal invarianceIn (strict: bool) (model: Model) (x: float[]) : Invariance[] =
        let y = predictIn (Kernels.StepArena()) strict model x
        let ySwapped = predictIn (Kernels.StepArena()) strict model (Symmetry.swapRows model.Spec.Symmetry x)
        let outputs = model.TargetNames.Length
        let column (values: float[]) t = Array.init (values.Length / outputs) (fun i -> values.[i * outputs + t])
        Array.init outputs (fun t -> Symmetry.compare (column y t) (column ySwapped t))

    /// max over rows of |f(x) − f(x̃)| in the targets' units, the largest over outputs.
    let invarianceError (model: Model) (x: float[]) : float =
        invarianceIn true model x |> Array.map (fun i -> i.Error) |> Array.max
