namespace Seagull.Core

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

    /// The symmetry penalty λ·mean((g(x) − g(x̃))²): the "custom loss" route to approximate invariance.
    let symmetryPenalty (lambda: float) (output: Tensor) (swappedOutput: Tensor) : Tensor =
        check "penalty" output swappedOutput
        let d = output - swappedOutput
        Tensor.mean (d * d) * lambda

/// Which loss the fit loop minimises.
type LossKind =
    | MeanSquaredError
    | MeanAbsoluteError

/// Helpers on `LossKind`.
module LossKind =
    /// The loss function of a kind.
    let apply (kind: LossKind) : Tensor -> Tensor -> Tensor = match kind with MeanSquaredError -> Loss.mse | MeanAbsoluteError -> Loss.mae
