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

    /// ∂σ/∂z = 2z / (1 + (αz)²).
    let seagullSlope (a: float) (z: float) : float =
        let az = a * z
        let s = az * az
        if Double.IsPositiveInfinity s then 2.0 / (a * az) else 2.0 * (z / (1.0 + s))

    /// ∂σ/∂α = (2/α) z² (1/(1 + s) − log(1 + s)/s), s = (αz)²; −2α z⁴ r(s) for small s; ±0 (α's sign) at α = 0 or z = 0,
    /// so that ∂σ/∂α is exactly odd in α as σ is even in it.
    let seagullAlphaSlope (a: float) (z: float) : float =
        let t = z * z
        if a = 0.0 || t = 0.0 then 0.0 * a
        else
            let az = a * z
            let s = az * az
            if s < 0.05 then -2.0 * (az * z) * t * r s
            elif Double.IsPositiveInfinity s then 2.0 * (1.0 - 2.0 * (Math.Log(Math.Abs a) + Math.Log(Math.Abs z))) / (a * a * a)
            else 2.0 * (t / a) * (1.0 / (1.0 + s) - log1pOver s)

    /// σ(z; α) = exp(−(αz)²).
    let gaussianValue (a: float) (z: float) : float =
        let az = a * z
        Math.Exp(-(az * az))

    /// ∂σ/∂z = −2α(αz)σ.
    let gaussianSlope (a: float) (z: float) : float =
        let y = gaussianValue a z
        if y = 0.0 then -(0.0 * z) else -2.0 * (a * (a * z)) * y

    /// ∂σ/∂α = −2αz²σ (±0, α's sign, where σ or α is 0).
    let gaussianAlphaSlope (a: float) (z: float) : float =
        let y = gaussianValue a z
        if y = 0.0 || a = 0.0 then 0.0 * a else -2.0 * ((a * z) * z) * y

    let value (family: LearnedFamily) = match family with LearnedSeagull -> seagullValue | LearnedGaussian -> gaussianValue
    let slope (family: LearnedFamily) = match family with LearnedSeagull -> seagullSlope | LearnedGaussian -> gaussianSlope
    let alphaSlope (family: LearnedFamily) = match family with LearnedSeagull -> seagullAlphaSlope | LearnedGaussian -> gaussianAlphaSlope

    // One α per column of z's last dimension (or one α for every element).
    let private checkShapes (alpha: RawTensor) (z: RawTensor) =
        let m = alpha.Count
        let fits = m = 1 || (z.Shape.Length >= 1 && z.Shape.[z.Shape.Length - 1] = m)
        if not fits then
            Fail.with' $"learnable activation: α of shape {RawTensor.shapeText alpha.Shape} does not fit pre-activations of shape {RawTensor.shapeText z.Shape} (one α per column)"
        if alpha.Dtype <> z.Dtype then Fail.with' "learnable activation: α and the pre-activations have different precisions"
        m

    let private doubles (t: RawTensor) = match t.Data with F64 a -> a | F32 _ -> RawTensor.toFloats t

    // Elementwise f(α of the column, z) into a tensor shaped like z, rounded once to z's precision.
    let private mapWith (f: float -> float -> float) (alpha: RawTensor) (z: RawTensor) (g: RawTensor option) : RawTensor =
        let m = checkShapes alpha z
        let a = doubles alpha
        let gy = g |> Option.map doubles
        let n = z.Count
        let data =
            match z.Data with
            | F64 zs ->
                let out = Elementwise.fresh<float> n
                for i in 0 .. n - 1 do
                    let v = f a.[i % m] zs.[i]
                    out.[i] <- match gy with Some gy -> gy.[i] * v | None -> v
                F64 out
            | F32 zs ->
                let out = Elementwise.fresh<float32> n
                for i in 0 .. n - 1 do
                    let v = f a.[i % m] (float zs.[i])
                    out.[i] <- float32 (match gy with Some gy -> gy.[i] * v | None -> v)
                F32 out
        RawTensor.create z.Shape data

    // Σ over rows of g · ∂σ/∂α, one per α, accumulated in float64 in row order.
    let private alphaGradient (family: LearnedFamily) (alpha: RawTensor) (z: RawTensor) (g: RawTensor) : RawTensor =
        let m = checkShapes alpha z
        let a = doubles alpha
        let gy = doubles g
        let zs = doubles z
        let slopeOf = alphaSlope family
        // From −0, the identity of IEEE addition: a single term keeps its sign even when it is a zero.
        let sums = Array.create m -0.0
        for i in 0 .. zs.Length - 1 do
            let j = i % m
            sums.[j] <- sums.[j] + gy.[i] * slopeOf a.[j] zs.[i]
        RawTensor.ofFloats alpha.Dtype alpha.Shape sums

    /// σ(z; α) for a tensor of pre-activations, one α per column (or one for all), as one tape entry that
    /// differentiates both z and α.
    let apply (family: LearnedFamily) (alpha: Tensor) (z: Tensor) : Tensor =
        let y = mapWith (value family) alpha.Raw z.Raw None
        Tensor.record y [| alpha; z |] (fun g needs ->
            [| (if needs.[0] then alphaGradient family alpha.Raw z.Raw g else Unchecked.defaultof<_>)
               (if needs.[1] then mapWith (slope family) alpha.Raw z.Raw (Some g) else Unchecked.defaultof<_>) |])
