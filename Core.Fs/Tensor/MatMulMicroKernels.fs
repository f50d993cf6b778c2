#nowarn "9"     // native pointers: the kernels run on pinned arrays whose bounds MatMul checks once per call
#nowarn "3535"  // an interface with static abstract members is the vector-width abstraction

namespace Seagull.Core.Kernels

open System
open System.Runtime.CompilerServices
open System.Runtime.Intrinsics
open Microsoft.FSharp.NativeInterop

/// The SIMD operations the matrix-multiply micro-kernels are written against (one struct per vector width,
/// so the JIT specialises and inlines every call; `'T` is float32 or float).
type internal IVecOps<'T, 'V when 'T: unmanaged> =
    /// Lanes per vector.
    static abstract Width: int
    /// The zero vector.
    static abstract Zero: 'V
    /// Unaligned load of `Width` elements.
    static abstract Load: nativeptr<'T> -> 'V
    /// Unaligned store of `Width` elements.
    static abstract Store: nativeptr<'T> * 'V -> unit
    /// All lanes set to one scalar.
    static abstract Splat: 'T -> 'V
    /// a·b + c (fused where the hardware has it).
    static abstract MulAdd: 'V * 'V * 'V -> 'V
    /// a + b.
    static abstract Add: 'V * 'V -> 'V
    /// Sum of the lanes.
    static abstract Sum: 'V -> 'T

/// 512-bit vectors (AVX-512). Multiply-adds are fused where the hardware has FMA (always, in practice).
[<Struct>]
type internal V512<'T when 'T: unmanaged and 'T: struct and 'T :> ValueType and 'T: (new: unit -> 'T)> =
    interface IVecOps<'T, Vector512<'T>> with
        static member Width = Vector512<'T>.Count
        static member Zero = Vector512<'T>.Zero
        [<MethodImpl(MethodImplOptions.AggressiveInlining)>]
        static member Load(p) = Vector512.Load p
        [<MethodImpl(MethodImplOptions.AggressiveInlining)>]
        static member Store(p, v) = Vector512.Store(v, p)
        [<MethodImpl(MethodImplOptions.AggressiveInlining)>]
        static member Splat(x) = Vector512.Create x
        [<MethodImpl(MethodImplOptions.AggressiveInlining)>]
        static member MulAdd(a, b, c) =
            if Type.op_Equality (typeof<'T>, typeof<float32>) then
                Vector512.MultiplyAddEstimate(Vector512.AsSingle a, Vector512.AsSingle b, Vector512.AsSingle c)
                |> Vector512.As<float32, 'T>
            else
                Vector512.MultiplyAddEstimate(Vector512.AsDouble a, Vector512.AsDouble b, Vector512.AsDouble c)
                |> Vector512.As<float, 'T>
        [<MethodImpl(MethodImplOptions.AggressiveInlining)>]
        static member Add(a, b) = Vector512.Add(a, b)
        [<MethodImpl(MethodImplOptions.AggressiveInlining)>]
        static member Sum(v) = Vector512.Sum v

/// 256-bit vectors: the path for machines with AVX2 but no AVX-512.
[<Struct>]
type internal V256<'T when 'T: unmanaged and 'T: struct and 'T :> ValueType and 'T: (new: unit -> 'T)> =
    interface IVecOps<'T, Vector256<'T>> with
        static member Width = Vector256<'T>.Count
        static member Zero = Vector256<'T>.Zero
        [<MethodImpl(MethodImplOptions.AggressiveInlining)>]
        static member Load(p) = Vector256.Load p
        [<MethodImpl(MethodImplOptions.AggressiveInlining)>]
        static member Store(p, v) = Vector256.Store(v, p)
        [<MethodImpl(MethodImplOptions.AggressiveInlining)>]
        static member Splat(x) = Vector256.Create x
        [<MethodImpl(MethodImplOptions.AggressiveInlining)>]
        static member MulAdd(a, b, c) =
            if Type.op_Equality (typeof<'T>, typeof<float32>) then
                Vector256.MultiplyAddEstimate(Vector256.AsSingle a, Vector256.AsSingle b, Vector256.AsSingle c)
                |> Vector256.As<float32, 'T>
            else
                Vector256.MultiplyAddEstimate(Vector256.AsDouble a, Vector256.AsDouble b, Vector256.AsDouble c)
                |> Vector256.As<float, 'T>
        [<MethodImpl(MethodImplOptions.AggressiveInlining)>]
        static member Add(a, b) = Vector256.Add(a, b)
        [<MethodImpl(MethodImplOptions.AggressiveInlining)>]
        static member Sum(v) = Vector256.Sum v

/// 128-bit vectors: SSE-only x64 machines and Arm64 (AdvSimd).
[<Struct>]
type internal V128<'T when 'T: unmanaged and 'T: struct and 'T :> ValueType and 'T: (new: unit -> 'T)> =
    interface IVecOps<'T, Vector128<'T>> with
        static member Width = Vector128<'T>.Count
        static member Zero = Vector128<'T>.Zero
        [<MethodImpl(MethodImplOptions.AggressiveInlining)>]
        static member Load(p) = Vector128.Load p
        [<MethodImpl(MethodImplOptions.AggressiveInlining)>]
        static member Store(p, v) = Vector128.Store(v, p)
        [<MethodImpl(MethodImplOptions.AggressiveInlining)>]
        static member Splat(x) = Vector128.Create x
        [<MethodImpl(MethodImplOptions.AggressiveInlining)>]
        static member MulAdd(a, b, c) =
            if Type.op_Equality (typeof<'T>, typeof<float32>) then
                Vector128.MultiplyAddEstimate(Vector128.AsSingle a, Vector128.AsSingle b, Vector128.AsSingle c)
                |> Vector128.As<float32, 'T>
            else
                Vector128.MultiplyAddEstimate(Vector128.AsDouble a, Vector128.AsDouble b, Vector128.AsDouble c)
                |> Vector128.As<float, 'T>
        [<MethodImpl(MethodImplOptions.AggressiveInlining)>]
        static member Add(a, b) = Vector128.Add(a, b)
        [<MethodImpl(MethodImplOptions.AggressiveInlining)>]
        static member Sum(v) = Vector128.Sum v

/// Register-blocked micro-kernels. Each computes a tile C (+)= A·B over `kc` steps where
/// A(r, p) = a[r·rsA + p·csA], B(p, j) = b[p·rsB + j] (columns contiguous) and C(r, j) = c[r·ldc + j].
/// The tile is 6 rows (or 1) by 4 vectors (or 1) of columns; edges are handled by the caller with padding.
module internal MicroKernels =
    /// Rows of the main tile.
    [<Literal>]
    let MR = 6

    let inline private put<'T, 'V, 'O when 'T: unmanaged and 'O :> IVecOps<'T, 'V>> (c: nativeptr<'T>) (v: 'V) (acc: bool) =
        if acc then 'O.Store(c, 'O.Add('O.Load c, v)) else 'O.Store(c, v)

    /// 6 × 4W tile: 24 accumulators.
    let k6x4<'T, 'V, 'O when 'T: unmanaged and 'O :> IVecOps<'T, 'V>>
        (kc: int) (a: nativeptr<'T>) (rsA: int) (csA: int) (b: nativeptr<'T>) (rsB: int) (c: nativeptr<'T>) (ldc: int) (acc: bool) =
        let w = 'O.Width
        let mutable c00 = 'O.Zero
        let mutable c01 = 'O.Zero
        let mutable c02 = 'O.Zero
        let mutable c03 = 'O.Zero
        let mutable c10 = 'O.Zero
        let mutable c11 = 'O.Zero
        let mutable c12 = 'O.Zero
        let mutable c13 = 'O.Zero
        let mutable c20 = 'O.Zero
        let mutable c21 = 'O.Zero
        let mutable c22 = 'O.Zero
        let mutable c23 = 'O.Zero
        let mutable c30 = 'O.Zero
        let mutable c31 = 'O.Zero
        let mutable c32 = 'O.Zero
        let mutable c33 = 'O.Zero
        let mutable c40 = 'O.Zero
        let mutable c41 = 'O.Zero
        let mutable c42 = 'O.Zero
        let mutable c43 = 'O.Zero
        let mutable c50 = 'O.Zero
        let mutable c51 = 'O.Zero
        let mutable c52 = 'O.Zero
        let mutable c53 = 'O.Zero
        let a0 = a
        let a1 = NativePtr.add a rsA
        let a2 = NativePtr.add a (2 * rsA)
        let a3 = NativePtr.add a (3 * rsA)
        let a4 = NativePtr.add a (4 * rsA)
        let a5 = NativePtr.add a (5 * rsA)
        let mutable pb = b
        let mutable o = 0
        for _ in 1..kc do
            let b0 = 'O.Load pb
            let b1 = 'O.Load(NativePtr.add pb w)
            let b2 = 'O.Load(NativePtr.add pb (2 * w))
            let b3 = 'O.Load(NativePtr.add pb (3 * w))
            let x = 'O.Splat(NativePtr.get a0 o)
            c00 <- 'O.MulAdd(x, b0, c00)
            c01 <- 'O.MulAdd(x, b1, c01)
            c02 <- 'O.MulAdd(x, b2, c02)
            c03 <- 'O.MulAdd(x, b3, c03)
            let x = 'O.Splat(NativePtr.get a1 o)
            c10 <- 'O.MulAdd(x, b0, c10)
            c11 <- 'O.MulAdd(x, b1, c11)
            c12 <- 'O.MulAdd(x, b2, c12)
            c13 <- 'O.MulAdd(x, b3, c13)
            let x = 'O.Splat(NativePtr.get a2 o)
            c20 <- 'O.MulAdd(x, b0, c20)
            c21 <- 'O.MulAdd(x, b1, c21)
            c22 <- 'O.MulAdd(x, b2, c22)
            c23 <- 'O.MulAdd(x, b3, c23)
            let x = 'O.Splat(NativePtr.get a3 o)
            c30 <- 'O.MulAdd(x, b0, c30)
            c31 <- 'O.MulAdd(x, b1, c31)
            c32 <- 'O.MulAdd(x, b2, c32)
            c33 <- 'O.MulAdd(x, b3, c33)
            let x = 'O.Splat(NativePtr.get a4 o)
            c40 <- 'O.MulAdd(x, b0, c40)
            c41 <- 'O.MulAdd(x, b1, c41)
            c42 <- 'O.MulAdd(x, b2, c42)
            c43 <- 'O.MulAdd(x, b3, c43)
            let x = 'O.Splat(NativePtr.get a5 o)
            c50 <- 'O.MulAdd(x, b0, c50)
            c51 <- 'O.MulAdd(x, b1, c51)
            c52 <- 'O.MulAdd(x, b2, c52)
            c53 <- 'O.MulAdd(x, b3, c53)
            pb <- NativePtr.add pb rsB
            o <- o + csA
        let inline row (r: int) v0 v1 v2 v3 =
            let cr = NativePtr.add c (r * ldc)
            put<'T, 'V, 'O> cr v0 acc
            put<'T, 'V, 'O> (NativePtr.add cr w) v1 acc
            put<'T, 'V, 'O> (NativePtr.add cr (2 * w)) v2 acc
            put<'T, 'V, 'O> (NativePtr.add cr (3 * w)) v3 acc
        row 0 c00 c01 c02 c03
        row 1 c10 c11 c12 c13
        row 2 c20 c21 c22 c23
        row 3 c30 c31 c32 c33
        row 4 c40 c41 c42 c43
        row 5 c50 c51 c52 c53

    /// 6 × W tile.
    let k6x1<'T, 'V, 'O when 'T: unmanaged and 'O :> IVecOps<'T, 'V>>
        (kc: int) (a: nativeptr<'T>) (rsA: int) (csA: int) (b: nativeptr<'T>) (rsB: int) (c: nativeptr<'T>) (ldc: int) (acc: bool) =
        let mutable c0 = 'O.Zero
        let mutable c1 = 'O.Zero
        let mutable c2 = 'O.Zero
        let mutable c3 = 'O.Zero
        let mutable c4 = 'O.Zero
        let mutable c5 = 'O.Zero
        let a0 = a
        let a1 = NativePtr.add a rsA
        let a2 = NativePtr.add a (2 * rsA)
        let a3 = NativePtr.add a (3 * rsA)
        let a4 = NativePtr.add a (4 * rsA)
        let a5 = NativePtr.add a (5 * rsA)
        let mutable pb = b
        let mutable o = 0
        for _ in 1..kc do
            let b0 = 'O.Load pb
            c0 <- 'O.MulAdd('O.Splat(NativePtr.get a0 o), b0, c0)
            c1 <- 'O.MulAdd('O.Splat(NativePtr.get a1 o), b0, c1)
            c2 <- 'O.MulAdd('O.Splat(NativePtr.get a2 o), b0, c2)
            c3 <- 'O.MulAdd('O.Splat(NativePtr.get a3 o), b0, c3)
            c4 <- 'O.MulAdd('O.Splat(NativePtr.get a4 o), b0, c4)
            c5 <- 'O.MulAdd('O.Splat(NativePtr.get a5 o), b0, c5)
            pb <- NativePtr.add pb rsB
            o <- o + csA
        put<'T, 'V, 'O> c c0 acc
        put<'T, 'V, 'O> (NativePtr.add c ldc) c1 acc
        put<'T, 'V, 'O> (NativePtr.add c (2 * ldc)) c2 acc
        put<'T, 'V, 'O> (NativePtr.add c (3 * ldc)) c3 acc
        put<'T, 'V, 'O> (NativePtr.add c (4 * ldc)) c4 acc
        put<'T, 'V, 'O> (NativePtr.add c (5 * ldc)) c5 acc

    /// 1 × 4W tile (row edges).
    let k1x4<'T, 'V, 'O when 'T: unmanaged and 'O :> IVecOps<'T, 'V>>
        (kc: int) (a: nativeptr<'T>) (csA: int) (b: nativeptr<'T>) (rsB: int) (c: nativeptr<'T>) (acc: bool) =
        let w = 'O.Width
        let mutable c0 = 'O.Zero
        let mutable c1 = 'O.Zero
        let mutable c2 = 'O.Zero
        let mutable c3 = 'O.Zero
        let mutable pb = b
        let mutable o = 0
        for _ in 1..kc do
            let x = 'O.Splat(NativePtr.get a o)
            c0 <- 'O.MulAdd(x, 'O.Load pb, c0)
            c1 <- 'O.MulAdd(x, 'O.Load(NativePtr.add pb w), c1)
            c2 <- 'O.MulAdd(x, 'O.Load(NativePtr.add pb (2 * w)), c2)
            c3 <- 'O.MulAdd(x, 'O.Load(NativePtr.add pb (3 * w)), c3)
            pb <- NativePtr.add pb rsB
            o <- o + csA
        put<'T, 'V, 'O> c c0 acc
        put<'T, 'V, 'O> (NativePtr.add c w) c1 acc
        put<'T, 'V, 'O> (NativePtr.add c (2 * w)) c2 acc
        put<'T, 'V, 'O> (NativePtr.add c (3 * w)) c3 acc

    /// 1 × W tile (corner edges). One accumulation chain in k order, like every other tile, so a row's
    /// result has the same bits whichever tile computes it (a row alone or in a batch).
    let k1x1<'T, 'V, 'O when 'T: unmanaged and 'O :> IVecOps<'T, 'V>>
        (kc: int) (a: nativeptr<'T>) (csA: int) (b: nativeptr<'T>) (rsB: int) (c: nativeptr<'T>) (acc: bool) =
        let mutable c0 = 'O.Zero
        let mutable pb = b
        let mutable o = 0
        for _ in 1..kc do
            c0 <- 'O.MulAdd('O.Splat(NativePtr.get a o), 'O.Load pb, c0)
            pb <- NativePtr.add pb rsB
            o <- o + csA
        put<'T, 'V, 'O> c c0 acc
