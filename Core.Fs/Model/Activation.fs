namespace Seagull.Core

open System
open Seagull.Core.Kernels

/// How an activation behaves under z ↦ −z.
type Parity =
    /// σ(−z) = σ(z): Seagull, z², |z|, exp(−z²), log cosh, cos.
    | Even
    /// σ(−z) = −σ(z): identity, tanh.
    | Odd
    /// Neither even nor odd: ReLU, sigmoid, softplus, …
    | Neither

/// Helpers on `Parity`.
module Parity =
    /// "even", "odd" or "neither".
    let name (p: Parity) = match p with Even -> "even" | Odd -> "odd" | Neither -> "neither"

/// The fused, vectorised kernel of a built-in activation (opaque outside the core).
[<Sealed>]
type FusedKernel internal (kernel: IElementwiseKernel) =
    member internal _.Kernel = kernel

/// An activation function: a name, a declared parity, a formula text, and the function itself.
/// Built-in activations run as one fused kernel with an analytic derivative; a custom one is any
/// differentiable tensor formula, differentiated by the engine.
type Activation =
    { Name: string
      /// The parity the activation claims; tests check it against `Activation.parityOf`.
      Declared: Parity
      Formula: string
      /// The fused kernel of a built-in activation; `None` for custom and learnable ones.
      Kernel: FusedKernel option
      /// The learnable shape α of a parametric activation (`seagull-learned`, `gaussian-learned`); `None` for the
      /// others. A dense layer with one carries α (one per neuron) in its parameters; `Apply` is σ at α's initial value.
      Learnable: LearnableShape option
      /// The formula as data when a custom activation was made from one (`Activation.ofExpression`, the C# `Expr`);
      /// `None` for the built-ins and for an F# function, which no other form (an ONNX graph) can be made from.
      Expression: Expression option
      /// The function on tensors (differentiable).
      Apply: Tensor -> Tensor }
    override this.ToString() = $"{this.Name} ({Parity.name this.Declared}): {this.Formula}"

/// The catalogue of activations, custom activations, and parity measurement.
[<RequireQualifiedAccess>]
module Activation =
    let private builtin name parity formula kernel =
        { Name = name; Declared = parity; Formula = formula; Kernel = Some (FusedKernel kernel); Learnable = None; Expression = None; Apply = Tensor.map kernel }

    let private learned name formula family =
        let shape = LearnableShape family
        { Name = name; Declared = Even; Formula = formula; Kernel = None; Learnable = Some shape; Expression = None
          Apply = fun z -> LearnedKernels.apply family (Tensor.full z.Dtype [||] shape.Initial) z }

    /// Seagull, log(1 + z²): the even activation of Gao & Zhang.
    let seagull = builtin "seagull" Even "log(1 + z²)" ActivationKernels.seagull
    /// z².
    let square = builtin "square" Even "z²" ActivationKernels.square
    /// |z|.
    let abs = builtin "abs" Even "|z|" ActivationKernels.abs
    /// exp(−z²).
    let gaussian = builtin "gaussian" Even "exp(−z²)" ActivationKernels.gaussian
    /// log cosh z, computed stably.
    let logcosh = builtin "logcosh" Even "log(cosh z)" ActivationKernels.logcosh
    /// cos z.
    let cos = builtin "cos" Even "cos z" ActivationKernels.cos
    /// z.
    let identity = builtin "identity" Odd "z" ActivationKernels.identity
    /// tanh z.
    let tanh = builtin "tanh" Odd "tanh z" ActivationKernels.tanh
    /// max(z, 0).
    let relu = builtin "relu" Neither "max(z, 0)" ActivationKernels.relu
    /// z if z > 0 else 0.01·z.
    let leakyRelu = builtin "leakyrelu" Neither "max(z, 0.01·z)" ActivationKernels.leakyRelu
    /// 1 / (1 + exp(−z)).
    let sigmoid = builtin "sigmoid" Neither "1 / (1 + exp(−z))" ActivationKernels.sigmoid
    /// log(1 + exp z), computed stably.
    let softplus = builtin "softplus" Neither "log(1 + exp z)" ActivationKernels.softplus
    /// z if z > 0 else exp(z) − 1.
    let elu = builtin "elu" Neither "z if z > 0 else exp(z) − 1" ActivationKernels.elu
    /// z · sigmoid(z).
    let silu = builtin "silu" Neither "z · sigmoid(z)" ActivationKernels.silu
    /// GELU (tanh approximation).
    let gelu = builtin "gelu" Neither "½z(1 + tanh(√(2/π)(z + 0.044715z³)))" ActivationKernels.gelu

    /// Seagull with a learnable scale, log(1 + (αz)²) / α²: α per neuron, learned with the weights, initialised at 1
    /// (where it is `seagull`). Even in z for every α; α = 0 is the limit z². Example: `Dense (64, Activation.seagullLearned, true)`.
    let seagullLearned = learned "seagull-learned" "log(1 + (αz)²) / α², α learned per neuron (initially 1)" LearnedSeagull
    /// The Gaussian with a learnable width, exp(−(αz)²): α per neuron, learned with the weights, initialised at 1.
    let gaussianLearned = learned "gaussian-learned" "exp(−(αz)²), α learned per neuron (initially 1)" LearnedGaussian

    /// Every built-in activation, even ones first (the fixed even ones, then the learnable ones).
    let catalogue =
        [ seagull; square; abs; gaussian; logcosh; cos; seagullLearned; gaussianLearned
          identity; tanh; relu; leakyRelu; sigmoid; softplus; elu; silu; gelu ]

    /// Whether an activation is a learnable one (its layer carries α). Example: `Activation.isLearnable Activation.seagullLearned`.
    let isLearnable (a: Activation) = a.Learnable.IsSome

    /// Whether an activation is one of the catalogue's (a fused kernel or a learnable shape), not a custom one.
    let isBuiltIn (a: Activation) = a.Kernel.IsSome || a.Learnable.IsSome

    /// The built-in activation of that name (case-insensitive), if any.
    let tryFind (name: string) =
        let key = if isNull name then "" else name.Trim().ToLowerInvariant()
        catalogue |> List.tryFind (fun a -> a.Name = key)

    /// The built-in activation of that name, or a one-line error listing the known names.
    let find (name: string) =
        match tryFind name with
        | Some a -> a
        | None ->
            let known = catalogue |> List.map (fun a -> a.Name) |> String.concat ", "
            Fail.with' $"unknown activation '{name}'; known: {known}"

    /// σ applied to a tensor (a learnable activation at α's initial value).
    let apply (a: Activation) (t: Tensor) = a.Apply t

    /// σ(z; α) of a learnable activation, differentiable in both: α is one number (for every element) or one per
    /// column of z's last dimension. Raises for an activation that is not learnable.
    /// Example: `Activation.applyWith Activation.seagullLearned (Tensor.vector Float64 [| 2.0 |]) z`.
    let applyWith (a: Activation) (alpha: Tensor) (z: Tensor) : Tensor =
        match a.Learnable with
        | Some shape -> LearnedKernels.apply shape.Family alpha z
        | None -> Fail.with' $"activation '{a.Name}' has no learnable shape α"

    /// σ(z; α) at each value with one α, in the given precision (a learnable activation).
    let evaluateWith (dtype: Dtype) (a: Activation) (alpha: float) (values: float[]) : float[] =
        Tensor.toArray (applyWith a (Tensor.scalar dtype alpha) (Tensor.vector dtype values))

    /// σ'(z) elementwise: the analytic kernel for built-ins, reverse-mode differentiation for custom ones.
    let derivative (a: Activation) (z: Tensor) : Tensor =
        match a.Kernel with
        | Some fused ->
            let k = fused.Kernel
            let raw = z.Raw
            let y = RawTensor.forward k raw
            Tensor.ofRaw (RawTensor.backward k raw y (RawTensor.full raw.Dtype raw.Shape 1.0))
        | None -> Diff.grad (fun t -> Tensor.sum (a.Apply t)) z

    /// σ at each value, in the given precision.
    let evaluate (dtype: Dtype) (a: Activation) (values: float[]) : float[] =
        Tensor.toArray (a.Apply (Tensor.vector dtype values))

    /// The fixed probe set parity is measured on: symmetric magnitudes from 1e-3 to 50.
    let probes =
        [| 0.001; 0.01; 0.1; 0.25; 0.5; 0.75; 1.0; 1.5; 2.0; 3.0; 5.0; 7.5; 10.0; 20.0; 50.0 |]

    /// The values of α a learnable activation's parity is measured at: its initial 1, 0, and tiny to huge, both signs.
    let alphaProbes = [| 1.0; 0.0; 0.5; 2.0; -3.0; 1e-3; 1e3; -1e-20 |]

    /// Measures parity on `probes`, bit for bit in both precisions: even when σ(−z) = σ(z) and odd when
    /// σ(−z) = −σ(z) exactly (as IEEE numbers, so +0 = −0) at every probe, in float32 and in float64;
    /// otherwise neither. A learnable activation is measured at every α of `alphaProbes` and has a parity only
    /// when it is the same at all of them. Exactly, because the architectures' invariance guarantee is exact: a formula
    /// that is even only up to rounding, such as (z + 1)² − 2z, measures neither, and a `split` network
    /// with it is not exactly invariant. NaN results measure neither. The probes are the evidence: a custom formula
    /// that is even on them but not beyond |z| = 50 (one built with a branch at z = 100, say) measures even, and the
    /// guarantee of a network on it is only as good as that measurement; the built-ins are even by construction.
    let parityOf (a: Activation) : Parity =
        let measured (evaluateIn: Dtype -> float[] -> float[]) (dtype: Dtype) =
            let plus = evaluateIn dtype probes
            let minus = evaluateIn dtype (probes |> Array.map (fun p -> -p))
            let all f = Array.forall2 f plus minus
            if all (fun (p: float) m -> p = m) then Even
            elif all (fun (p: float) m -> -p = m) then Odd
            else Neither
        let evaluators =
            match a.Learnable with
            | None -> [ fun dtype values -> evaluate dtype a values ]
            | Some _ -> [ for alpha in alphaProbes -> fun dtype values -> evaluateWith dtype a alpha values ]
        match evaluators |> List.collect (fun e -> [ measured e Float64; measured e Float32 ]) |> List.distinct with
        | [ p ] -> p
        | _ -> Neither

    /// Checks a custom activation's name: one word, since names go into model files, markdown report
    /// tables and comma-separated CLI lists (no spaces, commas, '|' or control characters), and not a built-in's.
    /// Example: `Activation.checkName "seagull2"` passes; `Activation.checkName "my act"` raises.
    let checkName (name: string) : unit =
        if String.IsNullOrWhiteSpace name then Fail.with' "custom activation: the name is empty"
        if name.Trim() |> Seq.exists (fun c -> Char.IsWhiteSpace c || Char.IsControl c || c = ',' || c = '|') then
            Fail.with' $"custom activation: the name '{name.Trim()}' must be one word (no spaces, commas, '|' or control characters)"
        // Model files and lists resolve built-in names first: a custom one of that name could never be found.
        if (tryFind name).IsSome then
            Fail.with' $"custom activation: '{name.Trim()}' is the name of a built-in activation; choose another name for a custom one"

    /// A user-defined activation from a differentiable formula; its derivative comes from the
    /// engine and its declared parity is *measured*, not trusted.
    ///
    /// Example: `Activation.custom "seagull2" (fun z -> log (1.0 + z * z))`.
    let custom (name: string) (formula: Tensor -> Tensor) : Activation =
        checkName name
        // Checked on every call, not only on a probe: a formula can change its behaviour between calls.
        let elementwise (z: Tensor) =
            let y = formula z
            if not (RawTensor.shapesEqual y.Raw.Shape z.Raw.Shape) then
                Fail.with' $"custom activation '{name.Trim()}': the formula must act elementwise (an input of shape {RawTensor.shapeText z.Raw.Shape} gave {RawTensor.shapeText y.Raw.Shape})"
            y
        let draft = { Name = name.Trim(); Declared = Neither; Formula = "custom"; Kernel = None; Learnable = None; Expression = None; Apply = elementwise }
        // An activation undefined somewhere (log z, √z, 1/z) makes a network's output NaN as soon as a
        // pre-activation lands there, and the fit would then blame the learning rate: refuse it here.
        // NaN anywhere on the probes, or ±∞ where |z| ≤ 5, is refused (exp(z²) overflows float32 from z ≈ 9.4).
        // z = 0 is a probe: a removable singularity such as sin z / z must be written to be defined there.
        let points = Array.concat [ [| 0.0 |]; probes; probes |> Array.map (fun p -> -p) ]
        for dtype in [ Float64; Float32 ] do
            let values = evaluate dtype draft points
            Array.iter2 (fun (z: float) (y: float) ->
                if Double.IsNaN y || (Double.IsInfinity y && Math.Abs z <= 5.0) then
                    Fail.with' $"custom activation '{name.Trim()}' gives {Fail.number y} at z = {Fail.number z} in {Dtype.name dtype}; an activation must never be NaN, and finite for |z| ≤ 5") points values
        { draft with Declared = parityOf draft }

    /// A custom activation from a formula given as data (`Expression`): computed by evaluating it, differentiated by
    /// the engine, its parity measured (as `custom`); unlike an F# function it can also be exported (ONNX).
    /// Example: `Activation.ofExpression "seagull2" (Expression.Function (Log, Expression.AddScalar (1.0, Expression.Multiply (Expression.Z, Expression.Z))))`.
    let ofExpression (name: string) (expression: Expression) : Activation =
        { custom name (Expression.evaluate expression) with Expression = Some expression }
