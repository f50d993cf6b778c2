namespace Seagull.Core

open System
open System.Numerics
open Seagull.Core.Kernels

/// A plain dense row-major tensor with no differentiation attached: a shape and flat storage.
/// The differentiable `Tensor` is built on it; pullbacks are written with these operations.
type internal RawTensor =
    { Shape: int[]; Data: Storage }
    /// The precision.
    member this.Dtype = this.Data.Dtype
    /// The number of elements.
    member this.Count = this.Data.Length

/// Operations on raw tensors. Each returns a new tensor; inputs are never changed.
module internal RawTensor =
    /// "[2, 3]"-style text of a shape.
    let shapeText (shape: int[]) = "[" + String.Join(", ", shape) + "]"

    /// Whether two shapes are equal (a span comparison: F#'s `=` on arrays takes the generic slow path, and
    /// every operation compares shapes).
    let shapesEqual (a: int[]) (b: int[]) = ReadOnlySpan<int>(a).SequenceEqual(ReadOnlySpan<int>(b))

    /// The product of a shape's dimensions.
    let count (shape: int[]) = Array.fold (*) 1 shape

    let private check (op: string) (ok: bool) (detail: unit -> string) =
        if not ok then Fail.with' $"{op}: {detail ()}"

    /// A tensor from storage, checking the element count.
    let create (shape: int[]) (data: Storage) : RawTensor =
        if shape |> Array.exists (fun d -> d < 0) then Fail.with' $"tensor: negative dimension in shape {shapeText shape}"
        check "tensor" (count shape = data.Length) (fun () -> $"shape {shapeText shape} needs {count shape} elements, got {data.Length}")
        { Shape = Array.copy shape; Data = data }

    /// Zeros of a shape.
    let zeros (dtype: Dtype) (shape: int[]) = create shape (Storage.zeros dtype (count shape))

    /// Zeros shaped like another tensor.
    let zerosLike (t: RawTensor) = zeros t.Dtype t.Shape

    /// A tensor from doubles.
    let ofFloats (dtype: Dtype) (shape: int[]) (values: float[]) = create shape (Storage.ofFloats dtype values)

    /// A tensor filled with one value.
    let full (dtype: Dtype) (shape: int[]) (value: float) =
        let n = count shape
        create shape (match dtype with Float32 -> F32 (Array.create n (float32 value)) | Float64 -> F64 (Array.create n value))

    /// A scalar (rank 0).
    let scalar (dtype: Dtype) (value: float) = ofFloats dtype [||] [| value |]

    let private sameShape (op: string) (a: RawTensor) (b: RawTensor) =
        check op (shapesEqual a.Shape b.Shape) (fun () -> $"shapes {shapeText a.Shape} and {shapeText b.Shape} differ")

    let private binary (op: string) (k: IMap2Kernel) (a: RawTensor) (b: RawTensor) =
        sameShape op a b
        { Shape = a.Shape; Data = Storage.map2 op k a.Data b.Data }

    let private unaryOp (k: IMapKernel) (a: RawTensor) = { Shape = a.Shape; Data = Storage.map k a.Data }

    let private addK = { new IMap2Kernel with member _.Run(x, y) = Elementwise.add x y }
    let private subK = { new IMap2Kernel with member _.Run(x, y) = Elementwise.subtract x y }
    let private mulK = { new IMap2Kernel with member _.Run(x, y) = Elementwise.multiply x y }
    let private divK = { new IMap2Kernel with member _.Run(x, y) = Elementwise.divide x y }

    /// Elementwise a + b (same shapes).
    let add a b = binary "add" addK a b
    /// Elementwise a − b (same shapes).
    let sub a b = binary "sub" subK a b
    /// Elementwise a · b (same shapes).
    let mul a b = binary "mul" mulK a b
    /// Elementwise a / b (same shapes).
    let div a b = binary "div" divK a b

    /// s · a.
    let scale (s: float) (a: RawTensor) =
        unaryOp { new IMapKernel with member _.Run x = Elementwise.scale s x } a

    /// a + s.
    let addScalar (s: float) (a: RawTensor) =
        unaryOp { new IMapKernel with member _.Run x = Elementwise.addScalar s x } a

    /// −a.
    let neg a = unaryOp { new IMapKernel with member _.Run x = Elementwise.negate x } a
    /// exp a.
    let exp a = unaryOp { new IMapKernel with member _.Run x = Elementwise.exp x } a
    /// log a.
    let log a = unaryOp { new IMapKernel with member _.Run x = Elementwise.log x } a
    /// √a.
    let sqrt a = unaryOp { new IMapKernel with member _.Run x = Elementwise.sqrt x } a
    /// sin a.
    let sin a = unaryOp { new IMapKernel with member _.Run x = Elementwise.sin x } a
    /// cos a.
    let cos a = unaryOp { new IMapKernel with member _.Run x = Elementwise.cos x } a
    /// |a|.
    let abs a = unaryOp { new IMapKernel with member _.Run x = Elementwise.absolute x } a
    /// sign a ∈ {−1, 0, 1}.
    let sign a = unaryOp { new IMapKernel with member _.Run x = Elementwise.sign x } a

    /// σ(a) for a fused elementwise kernel.
    let forward (k: IElementwiseKernel) (a: RawTensor) =
        unaryOp { new IMapKernel with member _.Run x = k.Forward x } a

    /// gy · σ'(z) for a fused elementwise kernel, given z, y = σ(z) and gy.
    let backward (k: IElementwiseKernel) (z: RawTensor) (y: RawTensor) (gy: RawTensor) =
        { Shape = z.Shape
          Data = Storage.map3 "backward" { new IMap3Kernel with member _.Run(a, b, c) = k.Backward(a, b, c) } z.Data y.Data gy.Data }

    /// The sum of all elements, as a double.
    let sumAll (a: RawTensor) : float =
        Storage.reduce { new IReduceKernel with member _.Run x = Elementwise.sum x } a.Data

    /// The elements as doubles.
    let toFloats (a: RawTensor) = Storage.toFloats a.Data

    /// A copy in another precision.
    let convert (dtype: Dtype) (a: RawTensor) = { Shape = a.Shape; Data = Storage.convert dtype a.Data }

    /// The same data under a new shape with the same element count.
    let reshape (shape: int[]) (a: RawTensor) =
        check "reshape" (count shape = a.Count) (fun () -> $"cannot view {shapeText a.Shape} as {shapeText shape}")
        { Shape = Array.copy shape; Data = a.Data }

    let private rank2 (op: string) (a: RawTensor) =
        check op (a.Shape.Length = 2) (fun () -> $"expects a matrix, got shape {shapeText a.Shape}")
        a.Shape.[0], a.Shape.[1]

    /// Matrix product (m×k)·(k×n), optionally with either operand transposed first.
    let matmulWith (transposeA: bool) (transposeB: bool) (a: RawTensor) (b: RawTensor) : RawTensor =
        let ar, ac = rank2 "matmul" a
        let br, bc = rank2 "matmul" b
        let m, k = if transposeA then ac, ar else ar, ac
        let k2, n = if transposeB then bc, br else br, bc
        let shown t s = if t then $"{shapeText s}ᵀ" else shapeText s
        check "matmul" (k = k2) (fun () -> $"inner dimensions differ: {shown transposeA a.Shape} · {shown transposeB b.Shape}")
        check "matmul" (not (transposeA && transposeB)) (fun () -> "both operands transposed is not supported")
        let data =
            match a.Data, b.Data with
            | F32 x, F32 y ->
                let c = Elementwise.fresh<float32> (m * n)
                (if transposeA then MatMul.multiplyTransposeA m k n x y c false
                 elif transposeB then MatMul.multiplyTransposeB m k n x y c false
                 else MatMul.multiply m k n x y c false)
                F32 c
            | F64 x, F64 y ->
                let c = Elementwise.fresh<float> (m * n)
                (if transposeA then MatMul.multiplyTransposeA m k n x y c false
                 elif transposeB then MatMul.multiplyTransposeB m k n x y c false
                 else MatMul.multiply m k n x y c false)
                F64 c
            | _ -> Fail.with' $"matmul: precision mismatch ({Dtype.name a.Dtype} and {Dtype.name b.Dtype})"
        { Shape = [| m; n |]; Data = data }

    /// Matrix product (m×k)·(k×n).
    let matmul a b = matmulWith false false a b

    /// Generic gather: out[i] = src[index i], done for both precisions.
    let private gather (outShape: int[]) (index: int -> int) (a: RawTensor) =
        let n = count outShape
        let data =
            match a.Data with
            | F32 x -> F32 (Array.init n (fun i -> x.[index i]))
            | F64 x -> F64 (Array.init n (fun i -> x.[index i]))
        { Shape = outShape; Data = data }

    /// Applies a typed array function to either precision.
    let inline private onData (shape: int[]) ([<InlineIfLambda>] f32: float32[] -> float32[]) ([<InlineIfLambda>] f64: float[] -> float[]) (a: RawTensor) =
        match a.Data with
        | F32 x -> { Shape = shape; Data = F32 (f32 x) }
        | F64 x -> { Shape = shape; Data = F64 (f64 x) }

    /// The r×c matrix src transposed (c×r), in cache-sized tiles.
    let private transposeArray<'T> (r: int) (c: int) (src: 'T[]) : 'T[] =
        let out = Elementwise.fresh<'T> (r * c)
        let tile = 32
        for i0 in 0 .. tile .. r - 1 do
            for j0 in 0 .. tile .. c - 1 do
                for i in i0 .. min r (i0 + tile) - 1 do
                    for j in j0 .. min c (j0 + tile) - 1 do
                        out.[j * r + i] <- src.[i * c + j]
        out

    /// The transpose of a matrix.
    let transpose (a: RawTensor) =
        let r, c = rank2 "transpose" a
        onData [| c; r |] (transposeArray r c) (transposeArray r c) a

    /// Columns [start, start+width) of each row of an r×c array.
    let private columnsOf<'T> (r: int) (c: int) (start: int) (width: int) (src: 'T[]) : 'T[] =
        let out = Elementwise.fresh<'T> (r * width)
        for i in 0 .. r - 1 do
            Array.blit src (i * c + start) out (i * width) width
        out

    /// Columns [start, start+width) of a matrix.
    let sliceColumns (start: int) (width: int) (a: RawTensor) =
        let r, c = rank2 "sliceColumns" a
        check "sliceColumns" (start >= 0 && width >= 0 && start + width <= c) (fun () ->
            $"columns {start}..{start + width - 1} are outside a matrix of shape {shapeText a.Shape}")
        onData [| r; width |] (columnsOf r c start width) (columnsOf r c start width) a

    /// An r×total array of zeros with the r×width src placed at columns [start, start+width).
    let private placedColumns<'T> (r: int) (total: int) (start: int) (width: int) (src: 'T[]) : 'T[] =
        let out = Elementwise.fresh<'T> (r * total)
        Array.Clear out
        for i in 0 .. r - 1 do
            Array.blit src (i * width) out (i * total + start) width
        out

    /// A matrix of `total` columns, zero except for `a` at columns [start, start + width): the adjoint of
    /// `sliceColumns`.
    let placeColumns (total: int) (start: int) (a: RawTensor) =
        let r, width = rank2 "placeColumns" a
        check "placeColumns" (start >= 0 && start + width <= total) (fun () ->
            $"columns {start}..{start + width - 1} do not fit in {total}")
        onData [| r; total |] (placedColumns r total start width) (placedColumns r total start width) a

    /// The column list as runs (source start, destination start, length) of consecutive columns: a swap of
    /// blocks is three runs, copied a run at a time instead of a value at a time.
    let private runsOf (columns: int[]) : struct (int * int * int)[] =
        let runs = ResizeArray<struct (int * int * int)>()
        let mutable j = 0
        while j < columns.Length do
            let start = j
            while j + 1 < columns.Length && columns.[j + 1] = columns.[j] + 1 do j <- j + 1
            runs.Add(struct (columns.[start], start, j - start + 1))
            j <- j + 1
        runs.ToArray()

    /// out[i, j] = src[i, columns[j]] of an r×c array.
    let private gatheredColumns<'T> (r: int) (c: int) (columns: int[]) (src: 'T[]) : 'T[] =
        let width = columns.Length
        let out = Elementwise.fresh<'T> (r * width)
        let mutable breaks = 0
        for j in 1 .. width - 1 do
            if columns.[j] <> columns.[j - 1] + 1 then breaks <- breaks + 1
        if (breaks + 1) * 8 > width then // short runs (a mirror's are single columns): element by element
            for i in 0 .. r - 1 do
                let s = i * c
                let o = i * width
                for j in 0 .. width - 1 do
                    out.[o + j] <- src.[s + columns.[j]]
        else
            let runs = runsOf columns
            for i in 0 .. r - 1 do
                for struct (from, at, length) in runs do
                    Array.blit src (i * c + from) out (i * width + at) length
        out

    /// The matrix whose column j is column `columns[j]` of `a` (columns may repeat or be left out): the swap of
    /// a symmetry, and the blocks u, v and w of an input.
    let gatherColumns (columns: int[]) (a: RawTensor) =
        let r, c = rank2 "gatherColumns" a
        match columns |> Array.tryFind (fun j -> j < 0 || j >= c) with
        | Some j -> Fail.with' $"gatherColumns: column {j} is outside a matrix of shape {shapeText a.Shape}"
        | None -> ()
        onData [| r; columns.Length |] (gatheredColumns r c columns) (gatheredColumns r c columns) a

    /// The adjoint of `gatherColumns`: an r×total matrix whose column columns[j] accumulates column j of `a`.
    let scatterColumns (total: int) (columns: int[]) (a: RawTensor) =
        let r, width = rank2 "scatterColumns" a
        check "scatterColumns" (width = columns.Length) (fun () -> $"{columns.Length} columns for a matrix of shape {shapeText a.Shape}")
        let inline scatter (src: ^T[]) : ^T[] =
            let out = Array.zeroCreate< ^T> (r * total)
            for i in 0 .. r - 1 do
                for j in 0 .. width - 1 do
                    let at = i * total + columns.[j]
                    out.[at] <- out.[at] + src.[i * width + j]
            out
        onData [| r; total |] (fun (x: float32[]) -> scatter x) (fun (x: float[]) -> scatter x) a

    /// Copies whole rows of width `width`: out row i = src row rows[i] (a mini-batch gather).
    let private copyRows<'T> (rows: int[]) (width: int) (src: 'T[]) : 'T[] =
        let out = Elementwise.fresh<'T> (rows.Length * width)
        for i in 0 .. rows.Length - 1 do
            Array.blit src (rows.[i] * width) out (i * width) width
        out

    /// Rows at the given indices of a matrix (or elements of a vector), in that order.
    let takeRows (rows: int[]) (a: RawTensor) =
        check "takeRows" (a.Shape.Length >= 1) (fun () -> "expects at least one dimension")
        let n = a.Shape.[0]
        let width = if n = 0 then 0 else a.Count / n
        match rows |> Array.tryFind (fun r -> r < 0 || r >= n) with
        | Some r -> Fail.with' $"takeRows: row {r} is outside a tensor of shape {shapeText a.Shape}"
        | None -> ()
        let shape = Array.append [| rows.Length |] a.Shape.[1..]
        if width = 0 then zeros a.Dtype shape
        else onData shape (copyRows rows width) (copyRows rows width) a

    /// Matrices side by side (same number of rows).
    let concatColumns (parts: RawTensor list) =
        match parts with
        | [] -> Fail.with' "concatColumns: nothing to concatenate"
        | first :: _ ->
            let r, _ = rank2 "concatColumns" first
            let widths = parts |> List.map (fun p ->
                let pr, pc = rank2 "concatColumns" p
                check "concatColumns" (pr = r) (fun () -> $"row counts differ: {shapeText first.Shape} and {shapeText p.Shape}")
                check "concatColumns" (p.Dtype = first.Dtype) (fun () -> "precision mismatch")
                pc)
            let total = List.sum widths
            // Every element is written below, so the array may come from the step arena.
            let out =
                match first.Data with
                | F32 _ -> { Shape = [| r; total |]; Data = F32 (Elementwise.fresh<float32> (r * total)) }
                | F64 _ -> { Shape = [| r; total |]; Data = F64 (Elementwise.fresh<float> (r * total)) }
            let mutable offset = 0
            for p, w in List.zip parts widths do
                match out.Data, p.Data with
                | F32 o, F32 x -> for i in 0 .. r - 1 do Array.blit x (i * w) o (i * total + offset) w
                | F64 o, F64 x -> for i in 0 .. r - 1 do Array.blit x (i * w) o (i * total + offset) w
                | _ -> ()
                offset <- offset + w
            out

    /// Tensors stacked along the first dimension (same trailing shape).
    let concatRows (parts: RawTensor list) =
        match parts with
        | [] -> Fail.with' "concatRows: nothing to concatenate"
        | first :: _ ->
            let tail = first.Shape.[1..]
            for p in parts do
                check "concatRows" (p.Shape.Length >= 1 && p.Shape.[1..] = tail && p.Dtype = first.Dtype) (fun () ->
                    $"shapes {shapeText first.Shape} and {shapeText p.Shape} cannot be stacked")
            let rows = parts |> List.sumBy (fun p -> p.Shape.[0])
            let data =
                match first.Data with
                | F32 _ -> F32 (parts |> List.map (fun p -> match p.Data with F32 a -> a | _ -> [||]) |> Array.concat)
                | F64 _ -> F64 (parts |> List.map (fun p -> match p.Data with F64 a -> a | _ -> [||]) |> Array.concat)
            { Shape = Array.append [| rows |] tail; Data = data }

    /// Strides of a row-major shape.
    let private strides (shape: int[]) =
        let s = Array.create shape.Length 1
        for i in shape.Length - 2 .. -1 .. 0 do s.[i] <- s.[i + 1] * shape.[i + 1]
        s

    /// The shape two shapes broadcast to (NumPy rules), or an error naming both.
    let broadcastShape (op: string) (a: int[]) (b: int[]) : int[] =
        let n = max a.Length b.Length
        Array.init n (fun i ->
            let da = if i < n - a.Length then 1 else a.[i - (n - a.Length)]
            let db = if i < n - b.Length then 1 else b.[i - (n - b.Length)]
            if da = db then da
            elif da = 1 then db
            elif db = 1 then da
            else Fail.with' $"{op}: shapes {shapeText a} and {shapeText b} cannot be broadcast together")

    /// Whether `row` is one row of an m×n matrix of shape `matrix`: [n] or [1; n] (a bias and its gradient).
    let private isRowOf (row: int[]) (matrix: int[]) =
        matrix.Length = 2
        && ((row.Length = 1 && row.[0] = matrix.[1]) || (row.Length = 2 && row.[0] = 1 && row.[1] = matrix.[1]))

    /// Expands a tensor to a larger shape by repeating along dimensions of size 1 (NumPy rules).
    let broadcastTo (shape: int[]) (a: RawTensor) =
        if shapesEqual a.Shape shape then a
        elif isRowOf a.Shape shape then
            // A row repeated down the rows (a bias): row copies, no index arithmetic.
            let m, n = shape.[0], shape.[1]
            let repeat (row: 'T[]) =
                let out = Elementwise.fresh<'T> (m * n)
                for i in 0 .. m - 1 do Array.blit row 0 out (i * n) n
                out
            onData (Array.copy shape) repeat repeat a
        elif a.Count = 1 && a.Shape.Length <= shape.Length then
            // One value everywhere (NumPy allows it only without removing dimensions).
            let fill (v: 'T[]) =
                let out = Elementwise.fresh<'T> (count shape)
                Array.Fill(out, v.[0])
                out
            onData (Array.copy shape) fill fill a
        else
            let full = broadcastShape "broadcast" a.Shape shape
            check "broadcast" (full = shape) (fun () -> $"cannot broadcast {shapeText a.Shape} to {shapeText shape}")
            let pad = shape.Length - a.Shape.Length
            let src = Array.append (Array.create pad 1) a.Shape
            let srcStrides = strides src
            let outStrides = strides shape
            let index (i: int) =
                let mutable rest = i
                let mutable j = 0
                for d in 0 .. shape.Length - 1 do
                    let coord = rest / outStrides.[d]
                    rest <- rest % outStrides.[d]
                    if src.[d] <> 1 then j <- j + coord * srcStrides.[d]
                j
            gather (Array.copy shape) index a

    /// Sums a broadcast result back down to `shape` (the adjoint of `broadcastTo`).
    let sumTo (shape: int[]) (a: RawTensor) : RawTensor =
        if shapesEqual a.Shape shape then a
        elif isRowOf shape a.Shape then
            // The gradient of a bias: column sums.
            let m, n = a.Shape.[0], a.Shape.[1]
            onData (Array.copy shape) (Elementwise.sumRows m n) (Elementwise.sumRows m n) a
        elif count shape = 1 then ofFloats a.Dtype shape [| sumAll a |]
        else
            let pad = a.Shape.Length - shape.Length
            let target = Array.append (Array.create pad 1) shape
            let tStrides = strides target
            let aStrides = strides a.Shape
            let acc = Array.zeroCreate<float> (count shape)
            let values = toFloats a
            for i in 0 .. values.Length - 1 do
                let mutable rest = i
                let mutable j = 0
                for d in 0 .. a.Shape.Length - 1 do
                    let coord = rest / aStrides.[d]
                    rest <- rest % aStrides.[d]
                    if target.[d] <> 1 then j <- j + coord * tStrides.[d]
                acc.[j] <- acc.[j] + values.[i]
            ofFloats a.Dtype shape acc

    /// Sums along one axis of a matrix: axis 0 gives a row vector [cols], axis 1 a column vector [rows].
    let sumAxis (axis: int) (a: RawTensor) =
        let r, c = rank2 "sum" a
        match axis, a.Data with
        | 0, F32 x -> { Shape = [| c |]; Data = F32 (Elementwise.sumRows r c x) }
        | 0, F64 x -> { Shape = [| c |]; Data = F64 (Elementwise.sumRows r c x) }
        | 1, F32 x -> { Shape = [| r |]; Data = F32 (Elementwise.sumColumns r c x) }
        | 1, F64 x -> { Shape = [| r |]; Data = F64 (Elementwise.sumColumns r c x) }
        | _ -> Fail.with' $"sum: axis {axis} is not 0 or 1 for a matrix"

    /// x·W + b for a batch x (m×k), weights W (k×n) and bias b (n): the affine part of a dense layer.
    let affine (x: RawTensor) (w: RawTensor) (b: RawTensor) : RawTensor =
        let z = matmul x w
        let m, n = z.Shape.[0], z.Shape.[1]
        check "dense" (b.Shape.Length = 1 && b.Shape.[0] = n) (fun () -> $"bias of shape {shapeText b.Shape} does not fit {n} outputs")
        match z.Data, b.Data with
        | F32 zd, F32 bd -> Elementwise.addRowsInPlace m n zd bd
        | F64 zd, F64 bd -> Elementwise.addRowsInPlace m n zd bd
        | _ -> Fail.with' "dense: precision mismatch between weights and bias"
        z
