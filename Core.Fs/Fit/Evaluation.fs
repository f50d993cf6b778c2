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

    /// The mean over targets of the MSE in units of the training target's variance (`Metrics.StandardizedMse`),
    /// predictions in `arena`: the learning curves.
    let internal standardizedMseIn (arena: Kernels.StepArena) (model: Model) (data: Dataset) : float =
        let predictions, ys = predictionsOf arena true model data
        Array.init ys.Length (fun t ->
            standardized model.Standardization.TargetScale.[t] predictions.[t] ys.[t] (meanSquaredError predictions.[t] ys.[t]))
        |> Array.average

    /// Mean squared error in the target's units, per target (one forward pass; what `evaluate` reports as Mse).
    let mse (model: Model) (data: Dataset) : float[] =
        let predictions, ys = predictionsOf (Kernels.StepArena()) true model data
        Array.map2 meanSquaredError predictions ys

    let private targetMetrics (name: string) (scale: float) (prediction: float[]) (y: float[]) (invariance: float) =
        let n = float y.Length
        let mse = meanSquaredError prediction y
        let mean = Array.average y
        let variance = y |> Array.averageBy (fun v -> (v - mean) * (v - mean))
        let r2 =
            if trustworthy mse prediction y && Double.IsNormal variance && Double.IsFinite mean then 1.0 - mse / variance
            elif y |> Array.forall (fun v -> v = y.[0]) then Double.NaN // no variance to explain
            else
                let scaledMean = (y |> Array.sumBy (fun v -> v / scale)) / n
                let spread = y |> Array.sumBy (fun v -> let d = v / scale - scaledMean in d * d)
                if spread > 0.0 then 1.0 - sumInScale scale prediction (fun i -> y.[i]) / spread else Double.NaN
        let standardizedMse = standardized scale prediction y mse
        { Name = name
          Mse = mse
          StandardizedMse = standardizedMse
          // Targets near the ends of the float range: the MSE overflows (1e200² = ∞) or underflows (1e-300² = 0),
          // the RMSE does not; it is the target's scale times the root of the standardised MSE.
          Rmse = if trustworthy mse prediction y then Math.Sqrt mse else scale * Math.Sqrt standardizedMse
          R2 = r2
          InvarianceError = invariance }

    let private evaluateWith (strict: bool) (model: Model) (data: Dataset) : Metrics =
        let predictions, ys = predictionsOf (Kernels.StepArena()) strict model data
        let invariance = Regressor.invarianceIn strict model data.X
        let scales = model.Standardization.TargetScale
        let targets = Array.init ys.Length (fun t -> targetMetrics model.TargetNames.[t] scales.[t] predictions.[t] ys.[t] invariance.[t].Error)
        { Targets = targets
          StandardizedMse = targets |> Array.averageBy (fun m -> m.StandardizedMse)
          StandardizedInvarianceError = Array.map2 (fun (m: TargetMetrics) scale -> m.InvarianceError / scale) targets scales |> Array.max
          N = data.Rows }

    /// MSE, RMSE, R² and invariance error per target on a data set with targets; a row the network cannot
    /// represent (NaN or ∞) is an error naming it, as in `Regressor.predict`.
    let evaluate (model: Model) (data: Dataset) : Metrics = evaluateWith true model data

    /// `evaluate` for a fit's own report: a row the network cannot represent makes the metrics NaN instead
    /// of an error, so a fitted model is not thrown away for one held-out row far outside the training data.
    let measure (model: Model) (data: Dataset) : Metrics = evaluateWith false model data

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
