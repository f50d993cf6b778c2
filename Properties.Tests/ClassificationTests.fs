module Seagull.Tests.ClassificationTests

open System
open Xunit
open FsCheck
open FsCheck.FSharp
open FsCheck.Xunit
open Seagull.Core
open Seagull.Testing
open Seagull.Testing.Generators

/// Rows × classes logits and one-hot targets, logits within ±limit.
let private logitsGen (limit: float) =
    gen {
        let! rows = Gen.choose (1, 6)
        let! classes = Gen.choose (2, 5)
        let! z = Gen.arrayOfLength (rows * classes) (normalFloat limit)
        let! labels = Gen.arrayOfLength rows (Gen.choose (0, classes - 1))
        let t = Array.zeroCreate (rows * classes)
        labels |> Array.iteri (fun i l -> t.[i * classes + l] <- 1.0)
        return rows, classes, z, t
    }

let private naiveCrossEntropy rows classes (z: float[]) (t: float[]) =
    Array.init rows (fun i ->
        let row = z.[i * classes .. (i + 1) * classes - 1]
        let lse = log (Array.sumBy exp row)
        Array.init classes (fun c -> t.[i * classes + c] * (lse - row.[c])) |> Array.sum)
    |> Array.average

[<Property(MaxTest = 200)>]
let ``softmax cross-entropy equals its definition on moderate logits`` () =
    Prop.forAll (Arb.fromGen (logitsGen 20.0)) (fun (rows, classes, z, t) ->
        let value = Loss.softmaxCrossEntropy (Tensor.ofArray Float64 [| rows; classes |] z) (Tensor.ofArray Float64 [| rows; classes |] t) |> Tensor.toScalar
        let expected = naiveCrossEntropy rows classes z t
        abs (value - expected) <= 1e-12 * (1.0 + abs expected))

[<Property(MaxTest = 200)>]
let ``softmax cross-entropy stays finite and non-negative for huge logits`` () =
    Prop.forAll (Arb.fromGen (logitsGen 1e300)) (fun (rows, classes, z, t) ->
        let value = Loss.softmaxCrossEntropy (Tensor.ofArray Float64 [| rows; classes |] z) (Tensor.ofArray Float64 [| rows; classes |] t) |> Tensor.toScalar
        // A difference of two logits near ±1e300 overflows to ∞ honestly; below that it must be finite.
        let spread = Array.max z - Array.min z
        value >= 0.0 && (Double.IsFinite value || not (Double.IsFinite spread)))

[<Property(MaxTest = 100)>]
let ``the fused cross-entropy gradient is softmax minus the targets over rows, as finite differences say`` () =
    Prop.forAll (Arb.fromGen (logitsGen 5.0)) (fun (rows, classes, z, t) ->
        let target = Tensor.ofArray Float64 [| rows; classes |] t
        let f (x: Tensor) = Loss.softmaxCrossEntropy x target
        let x = Tensor.ofArray Float64 [| rows; classes |] z
        let analytic = Diff.grad f x |> Tensor.toArray
        let numeric = Diff.numericalGrad f x |> Tensor.toArray
        Array.forall2 (fun a n -> abs (a - n) <= 1e-6) analytic numeric)

[<Fact>]
let ``float32 cross-entropy of logits 1e4 apart is the gap, not infinity`` () =
    let z = Tensor.ofArray Float32 [| 1; 2 |] [| 1e4; 0.0 |]
    let t = Tensor.ofArray Float32 [| 1; 2 |] [| 0.0; 1.0 |]
    Assert.Equal(1e4, Loss.softmaxCrossEntropy z t |> Tensor.toScalar)

[<Fact>]
let ``argmax takes the lowest class on ties and softmax rows sum to one`` () =
    Assert.Equal<int[]>([| 0; 2 |], Classifier.argmax 3 [| 1.0; 1.0; 0.0; -1.0; 0.0; 5.0 |])
    let p = Classifier.softmax 3 [| 1000.0; 0.0; -1000.0; 1.0; 2.0; 3.0 |]
    Assert.Equal(1.0, p.[0])
    Assert.Equal(1.0, p.[3] + p.[4] + p.[5], 12)

[<Fact>]
let ``a classification data set is one-hot, gives its labels back and refuses labels out of range`` () =
    let s = Symmetry.blocks 1 0
    let ds = Classifier.dataset s [| "u1"; "v1" |] [| "a"; "b"; "c" |] [| 1.0; 2.0; 3.0; 4.0 |] [| 2; 0 |]
    Assert.Equal<float[]>([| 0.0; 0.0; 1.0; 1.0; 0.0; 0.0 |], ds.Y)
    Assert.Equal<int[]>([| 2; 0 |], Classifier.labels ds)
    let e = Assert.Throws<SeagullException>(fun () -> Classifier.dataset s [| "u1"; "v1" |] [| "a"; "b" |] [| 1.0; 2.0 |] [| 2 |] |> ignore)
    Assert.Equal("row 1: label 2 is outside the 2 classes (0..1)", e.Message)
    Assert.Throws<SeagullException>(fun () -> Classifier.dataset s [| "u1"; "v1" |] [| "a" |] [| 1.0; 2.0 |] [| 0 |] |> ignore) |> ignore

[<Fact>]
let ``align maps a data set's classes into a model's order and refuses an unknown class`` () =
    let s = Symmetry.blocks 1 0
    let ds = Classifier.dataset s [| "u1"; "v1" |] [| "b"; "c" |] [| 1.0; 2.0; 3.0; 4.0 |] [| 1; 0 |]
    let aligned = Classifier.align [| "a"; "b"; "c" |] ds
    Assert.Equal<int[]>([| 2; 1 |], Classifier.labels aligned)
    let e = Assert.Throws<SeagullException>(fun () -> Classifier.align [| "a"; "b" |] ds |> ignore)
    Assert.Contains("class 'c'", e.Message)

/// Two exchangeable blocks: class 0 when u·v > 0.2, class 1 when |u − v| is large, else class 2 — a
/// function of the unordered pair {u, v}.
let private pairClasses (seed: int) (rows: int) =
    let s = Symmetry.blocks 2 1
    let x = Random.uniforms (Random.key seed) (rows * 5) -1.0 1.0
    let labels =
        Array.init rows (fun i ->
            let r = x.[i * 5 .. i * 5 + 4]
            let dot = r.[0] * r.[2] + r.[1] * r.[3]
            let gap = abs (r.[0] - r.[2]) + abs (r.[1] - r.[3])
            if dot > 0.2 then 0 elif gap > 1.2 then 1 else 2)
    Classifier.dataset s (Symmetry.defaultNames s) [| "close"; "apart"; "neither" |] x labels

let private fitWith (name: string) (settings: FitSettings) (train: Dataset) =
    let options = { Architectures.defaults with Hidden = [ 32; 32 ]; Outputs = 3 }
    let spec = Architectures.build name train.Symmetry options
    Classifier.fit spec settings ValidationAccuracy train

[<Fact>]
let ``a classifier learns a function of the pair and the exact designs never change their answer under the swap`` () =
    let train, test = pairClasses 1 3000, pairClasses 2 1000
    let settings = { Regressor.defaults with Training = { Train.defaults with Epochs = 40 } }
    for name in [ "mlp"; "split"; "pooled"; "symmetrized" ] do
        let model, _ = fitWith name settings train
        let m = ClassEvaluation.evaluate model test
        Assert.True(m.Accuracy > 0.8, $"{name}: accuracy {m.Accuracy}")
        Assert.Equal(1000, m.Confusion |> Array.sumBy Array.sum)
        Assert.Equal(m.Accuracy, float (Array.sumBy (fun c -> c.Correct) m.PerClass) / 1000.0)
        if name <> "mlp" then
            Assert.True(m.Bitwise, name)
            Assert.Equal(0.0, m.Disagreement)
            Assert.Equal(0.0, m.InvarianceError)
            Assert.Equal(m.Accuracy, m.SwappedAccuracy)

[<Fact>]
let ``early stopping on validation accuracy keeps the best epoch's parameters`` () =
    let train = pairClasses 3 1200
    let settings =
        { Regressor.defaults with
            Training = { Train.defaults with Epochs = 60; Patience = Some 5 }
            ValidationFraction = Some 0.25 }
    let model, result = fitWith "mlp" settings train
    let scores = result.History |> List.map (fun r -> r.ValidationScore.Value)
    let best = List.min scores
    Assert.Equal(best, scores.[result.BestEpoch - 1])
    Assert.Equal(result.BestEpoch, (scores |> List.findIndex ((=) best)) + 1)
    // The kept parameters are the best epoch's: their validation error is the recorded best.
    let fitRows, validationRows = Regressor.fitRows settings train.Rows
    let m = ClassEvaluation.evaluate model (Dataset.take validationRows train)
    Assert.Equal(best, 1.0 - m.Accuracy, 12)
    Assert.True(result.EpochsRun < 60 || result.BestEpoch > 55)
    ignore fitRows

[<Fact>]
let ``a classifier's model file keeps its task and classes, and predicts the same bits after loading`` () =
    let train = pairClasses 4 400
    let model, _ = fitWith "symmetrized" { Regressor.defaults with Training = { Train.defaults with Epochs = 2 } } train
    let back = ModelFile.ofJson "m.json" [] (ModelFile.toJson model)
    Assert.Equal(Classification, back.Task)
    Assert.Equal<string[]>(model.TargetNames, back.TargetNames)
    Assert.Equal<float[]>(Classifier.probabilities model train.X, Classifier.probabilities back train.X)
    Assert.Contains("\"task\": \"classification\"", ModelFile.toJson model)
    let e = Assert.Throws<SeagullException>(fun () -> ModelFile.ofJson "m.json" [] ((ModelFile.toJson model).Replace("\"classification\"", "\"ranking\"")) |> ignore)
    Assert.Contains("invalid task", e.Message)

/// Random W×H grayscale images whose class is a mirror-symmetric statistic (the total brightness of the
/// left and right halves together, in three bands).
let private mirrorImages (seed: int) (rows: int) (width: int) (height: int) =
    let s = Symmetry.mirror LeftRight width height 1
    let x = Random.uniforms (Random.key seed) (rows * s.Width) 0.0 1.0
    let labels =
        Array.init rows (fun i ->
            let total = Array.sum x.[i * s.Width .. (i + 1) * s.Width - 1] / float s.Width
            if total < 0.48 then 0 elif total < 0.52 then 1 else 2)
    Classifier.dataset s (Symmetry.defaultNames s) [| "dark"; "middle"; "bright" |] x labels

[<Property(MaxTest = 8)>]
let ``on images the exact designs give disagreement 0 and invariance error 0 bit for bit, for odd and even widths`` () =
    Prop.forAll (Arb.fromGen (Gen.zip (Gen.choose (2, 7)) (Gen.choose (1, 4)))) (fun (width, height) ->
        let train = mirrorImages (width * 10 + height) 300 width height
        let settings = { Regressor.defaults with Training = { Train.defaults with Epochs = 2 } }
        [ "split"; "pooled"; "symmetrized" ] |> List.forall (fun name ->
            let model, _ = fitWith name settings train
            let m = ClassEvaluation.evaluate model train
            m.Bitwise && m.Disagreement = 0.0 && m.InvarianceError = 0.0))

[<Fact>]
let ``image inputs are standardised by one scalar mean and deviation over every pixel`` () =
    let train = mirrorImages 5 50 5 3
    let s = Classifier.standardization train
    Assert.True(Array.forall ((=) s.InputMean.[0]) s.InputMean)
    Assert.True(Array.forall ((=) s.InputScale.[0]) s.InputScale)
    Assert.Equal(Array.average train.X, s.InputMean.[0], 12)
    Assert.Equal<float[]>(Array.zeroCreate 3, s.TargetMean)
    Assert.Equal<float[]>(Array.create 3 1.0, s.TargetScale)

[<Fact>]
let ``evaluating a regression model as a classifier is refused`` () =
    let train = pairClasses 6 100
    let model, _ = fitWith "mlp" { Regressor.defaults with Training = { Train.defaults with Epochs = 1 } } train
    let e = Assert.Throws<SeagullException>(fun () -> Classifier.logits { model with Task = Regression } train.X |> ignore)
    Assert.Equal("this model is a regression model, not a classifier", e.Message)

[<Fact>]
let ``random swaps are deterministic, change the fit, and do nothing to rows that the swap leaves unchanged`` () =
    let s = Symmetry.blocks 2 1
    let rows = 256
    let x = Random.uniforms (Random.key 8) (rows * 5) -1.0 1.0
    // Rows whose u equals v: their swap is themselves.
    let symmetric = Array.init (rows * 5) (fun i -> let j = i % 5 in if j = 2 || j = 3 then x.[i - 2] else x.[i])
    let y = Array.init rows (fun i -> float (i % 2))
    let spec = Architectures.mlp s (Architectures.options [ 8 ] [ Activation.tanh ])
    let fit (inputs: float[]) (swaps: Symmetry option) =
        let xt = Tensor.ofArray Float64 [| rows; 5 |] inputs
        let yt = Tensor.ofArray Float64 [| rows; 1 |] y
        (Train.fit (Network.apply spec) Loss.mse (Network.init spec (Random.key 0)) xt yt
            { Train.defaults with Epochs = 3; BatchSize = 32; RandomSwaps = swaps }).Params
    let same (a: Params) (b: Params) = List.forall2 (fun (p: Tensor) (q: Tensor) -> p.Equals q) (Params.leaves a) (Params.leaves b)
    Assert.True(same (fit x (Some s)) (fit x (Some s)), "the same seed gives the same swaps")
    Assert.False(same (fit x (Some s)) (fit x None), "swapping half the rows changes the fit")
    Assert.True(same (fit symmetric (Some s)) (fit symmetric None), "rows equal to their swap are unchanged by it")
