module Seagull.Tests.TrainingTests

open System
open System.Threading
open Xunit
open FsCheck
open FsCheck.FSharp
open FsCheck.Xunit
open Seagull.Core

/// A random convex quadratic Σ aᵢ(pᵢ − cᵢ)² with aᵢ ∈ [0.5, 2], cᵢ ∈ [−2, 2].
let private quadraticGen =
    gen {
        let! n = Gen.choose (1, 8)
        let! a = Gen.arrayOfLength n (Gen.choose (50, 200) |> Gen.map (fun i -> float i / 100.0))
        let! c = Gen.arrayOfLength n (Gen.choose (-200, 200) |> Gen.map (fun i -> float i / 100.0))
        return a, c
    }

let private minimise (kind: OptimizerKind) (steps: int) (a: float[], c: float[]) =
    let loss (p: Params) =
        match p with
        | Leaf t -> Tensor.sum (Tensor.vector Float64 a * (t - Tensor.vector Float64 c) * (t - Tensor.vector Float64 c))
        | _ -> failwith "leaf expected"
    let mutable p = Leaf (Tensor.zeros Float64 [| a.Length |])
    let mutable state = Optimizer.init p
    for _ in 1 .. steps do
        let _, g = Params.valueAndGrad loss p
        let s, q = Optimizer.step kind state p g
        state <- s
        p <- q
    Params.flatten p

[<Property(Replay = Seagull.Tests.Generators.Replay, MaxTest = 60)>]
let ``Adam converges on a random convex quadratic`` () =
    Prop.forAll (Arb.fromGen quadraticGen) (fun (a, c) ->
        let p = minimise (Adam(0.05, 0.9, 0.999, 1e-8)) 1500 (a, c)
        Array.forall2 (fun (x: float) (y: float) -> abs (x - y) < 1e-3) p c)

[<Property(Replay = Seagull.Tests.Generators.Replay, MaxTest = 60)>]
let ``SGD with momentum converges on a random convex quadratic`` () =
    Prop.forAll (Arb.fromGen quadraticGen) (fun (a, c) ->
        let p = minimise (Sgd(0.05, 0.9)) 800 (a, c)
        Array.forall2 (fun (x: float) (y: float) -> abs (x - y) < 1e-6) p c)

[<Fact>]
let ``optimizer steps leave their inputs unchanged`` () =
    let p = Leaf (Tensor.vector Float32 [| 1.0; 2.0 |])
    let g = Leaf (Tensor.vector Float32 [| 0.5; -0.5 |])
    let state = Optimizer.init p
    let _, q = Optimizer.step Optimizer.adamDefault state p g
    Assert.Equal<float[]>([| 1.0; 2.0 |], Params.flatten p)
    Assert.NotEqual<float[]>(Params.flatten p, Params.flatten q)
    Assert.Equal(0, state.Step)

[<Fact>]
let ``learning-rate schedules`` () =
    Assert.Equal(0.1, Optimizer.scheduled Constant 0.1 50)
    Assert.Equal(0.025, Optimizer.scheduled (StepDecay(10, 0.5)) 0.1 25, 12)
    Assert.Equal(0.1, Optimizer.scheduled (Cosine 100) 0.1 0, 12)
    Assert.Equal(0.05, Optimizer.scheduled (Cosine 100) 0.1 50, 12)
    Assert.Equal(0.0, Optimizer.scheduled (Cosine 100) 0.1 100, 12)

let private spring = Targets.find "spring"
let private springData = Targets.generate spring (Random.key 0) 2500
let private train, test = Dataset.split (Random.key 1) 0.2 springData

/// Fit settings with these training options and nothing else.
let private settings (o: TrainOptions) : FitSettings = { Regressor.defaults with Training = o }

let private fitWith spec (s: FitSettings) = Regressor.fit spec s train

let private fit spec (options: TrainOptions) = fitWith spec (settings options)

let private mlp hidden acts = Architectures.mlp spring.Symmetry (Architectures.options hidden acts)
let private architecture name hidden acts = Architectures.build name spring.Symmetry (Architectures.options hidden acts)

[<Fact>]
let ``a fit on spring beats predicting the mean by 10x`` () =
    let spec = mlp [ 32; 32 ] [ Activation.seagull; Activation.tanh ]
    let model, _ = fit spec { Train.defaults with Epochs = 60; BatchSize = 64 }
    let mean = Array.average train.Y
    let baseline = test.Y |> Array.averageBy (fun y -> (y - mean) * (y - mean))
    let metrics = Evaluation.evaluate model test
    Assert.True(metrics.Targets.[0].Mse * 10.0 < baseline, $"test MSE {metrics.Targets.[0].Mse} vs mean-predictor {baseline}")

[<Fact>]
let ``training is bitwise deterministic for a seed`` () =
    let spec = architecture "pooled" [ 8; 8 ] [ Activation.seagull; Activation.tanh ]
    let options = { Train.defaults with Epochs = 2; Seed = 4 }
    let a, _ = fit spec options
    let b, _ = fit spec options
    let c, _ = fit spec { options with Seed = 5 }
    Assert.True(Params.equal a.Params b.Params)
    Assert.False(Params.equal a.Params c.Params)

[<Fact>]
let ``augment doubles the data and penalty drives the invariance error toward 0`` () =
    let spec = mlp [ 16; 16 ] [ Activation.tanh ]
    let options = settings { Train.defaults with Epochs = 15; BatchSize = 100 }
    let _, plain = fitWith spec options
    let _, augmented = fitWith spec { options with Augment = true }
    Assert.Equal(2 * plain.Steps, augmented.Steps)
    let noPenalty, _ = fitWith spec options
    let strong, _ = fitWith spec { options with Penalty = 100.0 }
    let e0 = Regressor.invarianceError noPenalty test.X
    let e1 = Regressor.invarianceError strong test.X
    Assert.True(e1 < e0 / 5.0, $"invariance error with penalty {e1}, without {e0}")

[<Fact>]
let ``a diverging fit stops with the epoch and a hint`` () =
    let spec = mlp [ 8 ] [ Activation.square ]
    let e = Assert.Throws<SeagullException>(fun () -> fit spec { Train.defaults with Epochs = 50; Optimizer = Sgd(1e6, 0.0) } |> ignore)
    Assert.Contains("diverged at epoch", e.Message)
    Assert.Contains("lower learning rate", e.Message)

[<Fact>]
let ``parameters that overflow in an epoch's last step stop the fit as a divergence`` () =
    // One batch per epoch and one epoch: no later loss would see the overflow.
    let spec = mlp [ 8 ] [ Activation.tanh ]
    let small = Dataset.take [| 0 .. 63 |] train
    let options = { Train.defaults with Epochs = 1; BatchSize = 128; Optimizer = Optimizer.withLearningRate 1e300 Optimizer.adamDefault }
    let e =
        Assert.Throws<SeagullException>(fun () ->
            Regressor.fit spec (settings options) small |> ignore)
    Assert.Contains("diverged at epoch 1 (the parameters overflowed)", e.Message)

[<Fact>]
let ``metrics in standardised units stay finite when squared errors overflow`` () =
    let spec = mlp [ 8 ] [ Activation.tanh ]
    let options = { Train.defaults with Epochs = 3 }
    let model, _ = fit spec options
    let metrics = Evaluation.evaluate model test
    let m = metrics.Targets.[0]
    Assert.Equal(m.Mse / (model.Standardization.TargetScale.[0] * model.Standardization.TargetScale.[0]), m.StandardizedMse)
    Assert.Equal(m.StandardizedMse, metrics.StandardizedMse)
    // the same data in units a factor away: squared errors overflow (1e200, 5e307) or go subnormal (1e-165)
    for factor in [ 1e200; 5e307; 1e-165 ] do
        let scaled (ds: Dataset) = { ds with Y = ds.Y |> Array.map (fun y -> y * factor) }
        let other, _ = Regressor.fit spec (settings options) (scaled train)
        let h = (Evaluation.evaluate other (scaled test)).Targets.[0]
        Assert.True(abs (h.StandardizedMse - m.StandardizedMse) <= 1e-5 * m.StandardizedMse, $"×{factor}: {h.StandardizedMse} vs {m.StandardizedMse}")
        Assert.True(abs (h.R2 - m.R2) <= 1e-5, $"×{factor}: R² {h.R2} vs {m.R2}")
        // the RMSE is representable though the MSE is not: ×factor of the unit-scale RMSE
        Assert.True(abs (h.Rmse / (m.Rmse * factor) - 1.0) <= 1e-4, $"×{factor}: RMSE {h.Rmse} vs {m.Rmse * factor}")

[<Fact>]
let ``a float32 model refuses an input that overflows float32 once standardised`` () =
    let spec = mlp [ 4 ] [ Activation.tanh ]
    let model, _ = fit spec { Train.defaults with Epochs = 1 }
    let row = Array.copy test.X.[0 .. 8]
    Assert.True(Array.forall Double.IsFinite (Regressor.predict model row))
    row.[4] <- 1e39
    let e = Assert.Throws<SeagullException>(fun () -> Regressor.predict model row |> ignore)
    Assert.Contains($"row 1, column '{train.InputNames.[4]}' (1E+39) overflows float32", e.Message)
    let model64, _ = fit { spec with Precision = Float64 } { Train.defaults with Epochs = 1 }
    Assert.True(Array.forall Double.IsFinite (Regressor.predict model64 row))
    // float64 overflows too, further out: a finite input whose standardised value is not finite
    row.[4] <- -Double.MaxValue
    Assert.Contains("overflows float64", (Assert.Throws<SeagullException>(fun () -> Regressor.predict model64 row |> ignore)).Message)

[<Fact>]
let ``a prediction the network cannot represent is an error naming the row, never a NaN result`` () =
    // square then square: an input of 1e12 standardised is ~1e12, z² ~1e24, then ~1e48: beyond float32.
    let spec = mlp [ 4; 4 ] [ Activation.square ]
    let model, _ = fit spec { Train.defaults with Epochs = 1 }
    let rows = Array.concat [ test.X.[0 .. 8]; test.X.[0 .. 8] ]
    Assert.True(Array.forall Double.IsFinite (Regressor.predict model rows))
    rows.[9] <- 1e12
    let e = Assert.Throws<SeagullException>(fun () -> Regressor.predict model rows |> ignore)
    Assert.Contains("predict: row 2 gives ", e.Message)
    Assert.Contains("the network overflows float32 on it (its largest standardised input is", e.Message)
    Assert.DoesNotContain("\n", e.Message)
    // evaluate refuses the row as predict does; measure (a fit's own report) gives NaN metrics instead
    let far = { test with X = Array.append rows (Array.copy test.X.[18 ..]); Y = Array.append [| test.Y.[0]; test.Y.[0] |] test.Y.[2 ..]; Rows = test.Rows }
    Assert.Throws<SeagullException>(fun () -> Evaluation.evaluate model far |> ignore) |> ignore
    let m = (Evaluation.measure model far).Targets.[0]
    Assert.True(Double.IsNaN m.Mse && Double.IsNaN m.StandardizedMse && Double.IsNaN m.R2)
    Assert.True(Double.IsNaN (Evaluation.measure model far).StandardizedMse)
    Assert.True(Double.IsFinite (Evaluation.measure model test).Targets.[0].Mse)
    // an input beyond float32 once standardised: refused by predict, NaN for measure
    let huge = { far with X = Array.mapi (fun i x -> if i = 4 then 1e300 else x) far.X }
    Assert.Contains("overflows float32", (Assert.Throws<SeagullException>(fun () -> Evaluation.evaluate model huge |> ignore)).Message)
    Assert.True(Double.IsNaN (Evaluation.measure model huge).Targets.[0].Mse)
    // an exactly invariant network that overflows on a row overflows the same way on its swap: invariance error 0
    let sym = architecture "symmetrized" [ 4; 4 ] [ Activation.square ]
    let symModel, _ = fit sym { Train.defaults with Epochs = 1 }
    let symMetrics = Evaluation.measure symModel far
    Assert.True(Double.IsNaN symMetrics.Targets.[0].Mse || Double.IsInfinity symMetrics.Targets.[0].Mse)
    Assert.Equal(0.0, symMetrics.Targets.[0].InvarianceError)
    Assert.Equal(0.0, symMetrics.StandardizedInvarianceError)

[<Fact>]
let ``a constant target is refused before training`` () =
    let constant = { train with Y = Array.create train.Rows 2.5 }
    let spec = mlp [ 4 ] [ Activation.tanh ]
    let e = Assert.Throws<SeagullException>(fun () -> Regressor.fit spec Regressor.defaults constant |> ignore)
    Assert.Contains("is 2.5 in all", e.Message)
    Assert.Contains("a constant has nothing to learn", e.Message)
    let rounded = { train with Y = Array.init train.Rows (fun i -> if i % 2 = 0 then 0.1 + 0.2 else 0.3) }
    let e2 = Assert.Throws<SeagullException>(fun () -> Regressor.fit spec Regressor.defaults rounded |> ignore)
    Assert.Contains("varies only by rounding (0.3 to 0.30000000000000004)", e2.Message)
    // with two targets, the constant one is named
    let two = Dataset.create train.Symmetry train.InputNames [| "moving"; "still" |] train.X (train.Y |> Array.collect (fun y -> [| y; 7.0 |]))
    let spec2 = Architectures.mlp spring.Symmetry { Architectures.options [ 4 ] [ Activation.tanh ] with Outputs = 2 }
    let e3 = Assert.Throws<SeagullException>(fun () -> Regressor.fit spec2 Regressor.defaults two |> ignore)
    Assert.Contains("the target 'still' is 7 in all", e3.Message)

[<Fact>]
let ``early stopping keeps the best validation parameters`` () =
    let spec = mlp [ 16 ] [ Activation.tanh ]
    let _, result =
        fitWith spec { settings { Train.defaults with Epochs = 400; Patience = Some 3; Optimizer = Adam(0.05, 0.9, 0.999, 1e-8) } with
                         ValidationFraction = Some 0.2 }
    Assert.True(result.EpochsRun < 400)
    let best = result.History |> List.minBy (fun r -> r.ValidationLoss.Value)
    Assert.Equal(best.Epoch, result.BestEpoch)

[<Fact>]
let ``a cancelled fit keeps the last good parameters`` () =
    let spec = mlp [ 8 ] [ Activation.tanh ]
    use cts = new CancellationTokenSource()
    let mutable seen = 0
    let model, result =
        fit spec { Train.defaults with Epochs = 100; Progress = (fun r -> seen <- r.Epoch; if r.Epoch = 3 then cts.Cancel()); Cancellation = cts.Token }
    Assert.True(result.Cancelled)
    Assert.Equal(3, result.EpochsRun)
    Assert.True((Regressor.predict model test.X) |> Array.forall Double.IsFinite)

[<Fact>]
let ``losses`` () =
    let p = Tensor.vector Float64 [| 1.0; 2.0; 4.0 |]
    let y = Tensor.vector Float64 [| 1.0; 0.0; 1.0 |]
    Assert.Equal(13.0 / 3.0, Tensor.toScalar (Loss.mse p y), 12)
    Assert.Equal(5.0 / 3.0, Tensor.toScalar (Loss.mae p y), 12)
    Assert.Equal(2.0 * 13.0 / 3.0, Tensor.toScalar (Loss.symmetryPenalty 2.0 p y), 12)
    Assert.Throws<SeagullException>(fun () -> Loss.mse p (Tensor.vector Float64 [| 1.0 |]) |> ignore) |> ignore

/// The fit loop by hand, without the step arena: the same batches (the loop's documented order), the
/// same gradients and optimizer (at the schedule's rate of each epoch). Train.fit must agree with it bit for bit.
let private fitByHand (spec: NetworkSpec) (loss: LossKind) (options: TrainOptions) (x: Tensor) (y: Tensor) =
    let n = x.Shape.[0]
    let key = Random.fold (Random.key options.Seed) 7
    let mutable p = Network.init spec (Random.key options.Seed)
    let mutable state = Optimizer.init p
    for epoch in 0 .. options.Epochs - 1 do
        let order = Random.permutation (Random.fold key epoch) n
        let rule = Optimizer.withLearningRate (Optimizer.scheduled options.Schedule (Optimizer.learningRate options.Optimizer) epoch) options.Optimizer
        for start in 0 .. options.BatchSize .. n - 1 do
            let idx = Array.sub order start (min options.BatchSize (n - start))
            let xb, yb = Tensor.takeRows idx x, Tensor.takeRows idx y
            let batchLoss (q: Params) =
                let out = Network.apply spec q xb
                let fit = LossKind.apply loss out yb
                match options.Penalty with
                | Some penalty when penalty.Weight > 0.0 ->
                    fit + Loss.symmetryPenalty penalty.Weight out (Network.apply spec q (Symmetry.swap penalty.Symmetry xb))
                | _ -> fit
            let _, g = Params.valueAndGrad batchLoss p
            let s, q = Optimizer.step rule state p g
            state <- s
            p <- q
    p

[<Theory>]
[<InlineData("mlp", "float32", 0.0, "mse")>]
[<InlineData("split", "float64", 0.0, "mae")>]
[<InlineData("pooled", "float32", 0.5, "mse")>]
[<InlineData("symmetrized", "float64", 0.0, "mse")>]
let ``the fit loop's reuse of scratch arrays changes no bit of the result`` (arch: string, precision: string, penalty: float, loss: string) =
    let spec = Architectures.build arch spring.Symmetry
                   { Architectures.options [ 8; 6 ] [ Activation.seagull; Activation.tanh ] with Precision = Dtype.parse precision }
    let lossKind = if loss = "mae" then MeanAbsoluteError else MeanSquaredError
    // 300 rows in batches of 64: a short last batch, so the arena also sees a change of sizes.
    let x = Tensor.convert spec.Precision (Tensor.ofArray Float64 [| 300; 9 |] (Array.sub train.X 0 2700))
    let y = Tensor.convert spec.Precision (Tensor.ofArray Float64 [| 300; 1 |] (Array.sub train.Y 0 300))
    let options =
        { Train.defaults with
            Epochs = 3; BatchSize = 64; Seed = 3
            Penalty = (if penalty > 0.0 then Some { Weight = penalty; Symmetry = spring.Symmetry } else None) }
    let fitWithLoop (o: TrainOptions) (targets: Tensor) =
        Train.fit (Network.apply spec) (LossKind.apply lossKind) (Network.init spec (Random.key o.Seed)) x targets o
    Assert.True(Params.equal (fitByHand spec lossKind options x y) (fitWithLoop options y).Params)
    // SGD with a step-decay schedule; the targets as one value per row (the loop makes them rows × 1)
    let sgd = { options with Optimizer = Sgd(0.01, 0.9); Schedule = StepDecay(1, 0.5) }
    let yVector = Tensor.reshape [| 300 |] y
    Assert.True(Params.equal (fitByHand spec lossKind sgd x y) (fitWithLoop sgd yVector).Params)

[<Theory>]
[<InlineData(1)>]
[<InlineData(64)>]
let ``the fit loop reuses no array that is still held: initial, per-epoch and best parameters stay intact`` (batch: int) =
    // The optimizer writes a step's results into the arrays of the step before the last; the caller's
    // initial parameters and the best epoch's (early stopping) must never be among them. Batch 1 gives
    // 1-step epochs when the data has one row, batch 64 several steps per epoch.
    let spec = Architectures.mlp spring.Symmetry { Architectures.options [ 6 ] [ Activation.seagull ] with Precision = Float32 }
    let rows = if batch = 1 then 1 else 200
    let x = Tensor.convert Float32 (Tensor.ofArray Float64 [| rows; 9 |] (Array.sub train.X 0 (rows * 9)))
    let y = Tensor.convert Float32 (Tensor.ofArray Float64 [| rows; 1 |] (Array.sub train.Y 0 rows))
    let vx = Tensor.convert Float32 (Tensor.ofArray Float64 [| 50; 9 |] (Array.sub train.X 1800 450))
    let vy = Tensor.convert Float32 (Tensor.ofArray Float64 [| 50; 1 |] (Array.sub train.Y 200 50))
    let initial = Network.init spec (Random.key 4)
    let initialCopy = Params.unflatten initial (Params.flatten initial)
    // Every epoch's parameters as the monitor saw them: the object and a copy of its numbers.
    let seen = Collections.Generic.List<Params * float[]>()
    let record (p: Params) = seen.Add((p, Params.flatten p)); 0.0
    // A high learning rate makes the validation loss go up and down, so the best epoch is not the last.
    let options =
        { Train.defaults with
            Epochs = 12; BatchSize = batch; Seed = 1; Optimizer = Adam(0.3, 0.9, 0.999, 1e-8)
            Validation = Some (vx, vy); Monitor = Some record }
    let fitted = Train.fit (Network.apply spec) Loss.mse initial x y options
    Assert.True(Params.equal initialCopy initial)
    Assert.Equal<float[]>(snd seen.[fitted.BestEpoch - 1], Params.flatten fitted.Params)
    Assert.True(fitted.BestEpoch < fitted.EpochsRun, $"best epoch {fitted.BestEpoch} of {fitted.EpochsRun}: the test needs an earlier best")
    // Parameters handed out at the end of an epoch are never written afterwards.
    for epoch, (p, numbers) in Seq.indexed seen do
        Assert.True((Params.flatten p = numbers), $"the parameters of epoch {epoch + 1} changed after the epoch")

[<Fact>]
let ``a fit cancelled in the middle of an epoch returns the previous epoch's parameters, bit for bit`` () =
    // The step that notices the cancellation has already overwritten arrays of earlier steps; the rollback
    // target (the start of the epoch) must not have been among them.
    use cts = new CancellationTokenSource()
    let mutable calls = 0
    let cancelling = Activation.custom "cancelling-tanh" (fun z -> calls <- calls + 1; (if calls = 37 then cts.Cancel()); Tensor.tanh z)
    let spec = Architectures.mlp spring.Symmetry { Architectures.options [ 6 ] [ cancelling ] with Precision = Float32 }
    let x = Tensor.convert Float32 (Tensor.ofArray Float64 [| 200; 9 |] (Array.sub train.X 0 1800))
    let y = Tensor.convert Float32 (Tensor.ofArray Float64 [| 200; 1 |] (Array.sub train.Y 0 200))
    let initial = Network.init spec (Random.key 4)
    let ends = Collections.Generic.List<float[]>()
    let options =
        { Train.defaults with
            Epochs = 10; BatchSize = 16; Seed = 1
            Monitor = Some (fun p -> ends.Add(Params.flatten p); 0.0); Cancellation = cts.Token }
    calls <- 0   // creating the activation probed its formula
    // 13 steps an epoch, one network call per step: call 37 is the 11th step of epoch 3.
    let fitted = Train.fit (Network.apply spec) Loss.mse initial x y options
    Assert.True(fitted.Cancelled)
    Assert.Equal(2, fitted.EpochsRun)
    Assert.Equal(2, ends.Count)
    Assert.Equal<float[]>(ends.[1], Params.flatten fitted.Params)

[<Fact>]
let ``a step arena hands out the previous step's arrays in order, and only inside its scope`` () =
    let arena = Kernels.StepArena()
    let take () : Array list = [ Kernels.Elementwise.fresh<float32> 10; Kernels.Elementwise.fresh<float32> 10 ]
    let first = arena.Scope(fun () -> take () @ [ Kernels.Elementwise.fresh<float> 3 ])
    let second = arena.Scope(fun () -> take () @ [ Kernels.Elementwise.fresh<float> 4 ])
    Assert.Same(first.[0], second.[0])
    Assert.Same(first.[1], second.[1])
    Assert.NotSame(first.[0], first.[1])
    Assert.NotSame(first.[2], second.[2])       // a different length takes a new array
    Assert.Equal(4, second.[2].Length)
    Assert.NotSame(Kernels.Elementwise.fresh<float32> 10, Kernels.Elementwise.fresh<float32> 10)   // outside: always new
    Assert.Throws<InvalidOperationException>(fun () -> arena.Scope(fun () -> arena.Scope(fun () -> ()))) |> ignore
    Assert.Throws<Exception>(fun () -> arena.Scope(fun () -> failwith "boom") |> ignore) |> ignore
    Assert.Null(Kernels.StepArena.Current)      // closed even after an exception

/// Adam's update by its formula, one rounded operation at a time (float32 arithmetic for float32 tensors).
let private adamByFormula (lr: float) (b1: float) (b2: float) (eps: float) (step: int) (p: float32[]) (g: float32[]) (m: float32[]) (v: float32[]) =
    let c1 = 1.0 - Math.Pow(b1, float step)
    let c2 = 1.0 - Math.Pow(b2, float step)
    let f (x: float) = float32 x
    Array.init p.Length (fun i ->
        let mi = g.[i] * f (1.0 - b1) + m.[i] * f b1
        let vi = g.[i] * g.[i] * f (1.0 - b2) + v.[i] * f b2
        let denom = sqrt vi * f (1.0 / Math.Sqrt c2) + f eps
        mi / denom * f (-lr / c1) + p.[i], mi, vi)

[<Property(MaxTest = 40, Replay = Generators.Replay)>]
let ``an Adam step is the formula evaluated operation by operation, bit for bit`` (seed: int) =
    let n = 1 + abs seed % 70                       // across vector widths and scalar tails
    let draw k = Random.uniforms (Random.key (seed + k)) n -1.0 1.0 |> Array.map float32
    let p, g, m = draw 1, draw 2, draw 3
    let v = draw 4 |> Array.map abs
    let leaf (xs: float32[]) = Leaf (Tensor.ofArray Float32 [| n |] (Array.map float xs))
    let state = { Step = 2; First = leaf m; Second = leaf v }
    let lr = 1e-3
    let s, q = Optimizer.step (Adam (lr, 0.9, 0.999, 1e-8)) state (leaf p) (leaf g)
    let want = adamByFormula lr 0.9 0.999 1e-8 3 p g m v
    let bits (t: Params) = Params.leaves t |> List.head |> Tensor.toArray |> Array.map (float32 >> BitConverter.SingleToInt32Bits)
    let wantBits (k: int) = want |> Array.map (fun (a, b, c) -> BitConverter.SingleToInt32Bits([| a; b; c |].[k]))
    bits q = wantBits 0 && bits s.First = wantBits 1 && bits s.Second = wantBits 2

[<Fact>]
let ``Evaluation.mse is the MSE that evaluate reports`` () =
    let spec = mlp [ 8 ] [ Activation.tanh ]
    let model, _ = fit spec { Train.defaults with Epochs = 1 }
    let metrics = (Evaluation.evaluate model test).Targets.[0]
    Assert.Equal(BitConverter.DoubleToInt64Bits metrics.Mse, BitConverter.DoubleToInt64Bits (Evaluation.mse model test).[0])
    let mean = test.Y |> Array.map (fun y -> (y - Array.average test.Y) ** 2.0) |> Array.average
    Assert.Equal(metrics.Mse / mean, 1.0 - metrics.R2, 12)
