/// Properties of the activation catalogue: parity holds bitwise in both precisions (extremes included),
/// declared parity agrees with measured parity, Seagull's derivative is 2x/(1 + x²), the stable
/// activations stay finite, and a value's result never depends on where it sits in a batch.
/// Every test iterates over `Activation.catalogue`, so a new activation is covered without new code.
module Seagull.Tests.ActivationProperties

open Xunit
open FsCheck
open FsCheck.FSharp
open Seagull.Core
open Seagull.Testing
open Seagull.Testing.Checks

let private precisions = [ Float32; Float64 ]

let private cases (keep: Activation -> bool) : obj[] list =
    [ for a in Activation.catalogue do
        if keep a then
            for d in precisions do
                yield [| box a.Name; box (Dtype.name d) |] ]

/// (name, precision) of every even activation.
let evenCases = cases (fun a -> a.Declared = Even)
/// (name, precision) of every odd activation.
let oddCases = cases (fun a -> a.Declared = Odd)
/// (name, precision) of every activation that is neither even nor odd.
let neitherCases = cases (fun a -> a.Declared = Neither)
/// (name, precision) of every activation.
let allCases = cases (fun _ -> true)
/// (name, precision) of the activations built to stay finite for every finite input.
let stableCases = cases (fun a -> List.contains a.Name [ "seagull"; "softplus"; "logcosh"; "seagull-learned" ])
/// The name of every activation.
let allNames : obj[] list = [ for a in Activation.catalogue -> [| box a.Name |] ]

let private negated (xs: float[]) = Array.map (fun x -> -x) xs
let private forValues = ActivationChecks.forValues
let private sameBits (x: float) (y: float) = bits x = bits y

// ---- parity --------------------------------------------------------------------------------------------

[<Theory; MemberData(nameof evenCases)>]
let ``an even activation is bitwise even and its derivative exactly odd, extremes included`` (name: string) (precision: string) =
    let a = Activation.find name
    let dtype = Dtype.parse precision
    // The reusable check lets σ′ be NaN on both sides (a user's formula may overflow at ±max); the built-ins' may not.
    forValues dtype 150 (fun xs ->
        let slopes = derivativeValues dtype a xs
        ActivationChecks.isBitwiseEven dtype a xs
        .&. expect (Array.forall (System.Double.IsNaN >> not) slopes) $"σ′ is NaN {firstFailure (System.Double.IsNaN >> not) xs slopes}")

[<Theory; MemberData(nameof oddCases)>]
let ``an odd activation is bitwise odd and its derivative bitwise even, extremes included`` (name: string) (precision: string) =
    let a = Activation.find name
    let dtype = Dtype.parse precision
    forValues dtype 150 (ActivationChecks.isBitwiseOdd dtype a)

[<Theory; MemberData(nameof neitherCases)>]
let ``a neither activation has σ(−1) different from both σ(1) and −σ(1)`` (name: string) (precision: string) =
    let a = Activation.find name
    let v = activationValues (Dtype.parse precision) a [| 1.0; -1.0 |]
    Assert.True(v.[1] <> v.[0] && v.[1] <> -v.[0], $"{name}: σ(1) = {v.[0]:R}, σ(−1) = {v.[1]:R}")

[<Theory; MemberData(nameof allNames)>]
let ``declared parity agrees with measured parity`` (name: string) =
    let a = Activation.find name
    Assert.Equal(a.Declared, Activation.parityOf a)

[<Fact>]
let ``custom activations get their parity measured, not declared`` () =
    Assert.Equal(Even, (Activation.custom "seagull_by_formula" (fun z -> log (1.0 + z * z))).Declared)
    Assert.Equal(Odd, (Activation.custom "cube" (fun z -> z * z * z)).Declared)
    Assert.Equal(Neither, (Activation.custom "shifted_square" (fun z -> z * z + z)).Declared)
    // Even only up to rounding is not even: (z + 1)² − 2z differs from its mirror in the last bit
    // (at z = 0.1 in float64), and a split network with it is not exactly invariant.
    let rounded = Activation.custom "sq1" (fun z -> (z + 1.0) * (z + 1.0) - 2.0 * z)
    Assert.Equal(Neither, rounded.Declared)
    Assert.Equal(Neither, Activation.parityOf rounded)
    let split even = Architectures.split (Symmetry.blocks 2 1) { Architectures.options [ 8; 8 ] [ Activation.tanh ] with Even = even }
    Assert.False(Network.isExactlyInvariant (split rounded))
    Assert.True(Network.isExactlyInvariant (split (Activation.custom "sq2" (fun z -> z * z + 1.0))))

[<Fact>]
let ``parity is measured bit for bit; infinities and NaN are not close to anything`` () =
    // Records made directly (custom refuses non-finite formulas): z/0 is odd (sign(z)·∞), never even; NaN is neither.
    let raw name f = { Name = name; Declared = Neither; Formula = "test"; Kernel = None; Learnable = None; Expression = None; Apply = f }
    let zero (z: Tensor) = Tensor.scalar z.Dtype 0.0
    Assert.Equal(Odd, Activation.parityOf (raw "blowup" (fun z -> z / zero z)))
    Assert.Equal(Neither, Activation.parityOf (raw "nothing" (fun z -> zero z / zero z + z)))
    // A formula even in float64 but not in float32 is neither.
    let shifted = raw "f32only" (fun z -> if z.Dtype = Float32 then z * z + z else z * z)
    Assert.Equal(Neither, Activation.parityOf shifted)

[<Fact>]
let ``custom activations undefined somewhere are refused in one line`` () =
    let zero (z: Tensor) = Tensor.scalar z.Dtype 0.0
    for name, f, fragment in
        [ "lg", (fun (z: Tensor) -> log z), "gives -∞ at z = 0 in float64"
          "sqrt", (fun z -> sqrt z), "gives NaN at z = -0.001"
          "nanact", (fun z -> log (z * z - 0.5)), "gives NaN at z = 0"
          "inverse", (fun z -> Tensor.scalar z.Dtype 1.0 / z), "gives ∞ at z = 0"
          "hole", (fun z -> zero z / zero z + z), "gives NaN" ] do
        let e = Assert.Throws<SeagullException>(fun () -> Activation.custom name f |> ignore)
        Assert.DoesNotContain("\n", e.Message)
        Assert.Contains(fragment, e.Message)
        Assert.Contains("must never be NaN, and finite for |z| ≤ 5", e.Message)
    // Overflow far out is allowed: exp(z²) is ∞ from z ≈ 9.4 in float32 but finite where pre-activations live.
    Assert.Equal(Even, (Activation.custom "expsq" (fun z -> exp (z * z))).Declared)
    for bad in [ "two words"; "a,b"; "a|b"; "line\nbreak" ] do
        let e = Assert.Throws<SeagullException>(fun () -> Activation.custom bad (fun z -> z * z) |> ignore)
        Assert.Contains("must be one word", e.Message)

// ---- Seagull's derivative ------------------------------------------------------------------------------

/// 2x/(1 + x²) in double, as 2/x where x² would overflow (1/x² is then below double's precision).
let private seagullSlope (x: float) = if abs x < 1e100 then 2.0 * x / (1.0 + x * x) else 2.0 / x

[<Theory; InlineData("float32"); InlineData("float64")>]
let ``seagull's derivative is 2x over 1 + x² for every finite x`` (precision: string) =
    let dtype = Dtype.parse precision
    // three roundings in the kernel (z², +1, ÷); the ×2 is exact. Subnormal results round absolutely.
    let relative = match dtype with Float32 -> 3e-7 | Float64 -> 1e-15
    forValues dtype 200 (fun xs ->
        let d = derivativeValues dtype Activation.seagull xs
        let reference = Array.map seagullSlope xs
        let near (got: float) (want: float) = abs (got - want) <= relative * abs want + Generators.minSubnormal dtype
        expect (Array.forall2 near d reference) $"σ′ {firstDifference near d reference}")

[<Fact>]
let ``the engine's derivative of a custom log(1 + x²) equals the built-in seagull's to 1e-12`` () =
    let custom = Activation.custom "seagull_by_formula" (fun x -> log (1.0 + x * x))
    let values = Gen.oneof [ Generators.bounded -50.0 50.0; Generators.normalFloat 1e6 ]
    Generators.check 200 (Prop.forAll (Arb.fromGen (Gen.arrayOfLength 24 values)) (fun xs ->
        let engine = derivativeValues Float64 custom xs
        let builtin = derivativeValues Float64 Activation.seagull xs
        expect (Array.forall2 (close 1e-12) engine builtin) $"engine vs built-in {firstDifference (close 1e-12) engine builtin}"))

// ---- stability and determinism -------------------------------------------------------------------------

[<Theory; MemberData(nameof stableCases)>]
let ``the stable activations and their derivatives are finite for every finite x`` (name: string) (precision: string) =
    let a = Activation.find name
    let dtype = Dtype.parse precision
    forValues dtype 200 (fun xs ->
        let y = activationValues dtype a xs
        let d = derivativeValues dtype a xs
        let finite (v: float) = System.Double.IsFinite v
        expect (Array.forall finite y) $"σ {firstFailure finite xs y}"
        .&. expect (Array.forall finite d) $"σ′ {firstFailure finite xs d}")

/// Neighbours that push vectorised math off its fast path (huge, overflowing, tiny), in the precision.
let private awkwardNeighbours (dtype: Dtype) =
    Array.append (Generators.extremes dtype) [| 1e6; -800.0; 360.0; 100.0; 30.0; 0.5; 1e300 |]
    |> Array.filter (fun v -> abs v <= Generators.maxFinite dtype)

[<Theory; MemberData(nameof allCases)>]
let ``an activation's value and derivative at x do not depend on x's neighbours, offset or batch size`` (name: string) (precision: string) =
    let a = Activation.find name
    let dtype = Dtype.parse precision
    let case =
        gen {
            let! n = Gen.choose (1, 40)
            let! xs = Gen.arrayOfLength n (Generators.anyFinite dtype)
            let! before = Gen.choose (0, 17)
            let! after = Gen.choose (0, 17)
            let! filler = Gen.elements (awkwardNeighbours dtype)
            return xs, before, after, filler
        }
    Generators.check 40 (Prop.forAll (Arb.fromGen case) (fun (xs, before, after, filler) ->
        let batch = Array.concat [ Array.create before filler; xs; Array.create after filler ]
        let inBatch (f: float[] -> float[]) = Array.sub (f batch) before xs.Length
        let alone (f: float[] -> float[]) = xs |> Array.map (fun x -> (f [| x |]).[0])
        let value = activationValues dtype a
        let slope = derivativeValues dtype a
        expect (bitwiseEqual (inBatch value) (value xs)) $"σ in a batch vs σ of the values {firstDifference sameBits (inBatch value) (value xs)}"
        .&. expect (bitwiseEqual (alone value) (value xs)) $"σ alone vs in a batch {firstDifference sameBits (alone value) (value xs)}"
        .&. expect (bitwiseEqual (inBatch slope) (slope xs)) $"σ′ in a batch vs σ′ of the values {firstDifference sameBits (inBatch slope) (slope xs)}"
        .&. expect (bitwiseEqual (alone slope) (slope xs)) $"σ′ alone vs in a batch {firstDifference sameBits (alone slope) (slope xs)}"))

// ---- values against their formulas ---------------------------------------------------------------------

/// Each built-in activation's formula in float64 with System.Math, written independently of the kernels.
let private formula (name: string) : float -> float =
    let sigmoid (z: float) = 1.0 / (1.0 + System.Math.Exp(-z))
    match name with
    | "seagull" | "seagull-learned" -> fun z -> System.Math.Log(1.0 + z * z)
    | "square" -> fun z -> z * z
    | "abs" -> abs
    | "gaussian" | "gaussian-learned" -> fun z -> System.Math.Exp(-z * z)
    | "logcosh" -> fun z -> System.Math.Log(System.Math.Cosh z)
    | "cos" -> cos
    | "identity" -> id
    | "tanh" -> tanh
    | "relu" -> fun z -> max z 0.0
    | "leakyrelu" -> fun z -> if z > 0.0 then z else 0.01 * z
    | "sigmoid" -> sigmoid
    | "softplus" -> fun z -> System.Math.Log(1.0 + System.Math.Exp z)
    | "elu" -> fun z -> if z > 0.0 then z else System.Math.Exp z - 1.0
    | "silu" -> fun z -> z * sigmoid z
    | "gelu" -> fun z -> 0.5 * z * (1.0 + tanh (sqrt (2.0 / System.Math.PI) * (z + 0.044715 * z * z * z)))
    | other -> failwith $"no reference formula for '{other}': add one here"

[<Theory; MemberData(nameof allCases)>]
let ``every activation's value agrees with its formula on [−20, 20]`` (name: string) (precision: string) =
    // Relative 1e-12 (float64) or 2e-6 (float32) of the value, plus an absolute 1e-14 or 1e-6 for the results
    // near 0 that cancel (log cosh z and exp z − 1 near 0). The float32 inputs are float32 numbers.
    let dtype = Dtype.parse precision
    let a = Activation.find name
    let reference = formula name
    let rel, absolute = (if dtype = Float64 then 1e-12, 1e-14 else 2e-6, 1e-6)
    let values = Gen.arrayOf (Generators.bounded -20.0 20.0) |> Gen.map (Array.map (fun v -> if dtype = Float32 then float (float32 v) else v))
    Generators.check 100 (Prop.forAll (Arb.fromGen values) (fun xs ->
        let got = activationValues dtype a xs
        let want = Array.map reference xs
        let close (g: float) (w: float) = abs (g - w) <= rel * abs w + absolute
        expect (Array.forall2 close got want) $"{name} {precision}: {firstDifference close got want}"))
