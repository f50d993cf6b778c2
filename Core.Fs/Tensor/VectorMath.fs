namespace Seagull.Core.Kernels

open System
open System.Numerics

/// exp, log, tanh and sigmoid over whole arrays with `System.Numerics.Vector<T>`, for float32 and float64.
///
/// Why not `TensorPrimitives`: its transcendental functions are slow at the sizes of a training step
/// (measured on 8192 values: float64 tanh 45 µs, float32 tanh 23 µs, float64 exp 22 µs, float64 log 32 µs;
/// these kernels take a few µs), and they pick their algorithm per vector — a lane out of the fast range
/// sends the whole vector to scalar code — so a value's last bits depend on its neighbours.
///
/// Here every lane runs the same straight-line code (special values are handled by selects, not
/// branches), and the tail of an array is padded to a full vector, so a value maps to the same bits
/// wherever it sits: alone, in a batch, at any offset. The algorithms are the classic ones: exp by
/// Cody–Waite reduction to |r| ≤ ln2/2 and a Taylor polynomial, scaled by 2^k in two steps (so results
/// near overflow and in the subnormal range are right); log by reduction to [√½, √2) and fdlibm's/musl's
/// polynomials; tanh (float64) by Cephes' rational below 0.625 and 1 − 2/(e^{2|x|} + 1) above,
/// (float32) by Eigen's 13/6 rational; sigmoid as 1/(1 + e^{−|x|}), or e^{−|x|}/(1 + e^{−|x|}) below 0.
/// Accuracy, tested against System.Math in units in the last place (`VectorMathProperties`): exp and log
/// within 2, seagull within 3, float64 tanh within 3 and sigmoid within 4, float32 sigmoid within 3 and
/// float32 tanh within 6 (the rational's price for its speed).
module internal VectorMath =
    /// Applies `f` to `x` a vector at a time, writing `r` (may be the same array as `x`); the tail is
    /// padded with `pad` to a full vector, so it takes the same code path as the body.
    let inline internal mapVectors<'T when 'T: struct and 'T: (new: unit -> 'T) and 'T :> ValueType>
        ([<InlineIfLambda>] f: Vector<'T> -> Vector<'T>) (pad: 'T) (x: 'T[]) (r: 'T[]) =
        let n = x.Length
        if r.Length < n then invalidArg "r" "result array is shorter than the input"
        let w = Vector<'T>.Count
        let mutable i = 0
        while i <= n - w do
            (f (Vector.LoadUnsafe(&x.[i]))).StoreUnsafe(&r.[i])
            i <- i + w
        if i < n then
            let buffer = Array.create w pad
            Array.blit x i buffer 0 (n - i)
            let y = f (Vector.LoadUnsafe(&buffer.[0]))
            y.StoreUnsafe(&buffer.[0])
            Array.blit buffer 0 r i (n - i)

    /// Applies `f` to `x` and `y` a vector at a time, writing `r`; the tails are padded like `mapVectors`.
    let inline internal mapVectors2<'T when 'T: struct and 'T: (new: unit -> 'T) and 'T :> ValueType>
        ([<InlineIfLambda>] f: Vector<'T> -> Vector<'T> -> Vector<'T>) (pad: 'T) (x: 'T[]) (y: 'T[]) (r: 'T[]) =
        let n = x.Length
        if y.Length <> n || r.Length < n then invalidArg "y" "arrays of different lengths"
        let w = Vector<'T>.Count
        let mutable i = 0
        while i <= n - w do
            (f (Vector.LoadUnsafe(&x.[i])) (Vector.LoadUnsafe(&y.[i]))).StoreUnsafe(&r.[i])
            i <- i + w
        if i < n then
            let bx = Array.create w pad
            let by = Array.create w pad
            Array.blit x i bx 0 (n - i)
            Array.blit y i by 0 (n - i)
            let z = f (Vector.LoadUnsafe(&bx.[0])) (Vector.LoadUnsafe(&by.[0]))
            z.StoreUnsafe(&bx.[0])
            Array.blit bx 0 r i (n - i)

    // ---- float64 -------------------------------------------------------------------------------

    /// e^x for float64 lanes (NaN stays NaN; overflow gives +∞, underflow 0 or a subnormal).
    let inline private exp64 (x: Vector<float>) : Vector<float> =
        let hi = Vector<float>(710.0)
        let lo = Vector<float>(-746.0)
        let x = Vector.ConditionalSelect(Vector.GreaterThan(x, hi), hi, x)
        let x = Vector.ConditionalSelect(Vector.LessThan(x, lo), lo, x)
        // k = round(x / ln 2) with the 1.5·2^52 trick: the integer lands in the low bits of t.
        let magic = Vector<float>(6755399441055744.0)
        let t = Vector.FusedMultiplyAdd(x, Vector<float>(1.4426950408889634), magic)
        let k = t - magic
        let r = Vector.FusedMultiplyAdd(k, Vector<float>(-6.93147180369123816490e-01), x)
        let r = Vector.FusedMultiplyAdd(k, Vector<float>(-1.90821492927058770002e-10), r)
        // Taylor polynomial of degree 13 on |r| ≤ 0.347: truncation below 1e-17 relative.
        let mutable p = Vector<float>(1.0 / 6227020800.0)
        p <- Vector.FusedMultiplyAdd(p, r, Vector<float>(1.0 / 479001600.0))
        p <- Vector.FusedMultiplyAdd(p, r, Vector<float>(1.0 / 39916800.0))
        p <- Vector.FusedMultiplyAdd(p, r, Vector<float>(1.0 / 3628800.0))
        p <- Vector.FusedMultiplyAdd(p, r, Vector<float>(1.0 / 362880.0))
        p <- Vector.FusedMultiplyAdd(p, r, Vector<float>(1.0 / 40320.0))
        p <- Vector.FusedMultiplyAdd(p, r, Vector<float>(1.0 / 5040.0))
        p <- Vector.FusedMultiplyAdd(p, r, Vector<float>(1.0 / 720.0))
        p <- Vector.FusedMultiplyAdd(p, r, Vector<float>(1.0 / 120.0))
        p <- Vector.FusedMultiplyAdd(p, r, Vector<float>(1.0 / 24.0))
        p <- Vector.FusedMultiplyAdd(p, r, Vector<float>(1.0 / 6.0))
        p <- Vector.FusedMultiplyAdd(p, r, Vector<float>(0.5))
        p <- Vector.FusedMultiplyAdd(p, r, Vector<float>(1.0))
        p <- Vector.FusedMultiplyAdd(p, r, Vector<float>(1.0))
        // 2^k in two factors, each a normal number for every k the clamp allows (−1076…1025).
        let ki = Vector.AsVectorInt64 t - Vector.AsVectorInt64 magic
        let k1 = Vector.ShiftRightArithmetic(ki, 1)
        let k2 = ki - k1
        let bias = Vector<int64>(1023L)
        let s1 = Vector.AsVectorDouble(Vector.ShiftLeft(k1 + bias, 52))
        let s2 = Vector.AsVectorDouble(Vector.ShiftLeft(k2 + bias, 52))
        p * s1 * s2

    /// ln x for float64 lanes: −∞ at 0, NaN below 0 and for NaN, +∞ at +∞.
    let inline private log64 (x: Vector<float>) : Vector<float> =
        let zero = Vector<float>.Zero
        // Subnormals: scale into the normal range first.
        let tiny = Vector.LessThan(x, Vector<float>(2.2250738585072014e-308))
        let xs = Vector.ConditionalSelect(tiny, x * Vector<float>(18014398509481984.0), x)
        let adjust = Vector.ConditionalSelect(tiny, Vector<int64>(-54L), Vector<int64>.Zero)
        // x = m·2^k with m in [√½, √2).
        let bits = Vector.AsVectorInt64 xs
        let k = Vector.ShiftRightArithmetic(bits - Vector<int64>(0x3fe6a09e667f3bcdL), 52)
        let m = Vector.AsVectorDouble(bits - Vector.ShiftLeft(k, 52))
        let dk = Vector.ConvertToDouble(k + adjust)
        let f = m - Vector<float>(1.0)
        let s = f / (Vector<float>(2.0) + f)
        let z = s * s
        let w = z * z
        let t1 = w * Vector.FusedMultiplyAdd(w, Vector.FusedMultiplyAdd(w, Vector<float>(1.531383769920937332e-01), Vector<float>(2.222219843214978396e-01)), Vector<float>(3.999999999940941908e-01))
        let t2 = z * Vector.FusedMultiplyAdd(w, Vector.FusedMultiplyAdd(w, Vector.FusedMultiplyAdd(w, Vector<float>(1.479819860511658591e-01), Vector<float>(1.818357216161805012e-01)), Vector<float>(2.857142874366239149e-01)), Vector<float>(6.666666666666735130e-01))
        let big = t2 + t1
        let hfsq = Vector<float>(0.5) * f * f
        let lnHi = Vector<float>(6.93147180369123816490e-01)
        let lnLo = Vector<float>(1.90821492927058770002e-10)
        let y = dk * lnHi - ((hfsq - (s * (hfsq + big) + dk * lnLo)) - f)
        let y = Vector.ConditionalSelect(Vector.Equals(x, Vector<float>(Double.PositiveInfinity)), x, y)
        let y = Vector.ConditionalSelect(Vector.Equals(x, zero), Vector<float>(Double.NegativeInfinity), y)
        let invalid = Vector.OnesComplement(Vector.GreaterThanOrEqual(x, zero))   // x < 0 or NaN
        Vector.ConditionalSelect(invalid, Vector<float>(Double.NaN), y)

    /// Copies the sign bit of `x` onto the non-negative `y`.
    let inline private withSign64 (x: Vector<float>) (y: Vector<float>) =
        let signBit = Vector<int64>(Int64.MinValue)
        Vector.AsVectorDouble(Vector.AsVectorInt64 y ||| (Vector.AsVectorInt64 x &&& signBit))

    /// tanh x for float64 lanes, computed on |x| with the sign copied back (exactly odd).
    let inline private tanh64 (x: Vector<float>) : Vector<float> =
        let a = Vector.Abs x
        // |x| < 0.625: Cephes' rational approximation x + x·z·P(z)/Q(z), z = x².
        let z = a * a
        let p = Vector.FusedMultiplyAdd(Vector.FusedMultiplyAdd(Vector<float>(-9.64399179425052238628e-1), z, Vector<float>(-9.92877231001918586564e1)), z, Vector<float>(-1.61468768441708447952e3))
        let q = Vector.FusedMultiplyAdd(Vector.FusedMultiplyAdd(z + Vector<float>(1.12811678491632931402e2), z, Vector<float>(2.23548839060100448583e3)), z, Vector<float>(4.84406305325125486048e3))
        // Otherwise 1 − 2/(e^{2|x|} + 1); tanh is 1 in float64 beyond |x| ≈ 19.1.
        let capped = Vector.ConditionalSelect(Vector.GreaterThan(a, Vector<float>(20.0)), Vector<float>(20.0), a)
        let e = exp64 (capped + capped)
        let one = Vector<float>(1.0)
        // One division serves both branches: P/Q in the small lanes, 2/(e + 1) in the others.
        let isSmall = Vector.LessThan(a, Vector<float>(0.625))
        let ratio = Vector.ConditionalSelect(isSmall, p, Vector<float>(2.0)) / Vector.ConditionalSelect(isSmall, q, e + one)
        let small = Vector.FusedMultiplyAdd(a * z, ratio, a)
        let large = one - ratio
        withSign64 x (Vector.ConditionalSelect(isSmall, small, large))

    /// 1 / (1 + e^{−x}) for float64 lanes, as e^x / (1 + e^x) below 0 so that e^{−x} cannot overflow.
    let inline private sigmoid64 (x: Vector<float>) : Vector<float> =
        let e = exp64 (-(Vector.Abs x))
        let d = Vector<float>(1.0) + e
        Vector.ConditionalSelect(Vector.GreaterThanOrEqual(x, Vector<float>.Zero), Vector<float>(1.0), e) / d

    /// log(1 + z²) for float64 lanes: log(w) + (u − (w − 1))/w with u = z², w = 1 + u (the second term
    /// restores what rounding 1 + u lost, so small z keep full relative accuracy); 2·log|z| where z²
    /// would overflow.
    let inline private seagull64 (z: Vector<float>) : Vector<float> =
        let a = Vector.Abs z
        let huge = Vector.GreaterThan(a, Vector<float>(1e150))
        let u = z * z
        let one = Vector<float>(1.0)
        let w = one + u
        let l = log64 (Vector.ConditionalSelect(huge, a, w))
        Vector.ConditionalSelect(huge, l + l, l + (u - (w - one)) / w)

    /// gy · 2z/(1 + z²) for float64 lanes; 2/(z + 1/z) where z² would overflow.
    let inline private seagullSlope64 (z: Vector<float>) (gy: Vector<float>) : Vector<float> =
        let huge = Vector.GreaterThan(Vector.Abs z, Vector<float>(1e150))
        let one = Vector<float>(1.0)
        // 1/z only when a lane needs it (same bits per lane either way; it is one division fewer).
        let inverse = if Vector.EqualsAll(huge, Vector<int64>.Zero) then z else one / z
        let d = Vector.ConditionalSelect(huge, Vector<float>(2.0), z + z) / Vector.ConditionalSelect(huge, z + inverse, one + z * z)
        d * gy

    /// log(1 + u) for u ≥ 0 (Goldberg: log(w)·u/(w − 1) with w = 1 + u, and u itself where w rounds to 1).
    let inline private log1p64 (u: Vector<float>) : Vector<float> =
        let one = Vector<float>.One
        let w = one + u
        let d = w - one
        Vector.ConditionalSelect(Vector.Equals(w, one), u, log64 w * (u / Vector.ConditionalSelect(Vector.Equals(d, Vector<float>.Zero), one, d)))

    /// log(1 + e^z) = max(z, 0) + log(1 + e^{−|z|}) for float64 lanes.
    let inline private softplus64 (z: Vector<float>) : Vector<float> =
        Vector.Max(z, Vector<float>.Zero) + log1p64 (exp64 (-(Vector.Abs z)))

    /// log cosh z = |z| + log(1 + e^{−2|z|}) − log 2 for float64 lanes (exactly even).
    let inline private logcosh64 (z: Vector<float>) : Vector<float> =
        let a = Vector.Abs z
        a + log1p64 (exp64 (a * Vector<float>(-2.0))) - Vector<float>(Math.Log 2.0)

    // ---- float32 -------------------------------------------------------------------------------

    /// e^x for float32 lanes (NaN stays NaN; overflow gives +∞, underflow 0 or a subnormal).
    let inline private exp32 (x: Vector<float32>) : Vector<float32> =
        let hi = Vector<float32>(89.0f)
        let lo = Vector<float32>(-104.0f)
        let x = Vector.ConditionalSelect(Vector.GreaterThan(x, hi), hi, x)
        let x = Vector.ConditionalSelect(Vector.LessThan(x, lo), lo, x)
        let magic = Vector<float32>(12582912.0f)   // 1.5·2^23
        let t = Vector.FusedMultiplyAdd(x, Vector<float32>(1.44269504f), magic)
        let k = t - magic
        let r = Vector.FusedMultiplyAdd(k, Vector<float32>(-0.693145751953125f), x)
        let r = Vector.FusedMultiplyAdd(k, Vector<float32>(-1.42860677e-06f), r)
        // Taylor polynomial of degree 7 on |r| ≤ 0.347: truncation below 1e-8 relative.
        let mutable p = Vector<float32>(1.0f / 5040.0f)
        p <- Vector.FusedMultiplyAdd(p, r, Vector<float32>(1.0f / 720.0f))
        p <- Vector.FusedMultiplyAdd(p, r, Vector<float32>(1.0f / 120.0f))
        p <- Vector.FusedMultiplyAdd(p, r, Vector<float32>(1.0f / 24.0f))
        p <- Vector.FusedMultiplyAdd(p, r, Vector<float32>(1.0f / 6.0f))
        p <- Vector.FusedMultiplyAdd(p, r, Vector<float32>(0.5f))
        p <- Vector.FusedMultiplyAdd(p, r, Vector<float32>(1.0f))
        p <- Vector.FusedMultiplyAdd(p, r, Vector<float32>(1.0f))
        let ki = Vector.AsVectorInt32 t - Vector.AsVectorInt32 magic
        let k1 = Vector.ShiftRightArithmetic(ki, 1)
        let k2 = ki - k1
        let bias = Vector<int>(127)
        let s1 = Vector.AsVectorSingle(Vector.ShiftLeft(k1 + bias, 23))
        let s2 = Vector.AsVectorSingle(Vector.ShiftLeft(k2 + bias, 23))
        p * s1 * s2

    /// ln x for float32 lanes: −∞ at 0, NaN below 0 and for NaN, +∞ at +∞.
    let inline private log32 (x: Vector<float32>) : Vector<float32> =
        let zero = Vector<float32>.Zero
        let tiny = Vector.LessThan(x, Vector<float32>(1.17549435e-38f))
        let xs = Vector.ConditionalSelect(tiny, x * Vector<float32>(33554432.0f), x)
        let adjust = Vector.ConditionalSelect(tiny, Vector<int>(-25), Vector<int>.Zero)
        let bits = Vector.AsVectorInt32 xs
        let k = Vector.ShiftRightArithmetic(bits - Vector<int>(0x3f3504f3), 23)
        let m = Vector.AsVectorSingle(bits - Vector.ShiftLeft(k, 23))
        let dk = Vector.ConvertToSingle(k + adjust)
        let f = m - Vector<float32>(1.0f)
        let s = f / (Vector<float32>(2.0f) + f)
        let z = s * s
        let w = z * z
        let t1 = w * Vector.FusedMultiplyAdd(w, Vector<float32>(0.24279078841f), Vector<float32>(0.40000972152f))
        let t2 = z * Vector.FusedMultiplyAdd(w, Vector<float32>(0.28498786688f), Vector<float32>(0.66666662693f))
        let big = t2 + t1
        let hfsq = Vector<float32>(0.5f) * f * f
        let y = s * (hfsq + big) + dk * Vector<float32>(9.0580006145e-06f) - hfsq + f + dk * Vector<float32>(6.9313812256e-01f)
        let y = Vector.ConditionalSelect(Vector.Equals(x, Vector<float32>(Single.PositiveInfinity)), x, y)
        let y = Vector.ConditionalSelect(Vector.Equals(x, zero), Vector<float32>(Single.NegativeInfinity), y)
        let invalid = Vector.OnesComplement(Vector.GreaterThanOrEqual(x, zero))
        Vector.ConditionalSelect(invalid, Vector<float32>(Single.NaN), y)

    let inline private withSign32 (x: Vector<float32>) (y: Vector<float32>) =
        let signBit = Vector<int>(Int32.MinValue)
        Vector.AsVectorSingle(Vector.AsVectorInt32 y ||| (Vector.AsVectorInt32 x &&& signBit))

    /// tanh x for float32 lanes: the 13/6 odd rational minimax approximation of Eigen (also used by XLA
    /// and ONNX Runtime's MLAS) on |x| clamped at 7.9053, where tanh rounds to 1, with the sign copied
    /// back (exactly odd). tanh x = x below 0.0004, where the rational's rounding would show.
    let inline private tanh32 (x: Vector<float32>) : Vector<float32> =
        let a = Vector.Abs x
        let limit = Vector<float32>(7.90531110763549805f)
        let c = Vector.ConditionalSelect(Vector.GreaterThan(a, limit), limit, a)
        let z = c * c
        let mutable p = Vector<float32>(-2.76076847742355e-16f)
        p <- Vector.FusedMultiplyAdd(p, z, Vector<float32>(2.00018790482477e-13f))
        p <- Vector.FusedMultiplyAdd(p, z, Vector<float32>(-8.60467152213735e-11f))
        p <- Vector.FusedMultiplyAdd(p, z, Vector<float32>(5.12229709037114e-08f))
        p <- Vector.FusedMultiplyAdd(p, z, Vector<float32>(1.48572235717979e-05f))
        p <- Vector.FusedMultiplyAdd(p, z, Vector<float32>(6.37261928875436e-04f))
        p <- Vector.FusedMultiplyAdd(p, z, Vector<float32>(4.89352455891786e-03f))
        let mutable q = Vector<float32>(1.19825839466702e-06f)
        q <- Vector.FusedMultiplyAdd(q, z, Vector<float32>(1.18534705686654e-04f))
        q <- Vector.FusedMultiplyAdd(q, z, Vector<float32>(2.26843463243900e-03f))
        q <- Vector.FusedMultiplyAdd(q, z, Vector<float32>(4.89352518554385e-03f))
        let y = (c * p) / q
        // The rational stops at 1 − 2.4e-7; the rounded tanh is 1 from |x| ≈ 9.01 on.
        let y = Vector.ConditionalSelect(Vector.GreaterThan(a, Vector<float32>(9.02f)), Vector<float32>(1.0f), y)
        // NaN fails every comparison above and stays NaN through the arithmetic.
        withSign32 x (Vector.ConditionalSelect(Vector.LessThan(a, Vector<float32>(0.0004f)), a, y))

    let inline private sigmoid32 (x: Vector<float32>) : Vector<float32> =
        let e = exp32 (-(Vector.Abs x))
        let d = Vector<float32>(1.0f) + e
        Vector.ConditionalSelect(Vector.GreaterThanOrEqual(x, Vector<float32>.Zero), Vector<float32>(1.0f), e) / d

    /// log(1 + z²) for float32 lanes (see `seagull64`).
    let inline private seagull32 (z: Vector<float32>) : Vector<float32> =
        let a = Vector.Abs z
        let huge = Vector.GreaterThan(a, Vector<float32>(1e18f))
        let u = z * z
        let one = Vector<float32>(1.0f)
        let w = one + u
        let l = log32 (Vector.ConditionalSelect(huge, a, w))
        Vector.ConditionalSelect(huge, l + l, l + (u - (w - one)) / w)

    /// gy · 2z/(1 + z²) for float32 lanes (see `seagullSlope64`).
    let inline private seagullSlope32 (z: Vector<float32>) (gy: Vector<float32>) : Vector<float32> =
        let huge = Vector.GreaterThan(Vector.Abs z, Vector<float32>(1e18f))
        let one = Vector<float32>(1.0f)
        let inverse = if Vector.EqualsAll(huge, Vector<int>.Zero) then z else one / z
        let d = Vector.ConditionalSelect(huge, Vector<float32>(2.0f), z + z) / Vector.ConditionalSelect(huge, z + inverse, one + z * z)
        d * gy

    /// log(1 + u) for u ≥ 0 in float32 lanes (see `log1p64`).
    let inline private log1p32 (u: Vector<float32>) : Vector<float32> =
        let one = Vector<float32>.One
        let w = one + u
        let d = w - one
        Vector.ConditionalSelect(Vector.Equals(w, one), u, log32 w * (u / Vector.ConditionalSelect(Vector.Equals(d, Vector<float32>.Zero), one, d)))

    /// log(1 + e^z) for float32 lanes (see `softplus64`).
    let inline private softplus32 (z: Vector<float32>) : Vector<float32> =
        Vector.Max(z, Vector<float32>.Zero) + log1p32 (exp32 (-(Vector.Abs z)))

    /// log cosh z for float32 lanes (see `logcosh64`).
    let inline private logcosh32 (z: Vector<float32>) : Vector<float32> =
        let a = Vector.Abs z
        a + log1p32 (exp32 (a * Vector<float32>(-2.0f))) - Vector<float32>(float32 (Math.Log 2.0))

    // ---- arrays ----------------------------------------------------------------------------------

    /// r[i] = e^{x[i]}.
    let expInto64 (x: float[]) (r: float[]) = mapVectors exp64 0.0 x r
    /// r[i] = e^{x[i]}.
    let expInto32 (x: float32[]) (r: float32[]) = mapVectors exp32 0.0f x r
    /// r[i] = ln x[i].
    let logInto64 (x: float[]) (r: float[]) = mapVectors log64 1.0 x r
    /// r[i] = ln x[i].
    let logInto32 (x: float32[]) (r: float32[]) = mapVectors log32 1.0f x r
    /// r[i] = tanh x[i] on `Vector<T>`.
    let tanhPortable64 (x: float[]) (r: float[]) = mapVectors tanh64 0.0 x r
    /// r[i] = tanh x[i] on `Vector<T>`.
    let tanhPortable32 (x: float32[]) (r: float32[]) = mapVectors tanh32 0.0f x r
    /// r[i] = tanh x[i]: on 512-bit vectors where they are accelerated and wider than `Vector<T>`
    /// (`VectorMath512`, the same bits), else on `Vector<T>`.
    let tanhInto64 (x: float[]) (r: float[]) =
        if VectorMath512.preferred then VectorMath512.tanhInto64 x r else tanhPortable64 x r
    /// r[i] = tanh x[i] (see `tanhInto64`).
    let tanhInto32 (x: float32[]) (r: float32[]) =
        if VectorMath512.preferred then VectorMath512.tanhInto32 x r else tanhPortable32 x r
    /// r[i] = 1 / (1 + e^{−x[i]}).
    let sigmoidInto64 (x: float[]) (r: float[]) = mapVectors sigmoid64 0.0 x r
    /// r[i] = 1 / (1 + e^{−x[i]}).
    let sigmoidInto32 (x: float32[]) (r: float32[]) = mapVectors sigmoid32 0.0f x r
    /// r[i] = log(1 + z[i]²) on `Vector<T>`.
    let seagullPortable64 (z: float[]) (r: float[]) = mapVectors seagull64 0.0 z r
    /// r[i] = log(1 + z[i]²) on `Vector<T>`.
    let seagullPortable32 (z: float32[]) (r: float32[]) = mapVectors seagull32 0.0f z r
    /// r[i] = log(1 + z[i]²), on 512-bit vectors where they help (see `tanhInto64`).
    let seagullInto64 (z: float[]) (r: float[]) =
        if VectorMath512.preferred then VectorMath512.seagullInto64 z r else seagullPortable64 z r
    /// r[i] = log(1 + z[i]²), on 512-bit vectors where they help (see `tanhInto64`).
    let seagullInto32 (z: float32[]) (r: float32[]) =
        if VectorMath512.preferred then VectorMath512.seagullInto32 z r else seagullPortable32 z r
    /// r[i] = gy[i] · 2z[i]/(1 + z[i]²).
    let seagullSlopeInto64 (z: float[]) (gy: float[]) (r: float[]) = mapVectors2 seagullSlope64 0.0 z gy r
    /// r[i] = gy[i] · 2z[i]/(1 + z[i]²).
    let seagullSlopeInto32 (z: float32[]) (gy: float32[]) (r: float32[]) = mapVectors2 seagullSlope32 0.0f z gy r
    /// r[i] = gy[i] · (s + z[i]·s·(1 − s)) with s = sigmoid z[i] (SiLU's backward pass), each operation
    /// rounded on its own.
    let siluSlopeInto64 (z: float[]) (gy: float[]) (r: float[]) =
        mapVectors2 (fun v g ->
            let s = sigmoid64 v
            let oneMinus = Vector<float>.One - s
            let zs = v * s
            (s + zs * oneMinus) * g) 0.0 z gy r
    /// SiLU's backward pass for float32 (see `siluSlopeInto64`).
    let siluSlopeInto32 (z: float32[]) (gy: float32[]) (r: float32[]) =
        mapVectors2 (fun v g ->
            let s = sigmoid32 v
            let oneMinus = Vector<float32>.One - s
            let zs = v * s
            (s + zs * oneMinus) * g) 0.0f z gy r
    /// r[i] = log(1 + e^{z[i]}).
    let softplusInto64 (z: float[]) (r: float[]) = mapVectors softplus64 0.0 z r
    /// r[i] = log(1 + e^{z[i]}).
    let softplusInto32 (z: float32[]) (r: float32[]) = mapVectors softplus32 0.0f z r
    /// r[i] = log cosh z[i].
    let logcoshInto64 (z: float[]) (r: float[]) = mapVectors logcosh64 0.0 z r
    /// r[i] = log cosh z[i].
    let logcoshInto32 (z: float32[]) (r: float32[]) = mapVectors logcosh32 0.0f z r
    /// r[i] = z[i] where z[i] > 0, else e^{z[i]} − 1 (the ELU, α = 1).
    let eluInto64 (z: float[]) (r: float[]) =
        mapVectors (fun v -> Vector.ConditionalSelect(Vector.GreaterThan(v, Vector<float>.Zero), v, exp64 v - Vector<float>.One)) 0.0 z r
    /// r[i] = z[i] where z[i] > 0, else e^{z[i]} − 1 (the ELU, α = 1).
    let eluInto32 (z: float32[]) (r: float32[]) =
        mapVectors (fun v -> Vector.ConditionalSelect(Vector.GreaterThan(v, Vector<float32>.Zero), v, exp32 v - Vector<float32>.One)) 0.0f z r
