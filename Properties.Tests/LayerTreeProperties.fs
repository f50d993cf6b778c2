/// Properties of layer trees: the invariance and parity the tree derives (`Network.isExactlyInvariant`,
/// `Layer.parity`) hold bit for bit on random trees, and the derivation says true and false often enough that a
/// derivation that always says one of them fails; what each node computes, its width, its description; the
/// named architectures recognised back from their trees; model files of random trees.
module Seagull.Tests.LayerTreeProperties

open System
open Xunit
open FsCheck
open FsCheck.FSharp
open FsCheck.Xunit
open Seagull.Core
open Seagull.Testing
open Seagull.Testing.Checks
open Seagull.Testing.NetworkGenerators

/// A fixed sample of a generator (the seed of `Generators.Replay`, size 50).
let private sampleOf (n: int) (g: Gen<'a>) : 'a[] = Gen.sampleWithSeed (Rnd(20240611UL, 314159UL)) 50 n g

let private sameBits (a: float[]) (b: float[]) = bitwiseEqual a b

// ---- exact invariance of random trees ------------------------------------------------------------------

let private invariantWhenClaimed (c: NetworkCase) : Property =
    let claimed = Network.isExactlyInvariant c.Spec
    (if claimed then swapInvariance c else Prop.ofTestable true)
    |> Prop.classify claimed "claimed invariant"
    |> Prop.classify (not claimed) "not claimed"

[<Property(Replay = Generators.Replay, MaxTest = 300)>]
let ``a random layer tree the derivation calls invariant is invariant bit for bit, in float32`` () =
    Prop.forAll (Arb.fromGen (treeCase Float32)) invariantWhenClaimed

[<Property(Replay = Generators.Replay, MaxTest = 300)>]
let ``a random layer tree the derivation calls invariant is invariant bit for bit, in float64`` () =
    Prop.forAll (Arb.fromGen (treeCase Float64)) invariantWhenClaimed

/// The kinds of symmetric nodes in a tree, with whether each sits at the input and uses the network's symmetry.
let rec private symmetricNodes (network: Symmetry) (atInput: bool) (layer: Layer) : (string * bool) list =
    let mine (s: Symmetry) = atInput && s.Equals network
    match layer with
    | Dense _ -> []
    | Chain layers -> layers |> List.mapi (fun i l -> symmetricNodes network (atInput && i = 0) l) |> List.concat
    | Parallel branches -> branches |> List.collect (symmetricNodes network atInput)
    | Split (s, sum, difference, next) ->
        ("split", mine s) :: (symmetricNodes network false sum @ symmetricNodes network false difference @ symmetricNodes network false next)
    | SwapPool (s, inner, _, next) -> ("pool", mine s) :: (symmetricNodes network atInput inner @ symmetricNodes network false next)
    | Symmetrize (s, inner) -> ("symmetrize", mine s) :: symmetricNodes network atInput inner

[<Fact>]
let ``the tree generator makes plenty of trees the derivation calls invariant and plenty it does not`` () =
    for precision in [ Float32; Float64 ] do
        let sample = sampleOf 400 (treeCase precision)
        let invariant = sample |> Array.filter (fun c -> Network.isExactlyInvariant c.Spec) |> Array.length
        let fraction = float invariant / float sample.Length
        Assert.True(fraction >= 0.2 && fraction <= 0.8, $"{invariant} of {sample.Length} trees are called invariant")
        // every kind of symmetric node, at the input and deeper inside, and every kind of symmetry
        let nodes = sample |> Array.map (fun c -> symmetricNodes c.Spec.Symmetry true c.Spec.Layers)
        let count f = nodes |> Array.filter (List.exists f) |> Array.length
        for kind in [ "split"; "pool"; "symmetrize" ] do
            Assert.True(count (fun (k, mine) -> k = kind && mine) >= 20, $"{kind} at the input: {count (fun (k, mine) -> k = kind && mine)}")
            Assert.True(count (fun (k, mine) -> k = kind && not mine) >= 20, $"{kind} deeper or of another symmetry: {count (fun (k, mine) -> k = kind && not mine)}")
        let nested = nodes |> Array.filter (fun n -> n.Length >= 2) |> Array.length
        Assert.True(nested >= 60, $"{nested} trees with two or more symmetric nodes")
        let shapes = sample |> Array.countBy (fun c -> match c.Spec.Symmetry.Shape with Blocks _ -> 0 | Mirror _ -> 1 | Permutation _ -> 2)
        Assert.Equal(3, shapes.Length)
        Assert.All(shapes, fun (_, n) -> Assert.True(n >= 30, $"%A{shapes}"))
        // a split layer whose difference branch the derivation calls even, and one it does not
        let splits = sample |> Array.collect (fun c ->
            let rec find (l: Layer) =
                match l with
                | Dense _ -> []
                | Chain ls | Parallel ls -> List.collect find ls
                | Split (_, a, b, n) -> Layer.parity b :: (find a @ find b @ find n)
                | SwapPool (_, i, _, n) -> find i @ find n
                | Symmetrize (_, i) -> find i
            Array.ofList (find c.Spec.Layers))
        Assert.True(splits |> Array.filter ((=) Even) |> Array.length >= 40, "even difference branches")
        Assert.True(splits |> Array.filter ((<>) Even) |> Array.length >= 40, "difference branches that are not even")

[<Fact>]
let ``trees the derivation does not call invariant are almost always really not invariant`` () =
    // A derivation that said false for everything would pass the invariance property: it must be false only
    // where the tree really is not invariant (on its inputs, some output differs), up to the odd tree that is
    // invariant by accident (a chain starting with an empty chain, dead ReLUs).
    for precision in [ Float32; Float64 ] do
        let notClaimed = sampleOf 400 (treeCase precision) |> Array.filter (fun c -> not (Network.isExactlyInvariant c.Spec))
        let reallyNot = notClaimed |> Array.filter (fun c -> not (isSwapInvariantBitwise c)) |> Array.length
        Assert.True(notClaimed.Length >= 80, $"{notClaimed.Length} trees not called invariant")
        Assert.True(float reallyNot >= 0.9 * float notClaimed.Length, $"only {reallyNot} of {notClaimed.Length} trees not called invariant differ under the swap")

// ---- parity of random trees ------------------------------------------------------------------------------

/// A parity tree for inputs of 2–6 columns, in the precision, with 1–5 rows in [−3, 3].
let private parityCase (precision: Dtype) =
    gen {
        let! width = Gen.choose (2, 6)
        let! depth = Gen.choose (0, 3)
        let! layer = parityTree depth
        let! seed = Gen.choose (0, 10000)
        let! rows = Gen.choose (1, 5)
        let symmetry = Symmetry.blocks 1 (width - 2)
        let! inputs = inputsFor symmetry rows
        return { Spec = Network.validate { Symmetry = symmetry; Layers = layer; Precision = precision }; Seed = seed; Rows = rows; Inputs = inputs }
    }

/// f(x) and f(−x) on the case's inputs.
let private outputsAndNegated (c: NetworkCase) =
    let p = Network.init c.Spec (Random.key c.Seed)
    let x = Tensor.ofArray c.Spec.Precision [| c.Rows; c.Spec.Symmetry.Width |] c.Inputs
    Tensor.toArray (Network.apply c.Spec p x), Tensor.toArray (Network.apply c.Spec p (-x))

[<Property(Replay = Generators.Replay, MaxTest = 300)>]
let ``a tree the derivation calls even or odd is even or odd bit for bit`` () =
    Prop.forAll (Arb.fromGen (Generators.dtype |> Gen.bind parityCase)) (fun c ->
        let y, yNegated = outputsAndNegated c
        let parity = Layer.parity c.Spec.Layers
        let ok =
            match parity with
            | Even -> sameBits y yNegated
            | Odd -> sameBits (y |> Array.map (fun v -> -v)) yNegated
            | Neither -> true
        Prop.label $"{c}: {Parity.name parity}" ok
        |> Prop.classify (parity = Even) "even"
        |> Prop.classify (parity = Odd) "odd")

[<Fact>]
let ``the parity generator makes trees of every parity, and those called neither usually are`` () =
    let sample = sampleOf 400 (parityCase Float64)
    let parities = sample |> Array.map (fun c -> Layer.parity c.Spec.Layers)
    for p in [ Even; Odd; Neither ] do
        let n = parities |> Array.filter ((=) p) |> Array.length
        Assert.True(n >= 60, $"{n} of 400 trees are {Parity.name p}")
    let neither = sample |> Array.filter (fun c -> Layer.parity c.Spec.Layers = Neither)
    let reallyNeither =
        neither |> Array.filter (fun c ->
            let y, yNegated = outputsAndNegated c
            not (sameBits y yNegated) && not (sameBits (Array.map (fun v -> -v) y) yNegated))
    Assert.True(float reallyNeither.Length >= 0.8 * float neither.Length, $"{reallyNeither.Length} of {neither.Length} trees called neither are neither")

// ---- parity, invariance, widths and descriptions of each node kind --------------------------------------

let private dense w a bias = Dense (w, a, bias)
let private evenLayer = dense 3 Activation.seagull false
let private oddLayer = dense 3 Activation.tanh false
let private biased = dense 3 Activation.seagull true
let private neitherLayer = dense 3 Activation.relu false

[<Fact>]
let ``Layer.parity of dense layers, chains and parallel branches`` () =
    Assert.Equal(Even, Layer.parity evenLayer)
    Assert.Equal(Odd, Layer.parity oddLayer)
    Assert.Equal(Neither, Layer.parity biased)
    Assert.Equal(Neither, Layer.parity (dense 3 Activation.tanh true))
    Assert.Equal(Neither, Layer.parity neitherLayer)
    Assert.Equal(Even, Layer.parity (dense 3 (Activation.custom "ratio" (fun z -> z * z / (1.0 + z * z))) false))
    Assert.Equal(Odd, Layer.parity (dense 3 Activation.identity false))
    // a chain: the identity is odd; an even first layer makes it even whatever follows; odd layers pass the parity on
    Assert.Equal(Odd, Layer.parity (Chain []))
    Assert.Equal(Even, Layer.parity (Chain [ evenLayer; biased; neitherLayer ]))
    Assert.Equal(Even, Layer.parity (Chain [ oddLayer; oddLayer; evenLayer; biased ]))
    Assert.Equal(Odd, Layer.parity (Chain [ oddLayer; oddLayer ]))
    Assert.Equal(Neither, Layer.parity (Chain [ oddLayer; neitherLayer ]))
    Assert.Equal(Neither, Layer.parity (Chain [ biased; evenLayer ]))
    Assert.Equal(Neither, Layer.parity (Chain [ neitherLayer; evenLayer ]))
    Assert.Equal(Even, Layer.parity (Chain [ Chain []; oddLayer; evenLayer ]))
    // parallel branches: all even, all odd, or neither
    Assert.Equal(Even, Layer.parity (Parallel [ evenLayer; Chain [ oddLayer; evenLayer ] ]))
    Assert.Equal(Odd, Layer.parity (Parallel [ oddLayer; Chain [] ]))
    Assert.Equal(Neither, Layer.parity (Parallel [ evenLayer; oddLayer ]))
    Assert.Equal(Neither, Layer.parity (Parallel [ evenLayer; biased ]))
    Assert.Equal(Neither, Layer.parity (Parallel []))
    // the symmetric layers claim no parity
    let s = Symmetry.blocks 1 1
    Assert.Equal(Neither, Layer.parity (Symmetrize (s, evenLayer)))
    Assert.Equal(Neither, Layer.parity (SwapPool (s, evenLayer, PoolSum, Chain [])))
    Assert.Equal(Neither, Layer.parity (Split (s, evenLayer, evenLayer, Chain [])))

[<Fact>]
let ``Layer.isInvariantUnder: symmetric layers of the symmetry at the input, chains starting with one, parallel branches that all are`` () =
    let s = Symmetry.blocks 2 1
    let other = Symmetry.ofPermutation [| 0; 1; 2; 4; 3 |]
    let sym = Symmetrize (s, biased)
    let pool = SwapPool (s, biased, PoolSumAbsDiff, Chain [])
    let split difference = Split (s, biased, difference, Chain [])
    Assert.True(Layer.isInvariantUnder s sym)
    Assert.True(Layer.isInvariantUnder s pool)
    Assert.True(Layer.isInvariantUnder s (split evenLayer))
    Assert.True(Layer.isInvariantUnder s (split (Chain [ oddLayer; evenLayer ])))
    Assert.False(Layer.isInvariantUnder s (split oddLayer))
    Assert.False(Layer.isInvariantUnder s (split biased))
    Assert.False(Layer.isInvariantUnder s (split (Chain [])))
    Assert.False(Layer.isInvariantUnder s (split (Parallel [ evenLayer; oddLayer ])))
    // another symmetry of the same width is not this one
    Assert.False(Layer.isInvariantUnder s (Symmetrize (other, biased)))
    Assert.False(Layer.isInvariantUnder s (SwapPool (other, biased, PoolSum, Chain [])))
    Assert.False(Layer.isInvariantUnder s (Split (other, biased, evenLayer, Chain [])))
    // the same swap described differently is the same symmetry
    Assert.True(Layer.isInvariantUnder s (Symmetrize (Symmetry.ofPermutation [| 2; 3; 0; 1; 4 |], biased)))
    // chains and parallel branches
    Assert.True(Layer.isInvariantUnder s (Chain [ sym; biased; neitherLayer ]))
    Assert.False(Layer.isInvariantUnder s (Chain [ biased; sym ]))
    Assert.False(Layer.isInvariantUnder s (Chain []))
    Assert.False(Layer.isInvariantUnder s biased)
    Assert.True(Layer.isInvariantUnder s (Parallel [ sym; pool; Chain [ split evenLayer; biased ] ]))
    Assert.False(Layer.isInvariantUnder s (Parallel [ sym; biased ]))
    Assert.False(Layer.isInvariantUnder s (Parallel []))
    // a symmetric layer inside a symmetric layer's inner network changes nothing: the outer one decides
    Assert.True(Layer.isInvariantUnder s (Symmetrize (s, Chain [ biased; Symmetrize (Symmetry.blocks 1 1, biased) ])))

[<Fact>]
let ``Layer.outputWidth of every node kind`` () =
    let s = Symmetry.blocks 2 1          // 5 inputs: 2 pairs, 1 fixed
    Assert.Equal(3, Layer.outputWidth 5 biased)
    Assert.Equal(5, Layer.outputWidth 5 (Chain []))
    Assert.Equal(2, Layer.outputWidth 5 (Chain [ biased; dense 2 Activation.tanh true ]))
    Assert.Equal(3 + 2 + 5, Layer.outputWidth 5 (Parallel [ biased; dense 2 Activation.tanh true; Chain [] ]))
    // split: the sum branch sees 2 + 1 columns, the difference branch 2, next sees both outputs side by side
    Assert.Equal(3 + 4, Layer.outputWidth 5 (Split (s, biased, dense 4 Activation.seagull false, Chain [])))
    Assert.Equal(1, Layer.outputWidth 5 (Split (s, biased, dense 4 Activation.seagull false, dense 1 Activation.identity true)))
    Assert.Equal(3 + 2, Layer.outputWidth 5 (Split (s, Chain [], Chain [], Chain [])))
    // pooling: sum keeps the inner width, sum+absdiff doubles it
    Assert.Equal(3, Layer.outputWidth 5 (SwapPool (s, biased, PoolSum, Chain [])))
    Assert.Equal(6, Layer.outputWidth 5 (SwapPool (s, biased, PoolSumAbsDiff, Chain [])))
    Assert.Equal(5, Layer.outputWidth 5 (SwapPool (s, Chain [], PoolSum, Chain [])))
    Assert.Equal(10, Layer.outputWidth 5 (SwapPool (s, Chain [], PoolSumAbsDiff, Chain [])))
    Assert.Equal(2, Layer.outputWidth 5 (SwapPool (s, biased, PoolSumAbsDiff, dense 2 Activation.tanh true)))
    Assert.Equal(3, Layer.outputWidth 5 (Symmetrize (s, biased)))
    Assert.Equal(5, Layer.outputWidth 5 (Symmetrize (s, Chain [])))
    // the widths are checked
    Checks.expectOneLineError [ "split layer: its symmetry has 5 columns"; "its input has 4" ] (fun () -> Layer.outputWidth 4 (Split (s, biased, evenLayer, Chain []))) |> ignore
    Checks.expectOneLineError [ "swap-pooling layer"; "its input has 3" ] (fun () -> Layer.outputWidth 5 (Chain [ biased; SwapPool (s, biased, PoolSum, Chain []) ])) |> ignore
    Checks.expectOneLineError [ "symmetrize layer"; "its input has 6" ] (fun () -> Layer.outputWidth 6 (Symmetrize (s, biased))) |> ignore
    Checks.expectOneLineError [ "parallel layer: at least one branch" ] (fun () -> Layer.outputWidth 5 (Parallel [])) |> ignore
    Checks.expectOneLineError [ "dense layer: width must be ≥ 1, got 0" ] (fun () -> Layer.outputWidth 5 (Chain [ biased; dense 0 Activation.tanh true ])) |> ignore
    Checks.expectOneLineError [ "symmetrize layer" ] (fun () -> Network.validate { Symmetry = s; Layers = Symmetrize (Symmetry.blocks 1 1, biased); Precision = Float32 }) |> ignore

[<Property(Replay = Generators.Replay, MaxTest = 200)>]
let ``a random tree's output width is the number of outputs per row Network.apply gives`` () =
    Prop.forAll (Arb.fromGen (Generators.dtype |> Gen.bind treeCase)) (fun c ->
        let p = Network.init c.Spec (Random.key c.Seed)
        let y = Network.apply c.Spec p (Tensor.ofArray c.Spec.Precision [| c.Rows; c.Spec.Symmetry.Width |] c.Inputs)
        let outputs = Layer.outputWidth c.Spec.Symmetry.Width c.Spec.Layers
        y.Shape = [| c.Rows; outputs |] && Network.outputs c.Spec = outputs && y.Dtype = c.Spec.Precision
        && Network.parameterCount c.Spec = Params.count p)

[<Fact>]
let ``Network.describe shows every node kind`` () =
    let s = Symmetry.blocks 2 1
    let spec layers = { Symmetry = s; Layers = layers; Precision = Float64 }
    let describe layers = Network.describe (spec layers)
    Assert.Equal("5→3(seagull) float64", describe biased)
    Assert.Equal("5→3(seagull, no bias) float64", describe evenLayer)
    Assert.Equal("5→4 float64", describe (dense 4 Activation.identity true))
    Assert.Equal("5→4(identity, no bias) float64", describe (dense 4 Activation.identity false))
    Assert.Equal("5→identity float64", describe (Chain []))
    Assert.Equal("5→3(seagull)→2(tanh) float64", describe (Chain [ biased; dense 2 Activation.tanh true ]))
    Assert.Equal("5→[3(seagull) | 2(tanh) | identity] float64", describe (Parallel [ biased; dense 2 Activation.tanh true; Chain [] ]))
    Assert.Equal("5→split(u+v,w: 3(seagull) | u−v: 3(seagull, no bias))→1 float64", describe (Split (s, biased, evenLayer, dense 1 Activation.identity true)))
    Assert.Equal("5→split(u+v,w: 3(seagull) | u−v: 3(seagull, no bias)) float64", describe (Split (s, biased, evenLayer, Chain [])))
    Assert.Equal("5→pool(3(seagull); sum)→1 float64", describe (SwapPool (s, biased, PoolSum, dense 1 Activation.identity true)))
    Assert.Equal("5→pool(3(seagull); sum+absdiff) float64", describe (SwapPool (s, biased, PoolSumAbsDiff, Chain [])))
    Assert.Equal("5→symmetrize(3(seagull)→1) float64", describe (Symmetrize (s, Chain [ biased; dense 1 Activation.identity true ])))
    Assert.Equal("5→[symmetrize(3(seagull)) | pool(identity; sum)]→2(tanh) float64",
                 describe (Chain [ Parallel [ Symmetrize (s, biased); SwapPool (s, Chain [], PoolSum, Chain []) ]; dense 2 Activation.tanh true ]))

[<Fact>]
let ``parameters: siblings of the same shape get their own values, and the paths name the tree`` () =
    let s = Symmetry.blocks 2 1
    let twin = dense 3 Activation.tanh true
    let layers = Chain [ Parallel [ twin; twin ]; dense 6 Activation.tanh true; dense 6 Activation.tanh true; SwapPool (Symmetry.ofPermutation [| 1; 0; 2; 3; 4; 5 |], dense 6 Activation.tanh true, PoolSum, dense 6 Activation.tanh true) ]
    let spec = Network.validate { Symmetry = s; Layers = layers; Precision = Float64 }
    let p = Network.init spec (Random.key 3)
    let paths = Params.paths p
    Assert.Equal<string list>(
        [ "layer1/branch1/weight"; "layer1/branch1/bias"; "layer1/branch2/weight"; "layer1/branch2/bias"
          "layer2/weight"; "layer2/bias"; "layer3/weight"; "layer3/bias"
          "layer4/inner/weight"; "layer4/inner/bias"; "layer4/next/weight"; "layer4/next/bias" ], paths)
    let leaf path = List.item (List.findIndex ((=) path) paths) (Params.leaves p) |> Tensor.toArray
    Assert.NotEqual<float[]>(leaf "layer1/branch1/weight", leaf "layer1/branch2/weight")
    Assert.NotEqual<float[]>(leaf "layer3/weight", leaf "layer4/inner/weight")
    Assert.NotEqual<float[]>(leaf "layer4/inner/weight", leaf "layer4/next/weight")
    Assert.Equal<string list>([ "layer1/branch1"; "layer1/branch2"; "layer2"; "layer3"; "layer4/inner"; "layer4/next" ], Network.activations spec |> List.map fst)
    // the same spec and key draw the same bits; the key changes them
    Assert.True(Params.equal p (Network.init spec (Random.key 3)))
    Assert.False(Params.equal p (Network.init spec (Random.key 4)))

// ---- what the symmetric layers compute -------------------------------------------------------------------

/// A spec of a layer for inputs of `width` ≥ 2 columns (the symmetry only fixes the width).
let private at (width: int) (precision: Dtype) (layer: Layer) =
    { Symmetry = Symmetry.blocks 1 (width - 2); Layers = layer; Precision = precision }

/// a + b, a − b, |a| and a·½ rounded in the precision.
let private inPrecision (precision: Dtype) (f: float -> float -> float) (a: float) (b: float) =
    match precision with
    | Float32 -> float (float32 (f (float (float32 a)) (float (float32 b))))
    | Float64 -> f a b

/// Row-major rows of `parts` side by side.
let private sideBySide (rows: int) (parts: (float[] * int) list) =
    [| for r in 0 .. rows - 1 do
         for values, width in parts do
             yield! values.[r * width .. (r + 1) * width - 1] |]

/// The columns of row-major rows of `width` columns, in the order given.
let private columnsOf (width: int) (columns: int[]) (x: float[]) =
    [| for r in 0 .. x.Length / width - 1 do for j in columns -> x.[r * width + j] |]

/// A symmetry, an inner tree for its inputs, the precision, a seed and rows.
let private innerCase =
    gen {
        let! symmetry = anySymmetry
        let! depth = Gen.choose (0, 2)
        let! inner = layerTree symmetry symmetry.Width depth
        let! precision = Generators.dtype
        let! seed = Gen.choose (0, 10000)
        let! rows = Gen.choose (1, 5)
        let! inputs = inputsFor symmetry rows
        return symmetry, inner, precision, seed, rows, inputs
    }

[<Property(Replay = Generators.Replay, MaxTest = 200)>]
let ``a symmetrize layer is the mean of its inner network on x and x̃, bit for bit`` () =
    Prop.forAll (Arb.fromGen innerCase) (fun (symmetry, inner, precision, seed, rows, inputs) ->
        let spec = { Symmetry = symmetry; Layers = Symmetrize (symmetry, inner); Precision = precision }
        let g = { spec with Layers = inner }
        let p = Network.init spec (Random.key seed)
        let pInner = match p with Group [ "inner", q ] -> q | other -> failwithf "%A" (Params.paths other)
        let x = Tensor.ofArray precision [| rows; symmetry.Width |] inputs
        let a = Tensor.toArray (Network.apply g pInner x)
        let b = Tensor.toArray (Network.apply g pInner (Symmetry.swap symmetry x))
        let expected = Array.map2 (inPrecision precision (fun a b -> (a + b) * 0.5)) a b
        let got = Tensor.toArray (Network.apply spec p x)
        Prop.label $"{Network.describe spec}: {firstDifference (fun x y -> bits x = bits y) got expected}" (sameBits got expected))

[<Property(Replay = Generators.Replay, MaxTest = 200)>]
let ``a swap-pooling layer feeds its next network a + ã (and |a − ã|), bit for bit`` () =
    let case =
        gen {
            let! symmetry, inner, precision, seed, rows, inputs = innerCase
            let! pooling = Gen.elements [ PoolSum; PoolSumAbsDiff ]
            let innerWidth = Layer.outputWidth symmetry.Width inner
            let pooledWidth = match pooling with PoolSum -> innerWidth | PoolSumAbsDiff -> 2 * innerWidth
            let! next = if pooledWidth >= 2 then Gen.frequency [ 1, Gen.constant (Chain []); 2, layerTree (Symmetry.blocks 1 (pooledWidth - 2)) pooledWidth 1 ] else Gen.constant (Chain [])
            return symmetry, inner, pooling, next, pooledWidth, precision, seed, rows, inputs
        }
    Prop.forAll (Arb.fromGen case) (fun (symmetry, inner, pooling, next, pooledWidth, precision, seed, rows, inputs) ->
        let spec = { Symmetry = symmetry; Layers = SwapPool (symmetry, inner, pooling, next); Precision = precision }
        let p = Network.init spec (Random.key seed)
        let pInner, pNext = match p with Group [ "inner", i; "next", n ] -> i, n | other -> failwithf "%A" (Params.paths other)
        let x = Tensor.ofArray precision [| rows; symmetry.Width |] inputs
        let g = { spec with Layers = inner }
        let a = Tensor.toArray (Network.apply g pInner x)
        let b = Tensor.toArray (Network.apply g pInner (Symmetry.swap symmetry x))
        let innerWidth = a.Length / rows
        let sum = Array.map2 (inPrecision precision (+)) a b
        let pooled =
            match pooling with
            | PoolSum -> sum
            | PoolSumAbsDiff -> sideBySide rows [ sum, innerWidth; Array.map2 (inPrecision precision (fun a b -> abs (a - b))) a b, innerWidth ]
        let expected =
            match next with
            | Chain [] -> pooled
            | _ -> Tensor.toArray (Network.apply (at pooledWidth precision next) pNext (Tensor.ofArray precision [| rows; pooledWidth |] pooled))
        let got = Tensor.toArray (Network.apply spec p x)
        Prop.label $"{Network.describe spec}: {firstDifference (fun x y -> bits x = bits y) got expected}" (sameBits got expected))

[<Property(Replay = Generators.Replay, MaxTest = 200)>]
let ``a split layer feeds sum([u + v | w]) and difference(u − v) side by side to its next network, bit for bit`` () =
    let case =
        gen {
            // at least two pairs, so that the branches' inputs have two or more columns
            let! symmetry = anySymmetry |> Gen.filter (fun s -> (Symmetry.u s).Length >= 2)
            let pairs, fixedColumns = (Symmetry.u symmetry).Length, (Symmetry.w symmetry).Length
            let! sum = layerTree (Symmetry.blocks 1 (pairs + fixedColumns - 2)) (pairs + fixedColumns) 1
            let! difference = Gen.oneof [ parityTree 1; layerTree (Symmetry.blocks 1 (pairs - 2)) pairs 1 ]
            let joined = Layer.outputWidth (pairs + fixedColumns) sum + Layer.outputWidth pairs difference
            let! next = if joined >= 2 then Gen.frequency [ 1, Gen.constant (Chain []); 2, layerTree (Symmetry.blocks 1 (joined - 2)) joined 1 ] else Gen.constant (Chain [])
            let! precision = Generators.dtype
            let! seed = Gen.choose (0, 10000)
            let! rows = Gen.choose (1, 5)
            let! inputs = inputsFor symmetry rows
            return symmetry, sum, difference, next, precision, seed, rows, inputs
        }
    Prop.forAll (Arb.fromGen case) (fun (symmetry, sum, difference, next, precision, seed, rows, inputs) ->
        let spec = { Symmetry = symmetry; Layers = Split (symmetry, sum, difference, next); Precision = precision }
        let p = Network.init spec (Random.key seed)
        let pSum, pDifference, pNext =
            match p with
            | Group [ "sum", a; "difference", b; "next", c ] -> a, b, c
            | other -> failwithf "%A" (Params.paths other)
        let width = symmetry.Width
        let u, v, w = Symmetry.u symmetry, Symmetry.v symmetry, Symmetry.w symmetry
        let x = Tensor.toArray (Tensor.ofArray precision [| rows; width |] inputs)   // rounded to the precision
        let uValues, vValues, wValues = columnsOf width u x, columnsOf width v x, columnsOf width w x
        let sumInput = sideBySide rows [ Array.map2 (inPrecision precision (+)) uValues vValues, u.Length; wValues, w.Length ]
        let differenceInput = Array.map2 (inPrecision precision (-)) uValues vValues
        let apply (n: int) (layer: Layer) (q: Params) (values: float[]) =
            Tensor.toArray (Network.apply (at n precision layer) q (Tensor.ofArray precision [| rows; n |] values))
        let first = apply (u.Length + w.Length) sum pSum sumInput
        let second = apply u.Length difference pDifference differenceInput
        let joinedWidth = (first.Length + second.Length) / rows
        let joined = sideBySide rows [ first, first.Length / rows; second, second.Length / rows ]
        let expected = match next with Chain [] -> joined | _ -> apply joinedWidth next pNext joined
        let got = Tensor.toArray (Network.apply spec p (Tensor.ofArray precision [| rows; width |] inputs))
        Prop.label $"{Network.describe spec} ({symmetry}): {firstDifference (fun x y -> bits x = bits y) got expected}" (sameBits got expected))

// ---- the named architectures as trees --------------------------------------------------------------------

/// Options of any named architecture: 1–3 hidden layers of width 2–9, catalogue activations, an even σₑ, either
/// pooling, 1–3 outputs, either precision.
let private optionsGen =
    gen {
        let! layers = Gen.choose (1, 3)
        let! hidden = Gen.listOfLength layers (Gen.choose (2, 9))
        let! acts = Gen.listOfLength layers (Gen.elements Activation.catalogue)
        let! even = Gen.elements evens
        let! pooling = Gen.elements [ PoolSum; PoolSumAbsDiff ]
        let! outputs = Gen.choose (1, 3)
        let! precision = Generators.dtype
        return { Hidden = hidden; Activations = acts; Even = even; Pooling = pooling; Outputs = outputs; Precision = precision }
    }

let private names (acts: Activation list) = acts |> List.map (fun a -> a.Name)

[<Property(Replay = Generators.Replay, MaxTest = 200)>]
let ``Architectures.recognise gives back the name and options each constructor was built from`` () =
    Prop.forAll (Arb.fromGen (Gen.zip3 (Gen.elements Architectures.names) anySymmetry optionsGen)) (fun (name, symmetry, o) ->
        let spec = Architectures.build name symmetry o
        match Architectures.recognise spec with
        | None -> Prop.label $"{name}: not recognised" false
        | Some (back, r) ->
            let sameCore = back = name && r.Hidden = o.Hidden && names r.Activations = names o.Activations && r.Outputs = o.Outputs && r.Precision = o.Precision
            // the options that matter to the architecture
            let sameExtras =
                match name with
                | "split" -> r.Even.Name = o.Even.Name
                | "pooled" -> r.Pooling = o.Pooling
                | _ -> true
            // and building again from what was recognised gives the same network
            let again = Architectures.build back symmetry r
            let same = Network.describe again = Network.describe spec && Params.equal (Network.init again (Random.key 1)) (Network.init spec (Random.key 1))
            Prop.label $"{name} {Network.describe spec}: recognised as {back} {r.Hidden} {names r.Activations}" (sameCore && sameExtras && same))

[<Property(Replay = Generators.Replay, MaxTest = 300)>]
let ``a random tree is recognised as a named architecture only when it is that architecture's tree`` () =
    Prop.forAll (Arb.fromGen (Generators.dtype |> Gen.bind treeCase)) (fun c ->
        match Architectures.recognise c.Spec with
        | None -> Prop.ofTestable true
        | Some (name, o) ->
            let built = Architectures.build name c.Spec.Symmetry o
            Prop.label $"{c} recognised as {name}"
                (Network.describe built = Network.describe c.Spec
                 && Params.equal (Network.init built (Random.key c.Seed)) (Network.init c.Spec (Random.key c.Seed)))
            |> Prop.classify true name)

[<Fact>]
let ``trees that are not a named architecture are not recognised`` () =
    let s = Symmetry.blocks 2 1
    let spec layers = { Symmetry = s; Layers = layers; Precision = Float32 }
    let o = Architectures.options [ 6; 4 ] [ Activation.tanh ]
    let recognised (layers: Layer) = Architectures.recognise (spec layers) |> Option.map fst
    let out = dense 1 Activation.identity true
    Assert.Equal(None, recognised (Chain [ out ]))                                             // no hidden layer
    Assert.Equal(None, recognised (Chain [ dense 4 Activation.tanh false; out ]))             // a hidden layer without bias
    Assert.Equal(None, recognised (Chain [ dense 4 Activation.tanh true; dense 1 Activation.tanh true ]))   // not a linear last layer
    Assert.Equal(None, recognised (Chain [ dense 4 Activation.tanh true; dense 1 Activation.identity false ]))
    Assert.Equal(None, recognised (Parallel [ Chain [ dense 4 Activation.tanh true; out ] ]))
    Assert.Equal(None, recognised (Symmetrize (Symmetry.ofPermutation [| 1; 0; 2; 3; 4 |], Chain [ dense 4 Activation.tanh true; out ])))
    Assert.Equal(None, recognised (Split (s, dense 3 Activation.tanh true, dense 3 Activation.seagull true, Chain [ out ])))   // a biased difference
    Assert.Equal(None, recognised (Split (s, dense 2 Activation.tanh true, dense 3 Activation.seagull false, Chain [ out ])))  // sum narrower than the difference
    Assert.Equal(None, recognised (SwapPool (s, Chain [ dense 3 Activation.tanh true ], PoolSum, Chain [ out ])))
    Assert.Equal(Some "split", recognised (Architectures.split s o).Layers)
    Assert.Equal(Some "mlp", recognised (Chain [ dense 4 Activation.tanh true; out ]))

// ---- model files of random trees -------------------------------------------------------------------------

[<Property(Replay = Generators.Replay, MaxTest = 150)>]
let ``a format-2 model file of a random tree loads back bit for bit`` () =
    Prop.forAll (Arb.fromGen (Generators.dtype |> Gen.bind treeCase)) (fun c ->
        let spec = c.Spec
        let outputs = Network.outputs spec
        // a standardisation fitted on random data of the network's shape
        let rows = 12
        let data =
            Dataset.create spec.Symmetry (Symmetry.defaultNames spec.Symmetry) (Array.init outputs (fun t -> $"target {t + 1}"))
                (Random.uniforms (Random.key c.Seed) (rows * spec.Symmetry.Width) -2.0 5.0)
                (Random.uniforms (Random.key (c.Seed + 1)) (rows * outputs) -1.0 30.0)
        let model =
            { Spec = spec; Params = Network.init spec (Random.key c.Seed); Standardization = Standardization.fit data
              InputNames = data.InputNames; TargetNames = data.TargetNames; Source = $"tree {c.Seed}"; Task = Regression }
        let text = ModelFile.toJson model
        let back = ModelFile.ofJson "tree.json" [] text
        let x = Tensor.ofArray spec.Precision [| c.Rows; spec.Symmetry.Width |] c.Inputs
        let y = Tensor.toArray (Network.apply model.Spec model.Params x)
        let yBack = Tensor.toArray (Network.apply back.Spec back.Params x)
        expect (sameBits y yBack) "outputs"
        .&. expect (Params.equal model.Params back.Params) "parameters"
        .&. expect (Network.describe model.Spec = Network.describe back.Spec) "description"
        .&. expect (back.Spec.Symmetry.Equals spec.Symmetry && back.Spec.Symmetry.Shape = spec.Symmetry.Shape) "symmetry"
        .&. expect (Network.isExactlyInvariant back.Spec = Network.isExactlyInvariant spec) "invariance"
        .&. expect (back.Standardization = model.Standardization && back.TargetNames = model.TargetNames && back.Source = model.Source) "the rest"
        .&. expect (ModelFile.toJson back = text) "the same text again")

[<Property(MaxTest = 100)>]
let ``symmetrizing any network after the fact makes it exactly invariant and averages its two orderings`` () =
    Prop.forAll (Arb.fromGen anyNetworkCase) (fun (c: NetworkCase) ->
        let p = Network.init c.Spec (Random.key c.Seed)
        let spec, q = Network.symmetrize c.Spec p
        let x = c.InputTensor
        let xs = Symmetry.swap c.Spec.Symmetry x
        let f t = Tensor.toArray (Network.apply spec q t)
        let g t = Tensor.toArray (Network.apply c.Spec p t)
        let mean = Array.map2 (fun a b -> (a + b) * 0.5) (g x) (g xs)
        let close = Array.forall2 (fun (a: float) b -> a = b || abs (a - b) <= 1e-5 * (1.0 + abs b)) (f x) mean
        (Network.isExactlyInvariant spec && sameBits (f x) (f xs) && close) |> Prop.label (string c))
