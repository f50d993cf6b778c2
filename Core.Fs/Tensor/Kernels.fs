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

    /// A fresh array of the same length (contents unspecified, to be overwritten).
    let fresh<'T> (n: int) : 'T[] = GC.AllocateUninitializedArray<'T> n

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

    /// Exp of each element, vectorised.
    let exp<'T when 'T :> IFloatingPointIeee754<'T>> (x: 'T[]) =
        let r = fresh x.Length
        TensorPrimitives.Exp<'T>(ReadOnlySpan x, Span r)
        r

    /// Log of each element, vectorised.
    let log<'T when 'T :> IFloatingPointIeee754<'T>> (x: 'T[]) =
        let r = fresh x.Length
        TensorPrimitives.Log<'T>(ReadOnlySpan x, Span r)
        r

    /// Sqrt of each element, vectorised.
    let sqrt<'T when 'T :> IFloatingPointIeee754<'T>> (x: 'T[]) =
        let r = fresh x.Length
        TensorPrimitives.Sqrt<'T>(ReadOnlySpan x, Span r)
        r

    /// Sin of each element, vectorised.
    let sin<'T when 'T :> IFloatingPointIeee754<'T>> (x: 'T[]) =
        let r = fresh x.Length
        TensorPrimitives.Sin<'T>(ReadOnlySpan x, Span r)
        r

    /// Cos of each element, vectorised.
    let cos<'T when 'T :> IFloatingPointIeee754<'T>> (x: 'T[]) =
        let r = fresh x.Length
        TensorPrimitives.Cos<'T>(ReadOnlySpan x, Span r)
        r

    /// Tanh of each element, vectorised.
    let tanh<'T when 'T :> IFloatingPointIeee754<'T>> (x: 'T[]) =
        let r = fresh x.Length
        TensorPrimitives.Tanh<'T>(ReadOnlySpan x, Span r)
        r

    /// Sigmoid of each element, vectorised.
    let sigmoid<'T when 'T :> IFloatingPointIeee754<'T>> (x: 'T[]) =
        let r = fresh x.Length
        TensorPrimitives.Sigmoid<'T>(ReadOnlySpan x, Span r)
        r

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
