namespace Seagull.Core

open System

/// Accuracy of a model on one target column, in that target's own units.
type TargetMetrics =
    { Name: string
      Mse: float
      /// Mse / TargetScale²: in units of the training target's variance (1 = no better than its mean).
      /// Finite even when Mse overflows (targets near 1e200 have squared errors beyond the float range).
      StandardizedMse: float
      Rmse: float
      R2: float
      /// max over rows of |f(x) − f(x̃)|.
      InvarianceError: float }

/// Accuracy of a model on data: per target column, and overall in standardised units.
type Metrics =
    { Targets: TargetMetrics[]
      /// The mean over targets of their standardised MSEs.
      StandardizedMse: float
      /// The largest over targets of the invariance error divided by the target's scale.
      StandardizedInvarianceError: float
      N: int }

/// One activation of a model, with the parity it declares and the parity measured numerically.
type ActivationParity = { Layer: string; Name: string; Declared: Parity; Measured: Parity }

/// The result of checking a model's symmetry on random inputs.
type InvarianceCheck =
    { /// max |f(x) − f(x̃)| over the samples and outputs, in the targets' units.
      InvarianceError: float
      /// True only when f(x) = f(x̃) bitwise on every sample.
      ExactlyInvariant: bool
      /// What the layer tree promises (`Network.isExactlyInvariant`).
      ArchitectureGuarantees: bool
      Samples: int
      Activations: ActivationParity list }

/// Measuring fitted models: the functional core behind `seagull evaluate` and `check` and a fit's report.
[<RequireQualifiedAccess>]
module Evaluation =
    /// Sums over one target's (prediction, target) pairs, added in row order: everything the metrics need of the
    /// predictions, so that a file's predictions can be dropped chunk by chunk (`evaluateRows`) with the bits of
    /// the in-memory sums.
    [<NoEquality; NoComparison>]
    type internal PairSums =
        { /// The training target's scale (`Standardization.TargetScale`).
          Scale: float
          /// Σ (p − y)².
          mutable SquaredErrors: float
          /// Σ ((p − y)/scale)²: squares of targets near the ends of the float range overflow or lose their
          /// digits as subnormals; the same sums over values divided by the target's scale do not.
          mutable ScaledSquaredErrors: float
          /// p = y in every pair so far.
          mutable Exact: bool
          mutable N: int }

    let internal pairSums (scale: float) : PairSums = { Scale = scale; SquaredErrors = 0.0; ScaledSquaredErrors = 0.0; Exact = true; N = 0 }

    let internal addPair (s: PairSums) (p: float) (y: float) =
        s.SquaredErrors <- s.SquaredErrors + (p - y) * (p - y)
        let d = (p - y) / s.Scale
        s.ScaledSquaredErrors <- s.ScaledSquaredErrors + d * d
        if not (p = y) then s.Exact <- false
        s.N <- s.N + 1

    let private sumsOf (scale: float) (prediction: float[]) (y: float[]) =
        let s = pairSums scale
        for i in 0 .. y.Length - 1 do addPair s prediction.[i] y.[i]
        s

    let private meanSquaredError (s: PairSums) = s.SquaredErrors / float s.N

    // An MSE whose digits can be trusted: normal, or an exact 0 of exact predictions.
    let private trustworthy (s: PairSums) (mse: float) = Double.IsNormal mse || (mse = 0.0 && s.Exact)

    // MSE / scale²; through the scaled sums only where the plain quotient cannot be trusted (same bits otherwise).
    let private standardized (s: PairSums) (mse: float) =
        let q = mse / (s.Scale * s.Scale)
        if Double.IsFinite q && trustworthy s mse then q else s.ScaledSquaredErrors / float s.N

    // Predictions for a data set that must have rows to be measured on, split into one array per target.
    let private predictionsOf (arena: Kernels.StepArena) (strict: bool) (model: Model) (data: Dataset) =
        if data.Rows < 1 then Fail.with' "evaluate: the data set is empty"
        if not (data.Symmetry.Equals model.Spec.Symmetry) then
            Fail.with' $"evaluate: the data's inputs are {data.Symmetry} but the model expects {model.Spec.Symmetry}"
        if data.TargetNames.Length <> model.TargetNames.Length then
            Fail.with' $"evaluate: the data has {data.TargetNames.Length} target columns, the model {model.TargetNames.Length} outputs"
        let prediction = Regressor.predictIn arena strict model data.X
        let outputs = model.TargetNames.Length
        Array.init outputs (fun t -> if outputs = 1 then prediction else Array.init data.Rows (fun i -> prediction.[i * outputs + t])),
        Array.init outputs (fun t -> if outputs = 1 then data.Y else Dataset.target data t)

    // Each target's sums over its predictions.
    let private sumsByTarget (model: Model) (predictions: float[][]) (ys: float[][]) =
        Array.init ys.Length (fun t -> sumsOf model.Standardization.TargetScale.[t] predictions.[t] ys.[t])

    /// The mean over targets of the MSE in units of the training target's variance (`Metrics.StandardizedMse`),
    /// predictions in `arena`: the learning curves.
    let internal standardizedMseIn (arena: Kernels.StepArena) (model: Model) (data: Dataset) : float =
        let predictions, ys = predictionsOf arena true model data
        sumsByTarget model predictions ys |> Array.map (fun s -> standardized s (meanSquaredError s)) |> Array.average

    /// Mean squared error in the target's units, per target (one forward pass; what `evaluate` reports as Mse).
    let mse (model: Model) (data: Dataset) : float[] =
        let predictions, ys = predictionsOf (Kernels.StepArena()) true model data
        sumsByTarget model predictions ys |> Array.map meanSquaredError

    // A target's metrics from its sums and its n values, `y.[0 .. n - 1]` (R² needs their mean before their spread).
    let private targetMetrics (name: string) (sums: PairSums) (y: float[]) (n: int) (invariance: float) =
        let scale = sums.Scale
        let count = float n
        let mse = meanSquaredError sums
        let mutable total = 0.0
        for i in 0 .. n - 1 do total <- total + y.[i]
        let mean = total / count
        let mutable squares = 0.0
        for i in 0 .. n - 1 do squares <- squares + (y.[i] - mean) * (y.[i] - mean)
        let variance = squares / count
        let constant () =
            let mutable same = true
            for i in 0 .. n - 1 do if not (y.[i] = y.[0]) then same <- false
            same
        let r2 =
            if trustworthy sums mse && Double.IsNormal variance && Double.IsFinite mean then 1.0 - mse / variance
            elif constant () then Double.NaN // no variance to explain
            else
                let mutable scaledTotal = 0.0
                for i in 0 .. n - 1 do scaledTotal <- scaledTotal + y.[i] / scale
                let scaledMean = scaledTotal / count
                let mutable spread = 0.0
                for i in 0 .. n - 1 do
                    let d = y.[i] / scale - scaledMean
                    spread <- spread + d * d
                if spread > 0.0 then 1.0 - sums.ScaledSquaredErrors / spread else Double.NaN
        let standardizedMse = standardized sums mse
        { Name = name
          Mse = mse
          StandardizedMse = standardizedMse
          // Targets near the ends of the float range: the MSE overflows (1e200² = ∞) or underflows (1e-300² = 0),
          // the RMSE does not; it is the target's scale times the root of the standardised MSE.
          Rmse = if trustworthy sums mse then Math.Sqrt mse else scale * Math.Sqrt standardizedMse
          R2 = r2
          InvarianceError = invariance }

    /// One target's metrics from its predictions and values (the in-memory path, for the tests).
    let internal targetMetricsOf (name: string) (scale: float) (prediction: float[]) (y: float[]) (invariance: float) : TargetMetrics =
        targetMetrics name (sumsOf scale prediction y) y y.Length invariance

    let private metricsOf (model: Model) (targets: TargetMetrics[]) (n: int) =
        let scales = model.Standardization.TargetScale
        { Targets = targets
          StandardizedMse = targets |> Array.averageBy (fun m -> m.StandardizedMse)
          StandardizedInvarianceError = Array.map2 (fun (m: TargetMetrics) scale -> m.InvarianceError / scale) targets scales |> Array.max
          N = n }

    let private evaluateWith (strict: bool) (model: Model) (data: Dataset) : Metrics =
        let predictions, ys = predictionsOf (Kernels.StepArena()) strict model data
        let invariance = Regressor.invarianceIn strict model data.X
        let sums = sumsByTarget model predictions ys
        let targets = Array.init ys.Length (fun t -> targetMetrics model.TargetNames.[t] sums.[t] ys.[t] ys.[t].Length invariance.[t].Error)
        metricsOf model targets data.Rows

    /// MSE, RMSE, R² and invariance error per target on a data set with targets; a row the network cannot
    /// represent (NaN or ∞) is an error naming it, as in `Regressor.predict`.
    let evaluate (model: Model) (data: Dataset) : Metrics = evaluateWith true model data

    /// `evaluate` for a fit's own report: a row the network cannot represent makes the metrics NaN instead
    /// of an error, so a fitted model is not thrown away for one held-out row far outside the training data.
    let measure (model: Model) (data: Dataset) : Metrics = evaluateWith false model data

    /// `evaluate` on the rows of a CSV file read chunk by chunk (`Csv.openForModel` with the model's input names and
    /// its targets): the same metrics to the bit, in memory that holds the targets' values (8 bytes per row and
    /// target: R² needs their mean before their spread) and no other part of a row. A chunk's predictions are
    /// added to running sums in row order, its swapped inputs' predictions to the invariance error, and dropped.
    /// Errors are the reader's and `Regressor.predict`'s (rows numbered in the whole file); `cancel` is looked at
    /// before every row.
    /// Example: `use rows = Csv.openForModel "test.csv" model.InputNames [ Name "y" ] in Evaluation.evaluateRows model rows CancellationToken.None`.
    let evaluateRows (model: Model) (rows: Csv.ModelRows) (cancel: Threading.CancellationToken) : Metrics =
        let outputs = model.TargetNames.Length
        if not rows.HasTargets then
            Fail.with' $"'{rows.Path}' line 1 (header): no target column to compare the predictions with; name the target column"
        if rows.TargetCount <> outputs then
            Fail.with' $"evaluate: the data has {rows.TargetCount} target columns, the model {outputs} outputs"
        let sums = Array.init outputs (fun t -> pairSums model.Standardization.TargetScale.[t])
        let ys = Array.init outputs (fun _ -> Array.zeroCreate<float> rows.ChunkRows)
        // Per target: the largest |f(x) − f(x̃)| of the chunks that measured any (`Symmetry.compare`), NaN until one has.
        let invariance = Array.create outputs Double.NaN
        let arena = Kernels.StepArena()
        while rows.Next cancel do
            if rows.RowsRead > int64 Array.MaxLength then Fail.with' $"'{rows.Path}': more than {Array.MaxLength} data rows"
            let count = rows.Count
            let start = int rows.FirstRow
            let x = Regressor.chunkInputs rows
            let p = Regressor.predictFrom arena true rows.FirstRow model x
            let pSwapped = Regressor.predictFrom arena true rows.FirstRow model (Symmetry.swapRows model.Spec.Symmetry x)
            let observed = rows.Observed
            for t in 0 .. outputs - 1 do
                if ys.[t].Length < start + count then
                    Array.Resize(&ys.[t], int (min (int64 Array.MaxLength) (max (int64 (start + count)) (2L * int64 ys.[t].Length))))
                let y = ys.[t]
                for i in 0 .. count - 1 do
                    let v = observed.[i * outputs + t]
                    addPair sums.[t] p.[i * outputs + t] v
                    y.[start + i] <- v
                let column (values: float[]) = Array.init count (fun i -> values.[i * outputs + t])
                let e = (Symmetry.compare (column p) (column pSwapped)).Error
                if not (Double.IsNaN e) then invariance.[t] <- if Double.IsNaN invariance.[t] then e else max invariance.[t] e
        let n = int rows.RowsRead
        let targets = Array.init outputs (fun t -> targetMetrics model.TargetNames.[t] sums.[t] ys.[t] n invariance.[t])
        metricsOf model targets n

    /// `evaluate` on a CSV file streamed in chunks (`evaluateRows`): inputs by the model's stored names, the targets
    /// by `targets` (the model's target names when empty).
    /// Example: `Evaluation.evaluateCsv model "test.csv" [] CancellationToken.None`.
    let evaluateCsv (model: Model) (path: string) (targets: ColumnRef list) (cancel: Threading.CancellationToken) : Metrics =
        let targets = if targets.IsEmpty then model.TargetNames |> Array.map Name |> List.ofArray else targets
        use rows = Csv.openForModel path model.InputNames targets
        evaluateRows model rows cancel

    /// The activations of a network with the parity each declares and the parity measured, by layer path.
    let activationParities (spec: NetworkSpec) : ActivationParity list =
        Network.activations spec
        |> List.map (fun (layer, a) -> { Layer = layer; Name = a.Name; Declared = a.Declared; Measured = Activation.parityOf a })

    /// Measures invariance on `samples` random standardised inputs (normal, seeded): bitwise equality
    /// of f(x) and f(x̃) on every sample and output is what `ExactlyInvariant` reports.
    let check (model: Model) (samples: int) (seed: int) : InvarianceCheck =
        if samples < 1 then Fail.with' $"check: samples must be ≥ 1, got {samples}"
        let spec = model.Spec
        let width = spec.Symmetry.Width
        if int64 samples * int64 width > int64 Array.MaxLength then
            Fail.with' $"check: {samples} samples × {width} inputs are too many for one array"
        // the inputs, their swap, their standardised copies and the two predictions' intermediates
        Memory.require $"check of {samples} samples" (int64 samples * int64 width * 8L * 6L)
        let x = Tensor.ofArray spec.Precision [| samples; width |] (Random.normals (Random.key seed) (samples * width) |> Array.map (fun v -> 2.0 * v))
        let y = Network.apply spec model.Params x |> Tensor.toArray
        let ySwapped = Network.apply spec model.Params (Symmetry.swap spec.Symmetry x) |> Tensor.toArray
        let outputs = model.TargetNames.Length
        let column (values: float[]) t = Array.init samples (fun i -> values.[i * outputs + t])
        let perOutput = Array.init outputs (fun t -> Symmetry.compare (column y t) (column ySwapped t))
        { InvarianceError = perOutput |> Array.mapi (fun t i -> i.Error * model.Standardization.TargetScale.[t]) |> Array.max
          ExactlyInvariant = perOutput |> Array.forall (fun i -> i.Bitwise)
          ArchitectureGuarantees = Network.isExactlyInvariant spec
          Samples = samples
          Activations = activationParities spec }
