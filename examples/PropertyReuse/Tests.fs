module PropertyReuse.Tests

open Xunit
open FsCheck
open FsCheck.FSharp
open FsCheck.Xunit
open Seagull.Core
open Seagull.Testing

// z²/(1 + z²), written as 1 − 1/(1 + z²): a number at every finite z (z * z / (1 + z * z) is ∞/∞ = NaN once
// z² overflows, from |z| ≈ 1.8e19 in float32, and the parity and finiteness checks say so).
let ratio = Activation.custom "ratio" (fun z -> 1.0 - 1.0 / (1.0 + z * z))

[<Fact>]
let ``ratio is exactly even and finite in both precisions`` () =
    for dtype in [ Float32; Float64 ] do
        ActivationChecks.forValues dtype 200 (ActivationChecks.isBitwiseEven dtype ratio)
        ActivationChecks.forValues dtype 200 (ActivationChecks.isFinite dtype ratio)

[<Property(Replay = Generators.Replay)>]
let ``ratio's derivative matches finite differences`` () =
    Prop.forAll (Arb.array (SeagullArb.bounded -5.0 5.0)) (ActivationChecks.derivativeMatchesFiniteDifferences 1e-6 ratio)

[<Property(Replay = Generators.Replay, Arbitrary = [| typeof<Arbitraries> |])>]
let ``ratio is in [0, 1] at every finite z`` (z: float) =
    let y = (Activation.evaluate Float64 ratio [| z |]).[0]
    0.0 <= y && y <= 1.0

[<Property(Replay = Generators.Replay, MaxTest = 100)>]
let ``split on ratio is exactly invariant`` () =
    let cases = NetworkGenerators.networkCaseWith (Gen.constant ratio) (Gen.constant ratio) "split" Float32
    Prop.forAll (SeagullArb.networkCaseOf cases) NetworkGenerators.swapInvariance

// An architecture of one's own, as a plain function of its parameters: tanh of [u + v, (u − v)², w] times a matrix.
let symmetry = Symmetry.blocks 2 1

let mine (p: Params) (x: Tensor) =
    match p with
    | Group [ "hidden", Leaf hidden; "out", Leaf out ] ->
        let u, v, w = Symmetry.parts symmetry x
        Tensor.matmul (Tensor.tanh (Tensor.matmul (Tensor.concatColumns [ u + v; Tensor.square (u - v); w ]) hidden)) out
    | _ -> failwith "mine: expected the parameters { hidden; out }"

let initial =
    Params.group [ "hidden", Params.leaf (Tensor.ofArray Float64 [| 5; 4 |] (Random.uniforms (Random.key 1) 20 -1.0 1.0))
                   "out", Params.leaf (Tensor.ofArray Float64 [| 4; 1 |] (Random.uniforms (Random.key 2) 4 -1.0 1.0)) ]

[<Property(Replay = Generators.Replay)>]
let ``mine is exactly invariant`` () =
    Prop.forAll (SeagullArb.inputs symmetry Float64) (SwapChecks.invariance symmetry (mine initial))

[<Property(Replay = Generators.Replay, MaxTest = 20)>]
let ``mine's parameter gradient matches finite differences`` () =
    Prop.forAll (SeagullArb.inputs symmetry Float64) (fun x -> GradientChecks.parametersAgree 1e-6 mine initial x 0)
