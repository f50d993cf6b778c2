/// Reusable properties of one activation, for suites that test their own: exact parity (the value and its
/// derivative, or the derivative alone) over values of every scale with the precision's extremes, values and
/// derivatives finite at every finite input, and the derivative against central finite differences. Each returns an
/// FsCheck `Property` whose failure names the input itself in round-trip form, e.g.
/// `ratio (float64): σ(-x) ≠ σ(x) at x = 4.778460000000001: σ(4.778460000000001) = …, σ(-4.778460000000001) = …`.
/// NaN never passes a parity check: NaN has the same bits on both sides, but it is no value at all.
///
/// Example (an activation of your own, in both precisions):
/// ```
/// let ratio = Activation.custom "ratio" (fun z -> 1.0 - 1.0 / (1.0 + z * z))
/// [<Fact>]
/// let ``ratio is exactly even and finite`` () =
///     for dtype in [ Float32; Float64 ] do
///         ActivationChecks.forValues dtype 200 (ActivationChecks.isBitwiseEven dtype ratio)
///         ActivationChecks.forValues dtype 200 (ActivationChecks.isFinite dtype ratio)
/// [<Property>]
/// let ``ratio's derivative matches finite differences`` () =
///     Prop.forAll (Arb.array (SeagullArb.bounded -5.0 5.0)) (ActivationChecks.derivativeMatchesFiniteDifferences 1e-6 ratio)
/// ```
module Seagull.Testing.ActivationChecks

open System
open FsCheck
open FsCheck.FSharp
open Seagull.Core
open Seagull.Testing.Checks

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

/// `valuesWithExtremes` with a shrinker: fewer values (one alone first), then each value towards 0 keeping its sign.
let valuesWithExtremesArb (dtype: Dtype) : Arbitrary<float[]> =
    let shrink (xs: float[]) = Shrinkers.rowsAndValues (Shrinkers.finite dtype) xs.Length xs |> Seq.map snd
    Arb.fromGenShrink (valuesWithExtremes dtype, shrink)

/// Checks `property` on random batches of `valuesWithExtremes` with the run's seed and count, then on each extreme
/// alone; throws `CounterexampleException` on the first failure, whose message shows the smallest batch found and the
/// seed (use inside a `[<Fact>]`). Quiet on success unless `config.Quiet` is false.
let forValuesWith (config: RunConfig) (dtype: Dtype) (property: float[] -> Property) =
    Runs.check config (Prop.forAll (valuesWithExtremesArb dtype) property)
    for x in Generators.extremes dtype do
        Runs.check { config with MaxTest = 1 } (property [| x |])

/// `forValuesWith` on `maxTest` batches from the fixed seed `Generators.Replay`, quietly.
let forValues (dtype: Dtype) (maxTest: int) (property: float[] -> Property) =
    forValuesWith (Runs.replaying Generators.Replay maxTest) dtype property

/// The first input (as the precision holds it) where `ok` fails, by index.
let private firstFailing (xs: float[]) (ok: int -> bool) : int option =
    Seq.init xs.Length id |> Seq.tryFind (ok >> not)

let private parityCheck (dtype: Dtype) (a: Activation) (xs: float[]) (relation: string) (name: string)
                        (values: float[] -> float[]) (holds: float -> float -> float -> float -> bool) (symbol: string) : Property =
    let xs = Array.map (fun x -> match dtype with Float32 -> float (float32 x) | Float64 -> x) xs
    let plus, minus = values xs, values (negated xs)
    let show = Show.number dtype
    match firstFailing xs (fun i -> not (Double.IsNaN plus.[i]) && not (Double.IsNaN minus.[i]) && holds xs.[i] plus.[i] minus.[i] (-xs.[i])) with
    | None -> Prop.ofTestable true
    | Some i ->
        let x = xs.[i]
        let at = $"{symbol}({show x}) = {show plus.[i]}, {symbol}({show -x}) = {show minus.[i]}"
        let why =
            if Double.IsNaN plus.[i] || Double.IsNaN minus.[i] then $"{at}: NaN is never {name} ({symbol} must be a number at every finite input)"
            else $"{relation} at x = {show x}: {at}"
        Prop.label $"{a.Name} ({Dtype.name dtype}): {why}" false

let private valuesOf dtype a xs = activationValues dtype a xs
let private derivativesOf dtype a xs = derivativeValues dtype a xs

/// σ(−x) = σ(x) bit for bit at every value (in the precision), and never NaN.
let valueIsEven (dtype: Dtype) (a: Activation) (xs: float[]) : Property =
    parityCheck dtype a xs "σ(-x) ≠ σ(x)" "even" (valuesOf dtype a) (fun _ p m _ -> sameBits p m) "σ"

/// σ(−x) = −σ(x) bit for bit at every value (in the precision), and never NaN.
let valueIsOdd (dtype: Dtype) (a: Activation) (xs: float[]) : Property =
    parityCheck dtype a xs "σ(-x) ≠ -σ(x)" "odd" (valuesOf dtype a) (fun _ p m _ -> sameBits (-p) m) "σ"

/// The derivative alone is odd, as an even σ's is: σ′(−x) = −σ′(x) exactly (as numbers, so σ′(0) may be ±0), never NaN.
let derivativeIsOdd (dtype: Dtype) (a: Activation) (xs: float[]) : Property =
    parityCheck dtype a xs "σ′(-x) ≠ -σ′(x)" "odd" (derivativesOf dtype a) (fun _ p m _ -> m = -p) "σ′"

/// The derivative alone is even, as an odd σ's is: σ′(−x) = σ′(x) bit for bit, never NaN.
let derivativeIsEven (dtype: Dtype) (a: Activation) (xs: float[]) : Property =
    parityCheck dtype a xs "σ′(-x) ≠ σ′(x)" "even" (derivativesOf dtype a) (fun _ p m _ -> sameBits p m) "σ′"

/// σ(−x) = σ(x) bit for bit and σ′(−x) = −σ′(x) exactly at every value (in the precision); NaN fails.
let isBitwiseEven (dtype: Dtype) (a: Activation) (xs: float[]) : Property =
    valueIsEven dtype a xs .&. derivativeIsOdd dtype a xs

/// σ(−x) = −σ(x) bit for bit and σ′(−x) = σ′(x) bit for bit at every value (in the precision); NaN fails.
let isBitwiseOdd (dtype: Dtype) (a: Activation) (xs: float[]) : Property =
    valueIsOdd dtype a xs .&. derivativeIsEven dtype a xs

let private finiteCheck (dtype: Dtype) (a: Activation) (xs: float[]) (symbol: string) (values: float[] -> float[]) : Property =
    let xs = xs |> Array.map (fun x -> match dtype with Float32 -> float (float32 x) | Float64 -> x) |> Array.filter Double.IsFinite
    let ys = values xs
    match firstFailing xs (fun i -> Double.IsFinite ys.[i]) with
    | None -> Prop.ofTestable true
    | Some i ->
        Prop.label $"{a.Name} ({Dtype.name dtype}): {symbol}({Show.number dtype xs.[i]}) = {Show.number dtype ys.[i]}, not a finite number" false

/// σ(x) is a finite number at every finite x (in the precision); non-finite inputs are left out.
let valueIsFinite (dtype: Dtype) (a: Activation) (xs: float[]) : Property = finiteCheck dtype a xs "σ" (valuesOf dtype a)

/// σ′(x) is a finite number at every finite x (in the precision).
let derivativeIsFinite (dtype: Dtype) (a: Activation) (xs: float[]) : Property = finiteCheck dtype a xs "σ′" (derivativesOf dtype a)

/// σ(x) and σ′(x) are finite numbers at every finite x (in the precision).
let isFinite (dtype: Dtype) (a: Activation) (xs: float[]) : Property =
    valueIsFinite dtype a xs .&. derivativeIsFinite dtype a xs

/// σ′ (the analytic kernel of a built-in, reverse mode for a custom formula) agrees with central finite
/// differences of σ in float64 at every value, to |a − b| ≤ tolerance · max(1, |a|, |b|). Keep the values
/// away from kinks (|z| at 0, ReLU at 0), where no derivative exists to agree with.
let derivativeMatchesFiniteDifferences (tolerance: float) (a: Activation) (xs: float[]) : Property =
    let x = Tensor.vector Float64 xs
    let analytic = Tensor.toArray (Activation.derivative a x)
    let numeric = Tensor.toArray (Diff.numericalGrad (fun t -> Tensor.sum (a.Apply t)) x)
    match firstFailing xs (fun i -> close tolerance analytic.[i] numeric.[i]) with
    | None -> Prop.ofTestable true
    | Some i ->
        let show = Show.float64
        Prop.label $"{a.Name}: at x = {show xs.[i]}: σ′(x) = {show analytic.[i]} but finite differences give {show numeric.[i]}" false
