namespace Seagull.Testing

open System
open FsCheck
open FsCheck.FSharp
open Seagull.Core

/// Arbitraries (a generator with its shrinker) for Seagull's values, for `Prop.forAll`: a failing case shrinks to a
/// small one before it is reported.
///
/// Example: `Prop.forAll (SeagullArb.finite Float64) (fun x -> …)` reports the smallest failing x it finds.
module SeagullArb =
    /// Any finite value of the precision (`Generators.anyFinite`), shrinking towards 0 through values of its sign
    /// (ending at −0 for a negative value).
    let finite (dtype: Dtype) : Arbitrary<float> =
        Arb.fromGenShrink (Generators.anyFinite dtype, Shrinkers.finite dtype)

    /// Any finite float32 (`Generators.anyFinite Float32`), shrinking as `finite Float32`.
    let finite32 : Arbitrary<float32> =
        Arb.fromGenShrink (Generators.anyFinite Float32 |> Gen.map float32, fun (x: float32) -> Shrinkers.finite Float32 (float x) |> Seq.map float32)

    /// Doubles of [lo, hi] (`Generators.bounded`), shrinking towards the point of the interval nearest 0.
    let bounded (lo: float) (hi: float) : Arbitrary<float> =
        Arb.fromGenShrink (Generators.bounded lo hi, Shrinkers.bounded lo hi)

    /// Finite doubles of every scale within ±limit (`Generators.normalFloat`), shrinking towards 0.
    let normalFloat (limit: float) : Arbitrary<float> =
        Arb.fromGenShrink (Generators.normalFloat limit, Shrinkers.finite Float64)

    /// Tensors of the precision, rank 0 to 3 (dimensions 1–6), values from `values`; shrinking towards fewer rows and
    /// smaller values.
    let tensor (dtype: Dtype) (values: Gen<float>) : Arbitrary<Tensor> =
        Arb.fromGenShrink (Generators.tensor dtype values, Shrinkers.tensor)

    /// Matrices of the precision (1–8 rows and columns), values from `values`; shrinking towards fewer rows and
    /// smaller values.
    let matrix (dtype: Dtype) (values: Gen<float>) : Arbitrary<Tensor> =
        Arb.fromGenShrink (Generators.matrix dtype values, Shrinkers.tensor)

    /// Batches of 1–7 input rows of the symmetry's width in [−3, 3], in the precision: the `x` of a swap-invariance
    /// check (`SwapChecks.invariance symmetry f`). Shrinking towards one row and inputs towards 0.
    let inputs (symmetry: Symmetry) (dtype: Dtype) : Arbitrary<Tensor> =
        let batch =
            gen {
                let! rows = Gen.choose (1, 7)
                let! values = NetworkGenerators.inputsFor symmetry rows
                return Tensor.ofArray dtype [| rows; symmetry.Width |] values
            }
        Arb.fromGenShrink (batch, Shrinkers.tensor)

    /// Parameter trees of the precision (`Generators.paramsOf`), shrinking values towards 0 (the shape stays).
    let parameters (dtype: Dtype) : Arbitrary<Params> =
        Arb.fromGenShrink (Generators.paramsOf dtype, Shrinkers.parameters)

    /// Symmetries (`NetworkGenerators.anySymmetry`), shrinking towards `blocks 1 0`.
    let symmetry : Arbitrary<Symmetry> =
        Arb.fromGenShrink (NetworkGenerators.anySymmetry, Shrinkers.symmetry)

    /// Network cases from any generator of them (`networkCaseWith` with your own activations, `treeCase`, …),
    /// shrinking as `NetworkGenerators.shrink`: towards 1 row, d = 1, k = 0, one narrow layer, inputs towards 0.
    let networkCaseOf (cases: Gen<NetworkCase>) : Arbitrary<NetworkCase> =
        Arb.fromGenShrink (cases, NetworkGenerators.shrink)

    /// Network cases of one named architecture and precision (`NetworkGenerators.networkCase`), shrinking.
    let networkCase (architecture: string) (precision: Dtype) : Arbitrary<NetworkCase> =
        networkCaseOf (NetworkGenerators.networkCase architecture precision)

    /// Network cases of every named architecture in both precisions (`NetworkGenerators.anyNetworkCase`), shrinking.
    let anyNetworkCase : Arbitrary<NetworkCase> = networkCaseOf NetworkGenerators.anyNetworkCase

/// Arbitraries by type, to attach per property, per class or module, or per assembly, in F#
/// `[<Property(Arbitrary = [| typeof<Arbitraries> |])>]`, `[<Properties(Arbitrary = [| typeof<Arbitraries> |])>]`
/// and in C# `[Property(Arbitrary = new[] { typeof(Arbitraries) })]`. A property's `float` (double) and `float32`
/// (float) arguments, and arrays of them, are then finite values of every binade (no NaN, no ±∞); tensors are
/// float64 with values in [−10, 10]; network cases are of every named architecture in both precisions. Every one
/// shrinks (see `SeagullArb`).
type Arbitraries =
    /// Finite doubles of every binade (`SeagullArb.finite Float64`).
    static member Double() : Arbitrary<float> = SeagullArb.finite Float64
    /// Finite singles of every binade (`SeagullArb.finite32`).
    static member Single() : Arbitrary<float32> = SeagullArb.finite32
    /// Float64 tensors of rank 0 to 3 with values in [−10, 10] (`SeagullArb.tensor`).
    static member Tensor() : Arbitrary<Tensor> = SeagullArb.tensor Float64 (Generators.bounded -10.0 10.0)
    /// Float64 parameter trees (`SeagullArb.parameters`).
    static member Params() : Arbitrary<Params> = SeagullArb.parameters Float64
    /// Symmetries of every kind (`SeagullArb.symmetry`).
    static member Symmetry() : Arbitrary<Symmetry> = SeagullArb.symmetry
    /// Networks of every named architecture and precision with inputs (`SeagullArb.anyNetworkCase`).
    static member NetworkCase() : Arbitrary<NetworkCase> = SeagullArb.anyNetworkCase
