namespace Seagull.Core.Kernels

open System.Numerics

/// Array kernels without transcendental functions, on `Vector<T>` with `VectorMath`'s padded tails (so a
/// value's bits never depend on its neighbours): sign, the ReLU and leaky ReLU passes, tanh's slope from its
/// output. Each is bitwise its scalar definition (`VectorMathProperties`).
module internal VectorArithmetic =
    /// r[i] = sign x[i] ∈ {−1, 0, 1} (0 for NaN).
    let signInto64 (x: float[]) (r: float[]) =
        VectorMath.mapVectors (fun v ->
            let one = Vector<float>.One
            Vector.ConditionalSelect(Vector.GreaterThan(v, Vector<float>.Zero), one,
                Vector.ConditionalSelect(Vector.LessThan(v, Vector<float>.Zero), -one, Vector<float>.Zero))) 0.0 x r
    /// r[i] = sign x[i] ∈ {−1, 0, 1} (0 for NaN).
    let signInto32 (x: float32[]) (r: float32[]) =
        VectorMath.mapVectors (fun v ->
            let one = Vector<float32>.One
            Vector.ConditionalSelect(Vector.GreaterThan(v, Vector<float32>.Zero), one,
                Vector.ConditionalSelect(Vector.LessThan(v, Vector<float32>.Zero), -one, Vector<float32>.Zero))) 0.0f x r
    /// r[i] = gy[i] · (1 − y[i]²) (tanh's backward pass from its output).
    let tanhSlopeInto64 (y: float[]) (gy: float[]) (r: float[]) =
        VectorMath.mapVectors2 (fun v g -> (Vector<float>.One - v * v) * g) 0.0 y gy r
    /// r[i] = gy[i] · (1 − y[i]²) (tanh's backward pass from its output).
    let tanhSlopeInto32 (y: float32[]) (gy: float32[]) (r: float32[]) =
        VectorMath.mapVectors2 (fun v g -> (Vector<float32>.One - v * v) * g) 0.0f y gy r
    /// r[i] = gy[i] where z[i] > 0, else 0 (the ReLU's backward pass).
    let reluSlopeInto64 (z: float[]) (gy: float[]) (r: float[]) =
        VectorMath.mapVectors2 (fun v g -> Vector.ConditionalSelect(Vector.GreaterThan(v, Vector<float>.Zero), g, Vector<float>.Zero)) 0.0 z gy r
    /// r[i] = gy[i] where z[i] > 0, else 0 (the ReLU's backward pass).
    let reluSlopeInto32 (z: float32[]) (gy: float32[]) (r: float32[]) =
        VectorMath.mapVectors2 (fun v g -> Vector.ConditionalSelect(Vector.GreaterThan(v, Vector<float32>.Zero), g, Vector<float32>.Zero)) 0.0f z gy r
    /// r[i] = z[i] where z[i] > 0, else 0.01·z[i] (the leaky ReLU).
    let leakyReluInto64 (z: float[]) (r: float[]) =
        VectorMath.mapVectors (fun v -> Vector.ConditionalSelect(Vector.GreaterThan(v, Vector<float>.Zero), v, v * Vector<float>(0.01))) 0.0 z r
    /// r[i] = z[i] where z[i] > 0, else 0.01·z[i] (the leaky ReLU).
    let leakyReluInto32 (z: float32[]) (r: float32[]) =
        VectorMath.mapVectors (fun v -> Vector.ConditionalSelect(Vector.GreaterThan(v, Vector<float32>.Zero), v, v * Vector<float32>(0.01f))) 0.0f z r
    /// r[i] = gy[i] where z[i] > 0, else 0.01·gy[i] (the leaky ReLU's backward pass).
    let leakyReluSlopeInto64 (z: float[]) (gy: float[]) (r: float[]) =
        VectorMath.mapVectors2 (fun v g -> Vector.ConditionalSelect(Vector.GreaterThan(v, Vector<float>.Zero), g, g * Vector<float>(0.01))) 0.0 z gy r
    /// r[i] = gy[i] where z[i] > 0, else 0.01·gy[i] (the leaky ReLU's backward pass).
    let leakyReluSlopeInto32 (z: float32[]) (gy: float32[]) (r: float32[]) =
        VectorMath.mapVectors2 (fun v g -> Vector.ConditionalSelect(Vector.GreaterThan(v, Vector<float32>.Zero), g, g * Vector<float32>(0.01f))) 0.0f z gy r
