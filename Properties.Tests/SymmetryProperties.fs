/// Properties of symmetries: the image mirror's pairs and fixed pixels, every symmetry an involution whose u and
/// v it exchanges, the swap of rows, tensors and blocks, and the refusals of what is not a symmetry.
module Seagull.Tests.SymmetryProperties

open System
open Xunit
open FsCheck
open FsCheck.FSharp
open FsCheck.Xunit
open Seagull.Core
open Seagull.Testing
open Seagull.Testing.Checks

/// Image sizes: W and H from 1 to 6 (odd and even), C from 1 to 3, and an axis the image can be mirrored along.
let private imageCase =
    gen {
        let! axis = Gen.elements [ LeftRight; TopBottom ]
        let! width = Gen.choose ((if axis = LeftRight then 2 else 1), 6)
        let! height = Gen.choose ((if axis = TopBottom then 2 else 1), 6)
        let! channels = Gen.choose (1, 3)
        return axis, width, height, channels
    }

/// Every (axis, W, H, C) with W, H ≤ 5 and C ≤ 3 that can be mirrored.
let private everyImage =
    [ for axis in [ LeftRight; TopBottom ] do
        for width in 1 .. 5 do
          for height in 1 .. 5 do
            for channels in 1 .. 3 do
              if (axis = LeftRight && width >= 2) || (axis = TopBottom && height >= 2) then yield axis, width, height, channels ]

let private pixel (width: int) (channels: int) (r: int) (c: int) (ch: int) = (r * width + c) * channels + ch

[<Fact>]
let ``the image mirror maps pixel (r, c, ch) to its mirror image and fixes exactly the middle column or row`` () =
    for axis, width, height, channels in everyImage do
        let s = Symmetry.mirror axis width height channels
        let what = $"{axis} {width}×{height}×{channels}"
        Assert.Equal(width * height * channels, s.Width)
        for r in 0 .. height - 1 do
            for c in 0 .. width - 1 do
                for ch in 0 .. channels - 1 do
                    let j = pixel width channels r c ch
                    let image = match axis with LeftRight -> pixel width channels r (width - 1 - c) ch | TopBottom -> pixel width channels (height - 1 - r) c ch
                    Assert.True((Symmetry.swapColumn s j = image), $"{what}: pixel ({r}, {c}, {ch})")
        // w: the middle column (left-right, W odd) or row (top-bottom, H odd), every channel of it; else nothing
        let middle =
            match axis with
            | LeftRight when width % 2 = 1 -> [| for r in 0 .. height - 1 do for ch in 0 .. channels - 1 -> pixel width channels r (width / 2) ch |]
            | TopBottom when height % 2 = 1 -> [| for c in 0 .. width - 1 do for ch in 0 .. channels - 1 -> pixel width channels (height / 2) c ch |]
            | _ -> [||]
        Assert.Equal<int[]>(Array.sort middle, Array.sort (Symmetry.w s))
        // u: the left ⌊W/2⌋ columns (or top ⌊H/2⌋ rows), v their mirror images
        let u, v = Symmetry.u s, Symmetry.v s
        Assert.Equal((s.Width - middle.Length) / 2, u.Length)
        for j in u do
            let c, r = (j / channels) % width, j / (channels * width)
            match axis with
            | LeftRight -> Assert.True(c < width / 2, $"{what}: u has column {c}")
            | TopBottom -> Assert.True(r < height / 2, $"{what}: u has row {r}")
        Assert.Equal(s, Symmetry.ofShape s.Shape)
        Assert.Equal(Mirror (axis, width, height, channels), s.Shape)
        Assert.Equal<string[]>(Array.init s.Width (fun i -> $"pixel{i + 1}"), Symmetry.defaultNames s)
        Assert.Equal(None, Symmetry.blockWidths s)

/// A symmetry of any kind: blocks, image mirrors (odd and even sizes, 1–3 channels) and random involutions.
let private anySymmetry =
    Gen.oneof [ NetworkGenerators.blockSymmetry; imageCase |> Gen.map (fun (a, w, h, c) -> Symmetry.mirror a w h c); NetworkGenerators.permutationSymmetry ]

[<Property(Replay = Generators.Replay, MaxTest = 300)>]
let ``every symmetry is an involution that exchanges u[i] and v[i] and fixes exactly w`` () =
    Prop.forAll (Arb.fromGen anySymmetry) (fun s ->
        let n = s.Width
        let π = Symmetry.swapColumn s
        let u, v, w = Symmetry.u s, Symmetry.v s, Symmetry.w s
        let all = Array.concat [ u; v; w ] |> Array.sort
        expect ([ 0 .. n - 1 ] |> List.forall (fun j -> π (π j) = j)) "π∘π = id"
        .&. expect (Array.forall2 (fun a b -> π a = b && π b = a && a <> b) u v) "u[i] ↔ v[i]"
        .&. expect (w |> Array.forall (fun j -> π j = j)) "w is fixed"
        .&. expect ([| 0 .. n - 1 |] |> Array.filter (fun j -> π j = j) = w) "only w is fixed"
        .&. expect (all = [| 0 .. n - 1 |]) "u, v and w partition the columns"
        .&. expect (u.Length >= 1 && u = Array.sort u && Array.forall2 (<) u v) "u ascending, before its partners"
        .&. expect (Symmetry.ofShape s.Shape = s && (Symmetry.ofShape s.Shape).GetHashCode() = s.GetHashCode()) "the shape rebuilds it"
        .&. expect (Symmetry.ofPermutation (Array.init n π) = s) "as a permutation it is the same symmetry")

[<Fact>]
let ``u, v and w of blocks and of permutations are as documented`` () =
    let b = Symmetry.blocks 2 1
    Assert.Equal<int[]>([| 0; 1 |], Symmetry.u b)
    Assert.Equal<int[]>([| 2; 3 |], Symmetry.v b)
    Assert.Equal<int[]>([| 4 |], Symmetry.w b)
    Assert.Equal(3, Symmetry.swapColumn (Symmetry.blocks 3 1) 0)
    Assert.Equal<string[]>([| "u1"; "u2"; "v1"; "v2"; "w1" |], Symmetry.defaultNames b)
    let p = Symmetry.ofPermutation [| 3; 1; 4; 0; 2 |]
    Assert.Equal<int[]>([| 0; 2 |], Symmetry.u p)
    Assert.Equal<int[]>([| 3; 4 |], Symmetry.v p)
    Assert.Equal<int[]>([| 1 |], Symmetry.w p)
    Assert.Equal<string[]>([| "x1"; "x2"; "x3"; "x4"; "x5" |], Symmetry.defaultNames p)
    // the accessors hand out copies
    (Symmetry.u b).[0] <- 7
    Assert.Equal<int[]>([| 0; 1 |], Symmetry.u b)
    // two descriptions of one swap are one symmetry; different swaps are not
    Assert.Equal(Symmetry.blocks 1 0, Symmetry.ofPermutation [| 1; 0 |])
    Assert.Equal(Symmetry.blocks 1 0, Symmetry.mirror LeftRight 2 1 1)
    Assert.Equal(Symmetry.blocks 1 1, Symmetry.ofPermutation [| 1; 0; 2 |])
    Assert.NotEqual(Symmetry.blocks 1 1, Symmetry.mirror LeftRight 3 1 1)          // 0 ↔ 2, not 0 ↔ 1
    Assert.Equal(Symmetry.ofPermutation [| 2; 1; 0 |], Symmetry.mirror LeftRight 3 1 1)
    Assert.NotEqual(Symmetry.blocks 2 0, Symmetry.blocks 1 2)
    Assert.Equal("u:2 v:2 w:1", string b)
    Assert.Equal("left-right mirror of 28×28 images", string (Symmetry.mirror LeftRight 28 28 1))
    Assert.Equal("top-bottom mirror of 4×3×3 images", string (Symmetry.mirror TopBottom 4 3 3))

[<Fact>]
let ``a permutation is copied: changing the array afterwards changes nothing`` () =
    let map = [| 1; 0; 2 |]
    let s = Symmetry.ofPermutation map
    map.[0] <- 0
    map.[1] <- 1
    Assert.Equal(1, Symmetry.swapColumn s 0)
    Assert.Equal(Permutation [| 1; 0; 2 |], s.Shape)
    match s.Shape with
    | Permutation stored -> stored.[0] <- 2; Assert.Equal(1, Symmetry.swapColumn s 0)
    | _ -> ()

[<Fact>]
let ``what is not a symmetry is refused in one line`` () =
    for permutation, fragment in
        [ [| 1; 2; 0 |], "not an involution: column 0 goes to 1 but 1 goes to 2"
          [| 0; 3; 1 |], "column 1 goes to 3, outside 0..2"
          [| 0; -1 |], "column 1 goes to -1"
          [| 0; 1; 2 |], "exchanges no columns"
          [||], "no input columns" ] do
        Checks.expectOneLineError [ "symmetry: "; fragment ] (fun () -> Symmetry.ofPermutation permutation) |> ignore
    Checks.expectOneLineError [ "no permutation given" ] (fun () -> Symmetry.ofPermutation null) |> ignore
    Checks.expectOneLineError [ "a left-right mirror needs images at least 2 pixels wide" ] (fun () -> Symmetry.mirror LeftRight 1 5 1) |> ignore
    Checks.expectOneLineError [ "a top-bottom mirror needs images at least 2 pixels high" ] (fun () -> Symmetry.mirror TopBottom 5 1 3) |> ignore
    Checks.expectOneLineError [ "width, height and channels must be ≥ 1, got 4×4×0" ] (fun () -> Symmetry.mirror LeftRight 4 4 0) |> ignore
    Checks.expectOneLineError [ "more than an array holds" ] (fun () -> Symmetry.mirror LeftRight 100000 100000 1) |> ignore

/// A symmetry with row-major rows of its width, values in [−3, 3].
let private rowsCase =
    gen {
        let! s = anySymmetry
        let! rows = Gen.choose (1, 6)
        let! x = NetworkGenerators.inputsFor s rows
        return s, rows, x
    }

[<Property(Replay = Generators.Replay, MaxTest = 300)>]
let ``swapRows agrees with swap on tensors in both precisions, and swapping twice changes nothing`` () =
    Prop.forAll (Arb.fromGen rowsCase) (fun (s, rows, x) ->
        let swapped = Symmetry.swapRows s x
        let byTensor (dtype: Dtype) values = Tensor.toArray (Symmetry.swap s (Tensor.ofArray dtype [| rows; s.Width |] values))
        let x32 = x |> Array.map (float32 >> float)
        let width = s.Width
        let definition = Array.init x.Length (fun i -> x.[(i / width) * width + Symmetry.swapColumn s (i % width)])
        expect (bitwiseEqual swapped definition) "x̃[j] = x[π(j)]"
        .&. expect (bitwiseEqual (byTensor Float64 x) swapped) "float64 tensors"
        .&. expect (bitwiseEqual (byTensor Float32 x32) (Symmetry.swapRows s x32)) "float32 tensors"
        .&. expect (bitwiseEqual (Symmetry.swapRows s swapped) x) "twice"
        .&. expect (bitwiseEqual (Dataset.swap (Dataset.ofArrays s x (Array.zeroCreate rows))).X swapped) "Dataset.swap")

[<Property(Replay = Generators.Replay, MaxTest = 200)>]
let ``parts cuts out u, v and w, and its gradient puts each part's back in its columns`` () =
    Prop.forAll (Arb.fromGen rowsCase) (fun (s, rows, x) ->
        let t = Tensor.ofArray Float64 [| rows; s.Width |] x
        let u, v, w = Symmetry.parts s t
        let columns (cs: int[]) = [| for r in 0 .. rows - 1 do for j in cs -> x.[r * s.Width + j] |]
        // d/dx Σ (a·u + b·v + c·w) = a on u's columns, b on v's, c on w's
        let weights = [| 2.0; -3.0; 0.5 |]
        let f (t: Tensor) =
            let u, v, w = Symmetry.parts s t
            let total = Tensor.sum u * weights.[0] + Tensor.sum v * weights.[1]
            if w.Shape.[1] = 0 then total else total + Tensor.sum w * weights.[2]
        let g = Tensor.toArray (Diff.grad f t)
        let expectedGradient =
            Array.init x.Length (fun i ->
                let j = i % s.Width
                if Array.contains j (Symmetry.u s) then weights.[0] elif Array.contains j (Symmetry.v s) then weights.[1] else weights.[2])
        // and the swap's gradient is the swap of the incoming gradient: d/dx Σ c ⊙ x̃ = c̃
        let c = Tensor.ofArray Float64 [| rows; s.Width |] (Array.init x.Length (fun i -> float (i + 1)))
        let swapGradient = Tensor.toArray (Diff.grad (fun t -> Tensor.sum (Symmetry.swap s t * c)) t)
        expect (bitwiseEqual (Tensor.toArray u) (columns (Symmetry.u s))) "u"
        .&. expect (bitwiseEqual (Tensor.toArray v) (columns (Symmetry.v s))) "v"
        .&. expect (bitwiseEqual (Tensor.toArray w) (columns (Symmetry.w s))) "w"
        .&. expect (g = expectedGradient) "the gradient of the parts"
        .&. expect (swapGradient = Symmetry.swapRows s (Tensor.toArray c)) "the gradient of the swap")

[<Fact>]
let ``the swap checks its input's shape`` () =
    let s = Symmetry.blocks 2 1
    Checks.expectOneLineError [ "swap: expected inputs of shape [rows, 5] (u:2 v:2 w:1), got [3, 4]" ] (fun () -> Symmetry.swap s (Tensor.zeros Float32 [| 3; 4 |])) |> ignore
    Checks.expectOneLineError [ "symmetry: expected inputs of shape [rows, 5]" ] (fun () -> Symmetry.parts s (Tensor.zeros Float32 [| 5 |])) |> ignore
    Checks.expectOneLineError [ "swap: 7 input values are not whole rows of 5 columns" ] (fun () -> Symmetry.swapRows s (Array.zeroCreate 7)) |> ignore

[<Fact>]
let ``Symmetry.compare: the largest difference, bit for bit equality, and non-finite outputs`` () =
    let c = Symmetry.compare [| 1.0; 2.0 |] [| 1.0; 2.5 |]
    Assert.Equal(0.5, c.Error)
    Assert.False(c.Bitwise)
    let same = Symmetry.compare [| 1.0; infinity; nan |] [| 1.0; infinity; nan |]
    Assert.Equal(0.0, same.Error)
    Assert.True(same.Bitwise)
    // +0 and −0 are equal numbers with different bits: not bitwise, no difference
    let zeros = Symmetry.compare [| 0.0 |] [| -0.0 |]
    Assert.False(zeros.Bitwise)
    Assert.Equal(0.0, zeros.Error)
    // outputs finite in one order only are left out of the error; when all are, the error is NaN
    let mixed = Symmetry.compare [| 1.0; infinity |] [| 1.25; 3.0 |]
    Assert.Equal(0.25, mixed.Error)
    Assert.True(Double.IsNaN (Symmetry.compare [| infinity |] [| 1.0 |]).Error)
    Assert.True((Symmetry.compare [||] [||]).Bitwise)
    Checks.expectOneLineError [ "2 outputs against 1 swapped ones" ] (fun () -> Symmetry.compare [| 1.0; 2.0 |] [| 1.0 |]) |> ignore
