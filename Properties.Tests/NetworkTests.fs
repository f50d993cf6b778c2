module Seagull.Tests.NetworkTests

open System
open Xunit
open FsCheck
open FsCheck.FSharp
open FsCheck.Xunit
open Seagull.Core

/// A random network shape: architecture-appropriate activations, random widths and blocks.
type NetworkCase =
    { Spec: NetworkSpec; Seed: int; Rows: int; Inputs: float[] }
    override this.ToString() = $"{NetworkSpec.describe this.Spec} seed={this.Seed} rows={this.Rows}"

let private evens = Activation.catalogue |> List.filter (fun a -> a.Declared = Even)

let private caseGen (architecture: Architecture) (precision: Dtype) =
    gen {
        let! d = Gen.choose (1, 4)
        let! k = Gen.choose (0, 3)
        let! layers = Gen.choose (1, 2)
        let! hidden = Gen.listOfLength layers (Gen.choose (2, 9))
        let! acts = Gen.listOfLength layers (Gen.elements Activation.catalogue)
        let! even = Gen.elements evens
        let! pool = Gen.elements [ PoolSum; PoolSumAbsDiff ]
        let! seed = Gen.choose (0, 10000)
        let! rows = Gen.choose (1, 7)
        let width = 2 * d + k
        let! inputs = Gen.arrayOfLength (rows * width) (Gen.choose (-3000, 3000) |> Gen.map (fun i -> float i / 1000.0))
        let spec = { NetworkSpec.create architecture { D = d; K = k } hidden acts with Even = even; Pool = pool; Precision = precision }
        return { Spec = spec; Seed = seed; Rows = rows; Inputs = inputs }
    }

let private outputs (c: NetworkCase) =
    let p = Network.init c.Spec (Random.key c.Seed)
    let x = Tensor.ofArray c.Spec.Precision [| c.Rows; 2 * c.Spec.Blocks.D + c.Spec.Blocks.K |] c.Inputs
    let y = Network.apply c.Spec p x |> Tensor.toArray
    let ySwapped = Network.apply c.Spec p (Network.swap c.Spec.Blocks x) |> Tensor.toArray
    y, ySwapped

let private bitwiseSame (a: float[]) (b: float[]) =
    Array.forall2 (fun (x: float) (y: float) -> BitConverter.DoubleToInt64Bits x = BitConverter.DoubleToInt64Bits y) a b

let private invariant architecture precision =
    Prop.forAll (Arb.fromGen (caseGen architecture precision)) (fun c ->
        let y, ySwapped = outputs c
        bitwiseSame y ySwapped)

[<Property(MaxTest = 150)>]
let ``split is exactly swap-invariant in float32`` () = invariant Split Float32

[<Property(MaxTest = 150)>]
let ``split is exactly swap-invariant in float64`` () = invariant Split Float64

[<Property(MaxTest = 150)>]
let ``pooled is exactly swap-invariant in float32`` () = invariant Pooled Float32

[<Property(MaxTest = 150)>]
let ``pooled is exactly swap-invariant in float64`` () = invariant Pooled Float64

[<Property(MaxTest = 150)>]
let ``symmetrized is exactly swap-invariant in float32`` () = invariant Symmetrized Float32

[<Property(MaxTest = 150)>]
let ``symmetrized is exactly swap-invariant in float64`` () = invariant Symmetrized Float64

[<Fact>]
let ``for mlp the invariance property finds a counterexample`` () =
    let property = invariant Mlp Float64
    let config = Config.QuickThrowOnFailure.WithMaxTest(100)
    Assert.ThrowsAny<Exception>(fun () -> Check.One(config, property)) |> ignore

[<Fact>]
let ``split with a non-even branch activation is not invariant and is not guaranteed`` () =
    let spec = { NetworkSpec.create Split { D = 2; K = 1 } [ 6; 4 ] [ Activation.tanh ] with Even = Activation.tanh; Precision = Float64 }
    let c = { Spec = spec; Seed = 3; Rows = 5; Inputs = Random.uniforms (Random.key 9) 25 -1.0 1.0 }
    let y, ySwapped = outputs c
    Assert.False(bitwiseSame y ySwapped)
    Assert.False(NetworkSpec.isExactlyInvariant spec)

[<Fact>]
let ``init follows nn.Linear's default bounds and is deterministic per key`` () =
    let spec = NetworkSpec.create Mlp { D = 3; K = 3 } [ 64; 64 ] [ Activation.tanh ]
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
    let b = { D = 2; K = 1 }
    let count arch = Params.count (Network.init (NetworkSpec.create arch b [ 8; 4 ] [ Activation.seagull; Activation.tanh ]) (Random.key 0))
    Assert.Equal(5 * 8 + 8 + 8 * 4 + 4 + 4 + 1, count Mlp)
    Assert.Equal(count Mlp, count Symmetrized)
    // split: sum branch (d + k → 4, bias) and difference branch (d → 4, no bias)
    Assert.Equal(3 * 4 + 4 + 2 * 4 + 8 * 4 + 4 + 4 + 1, count Split)
    // pooled with sum+absdiff: first layer 5 → 8, next layer sees 16
    Assert.Equal(5 * 8 + 8 + 16 * 4 + 4 + 4 + 1, count Pooled)

[<Fact>]
let ``bad specs fail with one-line messages`` () =
    let fails (f: unit -> obj) (part: string) =
        let e = Assert.Throws<SeagullException>(fun () -> f () |> ignore)
        Assert.Contains(part, e.Message)
        Assert.DoesNotContain("\n", e.Message)
    fails (fun () -> box (NetworkSpec.create Mlp { D = 0; K = 1 } [ 4 ] [ Activation.tanh ])) "width"
    fails (fun () -> box (NetworkSpec.create Mlp { D = 1; K = 1 } [] [ Activation.tanh ])) "hidden"
    fails (fun () -> box (NetworkSpec.create Mlp { D = 1; K = 1 } [ 4; 4; 4 ] [ Activation.tanh; Activation.relu ])) "3 activations"
    fails (fun () -> box (NetworkSpec.create Split { D = 1; K = 1 } [ 1 ] [ Activation.tanh ])) "split"
    fails (fun () -> box (NetworkSpec.parseArchitecture "resnet")) "unknown architecture"
    fails (fun () -> box (NetworkSpec.create Mlp { D = 3; K = 3 } [ 50000; 50000 ] [ Activation.tanh ])) "a 50000×50000 layer does not fit"
    fails (fun () -> box (NetworkSpec.create Pooled { D = 1; K = 0 } [ 40000; 30000 ] [ Activation.tanh ])) "a 80000×30000 layer"
    fails (fun () -> box (NetworkSpec.create Mlp { D = 1; K = 0 } [ 40000; 40000; 40000; 40000 ] [ Activation.tanh ])) "parameters (at most"
    let spec = NetworkSpec.create Mlp { D = 1; K = 1 } [ 4 ] [ Activation.tanh ]
    fails (fun () -> box (Network.apply spec (Network.init spec (Random.key 0)) (Tensor.zeros Float32 [| 2; 4 |]))) "expected shape [rows, 3]"

[<Property(MaxTest = 100)>]
let ``the parameter count from the shape alone equals the count of the drawn parameters`` () =
    let anyArchitecture =
        gen {
            let! a = Gen.elements [ Mlp; Split; Pooled; Symmetrized ]
            let! p = Gen.elements [ Float32; Float64 ]
            return! caseGen a p
        }
    Prop.forAll (Arb.fromGen anyArchitecture) (fun c ->
        Network.parameterCount c.Spec = Params.count (Network.init c.Spec (Random.key c.Seed)))

[<Fact>]
let ``describe names the layers`` () =
    let spec = NetworkSpec.create Mlp { D = 3; K = 3 } [ 64; 64 ] [ Activation.seagull; Activation.tanh ]
    Assert.Equal("mlp 9→64(seagull)→64(tanh)→1 float32", NetworkSpec.describe spec)
