module Seagull.Tests.TrainingTests

open System
open System.Threading
open Xunit
open FsCheck
open FsCheck.FSharp
open FsCheck.Xunit
open Seagull.Core
open Seagull.Testing

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

[<Property(Replay = Seagull.Testing.Generators.Replay, MaxTest = 60)>]
let ``Adam converges on a random convex quadratic`` () =
    Prop.forAll (Arb.fromGen quadraticGen) (fun (a, c) ->
        let p = minimise (Adam(0.05, 0.9, 0.999, 1e-8)) 1500 (a, c)
        Array.forall2 (fun (x: float) (y: float) -> abs (x - y) < 1e-3) p c)

[<Property(Replay = Seagull.Testing.Generators.Replay, MaxTest = 60)>]
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
[<InlineData("mlp")>]
[<InlineData("symmetrized")>]
let ``a Fashion-MNIST-sized network trains to the same bits on 1 and 2 threads`` (arch: string) =
    // 784→256→128→10 on 512 random rows, 2 epochs of batch 128: its products are past the split threshold
    let symmetry = Symmetry.mirror LeftRight 28 28 1
    let spec = Architectures.build arch symmetry { Architectures.options [ 256; 128 ] [ Activation.relu; Activation.tanh ] with Outputs = 10 }
    let x = Tensor.ofArray Float32 [| 512; 784 |] (Random.uniforms (Random.key 1) (512 * 784) -1.0 1.0)
    let y = Tensor.ofArray Float32 [| 512; 10 |] (Random.normals (Random.key 2) (512 * 10))
    let fitOn threads =
        Threads.run threads (fun () ->
            Train.fit (Network.apply spec) Loss.mse (Network.init spec (Random.key 0)) x y { Train.defaults with Epochs = 2 })
    let one, two = fitOn 1, fitOn 2
    Assert.Equal(8, two.Steps)
    Assert.True(Params.equal one.Params two.Params)
    Assert.Equal<float list>(one.History |> List.map _.TrainLoss, two.History |> List.map _.TrainLoss)

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

// ---- several targets ------------------------------------------------------------------------------------

let private bits (x: float) = Checks.bits x
let private allBits (xs: float[]) = Array.map Checks.bits xs

/// Two different functions of the same inputs (u, v ∈ R², w ∈ R), in units a thousand times apart:
/// y₁ = |u − v|², y₂ = 1000·(w·(u₁ + v₁) + u₂v₂) + 50.
let private twoTargets (key: Key) (rows: int) =
    let s = Symmetry.blocks 2 1
    let x = Random.uniforms key (rows * 5) -1.0 1.0
    let y =
        Array.init rows (fun i ->
            let r = Array.sub x (5 * i) 5
            let u1, u2, v1, v2, w = r.[0], r.[1], r.[2], r.[3], r.[4]
            [| (u1 - v1) ** 2.0 + (u2 - v2) ** 2.0; 1000.0 * (w * (u1 + v1) + u2 * v2) + 50.0 |])
        |> Array.concat
    Dataset.create s (Symmetry.defaultNames s) [| "distance"; "energy" |] x y

let private twoData = twoTargets (Random.key 21) 800
let private twoTrain, twoTest = Dataset.split (Random.key 22) 0.25 twoData
let private twoSpec = Architectures.mlp twoData.Symmetry { Architectures.options [ 24; 24 ] [ Activation.tanh ] with Outputs = 2 }

/// A model of the two targets, learnt once.
let private twoModel =
    lazy (fst (Regressor.fit twoSpec (settings { Train.defaults with Epochs = 40; BatchSize = 32; Optimizer = Adam(0.01, 0.9, 0.999, 1e-8); Seed = 2 }) twoTrain))

[<Fact>]
let ``a network with two outputs learns two targets at once`` () =
    let metrics = Evaluation.evaluate twoModel.Value twoTest
    Assert.Equal<string[]>([| "distance"; "energy" |], metrics.Targets |> Array.map (fun t -> t.Name))
    for t in metrics.Targets do
        // 1 is predicting the training mean
        Assert.True(t.StandardizedMse < 0.2, $"{t.Name}: standardised test MSE {t.StandardizedMse}")
        Assert.True(t.R2 > 0.8, $"{t.Name}: R² {t.R2}")
    Assert.True(metrics.StandardizedMse < 0.2)
    Assert.Equal(twoTest.Rows, metrics.N)

[<Fact>]
let ``per-target metrics: each target's MSE in its own units, the overall standardised MSE their mean`` () =
    let model = twoModel.Value
    let rows = twoTest.Rows
    let prediction = Regressor.predict model twoTest.X
    let predictionSwapped = Regressor.predict model (Symmetry.swapRows twoTest.Symmetry twoTest.X)
    Assert.Equal(2 * rows, prediction.Length)
    let metrics = Evaluation.evaluate model twoTest
    let mse = Evaluation.mse model twoTest
    for t in 0 .. 1 do
        let p = Array.init rows (fun i -> prediction.[2 * i + t])
        let y = Dataset.target twoTest t
        let byHand = Array.fold2 (fun acc (a: float) (b: float) -> acc + (a - b) * (a - b)) 0.0 p y / float rows
        let m = metrics.Targets.[t]
        Assert.Equal(bits byHand, bits m.Mse)
        Assert.Equal(bits byHand, bits mse.[t])
        let scale = model.Standardization.TargetScale.[t]
        Assert.Equal(bits (byHand / (scale * scale)), bits m.StandardizedMse)
        Assert.Equal(Math.Sqrt byHand, m.Rmse)
        let mean = Array.average y
        Assert.Equal(1.0 - byHand / (y |> Array.averageBy (fun v -> (v - mean) * (v - mean))), m.R2, 12)
        let invariance = Array.init rows (fun i -> abs (prediction.[2 * i + t] - predictionSwapped.[2 * i + t])) |> Array.max
        Assert.Equal(invariance, m.InvarianceError)
    // the two targets are in units a thousand times apart: so are their MSEs, not their standardised MSEs
    Assert.True(metrics.Targets.[1].Mse > 1000.0 * metrics.Targets.[0].Mse)
    Assert.Equal(bits ((metrics.Targets.[0].StandardizedMse + metrics.Targets.[1].StandardizedMse) / 2.0), bits metrics.StandardizedMse)
    let scales = model.Standardization.TargetScale
    Assert.Equal(max (metrics.Targets.[0].InvarianceError / scales.[0]) (metrics.Targets.[1].InvarianceError / scales.[1]), metrics.StandardizedInvarianceError)
    // the check: f(x) against f(x̃) per output, in the targets' units
    let check = Evaluation.check model 200 3
    Assert.False(check.ExactlyInvariant)
    Assert.False(check.ArchitectureGuarantees)
    Assert.True(check.InvarianceError > 0.0)
    let symmetric, _ = Regressor.fit (Architectures.symmetrized twoData.Symmetry { Architectures.options [ 8 ] [ Activation.tanh ] with Outputs = 2 }) (settings { Train.defaults with Epochs = 1 }) twoTrain
    let exact = Evaluation.check symmetric 200 3
    Assert.True(exact.ExactlyInvariant && exact.ArchitectureGuarantees)
    Assert.Equal(0.0, exact.InvarianceError)
    Assert.Equal(0.0, (Evaluation.evaluate symmetric twoTest).StandardizedInvarianceError)

[<Fact>]
let ``predictions are row-major rows × outputs, the same in any chunk, in the targets' units`` () =
    let model = twoModel.Value
    // more rows than one prediction chunk (256), so chunk boundaries fall inside the output rows
    let x = (twoTargets (Random.key 30) 600).X
    let all = Regressor.predict model x
    Assert.Equal(1200, all.Length)
    let oneByOne = Array.init 600 (fun i -> Regressor.predict model (Array.sub x (5 * i) 5)) |> Array.concat
    Assert.Equal<int64[]>(allBits all, allBits oneByOne)
    // by hand: standardise, apply, invert each target column with its own mean and scale
    let s = model.Standardization
    let raw = Network.apply model.Spec model.Params (Tensor.ofArray model.Spec.Precision [| 600; 5 |] (Standardization.applyInputs s x)) |> Tensor.toArray
    Assert.Equal<int64[]>(allBits (Array.mapi (fun i v -> v * s.TargetScale.[i % 2] + s.TargetMean.[i % 2]) raw), allBits all)
    Assert.Equal<int[]>([| 600; 2 |], (Network.apply model.Spec model.Params (Tensor.ofArray Float32 [| 600; 5 |] x)).Shape)

[<Fact>]
let ``a fit refuses data whose targets or symmetry are not the network's`` () =
    let one = mlp [ 4 ] [ Activation.tanh ]
    Checks.expectOneLineError [ "the data has 2 target columns but the network has 1 outputs" ] (fun () -> Regressor.fit (Architectures.mlp twoData.Symmetry (Architectures.options [ 4 ] [ Activation.tanh ])) Regressor.defaults twoTrain) |> ignore
    Checks.expectOneLineError [ "the data's inputs are u:2 v:2 w:1 but the network expects u:3 v:3 w:3" ] (fun () -> Regressor.fit one Regressor.defaults twoTrain) |> ignore
    let mirrored = { train with Symmetry = Symmetry.ofPermutation [| 3; 4; 5; 0; 1; 2; 6; 7; 8 |] }
    // the same swap described as a permutation is the same symmetry
    Regressor.fit one (settings { Train.defaults with Epochs = 1 }) mirrored |> ignore
    Checks.expectOneLineError [ "the data has 1 target columns, the model 2 outputs" ] (fun () -> Evaluation.evaluate twoModel.Value (Dataset.ofArrays twoData.Symmetry twoTest.X (Dataset.target twoTest 0))) |> ignore

// ---- the rows the standardisation is fitted on -----------------------------------------------------------

[<Fact>]
let ``the standardisation is fitted on exactly the rows that train the network`` () =
    let spec = mlp [ 8 ] [ Activation.tanh ]
    let s = { settings { Train.defaults with Epochs = 1; Seed = 7 } with ValidationFraction = Some 0.25 }
    let model, result = Regressor.fit spec s train
    let fitRows, validationRows = Regressor.fitRows s train.Rows
    Assert.Equal<int[]>([| 0 .. train.Rows - 1 |], Array.sort (Array.append fitRows validationRows))
    Assert.Equal((fitRows.Length, validationRows.Length), Dataset.splitSizes train.Rows 0.25)
    let onFitRows = Standardization.fit (Dataset.take fitRows train)
    let same (a: Standardization) (b: Standardization) =
        allBits a.InputMean = allBits b.InputMean && allBits a.InputScale = allBits b.InputScale
        && allBits a.TargetMean = allBits b.TargetMean && allBits a.TargetScale = allBits b.TargetScale
    Assert.True(same onFitRows model.Standardization, "the model's standardisation is that of the rows it trains on")
    Assert.False(same (Standardization.fit train) model.Standardization, "not that of every training row")
    // the validation loss is the loss on exactly the held-out rows, in the same standardised units
    let validation = Dataset.take validationRows train
    let x = Tensor.ofArray spec.Precision [| validation.Rows; 9 |] (Standardization.applyInputs onFitRows validation.X)
    let y = Tensor.ofArray spec.Precision [| validation.Rows; 1 |] (Standardization.applyTargets onFitRows validation.Y)
    let loss = Tensor.toScalar (Loss.mse (Network.apply spec model.Params x) y)
    Assert.Equal(Some (bits loss), result.History.Head.ValidationLoss |> Option.map bits)
    // the split follows the seed; without a validation part every row trains and standardises
    Assert.NotEqual<int[]>(fitRows, fst (Regressor.fitRows { s with Training = { s.Training with Seed = 8 } } train.Rows))
    let all, none = Regressor.fitRows (settings Train.defaults) train.Rows
    Assert.Equal<int[]>([| 0 .. train.Rows - 1 |], all)
    Assert.Empty(none)
    let plain, _ = fit spec { Train.defaults with Epochs = 1 }
    Assert.True(same (Standardization.fit train) plain.Standardization)

// ---- the training loop on what it is given ---------------------------------------------------------------

[<Fact>]
let ``Train.fit fits a network function of one's own: a linear model with two outputs`` () =
    // y = x·A + b exactly, for a 3 × 2 matrix A and b = (3, −1)
    let a = [| 1.0; -2.0;  0.5; 0.0;  -1.5; 2.0 |]
    let b = [| 3.0; -1.0 |]
    let rows = 256
    let x = Random.uniforms (Random.key 40) (rows * 3) -1.0 1.0
    let y = Array.init (rows * 2) (fun i -> let r, t = i / 2, i % 2 in b.[t] + Array.sum (Array.init 3 (fun k -> x.[3 * r + k] * a.[2 * k + t])))
    let linear (p: Params) (input: Tensor) =
        match p with
        | Group [ "a", Leaf m; "b", Leaf c ] -> Tensor.matmul input m + c
        | _ -> failwith "parameters { a; b } expected"
    let initial = Params.group [ "a", Leaf (Tensor.zeros Float64 [| 3; 2 |]); "b", Leaf (Tensor.zeros Float64 [| 2 |]) ]
    let options = { Train.defaults with Epochs = 150; BatchSize = 32; Optimizer = Adam(0.05, 0.9, 0.999, 1e-8) }
    let result = Train.fit linear Loss.mse initial (Tensor.ofArray Float64 [| rows; 3 |] x) (Tensor.ofArray Float64 [| rows; 2 |] y) options
    let learnt = Params.flatten result.Params
    Array.iteri2 (fun i (want: float) (got: float) -> Assert.True(abs (want - got) < 1e-3, $"parameter {i}: {got} for {want}")) (Array.append a b) learnt
    Assert.True((List.last result.History).TrainLoss < 1e-6)
    Assert.Equal(150 * 8, result.Steps)
    // the caller's initial parameters are untouched
    Assert.True(Params.flatten initial |> Array.forall ((=) 0.0))

[<Fact>]
let ``Optimizer.step takes the learning rate the rule holds`` () =
    let p = Leaf (Tensor.vector Float64 [| 1.0; -2.0; 0.25 |])
    let g = Leaf (Tensor.vector Float64 [| 0.5; -4.0; 3.0 |])
    let state = Optimizer.init p
    let after kind = Params.flatten (snd (Optimizer.step kind state p g))
    // plain SGD: p − lr·g exactly
    for lr in [ 0.1; 0.3 ] do
        Assert.Equal<float[]>([| 1.0 - lr * 0.5; -2.0 - lr * -4.0; 0.25 - lr * 3.0 |], after (Sgd(lr, 0.0)))
    // Adam's first step moves each parameter by about the learning rate, against its gradient
    for lr in [ 1e-3; 0.05 ] do
        let moved = Array.map2 (-) (after (Adam(lr, 0.9, 0.999, 1e-8))) (Params.flatten p)
        Array.iteri2 (fun i (d: float) (gi: float) -> Assert.True(abs (d + lr * float (sign gi)) < 1e-6 * lr, $"{lr}: parameter {i} moved {d}")) moved [| 0.5; -4.0; 3.0 |]
    // withLearningRate changes only the rate
    Assert.Equal(Sgd(0.7, 0.9), Optimizer.withLearningRate 0.7 (Sgd(0.1, 0.9)))
    Assert.Equal(Adam(0.7, 0.8, 0.99, 1e-7), Optimizer.withLearningRate 0.7 (Adam(0.1, 0.8, 0.99, 1e-7)))
    Assert.Equal(0.7, Optimizer.learningRate (Adam(0.7, 0.8, 0.99, 1e-7)))

[<Fact>]
let ``the schedule's rate is the rate the fit loop steps with`` () =
    let spec = mlp [ 6 ] [ Activation.tanh ]
    let x = Tensor.ofArray Float32 [| 200; 9 |] (Array.sub train.X 0 1800)
    let y = Tensor.ofArray Float32 [| 200; 1 |] (Array.sub train.Y 0 200)
    let run (o: TrainOptions) = (Train.fit (Network.apply spec) Loss.mse (Network.init spec (Random.key 1)) x y o).Params
    for rule in [ Sgd(0.05, 0.9); Adam(0.01, 0.9, 0.999, 1e-8) ] do
        let o = { Train.defaults with Optimizer = rule; BatchSize = 50 }
        // a rate of 0 from the second epoch on freezes the parameters there
        let oneEpoch = run { o with Epochs = 1 }
        Assert.True(Params.equal oneEpoch (run { o with Epochs = 3; Schedule = StepDecay(1, 0.0) }))
        Assert.False(Params.equal oneEpoch (run { o with Epochs = 3 }))
        // halving from the second epoch on is neither the constant rate nor a frozen one
        let halved = run { o with Epochs = 3; Schedule = StepDecay(1, 0.5) }
        Assert.False(Params.equal halved (run { o with Epochs = 3 }))
        Assert.False(Params.equal halved oneEpoch)
        // a cosine schedule starts at the base rate
        Assert.True(Params.equal oneEpoch (run { o with Epochs = 1; Schedule = Cosine 10 }))

[<Fact>]
let ``the penalty option changes training, and a weight of 0 is no penalty`` () =
    let spec = mlp [ 6 ] [ Activation.tanh ]
    let x = Tensor.ofArray Float32 [| 200; 9 |] (Array.sub train.X 0 1800)
    let y = Tensor.ofArray Float32 [| 200; 1 |] (Array.sub train.Y 0 200)
    let run penalty = (Train.fit (Network.apply spec) Loss.mse (Network.init spec (Random.key 1)) x y { Train.defaults with Epochs = 2; Penalty = penalty }).Params
    let none = run None
    Assert.False(Params.equal none (run (Some { Weight = 0.5; Symmetry = spring.Symmetry })))
    Assert.True(Params.equal none (run (Some { Weight = 0.0; Symmetry = spring.Symmetry })))
    // through the regressor
    let o = settings { Train.defaults with Epochs = 2 }
    let plain, _ = fitWith spec o
    let penalised, _ = fitWith spec { o with Penalty = 0.5 }
    Assert.False(Params.equal plain.Params penalised.Params)
    Checks.expectOneLineError [ "penalty must be ≥ 0, got -1" ] (fun () -> run (Some { Weight = -1.0; Symmetry = spring.Symmetry })) |> ignore

[<Fact>]
let ``augmentation trains on the rows and their swapped copies`` () =
    let spec = mlp [ 6 ] [ Activation.tanh ]
    let small = Dataset.take [| 0 .. 299 |] train
    let o = { Train.defaults with Epochs = 2; BatchSize = 64; Seed = 5 }
    let augmented, result = Regressor.fit spec { settings o with Augment = true } small
    // by hand: standardised rows, then their swaps, targets twice
    let s = Standardization.fit small
    let x = Standardization.applyInputs s small.X
    let y = Standardization.applyTargets s small.Y
    let xs = Tensor.ofArray Float32 [| 600; 9 |] (Array.append x (Symmetry.swapRows small.Symmetry x))
    let ys = Tensor.ofArray Float32 [| 600; 1 |] (Array.append y y)
    let byHand = Train.fit (Network.apply spec) Loss.mse (Network.init spec (Random.key 5)) xs ys o
    Assert.True(Params.equal byHand.Params augmented.Params)
    Assert.Equal(2 * 10, result.Steps)          // 600 rows in batches of 64: 10 an epoch (300 rows alone: 5)
    // the monitor sees the model of each epoch: its last value is the returned model's
    let curve, fitted = Regressor.fit spec { settings o with Monitor = Some (fun m -> (Evaluation.mse m test).[0]) } small |> fun (m, r) -> r, m
    Assert.Equal(2, curve.History.Length)
    Assert.Equal(Some (bits (Evaluation.mse fitted test).[0]), (List.last curve.History).Monitor |> Option.map bits)

/// Targets of one value per row are one output per row, for the validation part as for the training data.
[<Fact>]
let ``validation targets of one value per row are taken like the training targets`` () =
    let spec = mlp [ 6 ] [ Activation.tanh ]
    let x = Tensor.ofArray Float32 [| 200; 9 |] (Array.sub train.X 0 1800)
    let y = Tensor.vector Float32 (Array.sub train.Y 0 200)
    let vx = Tensor.ofArray Float32 [| 50; 9 |] (Array.sub train.X 1800 450)
    let vy = Tensor.vector Float32 (Array.sub train.Y 200 50)
    let result = Train.fit (Network.apply spec) Loss.mse (Network.init spec (Random.key 1)) x y { Train.defaults with Epochs = 2; Validation = Some (vx, vy) }
    Assert.Equal(2, result.History.Length)

[<Fact>]
let ``bad training options and data are refused in one line before any step`` () =
    let spec = mlp [ 4 ] [ Activation.tanh ]
    let x = Tensor.ofArray Float32 [| 10; 9 |] (Array.sub train.X 0 90)
    let y = Tensor.ofArray Float32 [| 10; 1 |] (Array.sub train.Y 0 10)
    let run (o: TrainOptions) (x: Tensor) (y: Tensor) = Train.fit (Network.apply spec) Loss.mse (Network.init spec (Random.key 0)) x y o
    for o, part in
        [ { Train.defaults with Epochs = 0 }, "epochs must be ≥ 1, got 0"
          { Train.defaults with BatchSize = 0 }, "batch size must be ≥ 1, got 0"
          { Train.defaults with Optimizer = Sgd(0.0, 0.9) }, "learning rate must be a positive number, got 0"
          { Train.defaults with Optimizer = Adam(nan, 0.9, 0.999, 1e-8) }, "learning rate must be a positive number, got NaN"
          { Train.defaults with Patience = Some 0 }, "patience must be ≥ 1, got 0"
          { Train.defaults with Patience = Some 3 }, "patience needs validation data"
          { Train.defaults with Optimizer = Sgd(0.01, 1.0) }, "momentum must be in [0, 1), got 1" ] do
        Checks.expectOneLineError [ part ] (fun () -> run o x y) |> ignore
    Checks.expectOneLineError [ "10 input rows but 9 target rows" ] (fun () -> run Train.defaults x (Tensor.ofArray Float32 [| 9; 1 |] (Array.sub train.Y 0 9))) |> ignore
    // the largest invariance error over the outputs
    let model = twoModel.Value
    let metrics = Evaluation.evaluate model twoTest
    Assert.Equal(metrics.Targets |> Array.map (fun t -> t.InvarianceError) |> Array.max, Regressor.invarianceError model twoTest.X)

[<Fact>]
let ``a loss that grows by orders of magnitude is divergence even while finite, and a modest rate is not`` () =
    let spec = mlp [ 16 ] [ Activation.tanh ]
    let x = Tensor.ofArray Float32 [| 400; 9 |] (Array.sub train.X 0 3600)
    let y = Tensor.ofArray Float32 [| 400; 1 |] (Array.sub train.Y 0 400)
    let run lr = Train.fit (Network.apply spec) Loss.mse (Network.init spec (Random.key 0)) x y { Train.defaults with Epochs = 3; Optimizer = Optimizer.withLearningRate lr Optimizer.adamDefault }
    let e = Checks.expectOneLineError [ "training diverged at epoch 1"; "times the first step's"; "try a lower learning rate (now 1000000)" ] (fun () -> run 1e6)
    Assert.Contains("10000", e)
    Assert.Equal(3, (run 1e-2).EpochsRun)
