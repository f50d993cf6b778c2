/// The tensor engine against naive references in both precisions: matrix products on odd and edge
/// sizes (every transposed path and the parallel one), reductions, transposes, slices and concatenation;
/// shape errors name the operation and both shapes.
module Seagull.Tests.TensorProperties

open System.Numerics
open Xunit
open FsCheck
open FsCheck.FSharp
open FsCheck.Xunit
open Seagull.Core
open Seagull.Testing
open Seagull.Core.Kernels
open Seagull.Testing.Checks

/// A value of the precision: doubles rounded to float32 where needed, so references see the same inputs.
let private representable (dtype: Dtype) (v: float) = match dtype with Float32 -> float (float32 v) | Float64 -> v

let private valuesIn (dtype: Dtype) = Generators.bounded -10.0 10.0 |> Gen.map (representable dtype)

// ---- shape errors --------------------------------------------------------------------------------------

/// Two shapes of one rank (1–3) that differ in one dimension, neither of which is 1: they cannot broadcast.
let private incompatibleShapes : Gen<int[] * int[]> =
    gen {
        let! rank = Gen.choose (1, 3)
        let! a = Gen.arrayOfLength rank (Gen.choose (2, 6))
        let! axis = Gen.choose (0, rank - 1)
        let! other = Gen.choose (2, 6) |> Gen.filter (fun d -> d <> a.[axis])
        return a, Array.updateAt axis other a
    }

/// `run` fails with a one-line message naming `op` and every shape.
let private failsNaming (op: string) (shapes: int[] list) (run: unit -> Tensor) : Property =
    try
        run () |> ignore
        expect false $"{op} accepted shapes {shapes |> List.map RawTensor.shapeText}"
    with :? SeagullException as e ->
        let named = e.Message.StartsWith(op + ":") && shapes |> List.forall (fun s -> e.Message.Contains(RawTensor.shapeText s))
        expect (named && not (e.Message.Contains "\n")) $"message: {e.Message}"

let private zeros (shape: int[]) = Tensor.zeros Float64 shape

[<Property(Replay = Generators.Replay, MaxTest = 100)>]
let ``elementwise shape errors name the op and both shapes`` () =
    Prop.forAll (Arb.fromGen incompatibleShapes) (fun (a, b) ->
        [ "add", Tensor.add; "sub", Tensor.sub; "mul", Tensor.mul; "div", Tensor.div ]
        |> List.map (fun (op, f) -> failsNaming op [ a; b ] (fun () -> f (zeros a) (zeros b)))
        |> List.reduce (.&.))

[<Property(Replay = Generators.Replay, MaxTest = 100)>]
let ``matmul, concatenation and reshape errors name the op and both shapes`` () =
    let case = Gen.zip3 (Gen.choose (1, 6)) (Gen.choose (1, 6)) (Gen.zip (Gen.choose (1, 6)) (Gen.choose (1, 6)))
    Prop.forAll (Arb.fromGen (case |> Gen.filter (fun (_, k, (k2, _)) -> k <> k2))) (fun (m, k, (k2, n)) ->
        failsNaming "matmul" [ [| m; k |]; [| k2; n |] ] (fun () -> Tensor.matmul (zeros [| m; k |]) (zeros [| k2; n |]))
        .&. failsNaming "concatColumns" [ [| k; m |]; [| k2; n |] ] (fun () -> Tensor.concatColumns [ zeros [| k; m |]; zeros [| k2; n |] ])
        .&. failsNaming "concatRows" [ [| m; k |]; [| n; k2 |] ] (fun () -> Tensor.concatRows [ zeros [| m; k |]; zeros [| n; k2 |] ])
        .&. failsNaming "reshape" [ [| m; k |]; [| m * k + 1 |] ] (fun () -> Tensor.reshape [| m * k + 1 |] (zeros [| m; k |])))

[<Fact>]
let ``mixing precisions fails naming the op and both precisions`` () =
    let e = Assert.Throws<SeagullException>(fun () -> Tensor.add (Tensor.zeros Float32 [| 2 |]) (Tensor.zeros Float64 [| 2 |]) |> ignore)
    Assert.Equal("add: precision mismatch (float32 and float64)", e.Message)

[<Fact>]
let ``broadcasting a single value to fewer dimensions fails naming both shapes`` () =
    let single = RawTensor.zeros Float64 [| 1; 1; 1 |]
    let e = Assert.Throws<SeagullException>(fun () -> RawTensor.broadcastTo [| 2 |] single |> ignore)
    Assert.Contains("[1, 1, 1]", e.Message)
    Assert.Contains("[2]", e.Message)
    Assert.Equal<float[]>([| 7.0; 7.0; 7.0; 7.0 |], RawTensor.toFloats (RawTensor.broadcastTo [| 2; 2 |] (RawTensor.full Float64 [| 1 |] 7.0)))

// ---- matrix products -----------------------------------------------------------------------------------

/// Which `MatMul` entry point, and so which stored layout of A and B.
type Product =
    | Plain
    | TransposeA
    | TransposeB
    | ParallelPlain

let private multiplyWith<'T when 'T :> IFloatingPointIeee754<'T>> (product: Product) m k n (a: 'T[]) (b: 'T[]) (c: 'T[]) accumulate =
    match product with
    | Plain -> MatMul.multiply m k n a b c accumulate
    | TransposeA -> MatMul.multiplyTransposeA m k n a b c accumulate
    | TransposeB -> MatMul.multiplyTransposeB m k n a b c accumulate
    | ParallelPlain -> MatMul.multiplyParallel m k n a b c accumulate

/// C0 + A·B by the textbook triple loop in double, with Σ|a||b| + |c0| per element for the error bound.
let private naiveProduct (product: Product) m k n (a: float[]) (b: float[]) (c0: float[]) =
    let aAt i p = if product = TransposeA then a.[p * m + i] else a.[i * k + p]
    let bAt p j = if product = TransposeB then b.[j * k + p] else b.[p * n + j]
    let value = Array.init (m * n) (fun ij -> c0.[ij] + Seq.sum (seq { for p in 0 .. k - 1 -> aAt (ij / n) p * bAt p (ij % n) }))
    let scale = Array.init (m * n) (fun ij -> abs c0.[ij] + Seq.sum (seq { for p in 0 .. k - 1 -> abs (aAt (ij / n) p * bAt p (ij % n)) }))
    value, scale

/// Runs the product on arrays `slack` elements longer than needed (C's tail must stay untouched) and
/// checks it against the naive one to (k + 2)·ε·Σ|a||b|, the textbook bound for any summation order.
let private productAgrees (dtype: Dtype) (product: Product) (m, k, n) (accumulate: bool) (slack: int) (seed: int) : Property =
    let draw i count = Random.uniforms (Random.key (seed + i)) count -1.0 1.0 |> Array.map (representable dtype)
    let a, b = draw 1 (m * k), draw 2 (k * n)
    let c0 = if accumulate then draw 3 (m * n) else Array.zeroCreate (m * n)
    let sentinel = 12345.0
    let padded (xs: float[]) = Array.append xs (Array.create slack sentinel)
    let got =
        match dtype with
        | Float64 ->
            let c = padded c0
            multiplyWith product m k n (padded a) (padded b) c accumulate
            c
        | Float32 ->
            let c = Array.map float32 (padded c0)
            multiplyWith product m k n (Array.map float32 (padded a)) (Array.map float32 (padded b)) c accumulate
            Array.map float c
    let want, scale = naiveProduct product m k n a b c0
    let bound = float (k + 2) * epsilon dtype
    let near i = abs (got.[i] - want.[i]) <= bound * scale.[i] + Generators.minNormal dtype
    let bad = Seq.tryFind (near >> not) (seq { 0 .. m * n - 1 })
    let where = match bad with Some i -> $"C[{i / n}, {i % n}] = {got.[i]:R}, naive {want.[i]:R}" | None -> ""
    expect bad.IsNone $"{m}×{k}·{k}×{n}: {where}"
    .&. expect (Array.forall ((=) sentinel) got.[m * n ..]) "wrote past the end of C"

/// (product, precision) for every product entry point in both precisions.
let productCases : obj[] list =
    [ for p in [ "Plain"; "TransposeA"; "TransposeB"; "ParallelPlain" ] do
        for d in [ "float32"; "float64" ] -> [| box p; box d |] ]

let private productOf (name: string) =
    match name with
    | "Plain" -> Plain
    | "TransposeA" -> TransposeA
    | "TransposeB" -> TransposeB
    | _ -> ParallelPlain

[<Theory; MemberData(nameof productCases)>]
let ``matmul agrees with a naive triple loop on edge sizes`` (product: string) (precision: string) =
    let case =
        gen {
            let! sizes = Gen.zip3 Generators.edgeSize Generators.edgeSize Generators.edgeSize
            let! accumulate = Gen.elements [ false; true ]
            let! slack = Gen.elements [ 0; 0; 1; 7 ]
            let! seed = Gen.choose (0, 100_000)
            return sizes, accumulate, slack, seed
        }
    Generators.check 40 (Prop.forAll (Arb.fromGen case) (fun (sizes, accumulate, slack, seed) ->
        productAgrees (Dtype.parse precision) (productOf product) sizes accumulate slack seed))

[<Theory; InlineData("float32"); InlineData("float64")>]
let ``multiplyParallel splits a large product across threads and still agrees with the naive loop`` (precision: string) =
    // 209·211·203 ≈ 9.0M multiply-adds: above the 8M threshold where the rows are split across threads.
    let dtype = Dtype.parse precision
    Check.One(Generators.config 1, productAgrees dtype ParallelPlain (209, 211, 203) false 3 7)
    Check.One(Generators.config 1, productAgrees dtype ParallelPlain (209, 211, 203) true 0 8)

[<Theory; InlineData("float32"); InlineData("float64")>]
let ``Tensor.matmul agrees with the naive loop`` (precision: string) =
    let dtype = Dtype.parse precision
    let case = Gen.zip (Gen.zip3 Generators.edgeSize Generators.edgeSize Generators.edgeSize) (Gen.choose (0, 100_000))
    Generators.check 30 (Prop.forAll (Arb.fromGen case) (fun ((m, k, n), seed) ->
        let a = Random.uniforms (Random.key seed) (m * k) -1.0 1.0 |> Array.map (representable dtype)
        let b = Random.uniforms (Random.key (seed + 1)) (k * n) -1.0 1.0 |> Array.map (representable dtype)
        let got = Tensor.matmul (Tensor.ofArray dtype [| m; k |] a) (Tensor.ofArray dtype [| k; n |] b)
        let want, scale = naiveProduct Plain m k n a b (Array.zeroCreate (m * n))
        let bound = float (k + 2) * epsilon dtype
        let near = Array.map3 (fun g w s -> abs (g - w) <= bound * s + Generators.minNormal dtype) (Tensor.toArray got) want scale
        expect (got.Shape = [| m; n |]) "shape" .&. expect (Array.forall id near) "values"))

[<Property(Replay = Generators.Replay, MaxTest = 60)>]
let ``a row of a matrix product has the same bits whatever the other rows`` () =
    let case = Gen.zip (Gen.zip3 Generators.edgeSize Generators.edgeSize Generators.edgeSize) Generators.dtype
    Prop.forAll (Arb.fromGen case) (fun ((m, k, n), dtype) ->
        let a = Random.uniforms (Random.key m) (m * k) -1.0 1.0
        let b = Tensor.ofArray dtype [| k; n |] (Random.uniforms (Random.key n) (k * n) -1.0 1.0)
        let all = Tensor.toArray (Tensor.matmul (Tensor.ofArray dtype [| m; k |] a) b)
        let alone = Array.init m (fun i -> Tensor.toArray (Tensor.matmul (Tensor.ofArray dtype [| 1; k |] a.[i * k .. (i + 1) * k - 1]) b)) |> Array.concat
        bitwiseEqual all alone)

/// A product shape where the kernels change paths: m mostly past the threshold at which `Threads.run` splits C's
/// rows (1M multiply-adds per thread), k past the packed block (256) and the direct path's limit (512), n narrow
/// (≤ 4), ragged or wider than a packed B block; every dimension odd or even, past a tile edge or not.
let private splitShape : Gen<int * int * int> =
    let around (sizes: int list) = Gen.oneof [ Gen.elements sizes; Gen.choose (1, List.max sizes + 3) ]
    gen {
        let! m = Gen.oneof [ Gen.choose (1, 40); Gen.choose (100, 800) ]
        let! k = around [ 1; 9; 64; 128; 255; 256; 257; 511; 512; 513; 784 ]
        let! n = around [ 1; 2; 3; 4; 5; 10; 16; 17; 63; 64; 65; 128; 256; 257; 300 ]
        return m, k, n
    }

[<Theory; MemberData(nameof productCases)>]
let ``matrix products have the same bits on 1, 2 and 3 threads`` (product: string) (precision: string) =
    let dtype = Dtype.parse precision
    let product = productOf product
    let case = Gen.zip3 splitShape (Gen.elements [ false; true ]) (Gen.choose (0, 100_000))
    let mutable split = 0
    Generators.check 25 (Prop.forAll (Arb.fromGen case) (fun ((m, k, n), accumulate, seed) ->
        let draw i count = Random.uniforms (Random.key (seed + i)) count -1.0 1.0
        let a, b, c0 = draw 1 (m * k), draw 2 (k * n), draw 3 (m * n)
        let on threads =
            Threads.run threads (fun () ->
                if MatMul.threadsFor m k n > 1 then split <- split + 1
                match dtype with
                | Float64 ->
                    let c = Array.copy c0
                    multiplyWith product m k n a b c accumulate
                    c
                | Float32 ->
                    let c = Array.map float32 c0
                    multiplyWith product m k n (Array.map float32 a) (Array.map float32 b) c accumulate
                    Array.map float c)
        let one = on 1
        expect (bitwiseEqual one (on 2)) $"{m}×{k}·{k}×{n}: 2 threads differ"
        .&. expect (bitwiseEqual one (on 3)) $"{m}×{k}·{k}×{n}: 3 threads differ"))
    // the shapes must exercise the split itself, not only products below the threshold
    if product <> ParallelPlain then Assert.True(split >= 10, $"only {split} of 50 products were split")

[<Fact>]
let ``Threads.run sets the count for the code it runs and restores it`` () =
    Assert.Equal(1, Threads.current ())
    Assert.Equal(3, Threads.run 2 (fun () -> Threads.run 3 Threads.current))
    Assert.Equal(2, Threads.run 2 Threads.current)
    Assert.Equal(1, Threads.current ())
    Assert.Throws<System.InvalidOperationException>(fun () -> Threads.run 2 (fun () -> invalidOp "inside") |> ignore) |> ignore
    Assert.Equal(1, Threads.current ())
    Assert.Throws<SeagullException>(fun () -> Threads.run 0 Threads.current |> ignore) |> ignore

// ---- reductions and structure --------------------------------------------------------------------------

/// A matrix of either precision with edge-size rows and columns (up to 65) and values in [−10, 10].
let private edgeMatrix : Gen<Tensor> =
    gen {
        let! dtype = Generators.dtype
        let! rows = Gen.elements (Generators.edgeSizes |> List.filter (fun s -> s <= 65))
        let! cols = Gen.elements (Generators.edgeSizes |> List.filter (fun s -> s <= 65))
        return! Generators.matrixOf dtype rows cols (valuesIn dtype)
    }

/// The elements as a rows×cols array of doubles.
let private grid (t: Tensor) = let v = Tensor.toArray t in Array2D.init t.Shape.[0] t.Shape.[1] (fun i j -> v.[i * t.Shape.[1] + j])

/// Σ within n·ε·Σ|x|, the bound for any summation order.
let private sumNear (dtype: Dtype) (terms: float seq) (got: float) =
    let xs = Array.ofSeq terms
    abs (got - Array.sum xs) <= float (xs.Length + 1) * epsilon dtype * Array.sumBy abs xs

[<Property(Replay = Generators.Replay, MaxTest = 100)>]
let ``sum and mean agree with naive sums`` () =
    Prop.forAll (Arb.fromGen edgeMatrix) (fun t ->
        let v = Tensor.toArray t
        let n = float v.Length
        expect (sumNear t.Dtype v (Tensor.toScalar (Tensor.sum t))) "sum"
        .&. expect (sumNear t.Dtype v (n * Tensor.toScalar (Tensor.mean t))) "mean")

[<Property(Replay = Generators.Replay, MaxTest = 100)>]
let ``sums and means along each axis agree with naive loops`` () =
    Prop.forAll (Arb.fromGen edgeMatrix) (fun t ->
        let g = grid t
        let rows, cols = t.Shape.[0], t.Shape.[1]
        let columns = Tensor.toArray (Tensor.sumAxis 0 t)
        let rowSums = Tensor.toArray (Tensor.sumAxis 1 t)
        let columnMeans = Tensor.toArray (Tensor.meanAxis 0 t)
        let rowMeans = Tensor.toArray (Tensor.meanAxis 1 t)
        let column j = seq { for i in 0 .. rows - 1 -> g.[i, j] }
        let row i = seq { for j in 0 .. cols - 1 -> g.[i, j] }
        expect (columns.Length = cols && Array.forall id (Array.init cols (fun j -> sumNear t.Dtype (column j) columns.[j]))) "sumAxis 0"
        .&. expect (rowSums.Length = rows && Array.forall id (Array.init rows (fun i -> sumNear t.Dtype (row i) rowSums.[i]))) "sumAxis 1"
        .&. expect (Array.forall id (Array.init cols (fun j -> sumNear t.Dtype (column j) (float rows * columnMeans.[j])))) "meanAxis 0"
        .&. expect (Array.forall id (Array.init rows (fun i -> sumNear t.Dtype (row i) (float cols * rowMeans.[i])))) "meanAxis 1")

/// Column j of a matrix summed from row 0 down, one rounding per addition in the tensor's precision.
let private columnSumInPrecision (t: Tensor) (j: int) =
    let g = grid t
    match t.Dtype with
    | Float32 -> float (Seq.fold (fun (acc: float32) i -> acc + float32 g.[i, j]) 0.0f (seq { 0 .. t.Shape.[0] - 1 }))
    | Float64 -> Seq.fold (fun acc i -> acc + g.[i, j]) 0.0 (seq { 0 .. t.Shape.[0] - 1 })

[<Property(Replay = Generators.Replay, MaxTest = 100)>]
let ``column sums (the bias gradient) add each column from the first row down, bit for bit`` () =
    Prop.forAll (Arb.fromGen edgeMatrix) (fun t ->
        let got = Tensor.toArray (Tensor.sumAxis 0 t)
        let expected = Array.init t.Shape.[1] (columnSumInPrecision t)
        expect (bitwiseEqual got expected)
            $"sumAxis 0 of a {t.Shape.[0]}×{t.Shape.[1]} {Dtype.name t.Dtype} matrix differs from the sequential column sums")

[<Property(Replay = Generators.Replay, MaxTest = 100)>]
let ``a dense layer adds its bias to every row of the product exactly`` () =
    let case =
        gen {
            let! dtype = Generators.dtype
            let! rows = Gen.elements (Generators.edgeSizes |> List.filter (fun s -> s >= 1 && s <= 40))
            let! cols = Gen.elements (Generators.edgeSizes |> List.filter (fun s -> s >= 1 && s <= 65))
            let! x = Generators.matrixOf dtype rows 3 (valuesIn dtype)
            let! w = Generators.matrixOf dtype 3 cols (valuesIn dtype)
            let! b = Generators.matrixOf dtype 1 cols (valuesIn dtype)
            return x, w, Tensor.reshape [| cols |] b
        }
    Prop.forAll (Arb.fromGen case) (fun (x, w, b) ->
        let p = Params.group [ "weight", Leaf w; "bias", Leaf b ]
        let bias = Tensor.toArray b
        let cols = bias.Length
        // a dense layer as a network of its own (3 inputs: u, v and w of width 1)
        let dense withBias = { Symmetry = Symmetry.blocks 1 1; Layers = Dense (cols, Activation.identity, withBias); Precision = x.Dtype }
        let got = Tensor.toArray (Network.apply (dense true) p x)
        let product = Tensor.toArray (Tensor.matmul x w)
        let expected =
            product |> Array.mapi (fun i v ->
                match x.Dtype with
                | Float32 -> float (float32 v + float32 bias.[i % cols])
                | Float64 -> v + bias.[i % cols])
        // the fused kernel (DenseLayer.apply) and the bias-free layer: the product exactly
        let fused = Tensor.toArray (DenseLayer.apply cols Activation.identity true p x)
        let noBias = Tensor.toArray (Network.apply (dense false) (Params.group [ "weight", Leaf w ]) x)
        expect (bitwiseEqual got expected) "x·W + b"
        .&. expect (bitwiseEqual fused expected) "fused x·W + b"
        .&. expect (bitwiseEqual noBias product) "x·W without a bias")

[<Property(Replay = Generators.Replay, MaxTest = 100)>]
let ``transpose, sliceColumns and takeRows move elements exactly like naive loops`` () =
    let case =
        gen {
            let! t = edgeMatrix
            let cols = t.Shape.[1]
            let! start = Gen.choose (0, cols)
            let! width = Gen.choose (0, cols - start)
            let! rows = Gen.arrayOf (Gen.choose (0, t.Shape.[0] - 1))
            return t, start, width, rows
        }
    Prop.forAll (Arb.fromGen case) (fun (t, start, width, rows) ->
        let g = grid t
        let r, c = t.Shape.[0], t.Shape.[1]
        let transposed = Tensor.transpose t
        let slice = Tensor.sliceColumns start width t
        let taken = Tensor.takeRows rows t
        expect (transposed.Shape = [| c; r |] && bitwiseEqual (Tensor.toArray transposed) (Array.init (r * c) (fun i -> g.[i % r, i / r]))) "transpose"
        .&. expect (slice.Shape = [| r; width |] && bitwiseEqual (Tensor.toArray slice) (Array.init (r * width) (fun i -> g.[i / width, start + i % width]))) "sliceColumns"
        .&. expect (taken.Shape = [| rows.Length; c |] && bitwiseEqual (Tensor.toArray taken) (Array.init (rows.Length * c) (fun i -> g.[rows.[i / c], i % c]))) "takeRows"
        .&. expect (Tensor.concatColumns [ Tensor.sliceColumns 0 start t; Tensor.sliceColumns start (c - start) t ] = t) "slices concatenate back")

[<Property(Replay = Generators.Replay, MaxTest = 100)>]
let ``concatColumns and concatRows agree with naive loops`` () =
    let case =
        gen {
            let! dtype = Generators.dtype
            let! n = Gen.choose (1, 33)
            let! widths = Gen.listOf (Gen.choose (0, 9)) |> Gen.map (fun ws -> 1 :: ws)
            let! sideBySide = widths |> List.map (fun w -> Generators.matrixOf dtype n w (valuesIn dtype)) |> Gen.sequenceToList
            let! stacked = widths |> List.map (fun h -> Generators.matrixOf dtype h n (valuesIn dtype)) |> Gen.sequenceToList
            return sideBySide, stacked
        }
    Prop.forAll (Arb.fromGen case) (fun (sideBySide, stacked) ->
        let columns = Tensor.concatColumns sideBySide
        let rows = Tensor.concatRows stacked
        let n = sideBySide.Head.Shape.[0]
        let naiveColumns = Array.concat [ for i in 0 .. n - 1 do for p in sideBySide -> (Tensor.toArray p).[i * p.Shape.[1] .. (i + 1) * p.Shape.[1] - 1] ]
        let naiveRows = Array.concat [ for p in stacked -> Tensor.toArray p ]
        expect (columns.Shape = [| n; sideBySide |> List.sumBy (fun p -> p.Shape.[1]) |] && bitwiseEqual (Tensor.toArray columns) naiveColumns) "concatColumns"
        .&. expect (rows.Shape = [| stacked |> List.sumBy (fun p -> p.Shape.[0]); n |] && bitwiseEqual (Tensor.toArray rows) naiveRows) "concatRows")

[<Property(Replay = Generators.Replay, MaxTest = 100)>]
let ``broadcast arithmetic agrees with a naive loop`` () =
    let case =
        gen {
            let! t = edgeMatrix
            let! row = Generators.tensorOf t.Dtype [| t.Shape.[1] |] (Generators.awayFromZero 0.5 4.0 |> Gen.map (representable t.Dtype))
            return t, row
        }
    Prop.forAll (Arb.fromGen case) (fun (t, row) ->
        let g = grid t
        let b = Tensor.toArray row
        let r, c = t.Shape.[0], t.Shape.[1]
        let naive (f: float -> float -> float) = Array.init (r * c) (fun i -> f g.[i / c, i % c] b.[i % c] |> representable t.Dtype)
        [ "add", Tensor.add, (+); "sub", Tensor.sub, (-); "mul", Tensor.mul, (*); "div", Tensor.div, (/) ]
        |> List.map (fun (name, op, f) -> expect (bitwiseEqual (Tensor.toArray (op t row)) (naive f)) name)
        |> List.reduce (.&.))
