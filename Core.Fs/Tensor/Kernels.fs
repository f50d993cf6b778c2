namespace Seagull.Core.Kernels

open System
open System.Numerics
open System.Numerics.Tensors

/// Generic elementwise kernels over arrays, vectorised through `TensorPrimitives`. Each returns a new
/// array and never changes its inputs; mutation is confined to the fresh result.

module internal Elementwise =
    /// A scalar of type 'T from a double.
    let scalar<'T when 'T :> IFloatingPointIeee754<'T>> (x: float) : 'T = 'T.CreateTruncating x

    /// A fresh array of length n (contents unspecified, to be overwritten): new, or inside a training
    /// step a reused scratch array (see `StepArena`). New arrays are zeroed ones: the allocator's
    /// zeroing leaves them in the cache, and writing into `GC.AllocateUninitializedArray` arrays of a few
    /// KB was measured 4× slower.
    let fresh<'T> (n: int) : 'T[] =
        let arena = StepArena.Current
        if isNull arena then Array.zeroCreate<'T> n else arena.Take<'T> n

    let add<'T when 'T :> IFloatingPointIeee754<'T>> (x: 'T[]) (y: 'T[]) =
        let r = fresh x.Length
        TensorPrimitives.Add<'T>(ReadOnlySpan x, ReadOnlySpan y, Span r)
        r

    let subtract<'T when 'T :> IFloatingPointIeee754<'T>> (x: 'T[]) (y: 'T[]) =
        let r = fresh x.Length
        TensorPrimitives.Subtract<'T>(ReadOnlySpan x, ReadOnlySpan y, Span r)
        r

    let multiply<'T when 'T :> IFloatingPointIeee754<'T>> (x: 'T[]) (y: 'T[]) =
        let r = fresh x.Length
        TensorPrimitives.Multiply<'T>(ReadOnlySpan x, ReadOnlySpan y, Span r)
        r

    let divide<'T when 'T :> IFloatingPointIeee754<'T>> (x: 'T[]) (y: 'T[]) =
        let r = fresh x.Length
        TensorPrimitives.Divide<'T>(ReadOnlySpan x, ReadOnlySpan y, Span r)
        r

    let scale<'T when 'T :> IFloatingPointIeee754<'T>> (s: float) (x: 'T[]) =
        let r = fresh x.Length
        TensorPrimitives.Multiply<'T>(ReadOnlySpan x, scalar<'T> s, Span r)
        r

    let addScalar<'T when 'T :> IFloatingPointIeee754<'T>> (s: float) (x: 'T[]) =
        let r = fresh x.Length
        TensorPrimitives.Add<'T>(ReadOnlySpan x, scalar<'T> s, Span r)
        r


    /// Abs of each element, vectorised.
    let absolute<'T when 'T :> IFloatingPointIeee754<'T>> (x: 'T[]) =
        let r = fresh x.Length
        TensorPrimitives.Abs<'T>(ReadOnlySpan x, Span r)
        r

    /// Negate of each element, vectorised.
    let negate<'T when 'T :> IFloatingPointIeee754<'T>> (x: 'T[]) =
        let r = fresh x.Length
        TensorPrimitives.Negate<'T>(ReadOnlySpan x, Span r)
        r

    /// Runs a `VectorMath` array kernel (float32 or float64) into a fresh array; any other 'T is mapped
    /// with `scalarOf` one element at a time. Either way a value's result never depends on its
    /// neighbours, its offset or the length of the array.
    let private vectorMath<'T when 'T :> IFloatingPointIeee754<'T>>
        (on64: float[] -> float[] -> unit) (on32: float32[] -> float32[] -> unit) (scalarOf: 'T -> 'T) (x: 'T[]) : 'T[] =
        let r = fresh x.Length
        if typeof<'T> = typeof<float> then on64 (box x :?> float[]) (box r :?> float[])
        elif typeof<'T> = typeof<float32> then on32 (box x :?> float32[]) (box r :?> float32[])
        else
            for i in 0 .. x.Length - 1 do
                r.[i] <- scalarOf x.[i]
        r

    /// `vectorMath` for kernels of two arrays of the same length (a value and its incoming gradient).
    let private vectorMath2<'T when 'T :> IFloatingPointIeee754<'T>>
        (on64: float[] -> float[] -> float[] -> unit) (on32: float32[] -> float32[] -> float32[] -> unit)
        (scalarOf: 'T -> 'T -> 'T) (x: 'T[]) (y: 'T[]) : 'T[] =
        if y.Length <> x.Length then invalidArg "y" "arrays of different lengths"
        let r = fresh x.Length
        if typeof<'T> = typeof<float> then on64 (box x :?> float[]) (box y :?> float[]) (box r :?> float[])
        elif typeof<'T> = typeof<float32> then on32 (box x :?> float32[]) (box y :?> float32[]) (box r :?> float32[])
        else
            for i in 0 .. x.Length - 1 do
                r.[i] <- scalarOf x.[i] y.[i]
        r

    /// Exp of each element, vectorised (`VectorMath`); bitwise the same for a value wherever it sits.
    let exp<'T when 'T :> IFloatingPointIeee754<'T>> (x: 'T[]) =
        vectorMath VectorMath.expInto64 VectorMath.expInto32 'T.Exp x

    /// Log of each element, vectorised (`VectorMath`); bitwise the same for a value wherever it sits.
    let log<'T when 'T :> IFloatingPointIeee754<'T>> (x: 'T[]) =
        vectorMath VectorMath.logInto64 VectorMath.logInto32 'T.Log x

    /// Sqrt of each element, vectorised.
    let sqrt<'T when 'T :> IFloatingPointIeee754<'T>> (x: 'T[]) =
        let r = fresh x.Length
        TensorPrimitives.Sqrt<'T>(ReadOnlySpan x, Span r)
        r

    /// Sin of each element, vectorised (`VectorTrig`); bitwise the same for a value wherever it sits. Not
    /// `TensorPrimitives.Sin`: it picks its algorithm per vector (one polynomial when every lane is below π/4,
    /// a reduction otherwise, scalar code when a lane is huge), so a value's bits would depend on its neighbours.
    let sin<'T when 'T :> IFloatingPointIeee754<'T>> (x: 'T[]) = vectorMath VectorTrig.sinInto64 VectorTrig.sinInto32 'T.Sin x

    /// Cos of each element, vectorised (`VectorTrig`); bitwise the same for a value wherever it sits.
    let cos<'T when 'T :> IFloatingPointIeee754<'T>> (x: 'T[]) = vectorMath VectorTrig.cosInto64 VectorTrig.cosInto32 'T.Cos x

    /// Tanh of each element, vectorised (`VectorMath`); bitwise the same for a value wherever it sits.
    let tanh<'T when 'T :> IFloatingPointIeee754<'T>> (x: 'T[]) =
        vectorMath VectorMath.tanhInto64 VectorMath.tanhInto32 'T.Tanh x

    /// Sigmoid 1 / (1 + exp(−x)) of each element, vectorised (`VectorMath`); bitwise the same for a
    /// value wherever it sits.
    let sigmoid<'T when 'T :> IFloatingPointIeee754<'T>> (x: 'T[]) =
        let one (v: 'T) =
            let e: 'T = 'T.Exp(-v)
            'T.One / ('T.One + e)
        vectorMath VectorMath.sigmoidInto64 VectorMath.sigmoidInto32 one x

    /// log(1 + u) accurate for small u (Goldberg's trick), generic and scalar.
    let log1p<'T when 'T :> IFloatingPointIeee754<'T>> (u: 'T) : 'T =
        let w: 'T = 'T.One + u
        let d: 'T = w - 'T.One
        if 'T.op_Equality(w, 'T.One) then u else 'T.Log(w) * (u / d)

    /// log(1 + x²) of each element, vectorised (`VectorMath`): accurate for small x, 2·log|x| where x²
    /// would overflow; exactly even.
    let seagull<'T when 'T :> IFloatingPointIeee754<'T>> (x: 'T[]) =
        let one (v: 'T) =
            let a: 'T = 'T.Abs v
            if 'T.op_GreaterThan(a, scalar<'T> 1e18) then (let l: 'T = 'T.Log a in l + l) else log1p (v * v)
        vectorMath VectorMath.seagullInto64 VectorMath.seagullInto32 one x

    /// gy · 2x/(1 + x²) elementwise, vectorised (`VectorMath`): the seagull's slope times the incoming
    /// gradient; 2/(x + 1/x) where x² would overflow; exactly odd in x.
    let seagullSlope<'T when 'T :> IFloatingPointIeee754<'T>> (x: 'T[]) (gy: 'T[]) =
        let one (v: 'T) (g: 'T) =
            let d: 'T =
                if 'T.op_GreaterThan('T.Abs v, scalar<'T> 1e18) then (let s: 'T = v + 'T.One / v in scalar<'T> 2.0 / s)
                else (let t: 'T = v + v in t / ('T.One + v * v))
            d * g
        vectorMath2 VectorMath.seagullSlopeInto64 VectorMath.seagullSlopeInto32 one x gy

    /// gy · (1 − y²) elementwise, vectorised (`VectorArithmetic`): tanh's backward pass from its output y, each
    /// operation rounded on its own.
    let tanhSlope<'T when 'T :> IFloatingPointIeee754<'T>> (y: 'T[]) (gy: 'T[]) =
        let one (v: 'T) (g: 'T) =
            let s: 'T = v * v
            let d: 'T = 'T.One - s
            d * g
        vectorMath2 VectorArithmetic.tanhSlopeInto64 VectorArithmetic.tanhSlopeInto32 one y gy

    /// gy · (s + x·s·(1 − s)) with s = sigmoid x: SiLU's backward pass, vectorised (`VectorMath`).
    let siluSlope<'T when 'T :> IFloatingPointIeee754<'T>> (x: 'T[]) (gy: 'T[]) =
        let one (v: 'T) (g: 'T) =
            let e: 'T = 'T.Exp(-v)
            let s: 'T = 'T.One / ('T.One + e)
            let oneMinus: 'T = 'T.One - s
            let zs: 'T = v * s
            let d: 'T = s + zs * oneMinus
            d * g
        vectorMath2 VectorMath.siluSlopeInto64 VectorMath.siluSlopeInto32 one x gy

    /// log(1 + e^x), stable (max(x, 0) + log1p(e^{−|x|})), vectorised (`VectorMath`).
    let softplus<'T when 'T :> IFloatingPointIeee754<'T>> (x: 'T[]) =
        let one (v: 'T) =
            let e: 'T = 'T.Exp(-('T.Abs v))
            let l: 'T = log1p e
            'T.Max(v, 'T.Zero) + l
        vectorMath VectorMath.softplusInto64 VectorMath.softplusInto32 one x

    /// log cosh x = |x| + log1p(e^{−2|x|}) − log 2, stable and exactly even, vectorised (`VectorMath`).
    let logcosh<'T when 'T :> IFloatingPointIeee754<'T>> (x: 'T[]) =
        let one (v: 'T) =
            let a: 'T = 'T.Abs v
            let e: 'T = 'T.Exp(a * scalar<'T> -2.0)
            let l: 'T = log1p e
            let s: 'T = a + l
            s - scalar<'T> (Math.Log 2.0)
        vectorMath VectorMath.logcoshInto64 VectorMath.logcoshInto32 one x

    /// x where x > 0, else e^x − 1: the ELU (α = 1), vectorised (`VectorMath`).
    let elu<'T when 'T :> IFloatingPointIeee754<'T>> (x: 'T[]) =
        let one (v: 'T) =
            let e: 'T = 'T.Exp v
            if 'T.op_GreaterThan(v, 'T.Zero) then v else e - 'T.One
        vectorMath VectorMath.eluInto64 VectorMath.eluInto32 one x

    /// gy where x > 0, else 0: the ReLU's backward pass, vectorised (`VectorArithmetic`).
    let reluSlope<'T when 'T :> IFloatingPointIeee754<'T>> (x: 'T[]) (gy: 'T[]) =
        vectorMath2 VectorArithmetic.reluSlopeInto64 VectorArithmetic.reluSlopeInto32 (fun (v: 'T) (g: 'T) -> if 'T.op_GreaterThan(v, 'T.Zero) then g else 'T.Zero) x gy

    /// x where x > 0, else 0.01·x: the leaky ReLU, vectorised (`VectorArithmetic`).
    let leakyRelu<'T when 'T :> IFloatingPointIeee754<'T>> (x: 'T[]) =
        vectorMath VectorArithmetic.leakyReluInto64 VectorArithmetic.leakyReluInto32 (fun (v: 'T) -> if 'T.op_GreaterThan(v, 'T.Zero) then v else scalar<'T> 0.01 * v) x

    /// gy where x > 0, else 0.01·gy: the leaky ReLU's backward pass, vectorised (`VectorArithmetic`).
    let leakyReluSlope<'T when 'T :> IFloatingPointIeee754<'T>> (x: 'T[]) (gy: 'T[]) =
        vectorMath2 VectorArithmetic.leakyReluSlopeInto64 VectorArithmetic.leakyReluSlopeInto32 (fun (v: 'T) (g: 'T) -> if 'T.op_GreaterThan(v, 'T.Zero) then g else scalar<'T> 0.01 * g) x gy


    /// Adds the row vector `b` (length n) to every row of the m×n matrix `z`, in place (z must be fresh).
    /// Vector loops rather than a `TensorPrimitives.Add` per row: at 64 columns the call's own checks
    /// cost as much as the additions (measured 1.0 µs for 128×64 float32).
    let addRowsInPlace<'T when 'T :> IFloatingPointIeee754<'T> and 'T: struct and 'T: (new: unit -> 'T) and 'T :> ValueType>
        (m: int) (n: int) (z: 'T[]) (b: 'T[]) =
        if z.Length < m * n || b.Length < n then invalidArg "z" "matrix or row shorter than m×n"
        let w = Vector<'T>.Count
        for i in 0 .. m - 1 do
            let row = i * n
            let mutable j = 0
            while j <= n - w do
                (Vector.LoadUnsafe(&z.[row + j]) + Vector.LoadUnsafe(&b.[j])).StoreUnsafe(&z.[row + j])
                j <- j + w
            while j < n do
                z.[row + j] <- z.[row + j] + b.[j]
                j <- j + 1

    /// The sum of the rows of an m×n matrix (a vector of length n): each column summed from row 0 down,
    /// one rounding per addition, as row + sum (TensorPrimitives.Add's operand order, which decides the payload
    /// when two NaNs meet). Four column vectors at a time are summed in registers down all rows
    /// (four independent chains of additions; no store and reload of the sums per row).
    let sumRows<'T when 'T :> IFloatingPointIeee754<'T> and 'T: struct and 'T: (new: unit -> 'T) and 'T :> ValueType>
        (m: int) (n: int) (z: 'T[]) : 'T[] =
        if z.Length < m * n then invalidArg "z" "matrix shorter than m×n"
        let acc = Array.zeroCreate<'T> n
        let w = Vector<'T>.Count
        let mutable j = 0
        while j <= n - 4 * w do
            let mutable s0 = Vector<'T>.Zero
            let mutable s1 = Vector<'T>.Zero
            let mutable s2 = Vector<'T>.Zero
            let mutable s3 = Vector<'T>.Zero
            for i in 0 .. m - 1 do
                let row = i * n + j
                s0 <- Vector.LoadUnsafe(&z.[row]) + s0
                s1 <- Vector.LoadUnsafe(&z.[row + w]) + s1
                s2 <- Vector.LoadUnsafe(&z.[row + 2 * w]) + s2
                s3 <- Vector.LoadUnsafe(&z.[row + 3 * w]) + s3
            s0.StoreUnsafe(&acc.[j])
            s1.StoreUnsafe(&acc.[j + w])
            s2.StoreUnsafe(&acc.[j + 2 * w])
            s3.StoreUnsafe(&acc.[j + 3 * w])
            j <- j + 4 * w
        while j <= n - w do
            let mutable s0 = Vector<'T>.Zero
            for i in 0 .. m - 1 do
                s0 <- Vector.LoadUnsafe(&z.[i * n + j]) + s0
            s0.StoreUnsafe(&acc.[j])
            j <- j + w
        while j < n do
            let mutable s = 'T.Zero
            for i in 0 .. m - 1 do
                s <- z.[i * n + j] + s
            acc.[j] <- s
            j <- j + 1
        acc

    /// The sum of each row of an m×n matrix (a vector of length m).
    let sumColumns<'T when 'T :> IFloatingPointIeee754<'T>> (m: int) (n: int) (z: 'T[]) : 'T[] =
        Array.init m (fun i -> TensorPrimitives.Sum<'T>(ReadOnlySpan(z, i * n, n)))

    /// The sum of all elements as a double.
    let sum<'T when 'T :> IFloatingPointIeee754<'T>> (x: 'T[]) : float =
        Double.CreateTruncating(TensorPrimitives.Sum<'T>(ReadOnlySpan x))

    /// a > b for generic numbers (F#'s `>` would demand structural comparison).
    let gt<'T when 'T :> IFloatingPointIeee754<'T>> (a: 'T) (b: 'T) = 'T.op_GreaterThan(a, b)

    /// sign(x) ∈ {−1, 0, 1} (0 for NaN), vectorised (`VectorArithmetic`).
    let sign<'T when 'T :> IFloatingPointIeee754<'T>> (x: 'T[]) =
        let one (v: 'T) = if gt v 'T.Zero then 'T.One elif gt 'T.Zero v then -'T.One else 'T.Zero
        vectorMath VectorArithmetic.signInto64 VectorArithmetic.signInto32 one x

