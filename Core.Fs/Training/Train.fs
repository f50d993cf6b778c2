namespace Seagull.Core

open System
open System.Diagnostics
open System.Threading

/// What one epoch reports: training loss (mean over batches), validation loss, and an optional
/// monitored number (e.g. test MSE for learning curves).
type EpochReport =
    { Epoch: int
      TrainLoss: float
      ValidationLoss: float option
      /// The validation score (`TrainOptions.ValidationScore`), when one is set.
      ValidationScore: float option
      Monitor: float option }

/// The symmetry penalty λ·mean((g(x) − g(x̃))²) added to the loss: the "custom loss" route to approximate invariance.
type SymmetryPenalty = { Weight: float; Symmetry: Symmetry }

/// Settings of the fit loop, each with a default in `Train.defaults`.
[<NoEquality; NoComparison>]
type TrainOptions =
    { Epochs: int
      BatchSize: int
      /// The rule and its learning rate (the schedule scales that rate).
      Optimizer: OptimizerKind
      Schedule: Schedule
      /// Seeds the mini-batch order.
      Seed: int
      /// Added to the loss of every batch; None for none.
      Penalty: SymmetryPenalty option
      /// Random swaps (random flips of images): each row of every batch is replaced by its swap under this
      /// symmetry with probability ½, drawn from the seed. None for none.
      RandomSwaps: Symmetry option
      /// Held-out (inputs, targets): its loss is reported after every epoch and the best epoch's parameters kept.
      Validation: (Tensor * Tensor) option
      /// Stop after this many epochs without a better validation loss (needs `Validation`).
      Patience: int option
      /// When set, chooses the best epoch (and drives `Patience`) instead of the validation loss: evaluated on
      /// the parameters after every epoch, lower is better (for example 1 − validation accuracy).
      ValidationScore: (Params -> float) option
      /// Evaluated on the parameters after every epoch (a learning curve), reported as `EpochReport.Monitor`.
      Monitor: (Params -> float) option
      /// Told after every epoch, on the fitting thread.
      Progress: EpochReport -> unit
      /// Stops the fit within one step; the parameters of the last completed epoch are returned.
      Cancellation: CancellationToken }

/// The outcome of a fit.
type TrainResult =
    { Params: Params
      /// Epochs actually run (early stopping or cancellation may end sooner).
      EpochsRun: int
      /// The epoch whose parameters were kept (the best validation loss, else the last).
      BestEpoch: int
      History: EpochReport list
      /// Optimizer steps taken (mini-batches processed).
      Steps: int
      /// Wall time of the training loop alone (a `Monitor`'s evaluations left out; validation included).
      Seconds: float
      Cancelled: bool }

/// The fit loop over any network function `Params -> Tensor -> Tensor` and loss: shuffled mini-batches, an
/// optimizer step per batch, early stopping on validation loss that keeps the best parameters, and
/// divergence detection.
[<RequireQualifiedAccess>]
module Train =
    /// The defaults of the reference: 200 epochs, batch 128, Adam 1e-3, constant rate, seed 0, no penalty,
    /// validation, monitor or progress, never cancelled.
    let defaults =
        { Epochs = 200
          BatchSize = 128
          Optimizer = Optimizer.adamDefault
          Schedule = Constant
          Seed = 0
          Penalty = None
          RandomSwaps = None
          Validation = None
          Patience = None
          ValidationScore = None
          Monitor = None
          Progress = ignore
          Cancellation = CancellationToken.None }

    /// An epoch whose mean training loss is this many times the loss of the first step has diverged.
    let divergenceFactor = 1e4

    /// Checks the options; raises a one-line error naming the bad one.
    let validate (o: TrainOptions) =
        if o.Epochs < 1 then Fail.with' $"epochs must be ≥ 1, got {o.Epochs}"
        if o.BatchSize < 1 then Fail.with' $"batch size must be ≥ 1, got {o.BatchSize}"
        let lr = Optimizer.learningRate o.Optimizer
        if not (Double.IsFinite lr) || lr <= 0.0 then Fail.with' $"learning rate must be a positive number, got {lr}"
        match o.Optimizer with
        | Sgd (_, momentum) when not (momentum >= 0.0 && momentum < 1.0) -> Fail.with' $"momentum must be in [0, 1), got {momentum}"
        | Adam (_, b1, b2, eps) when not (b1 >= 0.0 && b1 < 1.0 && b2 >= 0.0 && b2 < 1.0) ->
            Fail.with' $"Adam's betas must be in [0, 1), got {b1} and {b2}"
        | Adam (_, _, _, eps) when not (Double.IsFinite eps && eps > 0.0) -> Fail.with' $"Adam's epsilon must be a positive number, got {eps}"
        | _ -> ()
        match o.Schedule with
        | StepDecay (every, gamma) when every < 1 || not (Double.IsFinite gamma && gamma >= 0.0) ->
            Fail.with' $"step decay needs a step of at least 1 epoch and a factor ≥ 0, got every {every} and gamma {gamma}"
        | Cosine epochs when epochs < 1 -> Fail.with' $"cosine decay needs at least 1 epoch, got {epochs}"
        | _ -> ()
        match o.Penalty with
        | Some p when not (Double.IsFinite p.Weight) || p.Weight < 0.0 -> Fail.with' $"penalty must be ≥ 0, got {p.Weight}"
        | _ -> ()
        match o.Patience with
        | Some p when p < 1 -> Fail.with' $"patience must be ≥ 1, got {p}"
        | Some _ when o.Validation.IsNone -> Fail.with' "patience needs validation data: early stopping watches the validation loss"
        | _ -> ()
        if o.ValidationScore.IsSome && o.Validation.IsNone then Fail.with' "a validation score needs validation data"
        o

    let private finiteParams (p: Params) =
        Params.leafArray p
        |> Array.forall (fun t ->
            match t.Raw.Data with
            | F32 a -> Array.forall Single.IsFinite a
            | F64 a -> Array.forall Double.IsFinite a)

    /// The loss of a network on data, in one pass (no gradient).
    let private lossOn (network: Params -> Tensor -> Tensor) (loss: Tensor -> Tensor -> Tensor) (p: Params) (x: Tensor) (y: Tensor) : float =
        let prediction = network p x
        Tensor.toScalar (loss prediction (Tensor.convert prediction.Dtype y))

    /// Fits `network` from the parameters `initial` by minimising `loss network(p, x_batch) y_batch` (plus the
    /// options' penalty). `x` and `y` have one row per sample (y: rows × outputs, or one value per row).
    /// A NaN or infinite loss stops with an error naming the epoch; cancellation stops within one step and
    /// returns the parameters of the last completed epoch.
    /// Example: `Train.fit (Network.apply spec) Loss.mse (Network.init spec (Random.key 0)) x y Train.defaults`.
    let fit (network: Params -> Tensor -> Tensor) (loss: Tensor -> Tensor -> Tensor) (initial: Params) (x: Tensor) (y: Tensor)
            (options: TrainOptions) : TrainResult =
        let options = validate options
        let rows = if x.Raw.Shape.Length = 0 then 0 else x.Raw.Shape.[0]
        if rows < 1 then Fail.with' "training data is empty"
        let yRows = if y.Raw.Shape.Length = 0 then 1 else y.Raw.Shape.[0]
        if yRows <> rows then Fail.with' $"training data: {rows} input rows but {yRows} target rows"
        let x = Tensor.detach x
        // One value per row is one output per row.
        let columns (t: Tensor) = if t.Raw.Shape.Length = 1 then Tensor.reshape [| t.Raw.Shape.[0]; 1 |] (Tensor.detach t) else Tensor.detach t
        let y = columns y
        let validation = options.Validation |> Option.map (fun (vx, vy) -> Tensor.detach vx, columns vy)
        match validation with
        | Some (vx, vy) when vx.Raw.Shape.Length <> 2 || vx.Raw.Shape.[1] <> x.Raw.Shape.[1] || vy.Raw.Shape.[1] <> y.Raw.Shape.[1] || vx.Raw.Shape.[0] <> vy.Raw.Shape.[0] ->
            Fail.with' $"validation data: inputs {RawTensor.shapeText vx.Raw.Shape} and targets {RawTensor.shapeText vy.Raw.Shape} do not fit training data of {RawTensor.shapeText x.Raw.Shape} and {RawTensor.shapeText y.Raw.Shape}"
        | _ -> ()
        let monitor, progress, cancel = options.Monitor, options.Progress, options.Cancellation
        let n = rows
        let key = Random.fold (Random.key options.Seed) 7
        let swapKey = Random.fold (Random.key options.Seed) 13
        let batchLoss (xb: Tensor) (yb: Tensor) (p: Params) =
            let out = network p xb
            let fit = loss out (Tensor.convert out.Dtype yb)
            match options.Penalty with
            | Some penalty when penalty.Weight > 0.0 ->
                fit + Loss.symmetryPenalty penalty.Weight out (network p (Symmetry.swap penalty.Symmetry xb))
            | _ -> fit
        let baseRate = Optimizer.learningRate options.Optimizer
        let arena = Kernels.StepArena()
        let clock = Stopwatch.StartNew()
        let mutable p = initial
        let mutable state = Optimizer.init initial
        let mutable best = initial
        let mutable bestLoss = Double.PositiveInfinity
        let mutable bestEpoch = 0
        let mutable sinceBest = 0
        let mutable epoch = 0
        let mutable stop = false
        let mutable cancelled = false
        let mutable steps = 0
        // The loss of the initial parameters on the first batch: the scale an exploding loss is measured against.
        let mutable firstLoss = nan
        // The state and parameters of the step before the last: their arrays take the next step's
        // results, unless something still refers to them (the caller's initial parameters, the start of
        // the epoch kept for cancellation, the best parameters kept for early stopping).
        let mutable spareState: OptimizerState option = None
        let mutable spareParams: Params option = None
        let history = Collections.Generic.List<EpochReport>()
        // The monitor (a learning curve's evaluation) is not training: its time is left out of `Seconds`.
        let measuring (f: unit -> float) =
            clock.Stop()
            try f () finally clock.Start()
        while not stop && epoch < options.Epochs do
            if cancel.IsCancellationRequested then
                cancelled <- true
                stop <- true
            else
                let order = Random.permutation (Random.fold key epoch) n
                let rule = Optimizer.withLearningRate (Optimizer.scheduled options.Schedule baseRate epoch) options.Optimizer
                let mutable total = 0.0
                let mutable batches = 0
                let mutable start = 0
                let epochStart = p
                let epochState = state
                while start < n && not cancelled do
                    let count = min options.BatchSize (n - start)
                    let idx = Array.sub order start count
                    // The batch, the tape's intermediates and the gradients live in the arena: all are
                    // consumed by the optimizer, whose new parameters and state are ordinary arrays.
                    let value, s, q =
                        arena.Scope(fun () ->
                            let xb = Tensor.takeRows idx x
                            let xb =
                                match options.RandomSwaps with
                                | Some symmetry ->
                                    // Row i of [xb; swap xb] or row count + i: one uniform per row decides.
                                    let coins = Random.uniforms (Random.fold swapKey steps) count 0.0 1.0
                                    let pick = Array.init count (fun i -> if coins.[i] < 0.5 then i else count + i)
                                    Tensor.takeRows pick (Tensor.concatRows [ xb; Symmetry.swap symmetry xb ])
                                | None -> xb
                            let yb = Tensor.takeRows idx y
                            let value, g = Params.valueAndGrad (batchLoss xb yb) p
                            if not (Double.IsFinite value) then
                                Fail.with' $"training diverged at epoch {epoch + 1} (loss is {value}); try a lower learning rate (now {baseRate})"
                            let s, q = Optimizer.stepReusing spareState spareParams rule state p g
                            value, s, q)
                    spareState <- if Object.ReferenceEquals(state, epochState) then None else Some state
                    spareParams <-
                        if Object.ReferenceEquals(p, initial) || Object.ReferenceEquals(p, epochStart) || Object.ReferenceEquals(p, best) then None
                        else Some p
                    state <- s
                    p <- q
                    total <- total + value
                    if steps = 0 then firstLoss <- value
                    batches <- batches + 1
                    steps <- steps + 1
                    start <- start + count
                    if cancel.IsCancellationRequested then cancelled <- true
                if cancelled then
                    // Leave the model in its last good state: the end of the previous epoch.
                    p <- epochStart
                    state <- epochState
                    stop <- true
                else
                    epoch <- epoch + 1
                    // The loss is checked before each step; the epoch's last step can still overflow.
                    if not (finiteParams p) then
                        Fail.with' $"training diverged at epoch {epoch} (the parameters overflowed); try a lower learning rate (now {baseRate})"
                    let trainLoss = total / float batches
                    // A loss that grows by orders of magnitude is diverging even while it stays finite (a learning rate
                    // of 1e6 gave 1e14 in the first epoch and a model no better than a constant).
                    if firstLoss > 0.0 && trainLoss > divergenceFactor * firstLoss then
                        let show (x: float) = x.ToString("G3", Globalization.CultureInfo.InvariantCulture)
                        let factor = divergenceFactor.ToString("R", Globalization.CultureInfo.InvariantCulture)
                        Fail.with' $"training diverged at epoch {epoch} (the training loss {show trainLoss} is more than {factor} times the first step's, {show firstLoss}); try a lower learning rate (now {baseRate})"
                    let validationLoss =
                        validation |> Option.map (fun (vx, vy) -> lossOn network loss p vx vy)
                    let validationScore = options.ValidationScore |> Option.map (fun f -> f p)
                    let report =
                        { Epoch = epoch
                          TrainLoss = trainLoss
                          ValidationLoss = validationLoss
                          ValidationScore = validationScore
                          Monitor = monitor |> Option.map (fun f -> measuring (fun () -> f p)) }
                    history.Add report
                    progress report
                    match validationLoss with
                    | Some v when not (Double.IsFinite v) ->
                        Fail.with' $"training diverged at epoch {epoch} (validation loss is {v}); try a lower learning rate (now {baseRate})"
                    | Some v ->
                        let v = defaultArg validationScore v
                        if v < bestLoss then
                            bestLoss <- v
                            best <- p
                            bestEpoch <- epoch
                            sinceBest <- 0
                        else
                            sinceBest <- sinceBest + 1
                            match options.Patience with
                            | Some patience when sinceBest >= patience -> stop <- true
                            | _ -> ()
                    | None ->
                        best <- p
                        bestEpoch <- epoch
        let kept = if validation.IsSome && bestEpoch > 0 then best else p
        { Params = kept
          EpochsRun = epoch
          BestEpoch = (if validation.IsSome && bestEpoch > 0 then bestEpoch else epoch)
          History = List.ofSeq history
          Steps = steps
          Seconds = clock.Elapsed.TotalSeconds
          Cancelled = cancelled }

