namespace Seagull.Kernels

open System
open System.Numerics
open System.Numerics.Tensors

/// Generic elementwise kernels over arrays, vectorised through `TensorPrimitives`. Each returns a new
/// array and never changes its inputs; mutation is confined to the fresh result.
module Elementwise =
    /// A scalar of type 'T from a double.
    let scalar<'T when 'T :> IFloatingPointIeee754<'T>> (x: float) : 'T = 'T.CreateTruncating x

    /// The largest finite value of 'T (IFloatingPointIeee754 does not expose MaxValue).
    let maxValue<'T when 'T :> IFloatingPointIeee754<'T>> () : 'T =
        if sizeof<'T> = 4 then scalar<'T> (float Single.MaxValue) else scalar<'T> Double.MaxValue

    /// A fresh array of length n (contents unspecified, to be overwritten): new, or inside a training
    /// step a reused scratch array (see `StepArena`).
    let fresh<'T> (n: int) : 'T[] =
        let arena = StepArena.Current
        if isNull arena then GC.AllocateUninitializedArray<'T> n else arena.Take<'T> n

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

    /// x·y + z elementwise.
    let multiplyAdd<'T when 'T :> IFloatingPointIeee754<'T>> (x: 'T[]) (y: 'T[]) (z: 'T[]) =
        let r = fresh x.Length
        TensorPrimitives.MultiplyAdd<'T>(ReadOnlySpan x, ReadOnlySpan y, ReadOnlySpan z, Span r)
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

    /// The inputs a vectorised function computes on its fast path, as a test of one value and a
    /// vectorised test of a whole array.
    type private Range<'T> = { Holds: 'T -> bool; HoldsForAll: 'T[] -> bool }

    /// |v| ≤ bound (false for NaN).
    let private within<'T when 'T :> IFloatingPointIeee754<'T>> (bound: float) : Range<'T> =
        let limit: 'T = scalar<'T> bound
        { Holds = fun (v: 'T) -> 'T.op_LessThanOrEqual('T.Abs v, limit)
          HoldsForAll = fun (x: 'T[]) ->
            let largest: 'T = 'T.Abs(TensorPrimitives.MaxMagnitude<'T>(ReadOnlySpan x))
            'T.op_LessThanOrEqual(largest, limit) }

    /// 0 < v < ∞ (false for NaN).
    let private positiveFinite<'T when 'T :> IFloatingPointIeee754<'T>> () : Range<'T> =
        { Holds = fun (v: 'T) -> 'T.IsFinite v && 'T.op_GreaterThan(v, 'T.Zero)
          HoldsForAll = fun (x: 'T[]) ->
            let smallest: 'T = TensorPrimitives.Min<'T>(ReadOnlySpan x)
            let largest: 'T = TensorPrimitives.Max<'T>(ReadOnlySpan x)
            'T.op_GreaterThan(smallest, 'T.Zero) && 'T.IsFinite largest }

    /// Runs a vectorised `TensorPrimitives` function so that each element's result depends on its value
    /// alone, never on its neighbours, its offset or the length of the array. `TensorPrimitives` breaks
    /// that in two ways: arrays shorter than a vector go through scalar code (`MathF.Exp` and the vector
    /// algorithm differ in the last bit), and a vector with one lane outside the fast range (|x| > 708 for
    /// float64 exp) is recomputed lane by lane with scalar code, so which elements share a vector, and so
    /// the array's alignment, changes the bits. Here short arrays are padded to a full 512-bit vector and
    /// elements outside `range` are replaced by 1 for the vector pass and computed alone by `scalarOf`.
    let private perValue<'T when 'T :> IFloatingPointIeee754<'T>>
        (range: Range<'T>) (vector: 'T[] -> 'T[] -> unit) (scalarOf: 'T -> 'T) (x: 'T[]) : 'T[] =
        let n = x.Length
        let width = max n (64 / sizeof<'T>)
        if width = n && range.HoldsForAll x then
            let r = fresh n
            vector x r
            r
        else
            let input = Array.init width (fun (i: int) -> if i < n && range.Holds x.[i] then x.[i] else 'T.One)
            let all = fresh width
            vector input all
            Array.init n (fun (i: int) -> if range.Holds x.[i] then all.[i] else scalarOf x.[i])

    /// Exp of each element, vectorised; bitwise the same for a value wherever it sits (see `perValue`).
    let exp<'T when 'T :> IFloatingPointIeee754<'T>> (x: 'T[]) =
        perValue (within 80.0) (fun (a: 'T[]) (r: 'T[]) -> TensorPrimitives.Exp<'T>(ReadOnlySpan a, Span r)) 'T.Exp x

    /// Log of each element, vectorised; bitwise the same for a value wherever it sits (see `perValue`).
    let log<'T when 'T :> IFloatingPointIeee754<'T>> (x: 'T[]) =
        perValue (positiveFinite ()) (fun (a: 'T[]) (r: 'T[]) -> TensorPrimitives.Log<'T>(ReadOnlySpan a, Span r)) 'T.Log x

    /// Sqrt of each element, vectorised.
    let sqrt<'T when 'T :> IFloatingPointIeee754<'T>> (x: 'T[]) =
        let r = fresh x.Length
        TensorPrimitives.Sqrt<'T>(ReadOnlySpan x, Span r)
        r

    /// Sin of each element, one element at a time. Not `TensorPrimitives.Sin`: it picks its algorithm per
    /// vector (one polynomial when every lane is below π/4, a reduction otherwise, scalar code when a lane
    /// is huge), so an element's last bits would depend on its neighbours and on the array's alignment.
    let sin<'T when 'T :> IFloatingPointIeee754<'T>> (x: 'T[]) = Array.map (fun (v: 'T) -> 'T.Sin v) x

    /// Cos of each element, one element at a time (deterministic per element; see `sin`).
    let cos<'T when 'T :> IFloatingPointIeee754<'T>> (x: 'T[]) = Array.map (fun (v: 'T) -> 'T.Cos v) x

    /// Tanh of each element, vectorised; bitwise the same for a value wherever it sits (see `perValue`).
    let tanh<'T when 'T :> IFloatingPointIeee754<'T>> (x: 'T[]) =
        perValue (within 40.0) (fun (a: 'T[]) (r: 'T[]) -> TensorPrimitives.Tanh<'T>(ReadOnlySpan a, Span r)) 'T.Tanh x

    /// Sigmoid 1 / (1 + exp(−x)) of each element, vectorised; bitwise the same for a value wherever it
    /// sits (see `perValue`).
    let sigmoid<'T when 'T :> IFloatingPointIeee754<'T>> (x: 'T[]) =
        let one (v: 'T) =
            let e: 'T = 'T.Exp(-v)
            'T.One / ('T.One + e)
        perValue (within 80.0) (fun (a: 'T[]) (r: 'T[]) -> TensorPrimitives.Sigmoid<'T>(ReadOnlySpan a, Span r)) one x

    /// Reciprocal of each element, vectorised.
    let reciprocal<'T when 'T :> IFloatingPointIeee754<'T>> (x: 'T[]) =
        let r = fresh x.Length
        TensorPrimitives.Reciprocal<'T>(ReadOnlySpan x, Span r)
        r

    /// Adds the row vector `b` (length n) to every row of the m×n matrix `z`, in place (z must be fresh).
    let addRowsInPlace<'T when 'T :> IFloatingPointIeee754<'T>> (m: int) (n: int) (z: 'T[]) (b: 'T[]) =
        let bs = ReadOnlySpan b
        for i in 0 .. m - 1 do
            let row = Span(z, i * n, n)
            TensorPrimitives.Add<'T>(Span.op_Implicit row, bs, row)

    /// The sum of the rows of an m×n matrix (a vector of length n).
    let sumRows<'T when 'T :> IFloatingPointIeee754<'T>> (m: int) (n: int) (z: 'T[]) : 'T[] =
        let acc = Array.zeroCreate<'T> n
        let accs = Span acc
        for i in 0 .. m - 1 do
            TensorPrimitives.Add<'T>(ReadOnlySpan(z, i * n, n), Span.op_Implicit accs, accs)
        acc

    /// The sum of each row of an m×n matrix (a vector of length m).
    let sumColumns<'T when 'T :> IFloatingPointIeee754<'T>> (m: int) (n: int) (z: 'T[]) : 'T[] =
        Array.init m (fun i -> TensorPrimitives.Sum<'T>(ReadOnlySpan(z, i * n, n)))

    /// The sum of all elements as a double.
    let sum<'T when 'T :> IFloatingPointIeee754<'T>> (x: 'T[]) : float =
        Double.CreateTruncating(TensorPrimitives.Sum<'T>(ReadOnlySpan x))

    /// a > b for generic numbers (F#'s `>` would demand structural comparison).
    let gt<'T when 'T :> IFloatingPointIeee754<'T>> (a: 'T) (b: 'T) = 'T.op_GreaterThan(a, b)
    /// a ≥ b for generic numbers.
    let ge<'T when 'T :> IFloatingPointIeee754<'T>> (a: 'T) (b: 'T) = 'T.op_GreaterThanOrEqual(a, b)
    /// a = b for generic numbers (IEEE equality).
    let eq<'T when 'T :> IFloatingPointIeee754<'T>> (a: 'T) (b: 'T) = 'T.op_Equality(a, b)

    /// sign(x) ∈ {−1, 0, 1}.
    let sign<'T when 'T :> IFloatingPointIeee754<'T>> (x: 'T[]) =
        Array.map (fun (v: 'T) -> if gt v 'T.Zero then 'T.One elif gt 'T.Zero v then -'T.One else 'T.Zero) x

    /// log(1 + u) accurate for small u (Goldberg's trick), generic and scalar.
    let log1p<'T when 'T :> IFloatingPointIeee754<'T>> (u: 'T) : 'T =
        let w: 'T = 'T.One + u
        let d: 'T = w - 'T.One
        if eq w 'T.One then u else 'T.Log(w) * (u / d)
