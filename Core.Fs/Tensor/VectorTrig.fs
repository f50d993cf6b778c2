namespace Seagull.Core.Kernels

open System
open System.Numerics

/// sin and cos over whole arrays with `Vector<T>` (Cephes' algorithm: reduction by π/4 in three parts, then
/// degree-6 polynomials in z²), float32 computed in float64 lanes and rounded once. Like `VectorMath`, every
/// lane runs the same code and the tail is padded, so a value's result never depends on its neighbours;
/// values beyond 2^30 in magnitude (where the three-part reduction stops being exact), infinities and NaN
/// are then recomputed one at a time with System.Math, a decision made per value, not per vector.
/// Measured against per-element System.Math: see bench/README.md. Accuracy is checked against System.Math
/// by the activation properties (cos is a catalogue activation; its derivative is −sin).
module internal VectorTrig =
    [<Literal>]
    let private Limit = 1.073741824e9

    /// Cephes' sin polynomial in z² (polevl with sincof), Horner's rule written out: no loop, no array.
    let inline private sinPoly (x: Vector<float>) =
        let p = Vector<float>(1.58962301576546568060e-10) * x + Vector<float>(-2.50507477628578072866e-8)
        let p = p * x + Vector<float>(2.75573136213857245213e-6)
        let p = p * x + Vector<float>(-1.98412698295895385996e-4)
        let p = p * x + Vector<float>(8.33333333332211858878e-3)
        p * x + Vector<float>(-1.66666666666666307295e-1)

    /// Cephes' cos polynomial in z² (polevl with coscof).
    let inline private cosPoly (x: Vector<float>) =
        let p = Vector<float>(-1.13585365213876817300e-11) * x + Vector<float>(2.08757008419747316778e-9)
        let p = p * x + Vector<float>(-2.75573141792967388112e-7)
        let p = p * x + Vector<float>(2.48015872888517045348e-5)
        let p = p * x + Vector<float>(-1.38888888888730564116e-3)
        p * x + Vector<float>(4.16666666666665929218e-2)

    /// sin (wantCos = false) or cos (true) of float64 lanes with |x| ≤ 2^30 (others are patched afterwards).
    let inline private sinCos64 (wantCos: bool) (x: Vector<float>) : Vector<float> =
        let a = Vector.Abs x
        let y0 = Vector.Floor(a * Vector<float>(1.27323954473516268615))   // 4/π
        // The octant logic in doubles (exact for these integers; no conversions): y = y0 rounded up to even,
        // j = y mod 8 ∈ {0, 2, 4, 6}, the upper half-turn j ≥ 4, then j ∈ {0, 2}.
        let half = Vector<float>(0.5)
        let y = Vector.Floor((y0 + Vector<float>.One) * half) * Vector<float>(2.0)
        let j8 = y - Vector.Floor(y * Vector<float>(0.125)) * Vector<float>(8.0)
        let upper = Vector.GreaterThanOrEqual(j8, Vector<float>(4.0))
        let middle = Vector.Equals(Vector.ConditionalSelect(upper, j8 - Vector<float>(4.0), j8), Vector<float>(2.0))
        // Sign flips: the upper half-turn for both; for cos also octants 2–3, for sin a negative argument.
        let flip =
            if wantCos then upper ^^^ middle
            else upper ^^^ Vector.LessThan(Vector.AsVectorInt64 x, Vector<int64>.Zero)
        let z = ((a - y * Vector<float>(7.85398125648498535156e-1)) - y * Vector<float>(3.77489470793079817668e-8)) - y * Vector<float>(2.69515142907905952645e-15)
        let zz = z * z
        let sinPart = z + z * zz * sinPoly zz
        let cosPart = Vector<float>.One - zz * Vector<float>(0.5) + zz * zz * cosPoly zz
        let r = if wantCos then Vector.ConditionalSelect(middle, sinPart, cosPart) else Vector.ConditionalSelect(middle, cosPart, sinPart)
        Vector.ConditionalSelect(flip, -r, r)

    /// The values the reduction cannot take (beyond 2^30, infinite, NaN) in x[from..from+count), recomputed one
    /// at a time with System.Math; called only for vectors that hold such a value.
    let private patch64 (wantCos: bool) (x: float[]) (r: float[]) (from: int) (count: int) =
        for k in from .. from + count - 1 do
            let v = x.[k]
            if not (Math.Abs v <= Limit) then r.[k] <- (if wantCos then Math.Cos v else Math.Sin v)

    let private patch32 (wantCos: bool) (x: float32[]) (r: float32[]) (from: int) (count: int) =
        for k in from .. from + count - 1 do
            let v = float x.[k]
            if not (Math.Abs v <= Limit) then r.[k] <- float32 (if wantCos then Math.Cos v else Math.Sin v)

    let private run64 (wantCos: bool) (x: float[]) (r: float[]) =
        let n = x.Length
        if r.Length < n then invalidArg "r" "result array is shorter than the input"
        let w = Vector<float>.Count
        let limit = Vector<float>(Limit)
        let mutable i = 0
        while i <= n - w do
            let v = Vector.LoadUnsafe(&x.[i])
            (sinCos64 wantCos v).StoreUnsafe(&r.[i])
            if not (Vector.LessThanOrEqualAll(Vector.Abs v, limit)) then patch64 wantCos x r i w
            i <- i + w
        if i < n then
            let buffer = Array.zeroCreate<float> w
            Array.blit x i buffer 0 (n - i)
            (sinCos64 wantCos (Vector.LoadUnsafe(&buffer.[0]))).StoreUnsafe(&buffer.[0])
            Array.blit buffer 0 r i (n - i)
            patch64 wantCos x r i (n - i)

    let private run32 (wantCos: bool) (x: float32[]) (r: float32[]) =
        let n = x.Length
        if r.Length < n then invalidArg "r" "result array is shorter than the input"
        let w = Vector<float32>.Count
        let limit = Vector<float32>(float32 Limit)
        let f (v: Vector<float32>) = Vector.Narrow(sinCos64 wantCos (Vector.WidenLower v), sinCos64 wantCos (Vector.WidenUpper v))
        let mutable i = 0
        while i <= n - w do
            let v = Vector.LoadUnsafe(&x.[i])
            (f v).StoreUnsafe(&r.[i])
            // float32 2^30 is exactly Limit, so the vector test and patch32's agree.
            if not (Vector.LessThanOrEqualAll(Vector.Abs v, limit)) then patch32 wantCos x r i w
            i <- i + w
        if i < n then
            let buffer = Array.zeroCreate<float32> w
            Array.blit x i buffer 0 (n - i)
            (f (Vector.LoadUnsafe(&buffer.[0]))).StoreUnsafe(&buffer.[0])
            Array.blit buffer 0 r i (n - i)
            patch32 wantCos x r i (n - i)

    /// r[i] = cos x[i].
    let cosInto64 (x: float[]) (r: float[]) = run64 true x r
    /// r[i] = sin x[i].
    let sinInto64 (x: float[]) (r: float[]) = run64 false x r
    /// r[i] = cos x[i], computed in float64 and rounded once.
    let cosInto32 (x: float32[]) (r: float32[]) = run32 true x r
    /// r[i] = sin x[i], computed in float64 and rounded once.
    let sinInto32 (x: float32[]) (r: float32[]) = run32 false x r
