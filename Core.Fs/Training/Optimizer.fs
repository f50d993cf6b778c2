namespace Seagull.Core

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

/// Optimizers as pure state transitions: `step kind state params grads → state', params'`. The rule holds
/// its learning rate: a schedule steps with `withLearningRate (scheduled …) kind`.
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

    /// One Adam update of one tensor: m' = β₁m + (1−β₁)g, v' = β₂v + (1−β₂)g², p' = p − (lr/c₁)·m' /
    /// (√v'/√c₂ + ε) with bias corrections c = 1 − βᵗ (PyTorch's formulation). One pass over the
    /// arrays (the update is memory-bound: ten passes took 0.8 ms a step for 68k float64 parameters);
    /// each operation is rounded on its own, no fused multiply-add, so the bits are those of the
    /// operation-by-operation form.
    let private adamKernel<'T when 'T :> IFloatingPointIeee754<'T> and 'T: struct and 'T: (new: unit -> 'T) and 'T :> ValueType>
        (lr: float) (b1: float) (b2: float) (eps: float) (c1: float) (c2: float) (p: 'T[]) (g: 'T[]) (m: 'T[]) (v: 'T[])
        (p': 'T[]) (m': 'T[]) (v': 'T[]) (start: int) (stop: int) : unit =
        let t (x: float) : 'T = 'T.CreateTruncating x
        let tb1: 'T = t b1
        let tb1c: 'T = t (1.0 - b1)
        let tb2: 'T = t b2
        let tb2c: 'T = t (1.0 - b2)
        let tScale: 'T = t (1.0 / Math.Sqrt c2)
        let tEps: 'T = t eps
        let tRate: 'T = t (-lr / c1)
        let n = stop
        let width = Vector<'T>.Count
        let mutable i = start
        if Vector.IsHardwareAccelerated then
            let vb1 = Vector<'T>(tb1)
            let vb1c = Vector<'T>(tb1c)
            let vb2 = Vector<'T>(tb2)
            let vb2c = Vector<'T>(tb2c)
            let vScale = Vector<'T>(tScale)
            let vEps = Vector<'T>(tEps)
            let vRate = Vector<'T>(tRate)
            while i <= n - width do
                let gi = Vector<'T>(ReadOnlySpan(g, i, width))
                let mi = Vector.Add(Vector.Multiply(gi, vb1c), Vector.Multiply(Vector<'T>(ReadOnlySpan(m, i, width)), vb1))
                let vi = Vector.Add(Vector.Multiply(Vector.Multiply(gi, gi), vb2c), Vector.Multiply(Vector<'T>(ReadOnlySpan(v, i, width)), vb2))
                let denom = Vector.Add(Vector.Multiply(Vector.SquareRoot vi, vScale), vEps)
                let pi = Vector.Add(Vector.Multiply(Vector.Divide(mi, denom), vRate), Vector<'T>(ReadOnlySpan(p, i, width)))
                mi.CopyTo(Span(m', i, width))
                vi.CopyTo(Span(v', i, width))
                pi.CopyTo(Span(p', i, width))
                i <- i + width
        while i < n do
            let gb: 'T = g.[i] * tb1c
            let mb: 'T = m.[i] * tb1
            let mi: 'T = gb + mb
            let gg: 'T = g.[i] * g.[i]
            let gv: 'T = gg * tb2c
            let vb: 'T = v.[i] * tb2
            let vi: 'T = gv + vb
            let sq: 'T = 'T.Sqrt(vi)
            let root: 'T = sq * tScale
            let denom: 'T = root + tEps
            let ratio: 'T = mi / denom
            let delta: 'T = ratio * tRate
            m'.[i] <- mi
            v'.[i] <- vi
            p'.[i] <- delta + p.[i]
            i <- i + 1

    /// An Adam update split into blocks of elements, one chunk each, for `Helpers` (every element is the same
    /// formula, so the bits do not depend on the split).
    [<Sealed>]
    type private AdamBlocks<'T when 'T :> IFloatingPointIeee754<'T> and 'T: struct and 'T: (new: unit -> 'T) and 'T :> ValueType>
        (chunks: int, block: int, lr: float, b1: float, b2: float, eps: float, c1: float, c2: float,
         p: 'T[], g: 'T[], m: 'T[], v: 'T[], p': 'T[], m': 'T[], v': 'T[]) =
        inherit ChunkedWork(chunks)
        override _.Run(t: int) =
            let start = t * block
            adamKernel lr b1 b2 eps c1 c2 p g m v p' m' v' start (min p.Length (start + block))

    /// Elements a thread's share of an Adam update must have before it is split (≈ 40 µs of work).
    [<Literal>]
    let private AdamPerThreadMinimum = 65536

    /// The Adam update of one tensor, on `Threads.current ()` threads when it is large.
    let private adam<'T when 'T :> IFloatingPointIeee754<'T> and 'T: struct and 'T: (new: unit -> 'T) and 'T :> ValueType>
        lr b1 b2 eps c1 c2 (p: 'T[]) (g: 'T[]) (m: 'T[]) (v: 'T[]) (p': 'T[]) (m': 'T[]) (v': 'T[]) =
        let threads = min (Threads.current ()) (p.Length / AdamPerThreadMinimum)
        if threads <= 1 then adamKernel lr b1 b2 eps c1 c2 p g m v p' m' v' 0 p.Length
        else
            let block = (p.Length + threads - 1) / threads + 63 &&& ~~~63
            Helpers.Run(AdamBlocks<'T>((p.Length + block - 1) / block, block, lr, b1, b2, eps, c1, c2, p, g, m, v, p', m', v'), threads)

    let private sgdKernel<'T when 'T :> IFloatingPointIeee754<'T>> (lr: float) (momentum: float) (p: 'T[]) (g: 'T[]) (m: 'T[])
                                                                  (p': 'T[]) (m': 'T[]) : unit =
        let tlr: 'T = 'T.CreateTruncating lr
        let tm: 'T = 'T.CreateTruncating momentum
        for i in 0 .. p.Length - 1 do
            let mPart: 'T = tm * m.[i]
            let mi: 'T = mPart + g.[i]
            let update: 'T = tlr * mi
            m'.[i] <- mi
            p'.[i] <- p.[i] - update

    /// The array a result is written into: the matching leaf of a dead earlier step (`spare`) when it
    /// has the right precision and length, else a new one.
    let private into32 (spare: Seagull.Core.Tensor option) (n: int) =
        match spare with
        | Some t -> (match t.Raw.Data with F32 a when a.Length = n -> a | _ -> Array.zeroCreate n)
        | None -> Array.zeroCreate n

    let private into64 (spare: Seagull.Core.Tensor option) (n: int) =
        match spare with
        | Some t -> (match t.Raw.Data with F64 a when a.Length = n -> a | _ -> Array.zeroCreate n)
        | None -> Array.zeroCreate n

    /// `step`, writing the new state and parameters into the arrays of a state and parameters of an
    /// earlier step that nothing refers to any more (the fit loop's: allocating ~60 KB a step cost more
    /// than Adam's arithmetic), or into new arrays where a spare is `None`. Same bits as `step`; the spares'
    /// contents are overwritten.
    let internal stepReusing (spareState: OptimizerState option) (spareParams: Params option) (kind: OptimizerKind)
                             (state: OptimizerState) (p: Params) (g: Params) : OptimizerState * Params =
        let rate = learningRate kind
        let n = state.Step + 1
        let ps = Params.leafArray p
        let gs = Params.leafArray g
        let ms = Params.leafArray state.First
        let vs = Params.leafArray state.Second
        if gs.Length <> ps.Length || ms.Length <> ps.Length || vs.Length <> ps.Length then
            Fail.with' $"optimizer: {ps.Length} parameter tensors but {gs.Length} gradients and {ms.Length}/{vs.Length} state tensors"
        let spareLeaves (tree: Params option) =
            match tree with
            | Some t -> let leaves = Params.leafArray t in if leaves.Length = ps.Length then Array.map Some leaves else Array.create ps.Length None
            | None -> Array.create ps.Length None
        let sp = spareLeaves spareParams
        let sm = spareLeaves (spareState |> Option.map (fun s -> s.First))
        let sv = spareLeaves (spareState |> Option.map (fun s -> s.Second))
        let newP = Array.zeroCreate<Seagull.Core.Tensor> ps.Length
        let newM = Array.zeroCreate<Seagull.Core.Tensor> ps.Length
        let newV = Array.zeroCreate<Seagull.Core.Tensor> ps.Length
        // The bias corrections once per step, not per tensor.
        let c1, c2 =
            match kind with
            | Adam (_, b1, b2, _) -> 1.0 - Math.Pow(b1, float n), 1.0 - Math.Pow(b2, float n)
            | Sgd _ -> 1.0, 1.0
        for i in 0 .. ps.Length - 1 do
            let pt, gt, mt, vt = ps.[i], gs.[i], ms.[i], vs.[i]
            let wrap s = Tensor.ofRaw { Shape = pt.Raw.Shape; Data = s }
            let size = pt.Count
            match kind with
            | Adam (_, b1, b2, eps) ->
                match pt.Raw.Data, gt.Raw.Data, mt.Raw.Data, vt.Raw.Data with
                | F32 a, F32 b, F32 c, F32 d when b.Length = size && c.Length = size && d.Length = size ->
                    let x, y, z = into32 sp.[i] size, into32 sm.[i] size, into32 sv.[i] size
                    adam rate b1 b2 eps c1 c2 a b c d x y z
                    newP.[i] <- wrap (F32 x); newM.[i] <- wrap (F32 y); newV.[i] <- wrap (F32 z)
                | F64 a, F64 b, F64 c, F64 d when b.Length = size && c.Length = size && d.Length = size ->
                    let x, y, z = into64 sp.[i] size, into64 sm.[i] size, into64 sv.[i] size
                    adam rate b1 b2 eps c1 c2 a b c d x y z
                    newP.[i] <- wrap (F64 x); newM.[i] <- wrap (F64 y); newV.[i] <- wrap (F64 z)
                | _ -> Fail.with' "optimizer: parameters, gradients and state differ in precision or size"
            | Sgd (_, momentum) ->
                // The second-moment leaves are carried over unchanged (never written).
                match pt.Raw.Data, gt.Raw.Data, mt.Raw.Data with
                | F32 a, F32 b, F32 c when b.Length = size && c.Length = size ->
                    let x, y = into32 sp.[i] size, into32 sm.[i] size
                    sgdKernel rate momentum a b c x y
                    newP.[i] <- wrap (F32 x); newM.[i] <- wrap (F32 y); newV.[i] <- vt
                | F64 a, F64 b, F64 c when b.Length = size && c.Length = size ->
                    let x, y = into64 sp.[i] size, into64 sm.[i] size
                    sgdKernel rate momentum a b c x y
                    newP.[i] <- wrap (F64 x); newM.[i] <- wrap (F64 y); newV.[i] <- vt
                | _ -> Fail.with' "optimizer: parameters, gradients and state differ in precision or size"
        { Step = n; First = Params.withLeafArray state.First newM; Second = Params.withLeafArray state.Second newV },
        Params.withLeafArray p newP

    /// One optimisation step: a new state and new parameters (inputs unchanged).
    /// Example: `let state', p' = Optimizer.step Optimizer.adamDefault state p g`.
    let step (kind: OptimizerKind) (state: OptimizerState) (p: Params) (g: Params) : OptimizerState * Params =
        stepReusing None None kind state p g
