#nowarn "9" // native pointers over arrays pinned for the duration of a call; every bound is checked on entry

namespace Seagull.Core.Kernels

open System
open System.Numerics
open System.Runtime.CompilerServices
open System.Runtime.InteropServices
open System.Runtime.Intrinsics
open Microsoft.FSharp.NativeInterop

/// Per-thread, pinned, 64-byte-aligned scratch memory for packed panels: no allocation once warm,
/// and safe when several threads multiply at once.
type internal Scratch private () =
    [<ThreadStatic; DefaultValue>]
    static val mutable private buffer: byte[]

    [<ThreadStatic; DefaultValue>]
    static val mutable private start: nativeint

    /// At least `bytes` bytes of this thread's scratch, aligned to 64 bytes.
    static member Get(bytes: int) : nativeint =
        let buf = Scratch.buffer
        if isNull buf || buf.Length - 64 < bytes then
            let nb = GC.AllocateUninitializedArray<byte>(max (bytes + 64) 65536, true)
            let p = NativePtr.toNativeInt (NativePtr.ofVoidPtr<byte> (Unsafe.AsPointer<byte>(&MemoryMarshal.GetArrayDataReference<byte>(nb))))
            Scratch.buffer <- nb
            Scratch.start <- (p + 63n) &&& ~~~63n
        Scratch.start

/// The blocked drivers. Operands are described by strides: A(i, p) = a[i·rsA + p·csA],
/// B(p, j) = b[p·rsB + j·csB], C(i, j) = c[i·ldc + j].
module internal Gemm =
    open MicroKernels

    /// Depth of a packed block (K blocking).
    [<Literal>]
    let KC = 256

    /// Rows of a packed A block (a multiple of MR).
    [<Literal>]
    let MCB = 384

    /// Elements rounded up to a whole 64-byte line (for float32; two lines for float).
    let inline private lines (x: int) = (x + 15) &&& ~~~15

    /// C[0..mr, 0..nr) ← (C +) T[0..mr, 0..nr): the valid part of an edge tile computed into scratch.
    let private merge<'T when 'T: unmanaged and 'T :> IFloatingPointIeee754<'T>>
        (t: nativeptr<'T>) (ldt: int) (c: nativeptr<'T>) (ldc: int) (mr: int) (nr: int) (acc: bool) =
        for r in 0 .. mr - 1 do
            let tr = NativePtr.add t (r * ldt)
            let cr = NativePtr.add c (r * ldc)
            for j in 0 .. nr - 1 do
                NativePtr.set cr j (if acc then 'T.op_Addition(NativePtr.get cr j, NativePtr.get tr j) else NativePtr.get tr j)

    /// Unpacked path for products whose B fits in L2: A read in place, B read in place (unit column stride).
    let direct<'T, 'V, 'O when 'T: unmanaged and 'T :> IFloatingPointIeee754<'T> and 'O :> IVecOps<'T, 'V>>
        (m: int) (k: int) (n: int) (a: nativeptr<'T>) (rsA: int) (csA: int) (b: nativeptr<'T>) (rsB: int)
        (c: nativeptr<'T>) (ldc: int) (acc: bool) (scratch: nativeptr<'T>) =
        let w = 'O.Width
        let nr = 4 * w
        let n4 = n / nr * nr
        let n1 = n / w * w
        let s = n - n1
        let tile = scratch
        let bs = NativePtr.add scratch (lines (MR * w))
        if s > 0 then // the last partial vector of columns, zero-padded to W
            for p in 0 .. k - 1 do
                for j in 0 .. w - 1 do
                    NativePtr.set bs (p * w + j) (if j < s then NativePtr.get b (p * rsB + n1 + j) else 'T.Zero)
        let mutable i = 0
        while i + MR <= m do
            let ai = NativePtr.add a (i * rsA)
            let ci = NativePtr.add c (i * ldc)
            let mutable j = 0
            while j < n4 do
                k6x4<'T, 'V, 'O> k ai rsA csA (NativePtr.add b j) rsB (NativePtr.add ci j) ldc acc
                j <- j + nr
            while j < n1 do
                k6x1<'T, 'V, 'O> k ai rsA csA (NativePtr.add b j) rsB (NativePtr.add ci j) ldc acc
                j <- j + w
            if s > 0 then
                k6x1<'T, 'V, 'O> k ai rsA csA bs w tile w false
                merge tile w (NativePtr.add ci n1) ldc MR s acc
            i <- i + MR
        while i < m do
            let ai = NativePtr.add a (i * rsA)
            let ci = NativePtr.add c (i * ldc)
            let mutable j = 0
            while j < n4 do
                k1x4<'T, 'V, 'O> k ai csA (NativePtr.add b j) rsB (NativePtr.add ci j) acc
                j <- j + nr
            while j < n1 do
                k1x1<'T, 'V, 'O> k ai csA (NativePtr.add b j) rsB (NativePtr.add ci j) acc
                j <- j + w
            if s > 0 then
                k1x1<'T, 'V, 'O> k ai csA bs w tile false
                merge tile w (NativePtr.add ci n1) ldc 1 s acc
            i <- i + 1

    /// Few output columns (n·4 ≤ W): dot products along k, or column updates when A's rows are strided.
    let narrow<'T, 'V, 'O when 'T: unmanaged and 'T :> IFloatingPointIeee754<'T> and 'O :> IVecOps<'T, 'V>>
        (m: int) (k: int) (n: int) (a: nativeptr<'T>) (rsA: int) (csA: int) (b: nativeptr<'T>) (rsB: int) (csB: int)
        (c: nativeptr<'T>) (ldc: int) (acc: bool) (scratch: nativeptr<'T>) =
        let w = 'O.Width
        let inline put (dst: nativeptr<'T>) (v: 'T) = NativePtr.write dst (if acc then 'T.op_Addition(NativePtr.read dst, v) else v)
        if csA = 1 then
            // B's columns must be contiguous: they are when rsB = 1, else copy them out (n×k, tiny)
            let bc, ldbc =
                if rsB = 1 then b, csB
                else
                    for j in 0 .. n - 1 do
                        for p in 0 .. k - 1 do
                            NativePtr.set scratch (j * k + p) (NativePtr.get b (p * rsB + j * csB))
                    scratch, k
            for i in 0 .. m - 1 do
                let ai = NativePtr.add a (i * rsA)
                for j in 0 .. n - 1 do
                    let bj = NativePtr.add bc (j * ldbc)
                    let mutable v0 = 'O.Zero
                    let mutable v1 = 'O.Zero
                    let mutable p = 0
                    while p + 2 * w <= k do
                        v0 <- 'O.MulAdd('O.Load(NativePtr.add ai p), 'O.Load(NativePtr.add bj p), v0)
                        v1 <- 'O.MulAdd('O.Load(NativePtr.add ai (p + w)), 'O.Load(NativePtr.add bj (p + w)), v1)
                        p <- p + 2 * w
                    if p + w <= k then
                        v0 <- 'O.MulAdd('O.Load(NativePtr.add ai p), 'O.Load(NativePtr.add bj p), v0)
                        p <- p + w
                    let mutable d = 'O.Sum('O.Add(v0, v1))
                    while p < k do
                        d <- 'T.MultiplyAddEstimate(NativePtr.get ai p, NativePtr.get bj p, d)
                        p <- p + 1
                    put (NativePtr.add c (i * ldc + j)) d
        else
            // rsA = 1 (A stored transposed): C's column j is a sum over p of A's stored rows scaled by B(p, j)
            let tmp = scratch
            for j in 0 .. n - 1 do
                let mutable i = 0
                while i + 2 * w <= m do
                    let mutable v0 = 'O.Zero
                    let mutable v1 = 'O.Zero
                    for p in 0 .. k - 1 do
                        let x = 'O.Splat(NativePtr.get b (p * rsB + j * csB))
                        let ap = NativePtr.add a (p * csA + i)
                        v0 <- 'O.MulAdd('O.Load ap, x, v0)
                        v1 <- 'O.MulAdd('O.Load(NativePtr.add ap w), x, v1)
                    'O.Store(tmp, v0)
                    'O.Store(NativePtr.add tmp w, v1)
                    for t in 0 .. 2 * w - 1 do
                        put (NativePtr.add c ((i + t) * ldc + j)) (NativePtr.get tmp t)
                    i <- i + 2 * w
                while i < m do
                    let mutable d = 'T.Zero
                    for p in 0 .. k - 1 do
                        d <- 'T.MultiplyAddEstimate(NativePtr.get a (p * csA + i), NativePtr.get b (p * rsB + j * csB), d)
                    put (NativePtr.add c (i * ldc + j)) d
                    i <- i + 1

    /// Columns of a packed B block (a multiple of the tile width 4W).
    let private ncb<'T> = 1024 / sizeof<'T>

    /// Cache-blocked path: B packed into KC×4W panels (an L2-resident block); A's KC×MR micro-panel (read in place,
    /// or packed when A is stored transposed) stays in L1 while the kernel sweeps the B panels.
    let packed<'T, 'V, 'O when 'T: unmanaged and 'T :> IFloatingPointIeee754<'T> and 'O :> IVecOps<'T, 'V>>
        (m: int) (k: int) (n: int) (a: nativeptr<'T>) (rsA: int) (csA: int) (b: nativeptr<'T>) (rsB: int) (csB: int)
        (c: nativeptr<'T>) (ldc: int) (acc: bool) (scratch: nativeptr<'T>) =
        let w = 'O.Width
        let nr = 4 * w
        let ap = scratch
        let bp = NativePtr.add ap (MCB * KC)
        let tile = NativePtr.add bp (ncb<'T> * KC)
        // rows of A that are contiguous along k are read in place (only a ragged last panel is packed);
        // A stored transposed is packed into p-major panels, MCB rows at a time
        let packA = csA <> 1
        let mcb = if packA then MCB else m
        let mutable pc = 0
        while pc < k do
            let kc = min KC (k - pc)
            let accP = acc || pc > 0
            let mutable ic = 0
            while ic < m do
                let mc = min mcb (m - ic)
                let mPanels = (mc + MR - 1) / MR
                for ip in 0 .. mPanels - 1 do // pack A rows ic + ip·MR.. into p-major panels, zero rows past m
                    if packA || ic + ip * MR + MR > m then
                        let dst = NativePtr.add ap (if packA then ip * kc * MR else 0)
                        for r in 0 .. MR - 1 do
                            let i = ic + ip * MR + r
                            if i < m then
                                let src = NativePtr.add a (i * rsA + pc * csA)
                                for p in 0 .. kc - 1 do
                                    NativePtr.set dst (p * MR + r) (NativePtr.get src (p * csA))
                            else
                                for p in 0 .. kc - 1 do
                                    NativePtr.set dst (p * MR + r) 'T.Zero
                let mutable jc = 0
                while jc < n do
                    let nc = min ncb<'T> (n - jc)
                    let nPanels = (nc + nr - 1) / nr
                    for jp in 0 .. nPanels - 1 do // pack B columns into kc × 4W panels, zero columns past n
                        let dst = NativePtr.add bp (jp * kc * nr)
                        let j0 = jc + jp * nr
                        let valid = min nr (n - j0)
                        if csB = 1 && valid = nr then
                            for p in 0 .. kc - 1 do
                                let src = NativePtr.add b ((pc + p) * rsB + j0)
                                let d = NativePtr.add dst (p * nr)
                                'O.Store(d, 'O.Load src)
                                'O.Store(NativePtr.add d w, 'O.Load(NativePtr.add src w))
                                'O.Store(NativePtr.add d (2 * w), 'O.Load(NativePtr.add src (2 * w)))
                                'O.Store(NativePtr.add d (3 * w), 'O.Load(NativePtr.add src (3 * w)))
                        else
                            for jj in 0 .. nr - 1 do
                                if jj < valid then
                                    let src = NativePtr.add b (pc * rsB + (j0 + jj) * csB)
                                    for p in 0 .. kc - 1 do
                                        NativePtr.set dst (p * nr + jj) (NativePtr.get src (p * rsB))
                                else
                                    for p in 0 .. kc - 1 do
                                        NativePtr.set dst (p * nr + jj) 'T.Zero
                    for ip in 0 .. mPanels - 1 do
                        let i0 = ic + ip * MR
                        let mr = min MR (m - i0)
                        let inPlace = not packA && mr = MR
                        let aPanel =
                            if packA then NativePtr.add ap (ip * kc * MR)
                            elif inPlace then NativePtr.add a (i0 * rsA + pc)
                            else ap
                        let rs, cs = if inPlace then rsA, 1 else 1, MR
                        for jp in 0 .. nPanels - 1 do
                            let j0 = jc + jp * nr
                            let nrr = min nr (n - j0)
                            let bPanel = NativePtr.add bp (jp * kc * nr)
                            let cij = NativePtr.add c (i0 * ldc + j0)
                            if mr = MR && nrr = nr then
                                k6x4<'T, 'V, 'O> kc aPanel rs cs bPanel nr cij ldc accP
                            else
                                k6x4<'T, 'V, 'O> kc aPanel rs cs bPanel nr tile nr false
                                merge tile nr cij ldc mr nrr accP
                    jc <- jc + nc
                ic <- ic + mc
            pc <- pc + kc

    /// Chooses the path for one (single-threaded) product; m, k, n > 0.
    let run<'T, 'V, 'O when 'T: unmanaged and 'T :> IFloatingPointIeee754<'T> and 'O :> IVecOps<'T, 'V>>
        (m: int) (k: int) (n: int) (a: nativeptr<'T>) (rsA: int) (csA: int) (b: nativeptr<'T>) (rsB: int) (csB: int)
        (c: nativeptr<'T>) (ldc: int) (acc: bool) =
        let w = 'O.Width
        let size = sizeof<'T>
        let scratchOf (elements: int) = NativePtr.ofNativeInt<'T> (Scratch.Get(elements * size))
        if n * 4 <= w then
            narrow<'T, 'V, 'O> m k n a rsA csA b rsB csB c ldc acc (scratchOf (max (n * k) (2 * w)))
        elif k <= 512 && int64 k * int64 n * int64 size <= (256L <<< 10) then
            let tileAndEdge = lines (MR * w) + lines (k * w)
            if csB = 1 then
                direct<'T, 'V, 'O> m k n a rsA csA b rsB c ldc acc (scratchOf tileAndEdge)
            else // B stored transposed (n×k, so rsB = 1): lay it out k×n first
                let s = scratchOf (tileAndEdge + k * n)
                let bt = NativePtr.add s tileAndEdge
                let mutable j = 0
                while j < n do // four stored rows at a time: sequential reads, 4-wide writes
                    if j + 4 <= n then
                        let s0 = NativePtr.add b (j * csB)
                        let s1 = NativePtr.add s0 csB
                        let s2 = NativePtr.add s1 csB
                        let s3 = NativePtr.add s2 csB
                        let mutable d = NativePtr.add bt j
                        for p in 0 .. k - 1 do
                            NativePtr.set d 0 (NativePtr.get s0 p)
                            NativePtr.set d 1 (NativePtr.get s1 p)
                            NativePtr.set d 2 (NativePtr.get s2 p)
                            NativePtr.set d 3 (NativePtr.get s3 p)
                            d <- NativePtr.add d n
                        j <- j + 4
                    else
                        for p in 0 .. k - 1 do
                            NativePtr.set bt (p * n + j) (NativePtr.get b (j * csB + p))
                        j <- j + 1
                direct<'T, 'V, 'O> m k n a rsA csA bt n c ldc acc s
        else
            packed<'T, 'V, 'O> m k n a rsA csA b rsB csB c ldc acc (scratchOf (MCB * KC + ncb<'T> * KC + MR * 4 * w))

/// The rows of C in blocks of `rows` (whole 6-row tiles), one chunk each: what `Helpers` shares among threads.
/// The arrays are pinned by the caller until every chunk has run.
[<Sealed>]
type internal RowBlocks<'T, 'V, 'O when 'T: unmanaged and 'T :> IFloatingPointIeee754<'T> and 'O :> IVecOps<'T, 'V>>
    (chunks: int, rows: int, m: int, k: int, n: int, a: nativeint, rsA: int, csA: int, b: nativeint, rsB: int, csB: int, c: nativeint, acc: bool) =
    inherit Seagull.Core.ChunkedWork(chunks)
    override _.Run(t: int) =
        let i0 = t * rows
        let mt = min rows (m - i0)
        if mt > 0 then
            let a0 = NativePtr.add (NativePtr.ofNativeInt<'T> a) (i0 * rsA)
            let c0 = NativePtr.add (NativePtr.ofNativeInt<'T> c) (i0 * n)
            Gemm.run<'T, 'V, 'O> mt k n a0 rsA csA (NativePtr.ofNativeInt<'T> b) rsB csB c0 n acc

/// Dense matrix products on row-major arrays: register-blocked SIMD micro-kernels (AVX-512 where the
/// hardware has it, else 256- or 128-bit vectors; plain loops without SIMD), cache blocking with packed panels for large operands,
/// on the threads `Threads.current ()` allows when large enough (or `multiplyParallel`). Inputs are never changed; C is overwritten
/// (or added to with `accumulate`). Arrays may be longer than the matrices they hold.
module internal MatMul =
    /// 0: A·B, 1: Aᵀ·B, 2: A·Bᵀ.
    let inline private strides mode m k n =
        match mode with
        | 1 -> struct (1, m, n, 1)
        | 2 -> struct (k, 1, 1, k)
        | _ -> struct (k, 1, n, 1)

    /// Splits C's rows into `chunks` blocks of whole 6-row tiles, one per thread (each block's elements are the
    /// same sums as on one thread: the kernels' path depends on k and n only, and every tile sums in k order).
    let private exec<'T, 'V, 'O when 'T: unmanaged and 'T :> IFloatingPointIeee754<'T> and 'O :> IVecOps<'T, 'V>>
        (mode: int) (threads: int) (m: int) (k: int) (n: int) (a: 'T[]) (b: 'T[]) (c: 'T[]) (acc: bool) =
        let struct (rsA, csA, rsB, csB) = strides mode m k n
        use pa = fixed a
        use pb = fixed b
        use pc = fixed c
        // a narrow product of transposed A computes 2W rows at a time and the rest one by one: not split
        let chunks = if n * 4 <= 'O.Width then 1 else min threads ((m + MicroKernels.MR - 1) / MicroKernels.MR)
        if chunks <= 1 then
            Gemm.run<'T, 'V, 'O> m k n pa rsA csA pb rsB csB pc n acc
        else
            let rows = ((m + chunks - 1) / chunks + MicroKernels.MR - 1) / MicroKernels.MR * MicroKernels.MR
            let work =
                RowBlocks<'T, 'V, 'O>((m + rows - 1) / rows, rows, m, k, n, NativePtr.toNativeInt pa, rsA, csA,
                                      NativePtr.toNativeInt pb, rsB, csB, NativePtr.toNativeInt pc, acc)
            Seagull.Core.Helpers.Run(work, chunks)

    /// Plain loops for element types without a SIMD kernel (anything but float32 and float).
    let private reference<'T when 'T :> IFloatingPointIeee754<'T>> mode (m: int) (k: int) (n: int) (a: 'T[]) (b: 'T[]) (c: 'T[]) acc =
        let struct (rsA, csA, rsB, csB) = strides mode m k n
        for i in 0 .. m - 1 do
            for j in 0 .. n - 1 do
                let mutable s = if acc then c.[i * n + j] else 'T.Zero
                for p in 0 .. k - 1 do
                    s <- s + a.[i * rsA + p * csA] * b.[p * rsB + j * csB]
                c.[i * n + j] <- s

    /// The widest accelerated vectors (the JIT folds the checks).
    let private byWidth<'T when 'T: unmanaged and 'T: struct and 'T :> ValueType and 'T: (new: unit -> 'T) and 'T :> IFloatingPointIeee754<'T>>
        mode threads m k n (a: 'T[]) (b: 'T[]) (c: 'T[]) acc =
        if Vector512.IsHardwareAccelerated then exec<'T, Vector512<'T>, V512<'T>> mode threads m k n a b c acc
        elif Vector256.IsHardwareAccelerated then exec<'T, Vector256<'T>, V256<'T>> mode threads m k n a b c acc
        else exec<'T, Vector128<'T>, V128<'T>> mode threads m k n a b c acc

    let private go<'T when 'T :> IFloatingPointIeee754<'T>> mode threads (m: int) (k: int) (n: int) (a: 'T[]) (b: 'T[]) (c: 'T[]) acc =
        if m < 0 || k < 0 || n < 0 then invalidArg "m" $"matrix dimensions must be non-negative (m={m}, k={k}, n={n})"
        if isNull a || isNull b || isNull c then nullArg "a, b, c"
        if int64 a.Length < int64 m * int64 k then invalidArg "a" $"A needs {int64 m * int64 k} elements, has {a.Length}"
        if int64 b.Length < int64 k * int64 n then invalidArg "b" $"B needs {int64 k * int64 n} elements, has {b.Length}"
        if int64 c.Length < int64 m * int64 n then invalidArg "c" $"C needs {int64 m * int64 n} elements, has {c.Length}"
        if m = 0 || n = 0 then ()
        elif k = 0 then (if not acc then Array.Clear(c, 0, m * n))
        elif not Vector128.IsHardwareAccelerated then reference mode m k n a b c acc
        elif Type.op_Equality (typeof<'T>, typeof<float32>) then
            byWidth<float32> mode threads m k n (Unsafe.As<float32[]>(box a)) (Unsafe.As<float32[]>(box b)) (Unsafe.As<float32[]>(box c)) acc
        elif Type.op_Equality (typeof<'T>, typeof<float>) then
            byWidth<float> mode threads m k n (Unsafe.As<float[]>(box a)) (Unsafe.As<float[]>(box b)) (Unsafe.As<float[]>(box c)) acc
        else reference mode m k n a b c acc

    /// Products smaller than this many multiply-adds stay on the calling thread in `multiplyParallel`.
    [<Literal>]
    let private ParallelThreshold = 8_000_000L

    /// The multiply-adds a product needs per thread before `Threads.current ()` threads share it: below, the
    /// hand-over to another thread costs more than the half of the product it takes (measured; see bench/README.md).
    /// (Mutable for the benchmark that measures it: `Seagull.TrainSpeed products THREADS REPS MINIMUM`.)
    let mutable internal perThreadMinimum = 1_000_000L

    /// The threads a product of m·k·n multiply-adds gets under the ambient setting (`Threads.current`).
    let threadsFor (m: int) (k: int) (n: int) : int =
        let threads = Seagull.Core.Threads.current ()
        if threads <= 1 then 1
        else int (min (int64 threads) (max 1L (int64 m * int64 k * int64 n / perThreadMinimum)))

    /// C (m×n) ← A (m×k) · B (k×n), or C += A·B when `accumulate`. All row-major and contiguous; arrays may
    /// be longer than needed. On `Threads.current ()` threads when large enough (the same bits on any number);
    /// allocation-free after the first call on a thread when single-threaded.
    let multiply<'T when 'T :> IFloatingPointIeee754<'T>> (m: int) (k: int) (n: int) (a: 'T[]) (b: 'T[]) (c: 'T[]) (accumulate: bool) : unit =
        go 0 (threadsFor m k n) m k n a b c accumulate

    /// C (m×n) ← Aᵀ · B where A is stored k×m and B is k×n (or += when `accumulate`).
    let multiplyTransposeA<'T when 'T :> IFloatingPointIeee754<'T>> (m: int) (k: int) (n: int) (a: 'T[]) (b: 'T[]) (c: 'T[]) (accumulate: bool) : unit =
        go 1 (threadsFor m k n) m k n a b c accumulate

    /// C (m×n) ← A · Bᵀ where A is m×k and B is stored n×k (or += when `accumulate`).
    let multiplyTransposeB<'T when 'T :> IFloatingPointIeee754<'T>> (m: int) (k: int) (n: int) (a: 'T[]) (b: 'T[]) (c: 'T[]) (accumulate: bool) : unit =
        go 2 (threadsFor m k n) m k n a b c accumulate

    /// As `multiply`, but products of at least ~256³/2 multiply-adds split their rows across
    /// `Environment.ProcessorCount` threads whatever the ambient setting (for large one-off products and benchmarks).
    let multiplyParallel<'T when 'T :> IFloatingPointIeee754<'T>> (m: int) (k: int) (n: int) (a: 'T[]) (b: 'T[]) (c: 'T[]) (accumulate: bool) : unit =
        let big = int64 m * int64 k * int64 n >= ParallelThreshold && Environment.ProcessorCount > 1
        go 0 (if big then Environment.ProcessorCount else 1) m k n a b c accumulate
