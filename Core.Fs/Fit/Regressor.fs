namespace Seagull.Core

open System
open System.Threading

/// A fitted model: the network, its parameters, and everything needed to use it on raw data
/// (column names and roles, the standardisation fitted on the training part).
type Model =
    { Spec: NetworkSpec
      Params: Params
      Standardization: Standardization
      /// Input column names in [u | v | w] order.
      InputNames: string[]
      TargetName: string
      /// Where the data came from (a built-in target name or a CSV file name), for the record.
      Source: string }

/// Accuracy of a model on data, in the target's own units.
type Metrics =
    { Mse: float
      /// Mse / TargetScale²: in units of the training target's variance (1 = no better than its mean).
      /// Finite even when Mse overflows (targets near 1e200 have squared errors beyond the float range).
      StandardizedMse: float
      Rmse: float
      R2: float
      /// max over rows of |f(x) − f(x̃)|.
      InvarianceError: float
      N: int }

/// One activation of a model, with the parity it declares and the parity measured numerically.
type ActivationParity = { Layer: string; Name: string; Declared: Parity; Measured: Parity }

/// The result of checking a model's symmetry on random inputs.
type InvarianceCheck =
    { InvarianceError: float
      /// True only when f(x) = f(x̃) bitwise on every sample.
      ExactlyInvariant: bool
      /// What the architecture promises.
      ArchitectureGuarantees: bool
      Samples: int
      Activations: ActivationParity list }

/// Fitting a model to a data set and using it: the functional core behind `seagull train`,
/// `predict`, `evaluate` and `check`.
[<RequireQualifiedAccess>]
module Regressor =
    let private inputs (spec: NetworkSpec) (rows: int) (x: float[]) =
        Tensor.ofArray spec.Precision [| rows; 2 * spec.Blocks.D + spec.Blocks.K |] x

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

    /// Fails when every row's target has one value, up to rounding (`Standardization.isConstantUpToRounding`):
    /// there is nothing to learn, and no standardised error or R² means anything.
    /// Example: `Regressor.requireVaryingTarget train`.
    let requireVaryingTarget (train: Dataset) : unit =
        if train.Rows >= 1 && Standardization.isConstantUpToRounding train.Y then
            let lo, hi = Array.min train.Y, Array.max train.Y
            let value = if lo = hi then $"is {Fail.number lo}" else $"varies only by rounding ({Fail.number lo} to {Fail.number hi})"
            Fail.with' $"the target '{train.TargetName}' {value} in all {train.Rows} rows to fit on: a constant has nothing to learn"

    /// Fits a model on `train` (standardised with statistics of `train` alone). With `validationFraction`
    /// a part of `train` is held out for early stopping (`options.Patience`), keeping the best parameters.
    let fit (spec: NetworkSpec) (options: TrainOptions) (train: Dataset) (validationFraction: float option)
            (monitor: (Model -> float) option) (progress: EpochReport -> unit) (cancel: CancellationToken) : Model * TrainResult =
        if train.Blocks <> spec.Blocks then
            Fail.with' $"the data has blocks u:{train.Blocks.D} v:{train.Blocks.D} w:{train.Blocks.K} but the network expects u:{spec.Blocks.D} v:{spec.Blocks.D} w:{spec.Blocks.K}"
        requireFitRows train.Rows validationFraction
        requireVaryingTarget train
        let fitPart, validationPart =
            match validationFraction with
            | Some f -> let a, b = Dataset.split (Random.fold (Random.key options.Seed) 11) f train in a, Some b
            | None -> train, None
        let s = Standardization.fit fitPart
        let toTensors (ds: Dataset) =
            inputs spec ds.Rows (Standardization.applyInputs s ds.Blocks ds.X),
            Tensor.vector spec.Precision (Standardization.applyTarget s ds.Y)
        let x, y = toTensors fitPart
        let model p =
            { Spec = spec; Params = p; Standardization = s; InputNames = train.InputNames; TargetName = train.TargetName; Source = "" }
        let result =
            Train.fit spec options x y (validationPart |> Option.map toTensors) (monitor |> Option.map (fun m p -> m (model p))) progress cancel
        model result.Params, result

    /// Rows per forward pass when predicting many rows.
    let private predictChunk = 256

    /// `predict` with its chunks' intermediates in `arena` (a caller that predicts again and again, like a
    /// learning curve, keeps one arena and so reuses the arrays between calls). `strict`: a NaN or ∞ prediction
    /// is an error; otherwise it is returned (for measurements that report it).
    let internal predictIn (arena: Kernels.StepArena) (strict: bool) (model: Model) (x: float[]) : float[] =
        let width = 2 * model.Spec.Blocks.D + model.Spec.Blocks.K
        if x.Length % width <> 0 then Fail.with' $"predict: {x.Length} values do not form rows of width {width}"
        if x |> Array.exists (fun v -> not (Double.IsFinite v)) then Fail.with' "predict: inputs contain NaN or infinite values"
        let rows = x.Length / width
        if rows = 0 then [||]
        else
            let xs = Standardization.applyInputs model.Standardization model.Spec.Blocks x
            // A finite input far outside the training range can still overflow the network's precision.
            let largest = match model.Spec.Precision with Float32 -> float Single.MaxValue | Float64 -> Double.MaxValue
            // (Not strict: such a row just gives a NaN or ∞ prediction.)
            match (if strict then xs |> Array.tryFindIndex (fun v -> not (abs v <= largest)) else None) with
            | Some i ->
                let value = Fail.number x.[i]
                let hint = match model.Spec.Precision with Float32 -> "; use a float64 model for inputs this far from the training data" | Float64 -> ""
                let column = if model.InputNames.Length = width then $"'{model.InputNames.[i % width]}'" else string (i % width + 1)
                Fail.with' $"predict: row {i / width + 1}, column {column} ({value}) overflows {Dtype.name model.Spec.Precision} once standardised{hint}"
            | None -> ()
            // In chunks of rows whose intermediates are reused from chunk to chunk (a step arena) and stay
            // in the cache: one pass over 4000 rows at once allocated megabytes per layer and took several
            // times as long. A row's prediction has the same bits alone as in any batch, so chunking does
            // not change the result.
            let out = Array.zeroCreate<float> rows
            let run (f: unit -> float[]) = if isNull Kernels.StepArena.Current then arena.Scope f else f ()
            for start in 0 .. predictChunk .. rows - 1 do
                let count = min predictChunk (rows - start)
                let piece = inputs model.Spec count (Array.sub xs (start * width) (count * width))
                let y = run (fun () -> Network.apply model.Spec model.Params piece |> Tensor.toArray)
                Array.blit y 0 out start count
            let predictions = Standardization.invertTarget model.Standardization out
            // Inputs far outside the training data can overflow the network inside (z² of a wide layer), and a
            // NaN or ∞ prediction written to a file with exit code 0 would pass for a result.
            match (if strict then predictions |> Array.tryFindIndex (fun v -> not (Double.IsFinite v)) else None) with
            | Some row ->
                let values = xs.[row * width .. (row + 1) * width - 1]
                let farthest = values |> Array.maxBy abs
                let text = farthest.ToString("G4", Globalization.CultureInfo.InvariantCulture)
                Fail.with' $"predict: row {row + 1} gives {Fail.number predictions.[row]}: the network overflows {Dtype.name model.Spec.Precision} on it (its largest standardised input is {text})"
            | None -> predictions

    /// Predictions in the target's units for row-major inputs (rows × (2D+K), columns [u | v | w]).
    /// A prediction the network cannot represent (NaN or ∞) is an error naming the row.
    let predict (model: Model) (x: float[]) : float[] = predictIn (Kernels.StepArena()) true model x

    let private invarianceErrorWith (strict: bool) (model: Model) (x: float[]) : float =
        let y = predictIn (Kernels.StepArena()) strict model x
        let ySwapped = predictIn (Kernels.StepArena()) strict model (Dataset.swapInputs model.Spec.Blocks x)
        // Rows with the same bits both ways (even ∞ or NaN from an exactly invariant network) differ by 0; a row the
        // network cannot represent in one order only is not a measurable difference and is left out.
        let same (a: float) (b: float) = BitConverter.DoubleToInt64Bits a = BitConverter.DoubleToInt64Bits b
        let measured = Array.map2 (fun (a: float) (b: float) -> if same a b then Some 0.0 elif Double.IsFinite a && Double.IsFinite b then Some (Math.Abs(a - b)) else None) y ySwapped
        match measured |> Array.choose id with
        | [||] when y.Length > 0 -> nan
        | ds -> Array.fold max 0.0 ds

    /// max over rows of |f(x) − f(x̃)| in the target's units.
    let invarianceError (model: Model) (x: float[]) : float = invarianceErrorWith true model x

    let private meanSquaredError (prediction: float[]) (y: float[]) =
        Array.fold2 (fun acc (p: float) (y: float) -> acc + (p - y) * (p - y)) 0.0 prediction y / float y.Length

    // Sum of ((v − centre)/scale)²: squares of targets near the ends of the float range overflow or lose
    // their digits as subnormals; the same sums over values divided by the target's scale do not.
    let private sumInScale (scale: float) (values: float[]) (centre: int -> float) =
        let mutable acc = 0.0
        for i in 0 .. values.Length - 1 do
            let d = (values.[i] - centre i) / scale
            acc <- acc + d * d
        acc

    // An MSE whose digits can be trusted: normal, or an exact 0 of exact predictions.
    let private trustworthy (mse: float) (prediction: float[]) (y: float[]) = Double.IsNormal mse || (mse = 0.0 && prediction = y)

    // MSE / scale²; through the scaled sums only where the plain quotient cannot be trusted (same bits otherwise).
    let private standardized (scale: float) (prediction: float[]) (y: float[]) (mse: float) =
        let q = mse / (scale * scale)
        if Double.IsFinite q && trustworthy mse prediction y then q
        else sumInScale scale prediction (fun i -> y.[i]) / float y.Length

    // Predictions for a data set that must have rows to be measured on.
    let private predictionsOf (arena: Kernels.StepArena) (strict: bool) (model: Model) (data: Dataset) =
        if data.Rows < 1 then Fail.with' "evaluate: the data set is empty"
        predictIn arena strict model data.X

    /// The MSE in units of the training target's variance (`Metrics.StandardizedMse`), predictions in `arena`:
    /// the learning curves.
    let internal standardizedMseIn (arena: Kernels.StepArena) (model: Model) (data: Dataset) : float =
        let prediction = predictionsOf arena true model data
        standardized model.Standardization.TargetScale prediction data.Y (meanSquaredError prediction data.Y)

    /// Mean squared error in target units on a data set with targets (one forward pass; what
    /// `evaluate` reports as Mse).
    let mse (model: Model) (data: Dataset) : float = meanSquaredError (predictionsOf (Kernels.StepArena()) true model data) data.Y

    let private evaluateWith (strict: bool) (model: Model) (data: Dataset) : Metrics =
        let prediction = predictionsOf (Kernels.StepArena()) strict model data
        let n = float data.Rows
        let mse = meanSquaredError prediction data.Y
        let mean = Array.average data.Y
        let variance = data.Y |> Array.averageBy (fun y -> (y - mean) * (y - mean))
        let scale = model.Standardization.TargetScale
        let r2 =
            if trustworthy mse prediction data.Y && Double.IsNormal variance && Double.IsFinite mean then 1.0 - mse / variance
            elif data.Y |> Array.forall (fun y -> y = data.Y.[0]) then Double.NaN // no variance to explain
            else
                let scaledMean = (data.Y |> Array.sumBy (fun y -> y / scale)) / n
                let spread = data.Y |> Array.sumBy (fun y -> let d = y / scale - scaledMean in d * d)
                if spread > 0.0 then 1.0 - sumInScale scale prediction (fun i -> data.Y.[i]) / spread else Double.NaN
        let standardizedMse = standardized scale prediction data.Y mse
        { Mse = mse
          StandardizedMse = standardizedMse
          // Targets near the ends of the float range: the MSE overflows (1e200² = ∞) or underflows (1e-300² = 0),
          // the RMSE does not; it is the target's scale times the root of the standardised MSE.
          Rmse = if trustworthy mse prediction data.Y then Math.Sqrt mse else scale * Math.Sqrt standardizedMse
          R2 = r2
          InvarianceError = invarianceErrorWith strict model data.X
          N = data.Rows }

    /// MSE, RMSE, R² and invariance error on a data set with targets; a row the network cannot represent
    /// (NaN or ∞) is an error naming it, as in `predict`.
    let evaluate (model: Model) (data: Dataset) : Metrics = evaluateWith true model data

    /// `evaluate` for a fit's own report: a row the network cannot represent makes the metrics NaN instead
    /// of an error, so a fitted model is not thrown away for one held-out row far outside the training data.
    let measure (model: Model) (data: Dataset) : Metrics = evaluateWith false model data

    /// The activations of a model with declared and measured parity.
    let activationParities (spec: NetworkSpec) : ActivationParity list =
        let layers = spec.Activations |> List.mapi (fun i a -> $"hidden{i + 1}", a)
        let all = if spec.Architecture = Split then layers @ [ "u−v branch", spec.Even ] else layers
        all |> List.map (fun (layer, a) -> { Layer = layer; Name = a.Name; Declared = a.Declared; Measured = Activation.parityOf a })

    /// Measures invariance on `samples` random standardised inputs (normal, seeded): bitwise equality
    /// of f(x) and f(x̃) on every sample is what `ExactlyInvariant` reports.
    let check (model: Model) (samples: int) (seed: int) : InvarianceCheck =
        if samples < 1 then Fail.with' $"check: samples must be ≥ 1, got {samples}"
        let width = 2 * model.Spec.Blocks.D + model.Spec.Blocks.K
        if int64 samples * int64 width > int64 Array.MaxLength then
            Fail.with' $"check: {samples} samples × {width} inputs are too many for one array"
        // the inputs, their swap, their standardised copies and the two predictions' intermediates
        Memory.require $"check of {samples} samples" (int64 samples * int64 width * 8L * 6L)
        let spec = model.Spec
        let width = 2 * spec.Blocks.D + spec.Blocks.K
        let x = inputs spec samples (Random.normals (Random.key seed) (samples * width) |> Array.map (fun v -> 2.0 * v))
        let y = Network.apply spec model.Params x |> Tensor.toArray
        let ySwapped = Network.apply spec model.Params (Network.swap spec.Blocks x) |> Tensor.toArray
        let error = Array.fold2 (fun acc (a: float) (b: float) -> max acc (Math.Abs(a - b))) 0.0 y ySwapped
        let bitwise = Array.forall2 (fun (a: float) (b: float) -> BitConverter.DoubleToInt64Bits a = BitConverter.DoubleToInt64Bits b) y ySwapped
        { InvarianceError = error * model.Standardization.TargetScale
          ExactlyInvariant = bitwise
          ArchitectureGuarantees = NetworkSpec.isExactlyInvariant spec
          Samples = samples
          Activations = activationParities spec }
