namespace Seagull.Core

open System

/// Losses: scalar tensors to differentiate.
[<RequireQualifiedAccess>]
module Loss =
    let private check (name: string) (prediction: Tensor) (target: Tensor) =
        if not (RawTensor.shapesEqual prediction.Raw.Shape target.Raw.Shape) then
            Fail.with' $"{name}: prediction shape {RawTensor.shapeText prediction.Raw.Shape} differs from target shape {RawTensor.shapeText target.Raw.Shape}"

    /// Mean squared error.
    let mse (prediction: Tensor) (target: Tensor) : Tensor =
        check "mse" prediction target
        let d = prediction - target
        Tensor.mean (d * d)

    /// Mean absolute error.
    let mae (prediction: Tensor) (target: Tensor) : Tensor =
        check "mae" prediction target
        Tensor.mean (Tensor.abs (prediction - target))

    /// Per row: log Σ_c exp z_c − Σ_c t_c z_c (the max subtracted first, so no exp overflows), summed into the
    /// loss; `grad` gets (Σ_c t_c)·softmax(z) − t per row, scaled by `scale`. In float64 throughout.
    /// log Σ_c exp z[o + c] over `classes` values from `o`, the largest subtracted first so that no exp overflows.
    let internal logSumExp (z: float[]) (o: int) (classes: int) : float =
        let mutable top = Double.NegativeInfinity
        for c in 0 .. classes - 1 do
            top <- max top z.[o + c]
        let mutable sum = 0.0
        for c in 0 .. classes - 1 do
            sum <- sum + exp (z.[o + c] - top)
        top + log sum

    let private softmaxRows (z: float[]) (t: float[]) (rows: int) (classes: int) (grad: float[]) (scale: float) : float =
        let mutable total = 0.0
        for i in 0 .. rows - 1 do
            let o = i * classes
            let lse = logSumExp z o classes
            let mutable mass = 0.0
            let mutable dot = 0.0
            for c in 0 .. classes - 1 do
                mass <- mass + t.[o + c]
                dot <- dot + t.[o + c] * z.[o + c]
            total <- total + (mass * lse - dot)
            if not (isNull grad) then
                for c in 0 .. classes - 1 do
                    grad.[o + c] <- scale * (mass * exp (z.[o + c] - lse) - t.[o + c])
        total

    /// Softmax cross-entropy of logits (rows × classes) against target distributions of the same shape (one-hot
    /// rows for labels): the mean over rows of log Σ_c exp z_c − Σ_c t_c z_c. Computed stably (log-sum-exp) as
    /// one fused operation whose gradient is (softmax(z) − t) / rows, with no softmax or log tensors on the tape.
    /// Example: `Loss.softmaxCrossEntropy logits (Tensor.ofArray Float32 [| 1; 3 |] [| 0.0; 1.0; 0.0 |])`.
    let softmaxCrossEntropy (logits: Tensor) (targets: Tensor) : Tensor =
        check "cross-entropy" logits targets
        if logits.Raw.Shape.Length <> 2 then
            Fail.with' $"cross-entropy: expects logits of shape [rows, classes], got {RawTensor.shapeText logits.Raw.Shape}"
        let rows, classes = logits.Raw.Shape.[0], logits.Raw.Shape.[1]
        if rows < 1 || classes < 1 then Fail.with' $"cross-entropy: no rows or no classes ({RawTensor.shapeText logits.Raw.Shape})"
        let z = RawTensor.toFloats logits.Raw
        let t = RawTensor.toFloats targets.Raw
        let total = softmaxRows z t rows classes null 0.0
        let value = RawTensor.scalar logits.Dtype (total / float rows)
        Tensor.record value [| logits; targets |] (fun g needs ->
            let scale = (RawTensor.toFloats g).[0] / float rows
            let dz = Array.zeroCreate (rows * classes)
            softmaxRows z t rows classes dz scale |> ignore
            [| RawTensor.ofFloats logits.Dtype [| rows; classes |] dz
               (if needs.[1] then Fail.with' "cross-entropy: the gradient with respect to the targets is not supported" else Unchecked.defaultof<_>) |])

    /// The symmetry penalty λ·mean((g(x) − g(x̃))²): the "custom loss" route to approximate invariance.
    let symmetryPenalty (lambda: float) (output: Tensor) (swappedOutput: Tensor) : Tensor =
        check "penalty" output swappedOutput
        let d = output - swappedOutput
        Tensor.mean (d * d) * lambda

/// Which loss the fit loop minimises.
type LossKind =
    | MeanSquaredError
    | MeanAbsoluteError
    /// Softmax cross-entropy of logits against one-hot class targets (classification).
    | CrossEntropy

/// Helpers on `LossKind`.
module LossKind =
    /// The loss function of a kind.
    let apply (kind: LossKind) : Tensor -> Tensor -> Tensor = match kind with MeanSquaredError -> Loss.mse | MeanAbsoluteError -> Loss.mae | CrossEntropy -> Loss.softmaxCrossEntropy
