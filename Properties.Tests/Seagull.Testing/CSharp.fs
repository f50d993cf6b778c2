namespace Seagull.Testing

open System
open FsCheck
open FsCheck.FSharp
open Seagull.Core

/// Conversions between Seagull.Api's values and the core's, for the C# face.
module internal Bridge =
    let dtype (precision: Seagull.Api.Precision) : Dtype =
        if precision = Seagull.Api.Precision.Float64 then Float64 else Float32

    let toMatrix (t: Tensor) : float[,] =
        let values = Tensor.toArray t
        let rows, cols = (if t.Shape.Length = 0 then 1 else t.Shape.[0]), (if t.Shape.Length = 0 then 1 else values.Length / max 1 t.Shape.[0])
        Array2D.init rows cols (fun r c -> values.[r * cols + c])

    let ofMatrix (dtype: Dtype) (x: float[,]) : Tensor =
        let rows, cols = Array2D.length1 x, Array2D.length2 x
        Tensor.ofArray dtype [| rows; cols |] (Array.init (rows * cols) (fun i -> x.[i / cols, i % cols]))

    let ofVector (dtype: Dtype) (y: float[]) : Tensor = Tensor.ofArray dtype [| y.Length; 1 |] y

/// From C#: the checks of `ActivationChecks` for activations of Seagull.Api (built-in or `Activation.Custom`), and
/// evaluation in either precision. Each check returns an FsCheck `Property` whose failure names the input.
///
/// Example (C#):
/// <code>
/// var ratio = Activation.Custom("ratio", z => 1 - 1 / (1 + z * z));
/// ActivationCheck.ForValues(Precision.Float32, xs => ActivationCheck.IsBitwiseEven(ratio, Precision.Float32, xs));
/// </code>
[<AbstractClass; Sealed>]
type ActivationCheck =
    /// The core activation a Seagull.Api activation wraps: the bridge from C#'s `Activation` to `ActivationChecks`.
    static member ToCore(activation: Seagull.Api.Activation) : Activation =
        ArgumentNullException.ThrowIfNull activation
        activation.Inner

    /// σ at each value, computed in the precision (float32 rounds the values first).
    static member Evaluate(activation: Seagull.Api.Activation, precision: Seagull.Api.Precision, [<ParamArray>] values: float[]) : float[] =
        Checks.activationValues (Bridge.dtype precision) (ActivationCheck.ToCore activation) values

    /// σ(z) computed in float32.
    static member Evaluate(activation: Seagull.Api.Activation, z: float32) : float32 =
        float32 (Checks.activationValues Float32 (ActivationCheck.ToCore activation) [| float z |]).[0]

    /// σ′ at each value, computed in the precision.
    static member Derivative(activation: Seagull.Api.Activation, precision: Seagull.Api.Precision, [<ParamArray>] values: float[]) : float[] =
        Checks.derivativeValues (Bridge.dtype precision) (ActivationCheck.ToCore activation) values

    /// σ′(z) computed in float32.
    static member Derivative(activation: Seagull.Api.Activation, z: float32) : float32 =
        float32 (Checks.derivativeValues Float32 (ActivationCheck.ToCore activation) [| float z |]).[0]

    /// Batches of values of every scale with the precision's extremes (`ActivationChecks.valuesWithExtremes`), shrinking.
    static member Values(precision: Seagull.Api.Precision) : Arbitrary<float[]> =
        ActivationChecks.valuesWithExtremesArb (Bridge.dtype precision)

    /// σ even and σ′ odd, bit for bit, at every value; NaN fails (`ActivationChecks.isBitwiseEven`).
    static member IsBitwiseEven(activation: Seagull.Api.Activation, precision: Seagull.Api.Precision, values: float[]) : Property =
        ActivationChecks.isBitwiseEven (Bridge.dtype precision) (ActivationCheck.ToCore activation) values

    /// σ odd and σ′ even, bit for bit, at every value; NaN fails (`ActivationChecks.isBitwiseOdd`).
    static member IsBitwiseOdd(activation: Seagull.Api.Activation, precision: Seagull.Api.Precision, values: float[]) : Property =
        ActivationChecks.isBitwiseOdd (Bridge.dtype precision) (ActivationCheck.ToCore activation) values

    /// σ′ alone odd (`ActivationChecks.derivativeIsOdd`).
    static member DerivativeIsOdd(activation: Seagull.Api.Activation, precision: Seagull.Api.Precision, values: float[]) : Property =
        ActivationChecks.derivativeIsOdd (Bridge.dtype precision) (ActivationCheck.ToCore activation) values

    /// σ′ alone even (`ActivationChecks.derivativeIsEven`).
    static member DerivativeIsEven(activation: Seagull.Api.Activation, precision: Seagull.Api.Precision, values: float[]) : Property =
        ActivationChecks.derivativeIsEven (Bridge.dtype precision) (ActivationCheck.ToCore activation) values

    /// σ and σ′ finite at every finite value (`ActivationChecks.isFinite`).
    static member IsFinite(activation: Seagull.Api.Activation, precision: Seagull.Api.Precision, values: float[]) : Property =
        ActivationChecks.isFinite (Bridge.dtype precision) (ActivationCheck.ToCore activation) values

    /// σ′ against central finite differences in float64 (`ActivationChecks.derivativeMatchesFiniteDifferences`).
    static member DerivativeMatchesFiniteDifferences(activation: Seagull.Api.Activation, values: float[], tolerance: float) : Property =
        ActivationChecks.derivativeMatchesFiniteDifferences tolerance (ActivationCheck.ToCore activation) values

    /// The same with tolerance 1e-6.
    static member DerivativeMatchesFiniteDifferences(activation: Seagull.Api.Activation, values: float[]) : Property =
        ActivationCheck.DerivativeMatchesFiniteDifferences(activation, values, 1e-6)

    /// Checks the property on batches of values with extremes and on each extreme alone, with the run's seed and
    /// count (`ActivationChecks.forValuesWith`); throws `CounterexampleException` on failure.
    static member ForValues(precision: Seagull.Api.Precision, property: Func<float[], Property>, config: RunConfig) : unit =
        ActivationChecks.forValuesWith config (Bridge.dtype precision) property.Invoke

    /// The same with `RunConfig.Default` (100 batches, a fresh seed printed on failure).
    static member ForValues(precision: Seagull.Api.Precision, property: Func<float[], Property>) : unit =
        ActivationCheck.ForValues(precision, property, RunConfig.Default)

/// From C#: exact swap invariance (`SwapChecks`) of a function of a batch under a symmetry, or of a network of
/// Seagull.Api's `NetworkBuilder`.
///
/// Example (C#):
/// <code>
/// var net = new NetworkBuilder().Blocks(u: 2, v: 2, w: 1).Architecture(Architecture.Pooled).Hidden(8).Build();
/// Prop.ForAll(SwapCheck.Inputs(net), x => SwapCheck.Invariance(net, x)).QuickCheckThrowOnFailure();
/// </code>
[<AbstractClass; Sealed>]
type SwapCheck =
    /// Inputs [u | v | w] with u, v of width d ≥ 1 and w of width k ≥ 0 (`Symmetry.blocks d k`).
    static member Blocks(d: int, k: int) : Symmetry = Symmetry.blocks d k

    /// The symmetry a network's inputs have.
    static member SymmetryOf(network: Seagull.Api.NetworkDefinition) : Symmetry =
        ArgumentNullException.ThrowIfNull network
        network.Spec.Symmetry

    /// f(x) and f(x̃) have the same bits (`SwapChecks.invariance`); the failure shows the row as u | v | w.
    static member Invariance(symmetry: Symmetry, f: Func<Tensor, Tensor>, x: Tensor) : Property =
        SwapChecks.invariance symmetry f.Invoke x

    /// The same for a function of a rows × width matrix to rows × outputs (a model's `PredictOutputs`), in float64.
    static member Invariance(symmetry: Symmetry, f: Func<float[,], float[,]>, x: float[,]) : Property =
        SwapChecks.invariance symmetry (Bridge.toMatrix >> f.Invoke >> Bridge.ofMatrix Float64) (Bridge.ofMatrix Float64 x)

    /// The same for a function of a matrix to one value per row (a model's `Predict`), in float64.
    static member Invariance(symmetry: Symmetry, f: Func<float[,], float[]>, x: float[,]) : Property =
        SwapChecks.invariance symmetry (Bridge.toMatrix >> f.Invoke >> Bridge.ofVector Float64) (Bridge.ofMatrix Float64 x)

    /// A network of `NetworkBuilder`, its parameters drawn from its seed, in its precision: f(x) and f(x̃) have the
    /// same bits on every row of x.
    static member Invariance(network: Seagull.Api.NetworkDefinition, x: float[,]) : Property =
        ArgumentNullException.ThrowIfNull network
        let spec = network.Spec
        let p = Network.init spec (Random.key network.Seed)
        SwapChecks.invariance spec.Symmetry (Network.apply spec p) (Bridge.ofMatrix spec.Precision x)

    /// f(x) and f(x̃) have the same bits, as a bool.
    static member IsInvariant(symmetry: Symmetry, f: Func<Tensor, Tensor>, x: Tensor) : bool =
        SwapChecks.isInvariant symmetry f.Invoke x

    /// Batches of 1–7 rows of the symmetry's width in [−3, 3], shrinking towards one row and inputs towards 0.
    static member Inputs(symmetry: Symmetry) : Arbitrary<float[,]> =
        SeagullArb.inputs symmetry Float64 |> Arb.convert Bridge.toMatrix (Bridge.ofMatrix Float64)

    /// Batches of inputs for the network (its symmetry's width), shrinking.
    static member Inputs(network: Seagull.Api.NetworkDefinition) : Arbitrary<float[,]> =
        SwapCheck.Inputs(SwapCheck.SymmetryOf network)

/// From C#: gradients against finite differences (`GradientChecks`) for functions over the core's tensors and
/// parameter trees.
[<AbstractClass; Sealed>]
type GradientCheck =
    /// ∂/∂p of Σ w ⊙ f(p, x) against finite differences (`GradientChecks.parametersAgree`).
    static member ParametersAgree(f: Func<Params, Tensor, Tensor>, parameters: Params, x: Tensor, tolerance: float, seed: int) : Property =
        GradientChecks.parametersAgree tolerance (fun p t -> f.Invoke(p, t)) parameters x seed

    /// A network of `NetworkBuilder` (build it in float64), its parameters drawn from its seed: ∂/∂p of Σ w ⊙ f(p, x)
    /// against finite differences for every parameter, on the batch x.
    static member ParametersAgree(network: Seagull.Api.NetworkDefinition, x: float[,], tolerance: float, seed: int) : Property =
        ArgumentNullException.ThrowIfNull network
        let spec = network.Spec
        GradientChecks.parametersAgree tolerance (Network.apply spec) (Network.init spec (Random.key network.Seed)) (Bridge.ofMatrix spec.Precision x) seed

    /// ∂/∂inputs of Σ w ⊙ f(inputs) against finite differences (`GradientChecks.inputsAgree`).
    static member InputsAgree(f: Func<Tensor[], Tensor>, inputs: Tensor[], tolerance: float, seed: int) : Property =
        GradientChecks.inputsAgree tolerance (fun ts -> f.Invoke(Array.ofList ts)) (List.ofArray inputs) seed
