/// The learnable even activations `seagull-learned` = log(1 + (αz)²)/α² and `gaussian-learned` = exp(−(αz)²): even in z
/// bit for bit for every α (extremes included) in both precisions, with ∂σ/∂z exactly odd and ∂σ/∂α exactly even;
/// gradients against finite differences; α in the parameter tree (initialised at 1 without touching the weights'
/// draws), counted, saved and checked on load; even layers and exactly invariant networks; the summary `train` prints.
module Seagull.Tests.LearnedActivationTests

open System
open System.IO
open System.Text.Json.Nodes
open Xunit
open FsCheck
open FsCheck.FSharp
open Seagull.Core
open Seagull.Testing
open Seagull.Testing.Checks

let private learned = [ Activation.seagullLearned; Activation.gaussianLearned ]

/// (name, precision) of each learnable activation.
let learnedCases : obj[] list =
    [ for a in learned do for d in [ "float32"; "float64" ] -> [| box a.Name; box d |] ]

let private sameBits (x: float) (y: float) = bits x = bits y
let private inPrecision (dtype: Dtype) (x: float) = match dtype with Float32 -> float (float32 x) | Float64 -> x

/// σ, ∂σ/∂α and ∂σ/∂z at (αᵢ, zᵢ), one α per column of a 1 × n row, so that each ∂σ/∂α is one element's.
let private valueAndSlopes (dtype: Dtype) (a: Activation) (alphas: float[]) (zs: float[]) =
    let alpha = Tensor.vector dtype alphas
    let z = Tensor.ofArray dtype [| 1; zs.Length |] zs
    let y = Activation.applyWith a alpha z |> Tensor.toArray
    let _, grads = Diff.valueAndGradMany (fun ts -> Tensor.sum (Activation.applyWith a ts.[0] ts.[1])) [| alpha; z |]
    y, Tensor.toArray grads.[0], Tensor.toArray grads.[1]

/// α of every kind: the valid range is every finite number (±0 is the limit), tiny to huge, with extremes.
let private alphas (dtype: Dtype) =
    Gen.frequency
        [ 3, Generators.normalFloat (Generators.maxFinite dtype)
          1, Gen.elements (Array.append (Generators.extremes dtype) [| 1.0; -1.0; 1e-3; 1e3 |])
          2, Generators.bounded -4.0 4.0 ]
    |> Gen.map (inPrecision dtype)

let private zs (dtype: Dtype) =
    Gen.frequency [ 3, Generators.normalFloat (Generators.maxFinite dtype); 1, Gen.elements (Generators.extremes dtype); 2, Generators.anyFinite dtype ]
    |> Gen.map (inPrecision dtype)

// ---- names -----------------------------------------------------------------------------------------------

[<Fact>]
let ``the learnable activations resolve by name, are built in, even and learnable`` () =
    for a, name in [ Activation.seagullLearned, "seagull-learned"; Activation.gaussianLearned, "gaussian-learned" ] do
        Assert.Equal(name, a.Name)
        Assert.Same(a, Activation.find name)
        Assert.Same(a, (Activation.tryFind $"  {name.ToUpperInvariant()} ").Value)
        Assert.True(Activation.catalogue |> List.exists (fun b -> obj.ReferenceEquals(a, b)))
        Assert.True(Activation.isLearnable a)
        Assert.True(Activation.isBuiltIn a)
        Assert.Equal(Even, a.Declared)
        Assert.Equal(Even, Activation.parityOf a)
        Assert.Contains("α", a.Formula)
    Assert.False(Activation.isLearnable Activation.seagull)
    // Their names are a built-in's: a custom activation cannot take them.
    expectOneLineError [ "is the name of a built-in activation" ] (fun () -> Activation.custom "seagull-learned" (fun z -> z * z)) |> ignore
    // Even ones first: the learnable ones come after the fixed even ones, before the odd ones.
    let names = Activation.catalogue |> List.map (fun a -> a.Name)
    Assert.True(List.findIndex ((=) "gaussian-learned") names < List.findIndex ((=) "identity") names)
    expectOneLineError [ "has no learnable shape" ] (fun () -> Activation.applyWith Activation.tanh (Tensor.scalar Float64 1.0) (Tensor.vector Float64 [| 1.0 |])) |> ignore

// ---- evenness bit for bit --------------------------------------------------------------------------------

[<Theory; MemberData(nameof learnedCases)>]
let ``σ(−z; α) and σ(z; α) have the same bits, ∂σ/∂z is exactly odd and ∂σ/∂α exactly even, for every finite α`` (name: string) (precision: string) =
    let a = Activation.find name
    let dtype = Dtype.parse precision
    let case = gen {
        let! n = Gen.choose (1, 24)
        let! alpha = Gen.arrayOfLength n (alphas dtype)
        let! z = Gen.arrayOfLength n (zs dtype)
        return alpha, z }
    Generators.check 300 (Prop.forAll (Arb.fromGen case) (fun (alpha, z) ->
        let y, ga, gz = valueAndSlopes dtype a alpha z
        let y', ga', gz' = valueAndSlopes dtype a alpha (Array.map (fun v -> -v) z)
        let negated = Array.map (fun v -> -v) gz
        let notNaN (xs: float[]) = Array.forall (Double.IsNaN >> not) xs
        expect (bitwiseEqual y y') $"σ(−z) vs σ(z) {firstDifference sameBits y' y}"
        .&. expect (bitwiseEqual gz' negated) $"∂σ/∂z(−z) vs −∂σ/∂z(z) {firstDifference sameBits gz' negated}"
        .&. expect (bitwiseEqual ga' ga) $"∂σ/∂α(−z) vs ∂σ/∂α(z) {firstDifference sameBits ga' ga}"
        .&. expect (notNaN y && notNaN ga && notNaN gz) "σ or a slope is NaN for finite α and z"))

[<Theory; MemberData(nameof learnedCases)>]
let ``σ depends on α² only, and α = ±0 is the limit (z² for Seagull, 1 for the Gaussian)`` (name: string) (precision: string) =
    let a = Activation.find name
    let dtype = Dtype.parse precision
    let case = Gen.zip (Gen.arrayOfLength 16 (alphas dtype)) (Gen.arrayOfLength 16 (zs dtype))
    Generators.check 100 (Prop.forAll (Arb.fromGen case) (fun (alpha, z) ->
        let y, ga, _ = valueAndSlopes dtype a alpha z
        let y', ga', _ = valueAndSlopes dtype a (Array.map (fun v -> -v) alpha) z
        let negated = Array.map (fun v -> -v) ga
        expect (bitwiseEqual y y') $"σ(z; −α) vs σ(z; α) {firstDifference sameBits y' y}"
        .&. expect (bitwiseEqual ga' negated) $"∂σ/∂α(−α) vs −∂σ/∂α(α) {firstDifference sameBits ga' negated}"))
    let z = [| 0.0; 0.5; -2.0; 3.0 |]
    for zero in [ 0.0; -0.0 ] do
        let y, ga, gz = valueAndSlopes dtype a (Array.create z.Length zero) z
        let limit = if name = "seagull-learned" then z |> Array.map (fun v -> v * v) else Array.create z.Length 1.0
        let slope = if name = "seagull-learned" then z |> Array.map (fun v -> 2.0 * v) else Array.create z.Length 0.0
        Assert.Equal<float[]>(limit, y)
        Assert.Equal<float[]>(slope, gz)
        Assert.True(ga |> Array.forall ((=) 0.0), $"∂σ/∂α at α = 0: %A{ga}")

[<Theory; MemberData(nameof learnedCases)>]
let ``at α = 1 each is its fixed activation, to rounding`` (name: string) (precision: string) =
    let a = Activation.find name
    let dtype = Dtype.parse precision
    let fixedOne = if name = "seagull-learned" then Activation.seagull else Activation.gaussian
    let values = Array.init 81 (fun i -> inPrecision dtype (float (i - 40) / 4.0))
    let tolerance = if dtype = Float64 then 1e-14 else 3e-7
    let learnedValues = activationValues dtype a values
    let fixedValues = activationValues dtype fixedOne values
    Assert.True(Array.forall2 (close tolerance) learnedValues fixedValues, firstDifference (close tolerance) learnedValues fixedValues)
    Assert.Equal<float[]>(learnedValues, Activation.evaluateWith dtype a 1.0 values)

[<Theory; InlineData("seagull-learned"); InlineData("gaussian-learned")>]
let ``the value agrees with its formula for moderate α and z`` (name: string) =
    let formula (alpha: float) (z: float) =
        let s = (alpha * z) * (alpha * z)
        // log(1 + s) by its series where 1 + s would round s away
        let log1p = if s < 1e-4 then s - s * s / 2.0 + s * s * s / 3.0 - s * s * s * s / 4.0 else Math.Log(1.0 + s)
        if name = "seagull-learned" then log1p / (alpha * alpha) else Math.Exp(-s)
    let case = Gen.zip (Generators.awayFromZero 0.05 5.0) (Generators.bounded -20.0 20.0)
    Generators.check 300 (Prop.forAll (Arb.fromGen case) (fun (alpha, z) ->
        let y = (Activation.evaluateWith Float64 (Activation.find name) alpha [| z |]).[0]
        let want = formula alpha z
        expect (abs (y - want) <= 1e-13 * abs want + 1e-300) $"σ({z}; {alpha}) = {y:R}, formula {want:R}"))

// ---- gradients against finite differences ----------------------------------------------------------------

[<Theory; InlineData("seagull-learned"); InlineData("gaussian-learned")>]
let ``∂σ/∂z and ∂σ/∂α agree with finite differences, small α (the series) and large (the direct formula)`` (name: string) =
    let a = Activation.find name
    let case = gen {
        let! cols = Gen.choose (1, 6)
        let! rows = Gen.choose (1, 4)
        let! alpha = Gen.arrayOfLength cols (Gen.oneof [ Generators.awayFromZero 0.02 3.0; Generators.awayFromZero 0.3 1.5 ])
        let! z = Gen.arrayOfLength (rows * cols) (Generators.bounded -3.0 3.0)
        let! seed = Gen.choose (0, 100_000)
        return Tensor.vector Float64 alpha, Tensor.ofArray Float64 [| rows; cols |] z, seed }
    Generators.check 100 (Prop.forAll (Arb.fromGen case) (fun (alpha, z, seed) ->
        GradientChecks.inputsAgree 1e-6 (fun ts -> Activation.applyWith a ts.[0] ts.[1]) [ alpha; z ] seed))

let private spec (precision: Dtype) =
    Architectures.mlp (Symmetry.blocks 2 1)
        { Architectures.options [ 5; 4 ] [ Activation.seagullLearned; Activation.gaussianLearned ] with Outputs = 2; Precision = precision }

/// Parameters with every α moved off 1 (so the gradient check sees α where it has been trained to).
let private perturbed (spec: NetworkSpec) (seed: int) =
    let p = Network.init spec (Random.key seed)
    let alphas = Random.uniforms (Random.key (seed + 1)) 1000 0.3 2.0
    let mutable next = 0
    List.zip (Params.paths p) (Params.leaves p)
    |> List.map (fun (path, t) ->
        if path.EndsWith "/alpha" then
            let values = Array.init t.Count (fun i -> (if i % 2 = 0 then 1.0 else -1.0) * alphas.[next + i])
            next <- next + t.Count
            Tensor.ofArray t.Dtype t.Shape values
        else t)
    |> Params.withLeaves p

[<Fact>]
let ``a network's gradient in its parameters, α included, and in its inputs agrees with finite differences`` () =
    let spec = spec Float64
    let case = Gen.zip (Gen.choose (0, 10_000)) (Gen.choose (1, 6))
    Generators.check 30 (Prop.forAll (Arb.fromGen case) (fun (seed, rows) ->
        let p = perturbed spec seed
        let x = Tensor.ofArray Float64 [| rows; 5 |] (Random.uniforms (Random.key (seed + 7)) (rows * 5) -2.0 2.0)
        GradientChecks.parametersAgree 1e-6 (Network.apply spec) p x seed
        .&. GradientChecks.inputAgrees 1e-6 (Network.apply spec p) x seed))

// ---- α in the parameter tree ------------------------------------------------------------------------------

[<Theory; InlineData("float32"); InlineData("float64")>]
let ``α is a leaf of shape [width] at 1, counted, and the weights and biases are drawn as with any activation`` (precision: string) =
    let dtype = Dtype.parse precision
    let s = Symmetry.blocks 3 3
    let build first = Architectures.build "symmetrized" s { Architectures.options [ 7; 5 ] [ first; Activation.tanh ] with Precision = dtype }
    let fixedSpec, learnedSpec = build Activation.seagull, build Activation.seagullLearned
    let p, q = Network.init fixedSpec (Random.key 3), Network.init learnedSpec (Random.key 3)
    Assert.Equal<string list>(
        [ "inner/layer1/weight"; "inner/layer1/bias"; "inner/layer1/alpha"; "inner/layer2/weight"; "inner/layer2/bias"; "inner/layer3/weight"; "inner/layer3/bias" ],
        Params.paths q)
    let withoutAlpha = List.zip (Params.paths q) (Params.leaves q) |> List.filter (fun (path, _) -> not (path.EndsWith "alpha"))
    Assert.Equal<string list>(Params.paths p, List.map fst withoutAlpha)
    Assert.True(List.forall2 (fun (a: Tensor) (b: Tensor) -> a.Equals b) (Params.leaves p) (List.map snd withoutAlpha), "weights and biases differ")
    let alpha = List.zip (Params.paths q) (Params.leaves q) |> List.find (fun (path, _) -> path = "inner/layer1/alpha") |> snd
    Assert.Equal<int[]>([| 7 |], alpha.Shape)
    Assert.Equal(dtype, alpha.Dtype)
    Assert.True(Tensor.toArray alpha |> Array.forall ((=) 1.0))
    Assert.Equal(Network.parameterCount fixedSpec + 7, Network.parameterCount learnedSpec)
    Assert.Equal(Params.count q, Network.parameterCount learnedSpec)
    Assert.Equal<(string * int[]) list>(List.zip (Params.paths q) (Params.leaves q |> List.map (fun t -> t.Shape)), Network.parameterShapes learnedSpec)
    Assert.Equal($"9→symmetrize(7(seagull-learned)→5(tanh)→1) {precision}", Network.describe learnedSpec)
    // At α = 1 the network computes what the Seagull network computes, to rounding.
    let x = Tensor.ofArray dtype [| 6; 9 |] (Random.uniforms (Random.key 4) 54 -2.0 2.0)
    let tolerance = if dtype = Float64 then 1e-13 else 1e-5
    let fixedOut, learnedOut = Tensor.toArray (Network.apply fixedSpec p x), Tensor.toArray (Network.apply learnedSpec q x)
    Assert.True(Array.forall2 (close tolerance) fixedOut learnedOut, firstDifference (close tolerance) fixedOut learnedOut)

[<Fact>]
let ``parameters drawn for another network are refused in one line`` () =
    let learnedSpec = spec Float64
    let plain = Architectures.mlp (Symmetry.blocks 2 1) { Architectures.options [ 5; 4 ] [ Activation.seagull; Activation.gaussian ] with Outputs = 2; Precision = Float64 }
    let x = Tensor.zeros Float64 [| 1; 5 |]
    expectOneLineError [ "a dense layer needs weight 5×5 and bias 5 and alpha 5" ] (fun () -> Network.apply learnedSpec (Network.init plain (Random.key 0)) x) |> ignore
    expectOneLineError [ "a dense layer needs weight 5×5 and bias 5;" ] (fun () -> Network.apply plain (Network.init learnedSpec (Random.key 0)) x) |> ignore

// ---- parity and invariance ---------------------------------------------------------------------------------

[<Fact>]
let ``a bias-free dense layer with a learnable even activation is even, and split with it is exactly invariant`` () =
    for a in learned do
        Assert.Equal(Even, Layer.parity (Dense (8, a, false)))
        Assert.Equal(Neither, Layer.parity (Dense (8, a, true)))
    let s = Symmetry.blocks 3 2
    for dtype in [ Float32; Float64 ] do
        for even in learned do
            let spec = Architectures.split s { Architectures.options [ 8; 6 ] [ Activation.tanh ] with Even = even; Precision = dtype }
            Assert.True(Network.isExactlyInvariant spec)
            // Every α, random and of both signs: f(x) = f(x̃) bit for bit.
            for seed in 0 .. 4 do
                let p = perturbed spec seed
                let x = Tensor.ofArray dtype [| 50; 8 |] (Random.normals (Random.key seed) 400 |> Array.map (fun v -> 3.0 * v))
                let y = Tensor.toArray (Network.apply spec p x)
                let ySwapped = Tensor.toArray (Network.apply spec p (Symmetry.swap s x))
                Assert.True(bitwiseEqual y ySwapped, $"{even.Name} {Dtype.name dtype} seed {seed}: {firstDifference sameBits y ySwapped}")
    // An MLP with a learnable Seagull first is not invariant: α changes nothing about that.
    Assert.False(Network.isExactlyInvariant (Architectures.mlp s (Architectures.options [ 8 ] [ Activation.seagullLearned ])))

// ---- training, model files and the summary ---------------------------------------------------------------

let private folder = Path.Combine(Path.GetTempPath(), "seagull-learned-tests", Guid.NewGuid().ToString("N"))
let private pathOf (name: string) = Directory.CreateDirectory folder |> ignore; Path.Combine(folder, name)

let private trained (arch: string) (precision: Dtype) =
    let target = Targets.find "bead_pair"
    let data = Targets.generate target (Random.key 2) 300
    let options = { Architectures.options [ 6; 4 ] [ Activation.seagullLearned; Activation.tanh ] with Even = Activation.gaussianLearned; Precision = precision }
    let spec = Architectures.build arch target.Symmetry options
    let model, _ = Regressor.fit spec { Regressor.defaults with Training = { Train.defaults with Epochs = 5 } } data
    model, data

let private alphaOf (model: Model) (path: string) =
    List.zip (Params.paths model.Params) (Params.leaves model.Params) |> List.find (fst >> (=) path) |> snd |> Tensor.toArray

[<Theory>]
[<InlineData("mlp", "float32")>]
[<InlineData("split", "float64")>]
[<InlineData("symmetrized", "float32")>]
let ``α is trained, survives save and load bit for bit, and the file refuses an α of another shape in one line`` (arch: string, precision: string) =
    let model, data = trained arch (Dtype.parse precision)
    let first = if arch = "symmetrized" then "inner/layer1/alpha" elif arch = "split" then "sum/alpha" else "layer1/alpha"
    Assert.True(alphaOf model first |> Array.exists (fun v -> v <> 1.0), "α did not move in training")
    let path = pathOf $"{arch}-{precision}.json"
    ModelFile.save path model
    let back = ModelFile.load path
    Assert.True(Params.equal model.Params back.Params)
    Assert.Equal<float[]>(alphaOf model first, alphaOf back first)
    Assert.Equal<float[]>(Regressor.predict model data.X, Regressor.predict back data.X)
    let text = File.ReadAllText path
    Assert.Contains("\"activation\": \"seagull-learned\"", text)
    Assert.Contains($"\"{first}\"", text)
    Assert.Contains("\"version\": 2", text)
    // α's shape edited: refused before anything is drawn (and before the checksum), naming the path and both shapes.
    let root = JsonNode.Parse text
    let entry = root.["parameters"].AsArray() |> Seq.find (fun e -> e.["path"].GetValue<string>() = first)
    let width = entry.["shape"].AsArray().[0].GetValue<int>()
    entry.["shape"] <- JsonArray([| JsonValue.Create 5 :> JsonNode |])
    entry.["values"] <- JsonArray([| for v in 1 .. 5 -> JsonValue.Create (float v) :> JsonNode |])
    let edited = pathOf $"{arch}-{precision}-edited.json"
    File.WriteAllText(edited, root.ToJsonString())
    expectOneLineError [ $"has parameter '{first}' of shape [5]; the network needs [{width}]" ] (fun () -> ModelFile.load edited) |> ignore
    // α left out: the count of tensors is wrong.
    let root = JsonNode.Parse text
    let parameters = root.["parameters"].AsArray()
    parameters.Remove(parameters |> Seq.find (fun e -> e.["path"].GetValue<string>() = first)) |> ignore
    File.WriteAllText(edited, root.ToJsonString())
    expectOneLineError [ "parameter tensors; the network needs" ] (fun () -> ModelFile.load edited) |> ignore

[<Fact>]
let ``a model file without a learnable activation has no α and the same bytes as before`` () =
    // The format-1 fixtures (ModelFileTests) load bit for bit; here: a Seagull model's file names no α.
    let target = Targets.find "bead_pair"
    let data = Targets.generate target (Random.key 2) 100
    let spec = Architectures.mlp target.Symmetry (Architectures.options [ 4; 3 ] [ Activation.seagull; Activation.tanh ])
    let model, _ = Regressor.fit spec { Regressor.defaults with Training = { Train.defaults with Epochs = 1 } } data
    let text = ModelFile.toJson model
    Assert.DoesNotContain("alpha", text)
    Assert.DoesNotContain("customActivations", text)
    Assert.Empty(Network.learnedActivations model.Spec model.Params)

[<Fact>]
let ``the learned α is summarised per layer: min, median and max of |α| over the neurons`` () =
    let model, _ = trained "split" Float64
    match Network.learnedActivations model.Spec model.Params with
    | [ sum; difference ] ->
        Assert.Equal(("sum", "seagull-learned", 3), (sum.LayerPath, sum.ActivationName, sum.Neurons))
        Assert.Equal(("difference", "gaussian-learned", 3), (difference.LayerPath, difference.ActivationName, difference.Neurons))
        let sorted = alphaOf model "sum/alpha" |> Array.map abs |> Array.sort
        Assert.Equal((sorted.[0], sorted.[1], sorted.[2]), (sum.AlphaMin, sum.AlphaMedian, sum.AlphaMax))
    | other -> failwith $"%A{other}"
    // An even number of neurons: the median is the mean of the middle two.
    let spec = Architectures.mlp (Symmetry.blocks 1 0) (Architectures.options [ 4 ] [ Activation.gaussianLearned ])
    let p = Network.init spec (Random.key 0)
    let p = Params.withLeaves p (Params.leaves p |> List.mapi (fun i t -> if i = 2 then Tensor.vector Float32 [| 0.5; -3.0; 1.0; 2.0 |] else t))
    let one = Network.learnedActivations spec p |> List.exactlyOne
    Assert.Equal((0.5, 1.5, 3.0), (one.AlphaMin, one.AlphaMedian, one.AlphaMax))

[<Fact>]
let ``check reports a split model with a learnable even activation as exactly invariant, measured on random inputs`` () =
    let model, _ = trained "split" Float32
    let c = Evaluation.check model 500 3
    Assert.True(c.ArchitectureGuarantees)
    Assert.True(c.ExactlyInvariant)
    Assert.Equal(0.0, c.InvarianceError)
    let difference = c.Activations |> List.find (fun a -> a.Layer = "difference")
    Assert.Equal(("gaussian-learned", Even, Even), (difference.Name, difference.Declared, difference.Measured))

[<Fact>]
let ``the compare variant mlp-seagull-learned follows mlp-seagull: the learnable Seagull first, tanh after`` () =
    let names = Experiment.variants |> List.map (fun v -> v.Name)
    Assert.Equal(List.findIndex ((=) "mlp-seagull") names + 1, List.findIndex ((=) "mlp-seagull-learned") names)
    let v = Experiment.variants |> List.find (fun v -> v.Name = "mlp-seagull-learned")
    let spec = v.Spec (Symmetry.blocks 3 3) 1 Experiment.defaults
    Assert.Equal("9→64(seagull-learned)→64(tanh)→1 float32", Network.describe spec)
    Assert.False(Network.isExactlyInvariant spec)
