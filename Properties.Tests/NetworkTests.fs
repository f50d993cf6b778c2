module Seagull.Tests.NetworkTests

open System
open Xunit
open FsCheck
open FsCheck.FSharp
open FsCheck.Xunit
open Seagull.Core
open Seagull.Testing
open Seagull.Testing.NetworkGenerators

let private invariant architecture precision =
    Prop.forAll (Arb.fromGen (networkCase architecture precision)) swapInvariance

[<Property(Replay = Seagull.Testing.Generators.Replay, MaxTest = 150)>]
let ``split is exactly swap-invariant in float32`` () = invariant "split" Float32

[<Property(Replay = Seagull.Testing.Generators.Replay, MaxTest = 150)>]
let ``split is exactly swap-invariant in float64`` () = invariant "split" Float64

[<Property(Replay = Seagull.Testing.Generators.Replay, MaxTest = 150)>]
let ``pooled is exactly swap-invariant in float32`` () = invariant "pooled" Float32

[<Property(Replay = Seagull.Testing.Generators.Replay, MaxTest = 150)>]
let ``pooled is exactly swap-invariant in float64`` () = invariant "pooled" Float64

[<Property(Replay = Seagull.Testing.Generators.Replay, MaxTest = 150)>]
let ``symmetrized is exactly swap-invariant in float32`` () = invariant "symmetrized" Float32

[<Property(Replay = Seagull.Testing.Generators.Replay, MaxTest = 150)>]
let ``symmetrized is exactly swap-invariant in float64`` () = invariant "symmetrized" Float64

[<Fact>]
let ``for mlp the invariance property finds a counterexample and shows the row`` () =
    let e = Assert.ThrowsAny<Exception>(fun () -> Generators.check 100 (invariant "mlp" Float64))
    Assert.Contains("but f(v,u,w) =", e.Message)
    Assert.Contains("mlp ", e.Message)
    // the bool form agrees with the Property form
    Assert.ThrowsAny<Exception>(fun () -> Generators.check 100 (Prop.forAll (Arb.fromGen (networkCase "mlp" Float64)) isSwapInvariantBitwise)) |> ignore

// ---- the reuse the README describes: an activation of one's own --------------------------------------

// z²/(1 + z²) written so that it is a number everywhere: as z * z / (1 + z * z) it is ∞/∞ = NaN from |z| ≈ 1.8e19
// (float32) and 1.3e154 (float64), which the parity checks refuse (see TestingLibraryTests).
let private ratio = Activation.custom "ratio" (fun z -> 1.0 - 1.0 / (1.0 + z * z))

[<Fact>]
let ``a custom even activation passes the reusable parity and derivative checks`` () =
    for dtype in [ Float32; Float64 ] do
        ActivationChecks.forValues dtype 100 (ActivationChecks.isBitwiseEven dtype ratio)
        ActivationChecks.forValues dtype 100 (ActivationChecks.isFinite dtype ratio)
    Generators.check 100 (Prop.forAll (Arb.fromGen (Gen.arrayOf (Generators.bounded -5.0 5.0))) (ActivationChecks.derivativeMatchesFiniteDifferences 1e-6 ratio))
    ActivationChecks.forValues Float64 50 (ActivationChecks.isBitwiseOdd Float64 (Activation.custom "cube" (fun z -> z * z * z)))

[<Fact>]
let ``the reusable parity check fails an activation even only up to rounding`` () =
    let rounded = Activation.custom "sq1" (fun z -> (z + 1.0) * (z + 1.0) - 2.0 * z)
    let e = Assert.ThrowsAny<Exception>(fun () -> ActivationChecks.forValues Float64 100 (ActivationChecks.isBitwiseEven Float64 rounded))
    Assert.Contains("sq1 (float64): σ(-x) ≠ σ(x) at x = ", e.Message)

[<Fact>]
let ``networks built on a custom even activation are exactly invariant`` () =
    for architecture in [ "split"; "pooled"; "symmetrized" ] do
        for precision in [ Float32; Float64 ] do
            Generators.check 40 (Prop.forAll (Arb.fromGen (networkCaseWith (Gen.constant ratio) (Gen.constant ratio) architecture precision)) swapInvariance)

[<Fact>]
let ``split with a non-even branch activation is not invariant and is not guaranteed`` () =
    let spec = Architectures.split (Symmetry.blocks 2 1) { Architectures.options [ 6; 4 ] [ Activation.tanh ] with Even = Activation.tanh; Precision = Float64 }
    let c = { Spec = spec; Seed = 3; Rows = 5; Inputs = Random.uniforms (Random.key 9) 25 -1.0 1.0 }
    Assert.False(isSwapInvariantBitwise c)
    Assert.False(Network.isExactlyInvariant spec)
    // the same network with an even branch activation is both
    let even = Architectures.split (Symmetry.blocks 2 1) { Architectures.options [ 6; 4 ] [ Activation.tanh ] with Precision = Float64 }
    Assert.True(isSwapInvariantBitwise { c with Spec = even })
    Assert.True(Network.isExactlyInvariant even)

let private blocks33 = Symmetry.blocks 3 3

[<Fact>]
let ``init follows nn.Linear's default bounds and is deterministic per key`` () =
    let spec = Architectures.mlp blocks33 (Architectures.options [ 64; 64 ] [ Activation.tanh ])
    let p = Network.init spec (Random.key 5)
    Assert.True(Params.equal p (Network.init spec (Random.key 5)))
    Assert.False(Params.equal p (Network.init spec (Random.key 6)))
    match p with
    | Group (("layer1", Group [ "weight", Leaf w; "bias", Leaf _ ]) :: _) ->
        Assert.Equal<int[]>([| 9; 64 |], w.Shape)
        let bound = 1.0 / sqrt 9.0
        Assert.All(Tensor.toArray w, fun v -> Assert.InRange(abs v, 0.0, bound))
    | other -> failwithf "unexpected tree %A" (Params.paths other)
    Assert.Equal(9 * 64 + 64 + 64 * 64 + 64 + 64 + 1, Params.count p)

[<Fact>]
let ``the parameter tree of each architecture matches its description`` () =
    let b = Symmetry.blocks 2 1
    let count name = Params.count (Network.init (Architectures.build name b (Architectures.options [ 8; 4 ] [ Activation.seagull; Activation.tanh ])) (Random.key 0))
    Assert.Equal(5 * 8 + 8 + 8 * 4 + 4 + 4 + 1, count "mlp")
    Assert.Equal(count "mlp", count "symmetrized")
    // split: sum branch (d + k → 4, bias) and difference branch (d → 4, no bias)
    Assert.Equal(3 * 4 + 4 + 2 * 4 + 8 * 4 + 4 + 4 + 1, count "split")
    // pooled with sum+absdiff: first layer 5 → 8, next layer sees 16
    Assert.Equal(5 * 8 + 8 + 16 * 4 + 4 + 4 + 1, count "pooled")
    // the paths name the tree's parts
    let paths name = Params.paths (Network.init (Architectures.build name b (Architectures.options [ 8; 4 ] [ Activation.seagull; Activation.tanh ])) (Random.key 0))
    Assert.Equal<string list>([ "layer1/weight"; "layer1/bias"; "layer2/weight"; "layer2/bias"; "layer3/weight"; "layer3/bias" ], paths "mlp")
    Assert.Equal<string list>(paths "mlp" |> List.map (fun p -> "inner/" + p), paths "symmetrized")
    Assert.Equal<string list>([ "sum/weight"; "sum/bias"; "difference/weight"; "next/layer1/weight"; "next/layer1/bias"; "next/layer2/weight"; "next/layer2/bias" ], paths "split")
    Assert.Equal<string list>([ "inner/weight"; "inner/bias"; "next/layer1/weight"; "next/layer1/bias"; "next/layer2/weight"; "next/layer2/bias" ], paths "pooled")

[<Fact>]
let ``bad specs fail with one-line messages`` () =
    let fails (f: unit -> obj) (part: string) =
        let e = Assert.Throws<SeagullException>(fun () -> f () |> ignore)
        Assert.Contains(part, e.Message)
        Assert.DoesNotContain("\n", e.Message)
    let tanh = Architectures.options [ 4 ] [ Activation.tanh ]
    fails (fun () -> box (Architectures.mlp (Symmetry.blocks 0 1) tanh)) "width"
    fails (fun () -> box (Architectures.mlp (Symmetry.blocks 1 1) (Architectures.options [] [ Activation.tanh ]))) "hidden"
    fails (fun () -> box (Architectures.mlp (Symmetry.blocks 1 1) (Architectures.options [ 4; 4; 4 ] [ Activation.tanh; Activation.relu ]))) "3 activations"
    fails (fun () -> box (Architectures.split (Symmetry.blocks 1 1) (Architectures.options [ 1 ] [ Activation.tanh ]))) "split"
    fails (fun () -> box (Architectures.build "resnet")) "unknown architecture"
    fails (fun () -> box (Architectures.mlp (Symmetry.blocks 1 1) { tanh with Outputs = 0 })) "at least 1 output"
    fails (fun () -> box (Architectures.mlp blocks33 (Architectures.options [ 50000; 50000 ] [ Activation.tanh ]))) "a 50000×50000 layer does not fit"
    fails (fun () -> box (Architectures.pooled (Symmetry.blocks 1 0) (Architectures.options [ 40000; 30000 ] [ Activation.tanh ]))) "a 80000×30000 layer"
    fails (fun () -> box (Architectures.mlp (Symmetry.blocks 1 0) (Architectures.options [ 40000; 40000; 40000; 40000 ] [ Activation.tanh ]))) "parameters (at most"
    let spec = Architectures.mlp (Symmetry.blocks 1 1) tanh
    fails (fun () -> box (Network.apply spec (Network.init spec (Random.key 0)) (Tensor.zeros Float32 [| 2; 4 |]))) "expected shape [rows, 3]"

[<Property(Replay = Seagull.Testing.Generators.Replay, MaxTest = 100)>]
let ``the parameter count from the shape alone equals the count of the drawn parameters`` () =
    Prop.forAll (Arb.fromGen anyNetworkCase) (fun c ->
        Network.parameterCount c.Spec = Params.count (Network.init c.Spec (Random.key c.Seed)))

[<Fact>]
let ``a network that cannot fit in memory is refused before its parameters are drawn`` () =
    Network.requireMemory (Architectures.mlp blocks33 (Architectures.options [ 64; 64 ] [ Activation.tanh ])) 2
    let wide = Architectures.mlp blocks33 (Architectures.options [ 2000; 2000 ] [ Activation.tanh ])
    let e = Assert.Throws<SeagullException>(fun () -> Network.requireMemory wide 100_000)
    Assert.StartsWith("100000 9→2000(tanh)→2000(tanh)→1 float32 networks: about ", e.Message)
    Assert.Contains("GB of memory needed", e.Message)

[<Fact>]
let ``describe names the layers`` () =
    let o = Architectures.options [ 64; 64 ] [ Activation.seagull; Activation.tanh ]
    Assert.Equal("9→64(seagull)→64(tanh)→1 float32", Network.describe (Architectures.mlp blocks33 o))
    Assert.Equal("9→symmetrize(64(seagull)→64(tanh)→1) float32", Network.describe (Architectures.symmetrized blocks33 o))
    Assert.Equal("9→split(u+v,w: 32(seagull) | u−v: 32(seagull, no bias))→64(tanh)→1 float32", Network.describe (Architectures.split blocks33 o))
    Assert.Equal("9→pool(64(seagull); sum+absdiff)→64(tanh)→1 float32", Network.describe (Architectures.pooled blocks33 o))
    Assert.Equal("9→split(u+v,w: 32(tanh) | u−v: 32(seagull, no bias))→64(tanh)→1 float32",
                 Network.describe (Architectures.split blocks33 (Architectures.options [ 64; 64 ] [ Activation.tanh ])))
    Assert.Equal("9→pool(64(seagull); sum)→64(tanh)→2 float64",
                 Network.describe (Architectures.pooled blocks33 { o with Pooling = PoolSum; Outputs = 2; Precision = Float64 }))

[<Fact>]
let ``every dense layer's activation is listed with its path and its declared and measured parity`` () =
    let s = Symmetry.blocks 2 1
    let o = { Architectures.options [ 6; 4 ] [ Activation.relu; Activation.tanh ] with Even = Activation.gaussian }
    let layers spec = Evaluation.activationParities spec |> List.map (fun a -> a.Layer, a.Name, a.Declared, a.Measured)
    Assert.Equal<(string * string * Parity * Parity) list>(
        [ "sum", "relu", Neither, Neither; "difference", "gaussian", Even, Even; "next/layer1", "tanh", Odd, Odd; "next/layer2", "identity", Odd, Odd ],
        layers (Architectures.split s o))
    Assert.Equal<(string * string * Parity * Parity) list>(
        [ "inner/layer1", "relu", Neither, Neither; "inner/layer2", "tanh", Odd, Odd; "inner/layer3", "identity", Odd, Odd ],
        layers (Architectures.symmetrized s o))
    Assert.Equal<string list>([ "inner"; "next/layer1"; "next/layer2" ], Network.activations (Architectures.pooled s o) |> List.map fst)
    Assert.Equal<string list>([ "layer1"; "layer2"; "layer3" ], Network.activations (Architectures.mlp s o) |> List.map fst)
    // a custom activation's parity is measured
    let rounded = Activation.custom "sq1" (fun z -> (z + 1.0) * (z + 1.0) - 2.0 * z)
    let parities = Evaluation.activationParities (Architectures.split s { o with Even = rounded })
    Assert.Equal(Neither, (parities |> List.find (fun a -> a.Layer = "difference")).Measured)

[<Fact>]
let ``the paths and shapes read off the tree are those init draws`` () =
    let s = Symmetry.blocks 2 1
    for spec in [ { Symmetry = s; Layers = Dense (3, Activation.tanh, false); Precision = Float32 }
                  Architectures.split s (Architectures.options [ 6; 4 ] [ Activation.tanh ])
                  Architectures.pooled s Architectures.defaults ] do
        let p = Network.init spec (Random.key 0)
        Assert.Equal<(string * int[]) list>(List.zip (Params.paths p) (Params.leaves p |> List.map (fun t -> t.Shape)), Network.parameterShapes spec)

[<Fact>]
let ``parameters drawn for another network are refused, not used`` () =
    let s = Symmetry.blocks 3 3
    let small = Architectures.mlp s (Architectures.options [ 8 ] [ Activation.tanh ])
    let wide = Architectures.mlp s (Architectures.options [ 16 ] [ Activation.tanh ])
    let x = Tensor.ofArray Float32 [| 2; 9 |] (Array.init 18 float)
    Checks.expectOneLineError [ "a dense layer needs weight 9×8 and bias 8"; "drawn for another network" ]
        (fun () -> Network.apply small (Network.init wide (Random.key 0)) x) |> ignore

[<Fact>]
let ``two different activations of one name in a network are refused`` () =
    let s = Symmetry.blocks 1 0
    let a = Activation.custom "mine" (fun z -> z * z)
    let b = Activation.custom "mine" (fun z -> Tensor.tanh z)
    let tree = Chain [ Dense (4, a, true); Dense (4, b, true); Dense (1, Activation.identity, true) ]
    Checks.expectOneLineError [ "two different activations named 'mine'" ] (fun () -> Network.validate { Symmetry = s; Layers = tree; Precision = Float32 }) |> ignore
    // the same formula made twice is one activation
    let a2 = Activation.custom "mine" (fun z -> z * z)
    Network.validate { Symmetry = s; Layers = Chain [ Dense (4, a, true); Dense (4, a2, true) ]; Precision = Float32 } |> ignore
