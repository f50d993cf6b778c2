module PropertyReuse.Tests

open Xunit
open FsCheck
open FsCheck.FSharp
open FsCheck.Xunit
open Seagull.Core
open Seagull.Tests

let ratio = Activation.custom "ratio" (fun z -> z * z / (1.0 + z * z))

[<Fact>]
let ``ratio is exactly even in both precisions`` () =
    for dtype in [ Float32; Float64 ] do
        ActivationChecks.forValues dtype 200 (ActivationChecks.isBitwiseEven dtype ratio)

[<Property(Replay = Generators.Replay, MaxTest = 100)>]
let ``split on ratio is exactly invariant`` () =
    Prop.forAll (Arb.fromGen (NetworkGenerators.networkCaseWith (Gen.constant ratio) (Gen.constant ratio) "split" Float32))
                NetworkGenerators.swapInvariance
