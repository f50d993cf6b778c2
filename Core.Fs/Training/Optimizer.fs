namespace Seagull

open System
open System.Numerics
open System.Numerics.Tensors

/// An optimisation rule and its hyper-parameters.
type OptimizerKind =
    /// Stochastic gradient descent with (heavy-ball) momentum.
    | Sgd of learningRate: float * momentum: float
    /// Adam (Kingma & Ba) with bias correction.
    | Adam of learningRate: float * beta1: float * beta2: float * epsilon: float

/// A learning-rate schedule over epochs.
type Schedule =
    | Constant
    /// Multiply the rate by `gamma` every `every` epochs.
    | StepDecay of every: int * gamma: float
    /// Cosine decay from the base rate to 0 over `epochs` epochs.
    | Cosine of epochs: int

/// The state an optimizer carries between steps: a step count and moment trees shaped like the parameters.
type OptimizerState = { Step: int; First: Params; Second: Params }

/// Optimizers as pure state transitions: `step kind rate state params grads → state', params'`.
[<RequireQualifiedAccess>]
module Optimizer =
    /// Adam with PyTorch's defaults: lr 1e-3, β 0.9/0.999, ε 1e-8.
    let adamDefault = Adam(1e-3, 0.9, 0.999, 1e-8)

    /// The base learning rate of a rule.
    let learningRate (kind: OptimizerKind) = match kind with Sgd (lr, _) -> lr | Adam (lr, _, _, _) -> lr

    /// The same rule with another learning rate.
    let withLearningRate (lr: float) (kind: OptimizerKind) =
        match kind with
        | Sgd (_, m) -> Sgd(lr, m)
        | Adam (_, b1, b2, e) -> Adam(lr, b1, b2, e)

    /// The learning rate at an epoch (0-based) under a schedule.
    let scheduled (schedule: Schedule) (baseRate: float) (epoch: int) =
        match schedule with
        | Constant -> baseRate
        | StepDecay (every, gamma) -> baseRate * Math.Pow(gamma, float (epoch / max 1 every))
        | Cosine epochs -> baseRate * 0.5 * (1.0 + Math.Cos(Math.PI * float (min epoch epochs) / float (max 1 epochs)))

    /// The initial state for parameters `p`.
    let init (p: Params) : OptimizerState = { Step = 0; First = Params.zerosLike p; Second = Params.zerosLike p }

    /// One Adam update of one tensor, vectorised: m' = β₁m + (1−β₁)g, v' = β₂v + (1−β₂)g²,
    /// p' = p − (lr/c₁)·m' / (√v'/√c₂ + ε) with bias corrections c = 1 − βᵗ (PyTorch's formulation).
    let private adamKernel<'T when 'T :> IFloatingPointIeee754<'T>> (lr: float) (b1: float) (b2: float) (eps: float) (step: int)
                                                                     (p: 'T[]) (g: 'T[]) (m: 'T[]) (v: 'T[]) : 'T[] * 'T[] * 'T[] =
        let c1 = 1.0 - Math.Pow(b1, float step)
        let c2 = 1.0 - Math.Pow(b2, float step)
        let t (x: float) : 'T = 'T.CreateTruncating x
        let n = p.Length
        // The new state and parameters outlive the step (ordinary arrays, every element written below);
        // the work array is scratch (from the step arena inside the fit loop).
        let m' = GC.AllocateUninitializedArray<'T> n
        let v' = GC.AllocateUninitializedArray<'T> n
        let p' = GC.AllocateUninitializedArray<'T> n
        let work = Kernels.Elementwise.fresh<'T> n
        TensorPrimitives.Multiply<'T>(ReadOnlySpan m, t b1, Span m')
        TensorPrimitives.MultiplyAdd<'T>(ReadOnlySpan g, t (1.0 - b1), ReadOnlySpan m', Span m')
        TensorPrimitives.Multiply<'T>(ReadOnlySpan g, ReadOnlySpan g, Span work)
        TensorPrimitives.Multiply<'T>(ReadOnlySpan v, t b2, Span v')
        TensorPrimitives.MultiplyAdd<'T>(ReadOnlySpan work, t (1.0 - b2), ReadOnlySpan v', Span v')
        TensorPrimitives.Sqrt<'T>(ReadOnlySpan v', Span work)
        TensorPrimitives.Multiply<'T>(ReadOnlySpan work, t (1.0 / Math.Sqrt c2), Span work)
        TensorPrimitives.Add<'T>(ReadOnlySpan work, t eps, Span work)
        TensorPrimitives.Divide<'T>(ReadOnlySpan m', ReadOnlySpan work, Span work)
        TensorPrimitives.MultiplyAdd<'T>(ReadOnlySpan work, t (-lr / c1), ReadOnlySpan p, Span p')
        p', m', v'

    let private sgdKernel<'T when 'T :> IFloatingPointIeee754<'T>> (lr: float) (momentum: float) (p: 'T[]) (g: 'T[]) (m: 'T[]) : 'T[] * 'T[] =
        let tlr: 'T = 'T.CreateTruncating lr
        let tm: 'T = 'T.CreateTruncating momentum
        let p' = GC.AllocateUninitializedArray<'T> p.Length
        let m' = GC.AllocateUninitializedArray<'T> p.Length
        for i in 0 .. p.Length - 1 do
            let mPart: 'T = tm * m.[i]
            let mi: 'T = mPart + g.[i]
            let update: 'T = tlr * mi
            m'.[i] <- mi
            p'.[i] <- p.[i] - update
        p', m'

    /// One optimisation step at learning rate `rate`: a new state and new parameters (inputs unchanged).
    let step (kind: OptimizerKind) (rate: float) (state: OptimizerState) (p: Params) (g: Params) : OptimizerState * Params =
        let n = state.Step + 1
        let ps = Params.leaves p
        let gs = Params.leaves g
        let ms = Params.leaves state.First
        let vs = Params.leaves state.Second
        let results =
            List.zip (List.zip ps gs) (List.zip ms vs)
            |> List.map (fun ((pt, gt), (mt, vt)) ->
                let shape = pt.Raw.Shape
                let wrap s = Tensor.ofRaw { Shape = shape; Data = s }
                match kind with
                | Adam (_, b1, b2, eps) ->
                    match pt.Raw.Data, gt.Raw.Data, mt.Raw.Data, vt.Raw.Data with
                    | F32 a, F32 b, F32 c, F32 d ->
                        let x, y, z = adamKernel rate b1 b2 eps n a b c d in wrap (F32 x), wrap (F32 y), wrap (F32 z)
                    | F64 a, F64 b, F64 c, F64 d ->
                        let x, y, z = adamKernel rate b1 b2 eps n a b c d in wrap (F64 x), wrap (F64 y), wrap (F64 z)
                    | _ -> Fail.with' "optimizer: parameters, gradients and state differ in precision"
                | Sgd (_, momentum) ->
                    match pt.Raw.Data, gt.Raw.Data, mt.Raw.Data with
                    | F32 a, F32 b, F32 c -> let x, y = sgdKernel rate momentum a b c in wrap (F32 x), wrap (F32 y), vt
                    | F64 a, F64 b, F64 c -> let x, y = sgdKernel rate momentum a b c in wrap (F64 x), wrap (F64 y), vt
                    | _ -> Fail.with' "optimizer: parameters, gradients and state differ in precision")
        let newP = results |> List.map (fun (x, _, _) -> x)
        let newM = results |> List.map (fun (_, y, _) -> y)
        let newV = results |> List.map (fun (_, _, z) -> z)
        { Step = n; First = Params.withLeaves state.First newM; Second = Params.withLeaves state.Second newV },
        Params.withLeaves p newP
