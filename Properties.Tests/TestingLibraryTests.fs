/// Seagull.Testing, tested as a suite author would use it: deliberately false properties shrink to minimal
/// counterexamples, every check passes good input and fails bad input with a message that names the input, runs
/// take a seed, a count and quietness, and the Arbitraries attach by type.
module Seagull.Tests.TestingLibraryTests

open System
open System.IO
open Xunit
open FsCheck
open FsCheck.FSharp
open FsCheck.Xunit
open Seagull.Core
open Seagull.Testing
open Seagull.Testing.NetworkGenerators

let private fixedSeed = Runs.replaying Generators.Replay 100

/// Runs a property that must fail and returns what the run found.
let private falsified (property: Property) : RunResult =
    let result = Runs.run fixedSeed property
    Assert.False(result.Passed, "the property should have failed")
    result

let private labels (result: RunResult) = String.concat "\n" result.Labels

/// The failure message of a property that must fail on one case.
let private failureOf (property: Property) : string = labels (Runs.run (Runs.replaying Generators.Replay 1) property)

let private holds (property: Property) = Runs.check fixedSeed property

// ---- shrinking -----------------------------------------------------------------------------------------------

[<Fact>]
let ``a false property of finite doubles shrinks to the single value at its edge`` () =
    let result = falsified (Prop.forAll (SeagullArb.finite Float64) (fun x -> x < 1.0))
    Assert.Equal<obj[]>([| box 1.0 |], result.Counterexample)
    Assert.True(result.Shrinks > 0)

[<Fact>]
let ``a negative counterexample keeps its sign while it shrinks`` () =
    let result = falsified (Prop.forAll (SeagullArb.finite Float64) (fun x -> x > -1.0))
    Assert.Equal<obj[]>([| box -1.0 |], result.Counterexample)

[<Fact>]
let ``float32 values shrink through float32 values`` () =
    let result = falsified (Prop.forAll SeagullArb.finite32 (fun x -> x < 1000.0f))
    Assert.Equal<obj[]>([| box 1000.0f |], result.Counterexample)

[<Fact>]
let ``bounded shrinks towards the edge of the claim, where the generator alone did not shrink`` () =
    let result = falsified (Prop.forAll (SeagullArb.bounded 0.0 1.0) (fun x -> x <= 0.5))
    let x = unbox<float> result.Counterexample.[0]
    Assert.True(x > 0.5 && x < 0.5 + 1e-6, $"shrunk to {x}")

[<Fact>]
let ``a tensor shrinks to one row with one value left`` () =
    let result = falsified (Prop.forAll (Arbitraries.Tensor()) (fun t -> Tensor.toArray t |> Array.forall (fun v -> v < 5.0)))
    let t = unbox<Tensor> result.Counterexample.[0]
    if t.Shape.Length > 0 then Assert.Equal(1, t.Shape.[0])
    Assert.Equal<float[]>([| 5.0 |], Tensor.toArray t |> Array.filter (fun v -> v <> 0.0))

[<Fact>]
let ``a failing network case shrinks to one row, d = 1, k = 0 and one layer, printed on one line`` () =
    let result = falsified (Prop.forAll (SeagullArb.networkCase "mlp" Float64) swapInvariance)
    let c = unbox<NetworkCase> result.Counterexample.[0]
    Assert.Equal(1, c.Rows)
    Assert.Equal(Some (1, 0), Symmetry.blockWidths c.Spec.Symmetry)
    let _, options = (Architectures.recognise c.Spec).Value
    Assert.Equal(1, options.Hidden.Length)
    Assert.Equal(1, options.Outputs)
    Assert.Equal(0, c.Seed)
    // FsCheck prints arguments with %A: the case's StructuredFormatDisplay makes that its one line.
    Assert.Equal(c.Display, sprintf "%A" c)
    Assert.DoesNotContain("\n", c.Display)
    Assert.Contains("u:1 v:1 w:0", c.Display)
    Assert.Contains("rows=1: [", c.Display)
    Assert.Contains("mlp 2→", result.Message)
    Assert.Contains("not swap-invariant: row 0: u | v | w = ", result.Message)

[<Fact>]
let ``a tree case shrinks its rows and seed`` () =
    let cases = treeCase Float64 |> Gen.filter (fun c -> not c.IsExactlyInvariant)
    let result = Runs.run (Runs.replaying Generators.Replay 200) (Prop.forAll (SeagullArb.networkCaseOf cases) swapInvariance)
    if not result.Passed then Assert.Equal(1, (unbox<NetworkCase> result.Counterexample.[0]).Rows)

// ---- messages ------------------------------------------------------------------------------------------------

[<Fact>]
let ``the parity check names the input itself in round-trip form`` () =
    let message = failureOf (ActivationChecks.isBitwiseEven Float64 Activation.tanh [| 1.0; 4.778460000000001 |])
    Assert.Contains("tanh (float64): σ(-x) ≠ σ(x) at x = 1: σ(1) = 0.7615941559557649, σ(-1) = -0.7615941559557649", message)
    // tanh(−0) = −0 is not tanh(0) = +0 bit for bit: even the first input is named
    Assert.Contains("σ(0) = 0, σ(-0) = -0", failureOf (ActivationChecks.valueIsEven Float64 Activation.tanh [| 0.0 |]))
    let later = failureOf (ActivationChecks.valueIsEven Float64 Activation.tanh [| 4.778460000000001 |])
    Assert.Contains("σ(4.778460000000001) = ", later)
    Assert.Contains("σ(-4.778460000000001) = ", later)

[<Fact>]
let ``a float32 input is shown as the float32 it is`` () =
    let message = failureOf (ActivationChecks.valueIsEven Float32 Activation.tanh [| 0.1 |])
    Assert.Contains("σ(0.1) = ", message)
    Assert.DoesNotContain("0.10000000149011612", message)

[<Fact>]
let ``a failure message carries the counterexample and the seed to replay it`` () =
    let result = falsified (Prop.forAll (SeagullArb.finite Float64) (fun x -> x < 1.0))
    Assert.Contains("falsified after ", result.Message)
    Assert.Contains(": 1", result.Message)
    Assert.Contains($"Replay = \"{Generators.Replay}\" repeats the run", result.Message)
    Assert.Equal(Generators.Replay, result.Replay)
    let e = Assert.Throws<CounterexampleException>(fun () -> Runs.check fixedSeed (Prop.forAll (SeagullArb.finite Float64) (fun x -> x < 1.0)))
    Assert.Equal(result.Message, e.Message)

[<Fact>]
let ``a fresh seed is printed, and replaying it finds the same counterexample`` () =
    let property = Prop.forAll (SeagullArb.finite Float64) (fun x -> abs x < 1e10)
    let first = Runs.run RunConfig.Default property
    Assert.False first.Passed
    Assert.Matches(@"^\(\d+,\d+\)$", first.Replay)
    Assert.Contains($"Replay = \"{first.Replay}\"", first.Message)
    let again = Runs.run (RunConfig.Default.WithReplay first.Replay) property
    Assert.Equal<obj[]>(first.Counterexample, again.Counterexample)
    let alone = Runs.run (RunConfig.Default.WithReplay first.ReplayFailingCase) property
    Assert.Equal(1, alone.Tests)
    Assert.Throws<ArgumentException>(fun () -> Runs.parseReplay "seed 3" |> ignore) |> ignore

[<Fact>]
let ``runs are quiet on success unless asked, and take their count`` () =
    let writer = new StringWriter()
    let before = Console.Out
    Console.SetOut writer
    try
        Runs.check (RunConfig.Default.WithMaxTest 7) (Prop.forAll (SeagullArb.finite Float64) (fun x -> x = x))
        ActivationChecks.forValues Float64 5 (ActivationChecks.isBitwiseEven Float64 Activation.seagull)
        let quiet = writer.ToString()
        Runs.check (RunConfig.Default.WithMaxTest(7).WithQuiet false) (Prop.forAll (SeagullArb.finite Float64) (fun x -> x = x))
        Assert.Equal("", quiet)
        Assert.Contains("Ok, passed 7 tests", writer.ToString())
    finally
        Console.SetOut before
    Assert.Equal(7, (Runs.run (RunConfig.Default.WithMaxTest 7) (Prop.forAll (SeagullArb.finite Float64) (fun x -> x = x))).Tests)

// ---- activation checks ---------------------------------------------------------------------------------------

// z²/(1 + z²) as the README used to write it: ∞/∞ = NaN once z² overflows.
let private naiveRatio = Activation.custom "naive_ratio" (fun z -> z * z / (1.0 + z * z))
let private ratio = Activation.custom "ratio" (fun z -> 1.0 - 1.0 / (1.0 + z * z))

[<Fact>]
let ``NaN never passes a parity check, though it has the same bits on both sides`` () =
    let message = failureOf (ActivationChecks.isBitwiseEven Float64 naiveRatio [| 1e200 |])
    Assert.Contains("naive_ratio (float64): σ(1E+200) = NaN, σ(-1E+200) = NaN: NaN is never even", message)
    Assert.Contains("NaN", failureOf (ActivationChecks.isBitwiseEven Float32 naiveRatio [| 1e20 |]))
    Assert.Contains("NaN", failureOf (ActivationChecks.derivativeIsOdd Float64 naiveRatio [| 1e200 |]))
    for dtype in [ Float32; Float64 ] do
        ActivationChecks.forValues dtype 100 (ActivationChecks.isBitwiseEven dtype ratio)

[<Fact>]
let ``finite at every finite input: passes seagull and ratio, fails square and naive ratio with the input`` () =
    for dtype in [ Float32; Float64 ] do
        ActivationChecks.forValues dtype 100 (ActivationChecks.isFinite dtype Activation.seagull)
        ActivationChecks.forValues dtype 100 (ActivationChecks.isFinite dtype ratio)
    Assert.Contains("square (float64): σ(1E+200) = Infinity, not a finite number", failureOf (ActivationChecks.valueIsFinite Float64 Activation.square [| 1.0; 1e200 |]))
    Assert.Contains("naive_ratio (float32): σ(1E+20) = NaN, not a finite number", failureOf (ActivationChecks.isFinite Float32 naiveRatio [| 1e20 |]))
    Assert.Contains("σ′(", failureOf (ActivationChecks.derivativeIsFinite Float64 Activation.gelu [| 1e200 |]))
    // non-finite inputs are not the activation's fault: they are left out
    holds (ActivationChecks.isFinite Float64 Activation.tanh [| nan; infinity; 1.0 |])

[<Fact>]
let ``derivative parity alone: passes an even and an odd activation, fails relu and square with the input`` () =
    for dtype in [ Float32; Float64 ] do
        ActivationChecks.forValues dtype 100 (ActivationChecks.derivativeIsOdd dtype Activation.seagull)
        ActivationChecks.forValues dtype 100 (ActivationChecks.derivativeIsEven dtype Activation.tanh)
    Assert.Contains("relu (float64): σ′(-x) ≠ -σ′(x) at x = 2: σ′(2) = 1, σ′(-2) = 0", failureOf (ActivationChecks.derivativeIsOdd Float64 Activation.relu [| 2.0 |]))
    Assert.Contains("square (float32): σ′(-x) ≠ σ′(x) at x = 1.5: σ′(1.5) = 3, σ′(-1.5) = -3", failureOf (ActivationChecks.derivativeIsEven Float32 Activation.square [| 1.5 |]))

[<Fact>]
let ``odd parity passes tanh and fails seagull with the input`` () =
    ActivationChecks.forValues Float64 100 (ActivationChecks.isBitwiseOdd Float64 Activation.tanh)
    Assert.Contains("seagull (float64): σ(-x) ≠ -σ(x) at x = 3: σ(3) = ", failureOf (ActivationChecks.isBitwiseOdd Float64 Activation.seagull [| 3.0 |]))

// A built-in's fused kernel (tanh's, with its derivative) under another function: its σ′ is not the derivative of its σ.
let private liar = { Activation.tanh with Name = "liar"; Apply = Tensor.sin }

[<Fact>]
let ``derivative against finite differences: passes tanh, fails a kernel that lies about its derivative`` () =
    holds (Prop.forAll (Arb.array (SeagullArb.bounded -5.0 5.0)) (ActivationChecks.derivativeMatchesFiniteDifferences 1e-6 Activation.tanh))
    let message = failureOf (ActivationChecks.derivativeMatchesFiniteDifferences 1e-6 liar [| 0.0; 0.5 |])
    Assert.Contains("liar: at x = 0.5: σ′(x) = 0.7864477329659274 but finite differences give 0.877582561", message)

// ---- swap invariance of any function ---------------------------------------------------------------------------

let private blocks = Symmetry.blocks 1 1

/// Even in u − v and in u + v: invariant.
let private invariantF (x: Tensor) =
    let u, v, w = Symmetry.parts blocks x
    Tensor.square (u - v) + (u + v) * w

/// Just u: not invariant.
let private firstColumn (x: Tensor) = Tensor.sliceColumns 0 1 x

[<Fact>]
let ``swap invariance of any function: passes an invariant one, fails one that is not with the row as u | v | w`` () =
    holds (Prop.forAll (SeagullArb.inputs blocks Float64) (SwapChecks.invariance blocks invariantF))
    let x = Tensor.ofArray Float64 [| 2; 3 |] [| 1.0; 1.0; 7.0; 0.5; -1.0; 2.0 |]
    Assert.True(SwapChecks.isInvariant blocks invariantF x)
    Assert.False(SwapChecks.isInvariant blocks firstColumn x)
    Assert.Equal("not swap-invariant under u:1 v:1 w:1: row 1: u | v | w = 0.5 | -1 | 2: f(u,v,w) = 0.5 but f(v,u,w) = -1",
                 failureOf (SwapChecks.invariance blocks firstColumn x))

[<Fact>]
let ``a failing batch of inputs shrinks to one row`` () =
    let result = falsified (Prop.forAll (SeagullArb.inputs (Symmetry.blocks 2 1) Float32) (SwapChecks.invariance (Symmetry.blocks 2 1) firstColumn))
    Assert.Equal(1, (unbox<Tensor> result.Counterexample.[0]).Shape.[0])

[<Fact>]
let ``the network swap invariance names the network and the row`` () =
    let spec = Architectures.mlp (Symmetry.blocks 1 0) { Architectures.options [ 2 ] [ Activation.tanh ] with Precision = Float64 }
    let message = failureOf (swapInvariance { Spec = spec; Seed = 1; Rows = 1; Inputs = [| 0.5; -1.0 |] })
    Assert.Contains("mlp 2→2(tanh)→1 float64 (u:1 v:1 w:0) seed=1 rows=1: [0.5 | -1 |]: not swap-invariant: row 0: u | v | w = 0.5 | -1 |: f(u,v,w) = ", message)

// ---- parameter gradients of any network function ------------------------------------------------------------

/// A copy of the values outside the differentiation tape: the bug of a layer that detaches its parameters, whose
/// gradient is then 0 while the output still depends on them.
let private detached (t: Tensor) = Tensor.ofArray t.Dtype t.Shape (Tensor.toArray t)

let private network (activation: Activation) =
    Architectures.pooled (Symmetry.blocks 2 1) { Architectures.options [ 4; 3 ] [ activation ] with Outputs = 2; Precision = Float64 }

[<Fact>]
let ``parameter gradients against finite differences: pass a network, fail one whose kernel lies, naming the parameter`` () =
    let x = Tensor.ofArray Float64 [| 3; 5 |] (Random.uniforms (Random.key 1) 15 -2.0 2.0)
    for seed in 0 .. 4 do
        let spec = network Activation.tanh
        holds (GradientChecks.parametersAgree 1e-6 (Network.apply spec) (Network.init spec (Random.key seed)) x seed)
    let spec = network Activation.tanh
    let detaching (q: Params) (x: Tensor) = Network.apply spec (Params.map detached q) x
    let message = failureOf (GradientChecks.parametersAgree 1e-6 detaching (Network.init spec (Random.key 0)) x 0)
    Assert.Matches(@"^parameter [a-z0-9/]+\[\d+\] \(value -?[0-9.E+-]+\): gradient -?[0-9.E+-]+ but finite differences give -?[0-9.E+-]+$", message)

[<Fact>]
let ``input gradients against finite differences: pass matmul, fail a function that detaches its input`` () =
    let a = Tensor.ofArray Float64 [| 2; 3 |] [| 1.0; -2.0; 0.5; 3.0; 0.25; -1.0 |]
    let b = Tensor.ofArray Float64 [| 3; 2 |] [| 0.5; 1.0; -1.5; 2.0; 0.75; -0.25 |]
    holds (GradientChecks.inputsAgree 1e-6 (fun ts -> Tensor.matmul ts.[0] ts.[1]) [ a; b ] 3)
    Assert.Contains("gradient vs finite differences: input 0 element 0 (value 1): gradient ", failureOf (GradientChecks.inputAgrees 1e-6 (fun t -> detached t * 2.0) a 3))

// ---- generators --------------------------------------------------------------------------------------------

[<Fact>]
let ``normalFloat yields ±0, subnormals, every scale up to the limit, and the limit itself rarely`` () =
    let draws (limit: float) = Gen.sampleWithSeed (Rnd(7UL, 11UL)) 100 4000 (Generators.normalFloat limit)
    let small = draws 10.0
    Assert.All(small, fun x -> Assert.True(Double.IsFinite x && abs x <= 10.0))
    Assert.Contains(small, fun x -> x = 0.0 && Double.IsNegative x)
    Assert.Contains(small, fun x -> x = 0.0 && not (Double.IsNegative x))
    Assert.Contains(small, fun x -> x <> 0.0 && abs x < 2.2250738585072014E-308)
    Assert.True((small |> Array.filter (fun x -> abs x = 10.0)).Length < small.Length / 10, "±limit should be rare")
    let large = draws 1e308
    Assert.Contains(large, fun x -> abs x > 1e300)
    Assert.Contains(large, fun x -> abs x < 1e-300)

[<Fact>]
let ``float shrinking keeps −0 and the sign, and always ends`` () =
    Assert.Empty(Shrinkers.finite Float64 -0.0)
    Assert.Empty(Shrinkers.finite Float64 0.0)
    Assert.Equal(-0.0, Seq.head (Shrinkers.finite Float64 -4.75))
    Assert.True(Double.IsNegative (Seq.head (Shrinkers.finite Float64 -4.75)))
    Assert.All(Shrinkers.finite Float64 -4.75, fun c -> Assert.True(c <= 0.0 && c > -4.75))
    Assert.All(Shrinkers.finite Float32 3.0e38, fun c -> Assert.Equal(c, float (float32 c)))
    Assert.All(Shrinkers.bounded 2.0 3.0 2.75, fun c -> Assert.True(c >= 2.0 && c < 2.75))

// ---- Arbitraries by type -------------------------------------------------------------------------------------

[<Property(Replay = Generators.Replay, MaxTest = 50, Arbitrary = [| typeof<Arbitraries> |])>]
let ``typed arguments get Seagull's Arbitraries per property`` (x: float) (y: float32) (xs: float[]) (c: NetworkCase) (t: Tensor) =
    Double.IsFinite x && Single.IsFinite y && Array.forall Double.IsFinite xs && c.Rows >= 1 && t.Dtype = Float64

/// Arbitraries attached once for every property of a module.
[<Properties(Replay = Generators.Replay, MaxTest = 30, Arbitrary = [| typeof<Arbitraries> |])>]
module ``Arbitraries per module`` =
    [<Property>]
    let ``exactly invariant cases are swap-invariant`` (c: NetworkCase) =
        c.IsExactlyInvariant ==> swapInvariance c

    [<Property>]
    let ``symmetries swap back`` (s: Symmetry) (values: float[]) =
        let row = Array.init s.Width (fun j -> if values.Length = 0 then 0.0 else values.[j % values.Length])
        Checks.bitwiseEqual row (Symmetry.swapRows s (Symmetry.swapRows s row))
