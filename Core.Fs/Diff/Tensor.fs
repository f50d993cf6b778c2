namespace Seagull.Core

open System
open Seagull.Core.Kernels

/// An immutable dense tensor (float32 or float64, row-major) whose operations are differentiable.
/// Outside a differentiation call it is a plain value; inside `Diff.grad`/`Diff.valueAndGrad` the
/// operations applied to it are recorded so the gradient can be computed in reverse.
///
/// Example: `let x = Tensor.ofArray Float64 [| 2; 2 |] [| 1.; 2.; 3.; 4. |] in Tensor.sum (x * x)`.
[<Sealed>]
type Tensor internal (raw: RawTensor, tape: Tape, id: int) =
    /// The underlying data.
    member internal _.Raw = raw
    member internal _.Tape = tape
    member internal _.Id = id
    /// The dimensions (a copy).
    member _.Shape = Array.copy raw.Shape
    /// The precision.
    member _.Dtype = raw.Dtype
    /// The number of elements.
    member _.Count = raw.Count
    /// Bitwise equality of shape, precision and every element.
    override _.Equals(other) =
        match other with
        | :? Tensor as t -> t.Raw.Shape = raw.Shape && Storage.bitwiseEqual t.Raw.Data raw.Data
        | _ -> false
    override _.GetHashCode() = hash raw.Shape
    override _.ToString() =
        let values = RawTensor.toFloats raw
        let shown = values |> Seq.truncate 8 |> Seq.map (fun v -> v.ToString("G6", Globalization.CultureInfo.InvariantCulture))
        let more = if values.Length > 8 then ", …" else ""
        let body = String.Join(", ", shown)
        $"Tensor{RawTensor.shapeText raw.Shape} {Dtype.name raw.Dtype} [{body}{more}]"

/// Differentiable tensor operations and constructors.
[<RequireQualifiedAccess>]
module Tensor =
    /// A constant tensor wrapping raw data.
    let internal ofRaw (raw: RawTensor) = Tensor(raw, null, -1)

    /// Records an operation on the tape its inputs belong to (if any) and returns its output.
    /// `backward g needs` returns one gradient per input; entries whose `needs` is false may be null.
    let internal record (out: RawTensor) (inputs: Tensor[]) (backward: RawTensor -> bool[] -> RawTensor[]) : Tensor =
        let mutable tape: Tape = null
        for t in inputs do
            if not (isNull t.Tape) then
                if isNull tape then tape <- t.Tape
                elif not (obj.ReferenceEquals(tape, t.Tape)) then
                    Fail.with' "tensors from two different differentiation calls were combined (nested differentiation is not supported)"
        if isNull tape then Tensor(out, null, -1)
        else
            let parents = inputs |> Array.map (fun t -> if obj.ReferenceEquals(t.Tape, tape) then t.Id else -1)
            let needs = parents |> Array.map (fun p -> p >= 0)
            let id = tape.Add { Parents = parents; Backward = fun g -> backward g needs }
            Tensor(out, tape, id)

    // ---- construction and inspection ----

    /// A tensor of the given shape from values in row-major order.
    let ofArray (dtype: Dtype) (shape: int[]) (values: float[]) = ofRaw (RawTensor.ofFloats dtype shape values)
    /// A vector.
    let vector (dtype: Dtype) (values: float[]) = ofArray dtype [| values.Length |] values
    /// A rank-0 tensor.
    let scalar (dtype: Dtype) (value: float) = ofRaw (RawTensor.scalar dtype value)
    /// Zeros.
    let zeros (dtype: Dtype) (shape: int[]) = ofRaw (RawTensor.zeros dtype shape)
    /// Every element equal to `value`.
    let full (dtype: Dtype) (shape: int[]) (value: float) = ofRaw (RawTensor.full dtype shape value)
    /// The elements as doubles, row-major.
    let toArray (t: Tensor) = RawTensor.toFloats t.Raw
    /// The single element of a one-element tensor.
    let toScalar (t: Tensor) =
        if t.Count <> 1 then Fail.with' $"toScalar: tensor of shape {RawTensor.shapeText t.Raw.Shape} has {t.Count} elements, not 1"
        Storage.item t.Raw.Data 0
    /// The same values without differentiation history (a constant).
    let detach (t: Tensor) = ofRaw t.Raw
    /// The tensor in another precision (differentiable).
    let convert (dtype: Dtype) (t: Tensor) =
        if t.Dtype = dtype then t
        else record (RawTensor.convert dtype t.Raw) [| t |] (fun g _ -> [| RawTensor.convert t.Dtype g |])

    // ---- elementwise arithmetic with broadcasting ----

    let private broadcastBinary (op: string) (f: RawTensor -> RawTensor -> RawTensor)
                                (grads: RawTensor -> RawTensor -> RawTensor -> bool[] -> RawTensor * RawTensor)
                                (a: Tensor) (b: Tensor) =
        let shape = if RawTensor.shapesEqual a.Raw.Shape b.Raw.Shape then a.Raw.Shape else RawTensor.broadcastShape op a.Raw.Shape b.Raw.Shape
        let ar = RawTensor.broadcastTo shape a.Raw
        let br = RawTensor.broadcastTo shape b.Raw
        record (f ar br) [| a; b |] (fun g needs ->
            let ga, gb = grads ar br g needs
            [| (if needs.[0] then RawTensor.sumTo a.Raw.Shape ga else Unchecked.defaultof<_>)
               (if needs.[1] then RawTensor.sumTo b.Raw.Shape gb else Unchecked.defaultof<_>) |])

    /// a + b (NumPy broadcasting).
    let add a b = broadcastBinary "add" RawTensor.add (fun _ _ g _ -> g, g) a b
    /// a − b (NumPy broadcasting).
    let sub a b = broadcastBinary "sub" RawTensor.sub (fun _ _ g _ -> g, RawTensor.neg g) a b
    /// a · b elementwise (NumPy broadcasting).
    let mul a b =
        broadcastBinary "mul" RawTensor.mul (fun ar br g needs ->
            (if needs.[0] then RawTensor.mul g br else Unchecked.defaultof<_>),
            (if needs.[1] then RawTensor.mul g ar else Unchecked.defaultof<_>)) a b
    /// a / b elementwise (NumPy broadcasting).
    let div a b =
        broadcastBinary "div" RawTensor.div (fun ar br g needs ->
            (if needs.[0] then RawTensor.div g br else Unchecked.defaultof<_>),
            (if needs.[1] then RawTensor.neg (RawTensor.div (RawTensor.mul g ar) (RawTensor.mul br br)) else Unchecked.defaultof<_>)) a b
    /// s · t.
    let scale (s: float) (t: Tensor) = record (RawTensor.scale s t.Raw) [| t |] (fun g _ -> [| RawTensor.scale s g |])
    /// t + s.
    let addScalar (s: float) (t: Tensor) = record (RawTensor.addScalar s t.Raw) [| t |] (fun g _ -> [| g |])
    /// −t.
    let neg (t: Tensor) = scale -1.0 t

    // ---- elementwise functions ----

    /// σ(t) for a fused kernel with an analytic derivative (one tape entry, no intermediate tensors).
    let internal map (kernel: IElementwiseKernel) (t: Tensor) =
        let y = RawTensor.forward kernel t.Raw
        record y [| t |] (fun g _ -> [| RawTensor.backward kernel t.Raw y g |])

    /// exp t.
    let exp (t: Tensor) =
        let y = RawTensor.exp t.Raw
        record y [| t |] (fun g _ -> [| RawTensor.mul g y |])
    /// Natural logarithm.
    let log (t: Tensor) = record (RawTensor.log t.Raw) [| t |] (fun g _ -> [| RawTensor.div g t.Raw |])
    /// Square root.
    let sqrt (t: Tensor) =
        let y = RawTensor.sqrt t.Raw
        record y [| t |] (fun g _ -> [| RawTensor.div g (RawTensor.scale 2.0 y) |])
    /// Sine.
    let sin (t: Tensor) = record (RawTensor.sin t.Raw) [| t |] (fun g _ -> [| RawTensor.mul g (RawTensor.cos t.Raw) |])
    /// Cosine.
    let cos (t: Tensor) = record (RawTensor.cos t.Raw) [| t |] (fun g _ -> [| RawTensor.neg (RawTensor.mul g (RawTensor.sin t.Raw)) |])
    /// Absolute value (derivative sign t, 0 at 0).
    let abs (t: Tensor) = record (RawTensor.abs t.Raw) [| t |] (fun g _ -> [| RawTensor.mul g (RawTensor.sign t.Raw) |])
    /// Hyperbolic tangent.
    let tanh (t: Tensor) = map ActivationKernels.tanh t
    /// Logistic sigmoid.
    let sigmoid (t: Tensor) = map ActivationKernels.sigmoid t
    /// max(t, 0).
    let relu (t: Tensor) = map ActivationKernels.relu t
    /// t².
    let square (t: Tensor) = map ActivationKernels.square t

    // ---- reductions ----

    /// The sum of all elements (rank 0).
    let sum (t: Tensor) =
        let shape = t.Raw.Shape
        record (RawTensor.scalar t.Dtype (RawTensor.sumAll t.Raw)) [| t |] (fun g _ ->
            [| RawTensor.full t.Dtype shape (Storage.item g.Data 0) |])
    /// The mean of all elements (rank 0).
    let mean (t: Tensor) =
        if t.Count = 0 then Fail.with' "mean: the tensor is empty"
        scale (1.0 / float t.Count) (sum t)
    /// Sums a matrix along an axis: 0 → one value per column, 1 → one per row.
    let sumAxis (axis: int) (t: Tensor) =
        let shape = t.Raw.Shape
        record (RawTensor.sumAxis axis t.Raw) [| t |] (fun g _ ->
            let keep = if axis = 0 then [| 1; shape.[1] |] else [| shape.[0]; 1 |]
            [| RawTensor.broadcastTo shape (RawTensor.reshape keep g) |])
    /// Means of a matrix along an axis.
    let meanAxis (axis: int) (t: Tensor) =
        let n = t.Raw.Shape.[axis]
        scale (1.0 / float n) (sumAxis axis t)

    // ---- shapes and linear algebra ----

    /// The same elements under another shape.
    let reshape (shape: int[]) (t: Tensor) =
        let old = t.Raw.Shape
        record (RawTensor.reshape shape t.Raw) [| t |] (fun g _ -> [| RawTensor.reshape old g |])
    /// Matrix product.
    let matmul (a: Tensor) (b: Tensor) =
        record (RawTensor.matmul a.Raw b.Raw) [| a; b |] (fun g needs ->
            [| (if needs.[0] then RawTensor.matmulWith false true g b.Raw else Unchecked.defaultof<_>)
               (if needs.[1] then RawTensor.matmulWith true false a.Raw g else Unchecked.defaultof<_>) |])
    /// Matrix transpose.
    let transpose (t: Tensor) = record (RawTensor.transpose t.Raw) [| t |] (fun g _ -> [| RawTensor.transpose g |])
    /// Columns [start, start + width) of a matrix: how the u, v and w blocks are cut out of the inputs.
    let sliceColumns (start: int) (width: int) (t: Tensor) =
        let shape = t.Raw.Shape
        record (RawTensor.sliceColumns start width t.Raw) [| t |] (fun g _ -> [| RawTensor.placeColumns shape.[1] start g |])
    /// The matrix whose column j is column `columns[j]` of `t` (differentiable): how a symmetry swaps the
    /// inputs and cuts out its blocks.
    let gatherColumns (columns: int[]) (t: Tensor) =
        let out = RawTensor.gatherColumns columns t.Raw
        let total = t.Raw.Shape.[1]
        record out [| t |] (fun g _ -> [| RawTensor.scatterColumns total columns g |])
    /// Matrices side by side.
    let concatColumns (parts: Tensor list) =
        let arr = Array.ofList parts
        let widths = arr |> Array.map (fun p -> if p.Raw.Shape.Length = 2 then p.Raw.Shape.[1] else 0)
        record (RawTensor.concatColumns (parts |> List.map (fun p -> p.Raw))) arr (fun g needs ->
            let mutable offset = 0
            [| for i in 0 .. arr.Length - 1 do
                   let w = widths.[i]
                   yield (if needs.[i] then RawTensor.sliceColumns offset w g else Unchecked.defaultof<_>)
                   offset <- offset + w |])
    /// Tensors stacked along the first dimension.
    let concatRows (parts: Tensor list) =
        let arr = Array.ofList parts
        let counts = arr |> Array.map (fun p -> p.Raw.Shape.[0])
        record (RawTensor.concatRows (parts |> List.map (fun p -> p.Raw))) arr (fun g needs ->
            let mutable offset = 0
            [| for i in 0 .. arr.Length - 1 do
                   let c = counts.[i]
                   yield (if needs.[i] then RawTensor.takeRows (Array.init c (fun r -> offset + r)) g else Unchecked.defaultof<_>)
                   offset <- offset + c |])
    /// Rows at the given indices (a mini-batch), differentiable in the tensor.
    let takeRows (rows: int[]) (t: Tensor) =
        let shape = t.Raw.Shape
        record (RawTensor.takeRows rows t.Raw) [| t |] (fun g _ ->
            let width = if shape.[0] = 0 then 0 else t.Count / shape.[0]
            let acc = Array.zeroCreate<float> t.Count
            let gv = RawTensor.toFloats g
            rows |> Array.iteri (fun i r -> for j in 0 .. width - 1 do acc.[r * width + j] <- acc.[r * width + j] + gv.[i * width + j])
            [| RawTensor.ofFloats t.Dtype shape acc |])

/// Operators and math functions on tensors, so formulas read as math: `log (1.0 + x * x)`.
type Tensor with
    static member (+) (a: Tensor, b: Tensor) = Tensor.add a b
    static member (+) (a: Tensor, b: float) = Tensor.addScalar b a
    static member (+) (a: float, b: Tensor) = Tensor.addScalar a b
    static member (-) (a: Tensor, b: Tensor) = Tensor.sub a b
    static member (-) (a: Tensor, b: float) = Tensor.addScalar -b a
    static member (-) (a: float, b: Tensor) = Tensor.addScalar a (Tensor.neg b)
    static member (*) (a: Tensor, b: Tensor) = Tensor.mul a b
    static member (*) (a: Tensor, b: float) = Tensor.scale b a
    static member (*) (a: float, b: Tensor) = Tensor.scale a b
    static member (/) (a: Tensor, b: Tensor) = Tensor.div a b
    static member (/) (a: Tensor, b: float) = Tensor.scale (1.0 / b) a
    static member (/) (a: float, b: Tensor) = Tensor.div (Tensor.full b.Dtype [||] a) b
    static member (~-) (a: Tensor) = Tensor.neg a
    static member Exp(a: Tensor) = Tensor.exp a
    static member Log(a: Tensor) = Tensor.log a
    static member Sqrt(a: Tensor) = Tensor.sqrt a
    static member Sin(a: Tensor) = Tensor.sin a
    static member Cos(a: Tensor) = Tensor.cos a
    static member Tanh(a: Tensor) = Tensor.tanh a
    static member Abs(a: Tensor) = Tensor.abs a
