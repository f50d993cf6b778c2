namespace Seagull.Core

open System
open Seagull.Core.Kernels

/// The families of learnable even activations σ(z; α), α one number per neuron.
type internal LearnedFamily =
    /// log(1 + (αz)²) / α², the limit z² at α = 0.
    | LearnedSeagull
    /// exp(−(αz)²).
    | LearnedGaussian

/// The learnable part of a parametric activation σ(z; α): which family, and α's initial value. A dense layer with such
/// an activation carries α as a parameter like its weights (the leaf "alpha" of shape [width]), drawn by no key.
/// Opaque outside the core.
[<Sealed>]
type LearnableShape internal (family: LearnedFamily) =
    member internal _.Family = family
    /// α's value before training: 1, where the shape is the fixed activation's (Seagull's log(1 + z²), exp(−z²)).
    member _.Initial = 1.0

/// The scalar formulas of the learnable activations and their derivatives in z and α, and the tape operation that
/// applies them. Every value is computed in float64 (float32 tensors are rounded once at the end), from z only through
/// z² and (αz)² (the value and ∂σ/∂α) or as z times such a factor (∂σ/∂z): σ(−z) and σ(z) have the same bits, ∂σ/∂z is
/// exactly odd and ∂σ/∂α exactly even, for every α, in both precisions. Valid α: any finite number; σ depends on α² only,
/// and α = ±0 is the limit (z² for Seagull, 1 for the Gaussian). Formulas are written to stay accurate and finite where
/// the true value is: log1p by Kahan's rule, a series where ∂σ/∂α would cancel, and log s = 2(log|α| + log|z|) where
/// (αz)² overflows (only float64 inputs beyond 1e154 can).
module internal LearnedKernels =
    // ∂σ/∂α of the learned Seagull for s = (αz)² < 0.05 is −2α z⁴ r(s), r(s) = Σₖ₌₁ (−1)^(k+1) k/(k+1) s^(k−1):
    // the direct formula (h(s) − 1/(1+s))/s cancels there. 14 terms leave < 1e-17 of r at s = 0.05.
    let private seriesCoefficients = Array.init 14 (fun i -> let k = float (i + 1) in (if i % 2 = 0 then 1.0 else -1.0) * k / (k + 1.0))

    let private r (s: float) =
        let mutable acc = 0.0
        for i in seriesCoefficients.Length - 1 .. -1 .. 0 do acc <- seriesCoefficients.[i] + s * acc
        acc

    // log(1 + s) / s for finite s ≥ 0 (1 at 0), by Kahan's log1p: log(u) / (u − 1) with u = 1 + s.
    let private log1pOver (s: float) =
        let u = 1.0 + s
        if u = 1.0 then 1.0 else Math.Log u / (u - 1.0)

    /// σ(z; α) = log(1 + (αz)²) / α²; z² at α = 0.
    let seagullValue (a: float) (z: float) : float =
        let t = z * z
        let az = a * z
        let s = az * az
        if s = 0.0 then t
        elif s < 1.0 then t * log1pOver s
        elif Double.IsPositiveInfinity s then 2.0 * (Math.Log(Math.Abs a) + Math.Log(Math.Abs z)) / (a * a)
        else Math.Log(1.0 + s) / (a * a)

    /// (∂σ/∂z, ∂σ/∂α) of the learned Seagull. ∂σ/∂z = 2z / (1 + s), s = (αz)². ∂σ/∂α = (2/α) z² (1/(1 + s) − log(1 + s)/s),
    /// −2α z⁴ r(s) for small s, and ±0 (α's sign) at α = 0 or z = 0, so that it is exactly odd in α as σ is even in it.
    let seagullSlopes (a: float) (z: float) : struct (float * float) =
        let t = z * z
        let az = a * z
        let s = az * az
        if Double.IsPositiveInfinity s then
            struct (2.0 / (a * az), 2.0 * (1.0 - 2.0 * (Math.Log(Math.Abs a) + Math.Log(Math.Abs z))) / (a * a * a))
        else
            let dz = 2.0 * (z / (1.0 + s))
            let da =
                if a = 0.0 || t = 0.0 then 0.0 * a
                elif s < 0.05 then -2.0 * (az * z) * t * r s
                else 2.0 * (t / a) * (1.0 / (1.0 + s) - log1pOver s)
            struct (dz, da)

    /// σ(z; α) = exp(−(αz)²).
    let gaussianValue (a: float) (z: float) : float =
        let az = a * z
        Math.Exp(-(az * az))

    /// (∂σ/∂z, ∂σ/∂α) of the learned Gaussian: −2α(αz)σ and −2αz²σ (±0, α's sign, where σ or α is 0).
    let gaussianSlopes (a: float) (z: float) : struct (float * float) =
        let az = a * z
        let y = Math.Exp(-(az * az))
        if y = 0.0 then struct (-(0.0 * z), 0.0 * a)
        else struct (-2.0 * (a * az) * y, (if a = 0.0 then 0.0 * a else -2.0 * (az * z) * y))

    // One α per column of z's last dimension (or one α for every element).
    let private checkShapes (alpha: RawTensor) (z: RawTensor) =
        let m = alpha.Count
        let fits = m = 1 || (z.Shape.Length >= 1 && z.Shape.[z.Shape.Length - 1] = m)
        if not fits then
            Fail.with' $"learnable activation: α of shape {RawTensor.shapeText alpha.Shape} does not fit pre-activations of shape {RawTensor.shapeText z.Shape} (one α per column)"
        if alpha.Dtype <> z.Dtype then Fail.with' "learnable activation: α and the pre-activations have different precisions"
        m

    let private doubles (t: RawTensor) = match t.Data with F64 a -> a | F32 _ -> RawTensor.toFloats t

    // σ for every element: rows × m, column j with α[j], computed in float64 and rounded once to the precision.
    let inline private forwardLoop ([<InlineIfLambda>] f: float -> float -> float) ([<InlineIfLambda>] ofFloat: float -> 'T)
                                   ([<InlineIfLambda>] toFloat: 'T -> float) (a: float[]) (zs: 'T[]) : 'T[] =
        let m = a.Length
        let out = Elementwise.fresh<'T> zs.Length
        let mutable i = 0
        while i < zs.Length do
            for j in 0 .. m - 1 do
                out.[i + j] <- ofFloat (f a.[j] (toFloat zs.[i + j]))
            i <- i + m
        out

    // g·∂σ/∂z for every element and Σ over rows of g·∂σ/∂α per column, in one pass. The sums start from −0, the identity
    // of IEEE addition, so that a single term keeps its sign even when it is a zero.
    let inline private backwardLoop ([<InlineIfLambda>] slopes: float -> float -> struct (float * float)) ([<InlineIfLambda>] ofFloat: float -> 'T)
                                    ([<InlineIfLambda>] toFloat: 'T -> float) (a: float[]) (zs: 'T[]) (gs: 'T[]) : 'T[] * float[] =
        let m = a.Length
        let gz = Elementwise.fresh<'T> zs.Length
        let sums = Array.create m -0.0
        let mutable i = 0
        while i < zs.Length do
            for j in 0 .. m - 1 do
                let g = toFloat gs.[i + j]
                let struct (dz, da) = slopes a.[j] (toFloat zs.[i + j])
                gz.[i + j] <- ofFloat (g * dz)
                sums.[j] <- sums.[j] + g * da
            i <- i + m
        gz, sums

    // α as doubles, checked against z (one α for every element runs as one column).
    let private columns (alpha: RawTensor) (z: RawTensor) =
        checkShapes alpha z |> ignore
        doubles alpha

    let private forward (family: LearnedFamily) (alpha: RawTensor) (z: RawTensor) : RawTensor =
        let a = columns alpha z
        let data =
            match z.Data, family with
            | F32 zs, LearnedSeagull -> F32 (forwardLoop seagullValue float32 float a zs)
            | F32 zs, LearnedGaussian -> F32 (forwardLoop gaussianValue float32 float a zs)
            | F64 zs, LearnedSeagull -> F64 (forwardLoop seagullValue id id a zs)
            | F64 zs, LearnedGaussian -> F64 (forwardLoop gaussianValue id id a zs)
        RawTensor.create z.Shape data

    let private backward (family: LearnedFamily) (alpha: RawTensor) (z: RawTensor) (g: RawTensor) : RawTensor * RawTensor =
        let a = columns alpha z
        let g = if g.Dtype = z.Dtype then g else RawTensor.convert z.Dtype g
        let gz, sums =
            match z.Data, g.Data, family with
            | F32 zs, F32 gs, LearnedSeagull -> let gz, s = backwardLoop seagullSlopes float32 float a zs gs in F32 gz, s
            | F32 zs, F32 gs, LearnedGaussian -> let gz, s = backwardLoop gaussianSlopes float32 float a zs gs in F32 gz, s
            | F64 zs, F64 gs, LearnedSeagull -> let gz, s = backwardLoop seagullSlopes id id a zs gs in F64 gz, s
            | F64 zs, F64 gs, LearnedGaussian -> let gz, s = backwardLoop gaussianSlopes id id a zs gs in F64 gz, s
            | _ -> Fail.with' "learnable activation: gradient of another precision"
        RawTensor.create z.Shape gz, RawTensor.ofFloats alpha.Dtype alpha.Shape sums

    /// σ(z; α) for a tensor of pre-activations, one α per column (or one for all), as one tape entry that
    /// differentiates both z and α.
    let apply (family: LearnedFamily) (alpha: Tensor) (z: Tensor) : Tensor =
        let y = forward family alpha.Raw z.Raw
        Tensor.record y [| alpha; z |] (fun g needs ->
            let gz, ga = backward family alpha.Raw z.Raw g
            [| (if needs.[0] then ga else Unchecked.defaultof<_>)
               (if needs.[1] then gz else Unchecked.defaultof<_>) |])
