/// Reusable properties of one activation, for suites that test their own: exact parity (the value and
/// its derivative) over values of every scale with the precision's extremes, and the derivative against
/// central finite differences. Each returns an FsCheck `Property` whose failure names the first value
/// that breaks it.
///
/// Example (an activation of your own, in both precisions):
/// ```
/// let mine = Activation.custom "ratio" (fun z -> z * z / (1.0 + z * z))
/// [<Fact>]
/// let ``ratio is exactly even`` () =
///     for dtype in [ Float32; Float64 ] do
///         ActivationChecks.forValues dtype 200 (ActivationChecks.isBitwiseEven dtype mine)
/// [<Property(Replay = Generators.Replay)>]
/// let ``ratio's derivative matches finite differences`` () =
///     Prop.forAll (Arb.fromGen (Gen.arrayOf (Generators.bounded -5.0 5.0))) (ActivationChecks.derivativeMatchesFiniteDifferences 1e-6 mine)
/// ```
module Seagull.Tests.ActivationChecks

open FsCheck
open FsCheck.FSharp
open Seagull.Core
open Seagull.Tests.Checks

let private negated (xs: float[]) = Array.map (fun x -> -x) xs
let private sameBits (x: float) (y: float) = bits x = bits y

/// Some of the extremes of the precision (±max, ±smallest normal and subnormal, ±0) and up to 40 finite
/// values of every scale, shuffled. Not all extremes at once: a batch holding both −max and +max hides
/// kernels that decide per batch.
let valuesWithExtremes (dtype: Dtype) : Gen<float[]> =
    gen {
        let! some = Gen.subListOf (Generators.extremes dtype)
        let! n = Gen.choose (0, 40)
        let! xs = Gen.listOfLength n (Generators.anyFinite dtype)
        return! Gen.shuffle (some @ xs)
    }

/// Checks `property` on `maxTest` random batches of `valuesWithExtremes` (from the fixed `Generators.Replay`
/// seed), then on each extreme alone; throws on the first failure (use inside a `[<Fact>]`).
let forValues (dtype: Dtype) (maxTest: int) (property: float[] -> Property) =
    Generators.check maxTest (Prop.forAll (Arb.fromGen (valuesWithExtremes dtype)) property)
    for x in Generators.extremes dtype do
        Generators.check 1 (property [| x |])

/// σ(−x) = σ(x) bit for bit and σ′(−x) = −σ′(x) exactly (or NaN on both sides), at every value (in the precision).
let isBitwiseEven (dtype: Dtype) (a: Activation) (xs: float[]) : Property =
    let plus = activationValues dtype a xs
    let minus = activationValues dtype a (negated xs)
    let dPlus = derivativeValues dtype a xs
    let dMinus = derivativeValues dtype a (negated xs)
    // Where σ′ is undefined on both sides (NaN, e.g. a formula that overflows at ±max) it is consistently so.
    let negation (p: float) (m: float) = m = -p || (System.Double.IsNaN p && System.Double.IsNaN m)
    expect (bitwiseEqual plus minus) $"{a.Name}: σ(−x) ≠ σ(x) {firstDifference sameBits plus minus}"
    .&. expect (Array.forall2 negation dPlus dMinus) $"{a.Name}: σ′(−x) ≠ −σ′(x) {firstDifference negation dPlus dMinus}"

/// σ(−x) = −σ(x) bit for bit and σ′(−x) = σ′(x) bit for bit, at every value (in the precision).
let isBitwiseOdd (dtype: Dtype) (a: Activation) (xs: float[]) : Property =
    let minusOfPlus = negated (activationValues dtype a xs)
    let minus = activationValues dtype a (negated xs)
    let dPlus = derivativeValues dtype a xs
    let dMinus = derivativeValues dtype a (negated xs)
    expect (bitwiseEqual minusOfPlus minus) $"{a.Name}: σ(−x) ≠ −σ(x) {firstDifference sameBits minusOfPlus minus}"
    .&. expect (bitwiseEqual dPlus dMinus) $"{a.Name}: σ′(−x) ≠ σ′(x) {firstDifference sameBits dPlus dMinus}"

/// σ′ (the analytic kernel of a built-in, reverse mode for a custom formula) agrees with central finite
/// differences of σ in float64 at every value, to |a − b| ≤ tolerance · max(1, |a|, |b|). Keep the values
/// away from kinks (|z| at 0, ReLU at 0), where no derivative exists to agree with.
let derivativeMatchesFiniteDifferences (tolerance: float) (a: Activation) (xs: float[]) : Property =
    let x = Tensor.vector Float64 xs
    let analytic = Tensor.toArray (Activation.derivative a x)
    let numeric = Tensor.toArray (Diff.numericalGrad (fun t -> Tensor.sum (a.Apply t)) x)
    expect (Array.forall2 (close tolerance) analytic numeric)
        $"{a.Name}: σ′ vs finite differences {firstDifference (close tolerance) analytic numeric}"
