/// FsCheck generators and properties of whole networks, for suites that test their own architectures
/// or activations against Seagull's claims: random network shapes with architecture-appropriate
/// activations, random inputs, and the exact-invariance property f(u, v, w) = f(v, u, w) bit for bit.
///
/// Example:
/// ```
/// [<Property(Replay = Generators.Replay, MaxTest = 100)>]
/// let ``pooled is exactly invariant`` () =
///     Prop.forAll (Arb.fromGen (NetworkGenerators.networkCase Pooled Float32)) NetworkGenerators.isSwapInvariantBitwise
/// ```
module Seagull.Tests.NetworkGenerators

open System
open FsCheck
open FsCheck.FSharp
open Seagull.Core

/// A random network shape with drawn parameters' seed and a batch of inputs (rows × (2D + K), row-major).
type NetworkCase =
    { Spec: NetworkSpec; Seed: int; Rows: int; Inputs: float[] }
    override this.ToString() = $"{NetworkSpec.describe this.Spec} seed={this.Seed} rows={this.Rows}"

/// The catalogue's even activations (the split architecture's σₑ is drawn from these).
let evens : Activation list = Activation.catalogue |> List.filter (fun a -> a.Declared = Even)

/// Networks of one architecture and precision with hidden activations drawn from `activations` and the
/// split architecture's σₑ from `evenActivations` (give your own to test them): u, v ∈ R^1..4,
/// w ∈ R^0..3, one or two hidden layers of width 2–9, either pooling; 1–7 input rows in [−3, 3].
///
/// Example: `networkCaseWith (Gen.constant mine) (Gen.constant mine) Split Float64`.
let networkCaseWith (activations: Gen<Activation>) (evenActivations: Gen<Activation>) (architecture: Architecture) (precision: Dtype) : Gen<NetworkCase> =
    gen {
        let! d = Gen.choose (1, 4)
        let! k = Gen.choose (0, 3)
        let! layers = Gen.choose (1, 2)
        let! hidden = Gen.listOfLength layers (Gen.choose (2, 9))
        let! acts = Gen.listOfLength layers activations
        let! even = evenActivations
        let! pool = Gen.elements [ PoolSum; PoolSumAbsDiff ]
        let! seed = Gen.choose (0, 10000)
        let! rows = Gen.choose (1, 7)
        let width = 2 * d + k
        let! inputs = Gen.arrayOfLength (rows * width) (Gen.choose (-3000, 3000) |> Gen.map (fun i -> float i / 1000.0))
        let spec = NetworkSpec.validate { NetworkSpec.create architecture { D = d; K = k } hidden acts with Even = even; Pool = pool; Precision = precision }
        return { Spec = spec; Seed = seed; Rows = rows; Inputs = inputs }
    }

/// Networks of one architecture and precision with any catalogue activation and an even catalogue σₑ
/// (see `networkCaseWith`).
let networkCase (architecture: Architecture) (precision: Dtype) : Gen<NetworkCase> =
    networkCaseWith (Gen.elements Activation.catalogue) (Gen.elements evens) architecture precision

/// Networks of every architecture and both precisions.
let anyNetworkCase : Gen<NetworkCase> =
    gen {
        let! architecture = Gen.elements [ Mlp; Split; Pooled; Symmetrized ]
        let! precision = Gen.elements [ Float32; Float64 ]
        return! networkCase architecture precision
    }

/// The network's outputs on the inputs and on the swapped inputs (v, u, w), from parameters drawn with the case's seed.
let outputsBothWays (c: NetworkCase) : float[] * float[] =
    let p = Network.init c.Spec (Random.key c.Seed)
    let x = Tensor.ofArray c.Spec.Precision [| c.Rows; 2 * c.Spec.Blocks.D + c.Spec.Blocks.K |] c.Inputs
    let y = Network.apply c.Spec p x |> Tensor.toArray
    let ySwapped = Network.apply c.Spec p (Network.swap c.Spec.Blocks x) |> Tensor.toArray
    y, ySwapped

/// The exact-invariance property: f(u, v, w) and f(v, u, w) have the same bits on every row.
let isSwapInvariantBitwise (c: NetworkCase) : bool =
    let y, ySwapped = outputsBothWays c
    Array.forall2 (fun (a: float) (b: float) -> BitConverter.DoubleToInt64Bits a = BitConverter.DoubleToInt64Bits b) y ySwapped

/// The exact-invariance property as an FsCheck `Property` whose failure shows the network and the first
/// row where f(u, v, w) and f(v, u, w) differ, with both values.
///
/// Example: `Prop.forAll (Arb.fromGen (networkCase Pooled Float32)) swapInvariance`.
let swapInvariance (c: NetworkCase) : Property =
    let y, ySwapped = outputsBothWays c
    let differs = Array.map2 (fun (a: float) (b: float) -> BitConverter.DoubleToInt64Bits a <> BitConverter.DoubleToInt64Bits b) y ySwapped
    match Array.tryFindIndex id differs with
    | None -> Prop.label (string c) true
    | Some i ->
        let width = 2 * c.Spec.Blocks.D + c.Spec.Blocks.K
        let row = c.Inputs.[i * width .. (i + 1) * width - 1] |> Array.map (fun x -> x.ToString "R") |> String.concat ", "
        Prop.label $"{c}: row {i} [{row}]: f(u,v,w) = {y.[i]:R} but f(v,u,w) = {ySwapped.[i]:R}" false
