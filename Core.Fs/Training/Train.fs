namespace Seagull.Core

open System
open System.Diagnostics
open System.Threading

/// Settings of the fit loop.
type TrainOptions =
    { Epochs: int
      BatchSize: int
      Optimizer: OptimizerKind
      Schedule: Schedule
      Loss: LossKind
      /// Seeds the initial parameters and the mini-batch order.
      Seed: int
      /// Train on x and x̃ (twice the data).
      Augment: bool
      /// λ of the symmetry penalty λ·mean((g(x) − g(x̃))²); 0 for none.
      Penalty: float
      /// Stop after this many epochs without a better validation loss (needs validation data).
      Patience: int option }

/// What one epoch reports: training loss (mean over batches), validation loss, and an optional
/// monitored number (e.g. test MSE for learning curves).
type EpochReport =
    { Epoch: int
      TrainLoss: float
      ValidationLoss: float option
      Monitor: float option }

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
      /// Wall time of the training loop alone.
      Seconds: float
      Cancelled: bool }

/// The fit loop: shuffled mini-batches, an optimizer step per batch, early stopping on validation
/// loss that keeps the best parameters, and divergence detection.
[<RequireQualifiedAccess>]
module Train =
    /// The defaults of the reference: 200 epochs, batch 128, Adam 1e-3, MSE, seed 0.
    let defaults =
        { Epochs = 200
          BatchSize = 128
          Optimizer = Optimizer.adamDefault
          Schedule = Constant
          Loss = MeanSquaredError
          Seed = 0
          Augment = false
          Penalty = 0.0
          Patience = None }

    /// Checks the options; raises a one-line error naming the bad one.
    let validate (o: TrainOptions) =
        if o.Epochs < 1 then Fail.with' $"epochs must be ≥ 1, got {o.Epochs}"
        if o.BatchSize < 1 then Fail.with' $"batch size must be ≥ 1, got {o.BatchSize}"
        let lr = Optimizer.learningRate o.Optimizer
        if not (Double.IsFinite lr) || lr <= 0.0 then Fail.with' $"learning rate must be a positive number, got {lr}"
        if not (Double.IsFinite o.Penalty) || o.Penalty < 0.0 then Fail.with' $"penalty must be ≥ 0, got {o.Penalty}"
        match o.Patience with
        | Some p when p < 1 -> Fail.with' $"patience must be ≥ 1, got {p}"
        | _ -> ()
        o

    let private finiteParams (p: Params) =
        Params.leafArray p
        |> Array.forall (fun t ->
            match t.Raw.Data with
            | F32 a -> Array.forall Single.IsFinite a
            | F64 a -> Array.forall Double.IsFinite a)

    /// The loss of a network on a data set (evaluated in batches of 4096, no gradient).
    let evaluateLoss (spec: NetworkSpec) (loss: LossKind) (p: Params) (x: Tensor) (y: Tensor) : float =
        let prediction = Network.apply spec p x
        Tensor.toScalar (LossKind.apply loss prediction (Tensor.convert spec.Precision y))

    /// Fits `spec` from freshly drawn parameters. `x` is rows × (2D+K), `y` has one value per row.
    /// `monitor` is evaluated after every epoch (for learning curves); `progress` is told each epoch.
    /// A NaN or infinite loss stops with an error naming the epoch; cancellation stops within one
    /// epoch and returns the last good parameters.
    let fitFrom (spec: NetworkSpec) (options: TrainOptions) (initial: Params) (x: Tensor) (y: Tensor)
                (validation: (Tensor * Tensor) option) (monitor: (Params -> float) option)
                (progress: EpochReport -> unit) (cancel: CancellationToken) : TrainResult =
        let options = validate options
        let spec = NetworkSpec.validate spec
        let rows = x.Raw.Shape.[0]
        if rows < 1 then Fail.with' "training data is empty"
        if y.Count <> rows then Fail.with' $"training data: {rows} input rows but {y.Count} targets"
        let x = Tensor.convert spec.Precision x |> Tensor.detach
        let y = Tensor.convert spec.Precision (Tensor.reshape [| rows |] y) |> Tensor.detach
        let x, y =
            if options.Augment then Tensor.concatRows [ x; Network.swap spec.Blocks x ], Tensor.concatRows [ y; y ]
            else x, y
        let n = x.Raw.Shape.[0]
        let key = Random.fold (Random.key options.Seed) 7
        let lossOf = LossKind.apply options.Loss
        let batchLoss (xb: Tensor) (yb: Tensor) (p: Params) =
            let out = Network.apply spec p xb
            let fit = lossOf out yb
            if options.Penalty > 0.0 then fit + Loss.symmetryPenalty options.Penalty out (Network.apply spec p (Network.swap spec.Blocks xb))
            else fit
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
        // The state and parameters of the step before the last: their arrays take the next step's
        // results, unless something still refers to them (the caller's initial parameters, the start of
        // the epoch kept for cancellation, the best parameters kept for early stopping).
        let mutable spareState: OptimizerState option = None
        let mutable spareParams: Params option = None
        let history = Collections.Generic.List<EpochReport>()
        while not stop && epoch < options.Epochs do
            if cancel.IsCancellationRequested then
                cancelled <- true
                stop <- true
            else
                let order = Random.permutation (Random.fold key epoch) n
                let rate = Optimizer.scheduled options.Schedule baseRate epoch
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
                            let yb = Tensor.takeRows idx y
                            let value, g = Params.valueAndGrad (batchLoss xb yb) p
                            if not (Double.IsFinite value) then
                                Fail.with' $"training diverged at epoch {epoch + 1} (loss is {value}); try a lower learning rate (now {baseRate})"
                            let s, q = Optimizer.stepReusing spareState spareParams options.Optimizer rate state p g
                            value, s, q)
                    spareState <- if Object.ReferenceEquals(state, epochState) then None else Some state
                    spareParams <-
                        if Object.ReferenceEquals(p, initial) || Object.ReferenceEquals(p, epochStart) || Object.ReferenceEquals(p, best) then None
                        else Some p
                    state <- s
                    p <- q
                    total <- total + value
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
                    let validationLoss =
                        validation |> Option.map (fun (vx, vy) -> evaluateLoss spec options.Loss p vx vy)
                    let report =
                        { Epoch = epoch
                          TrainLoss = total / float batches
                          ValidationLoss = validationLoss
                          Monitor = monitor |> Option.map (fun f -> f p) }
                    history.Add report
                    progress report
                    match validationLoss with
                    | Some v when not (Double.IsFinite v) ->
                        Fail.with' $"training diverged at epoch {epoch} (validation loss is {v}); try a lower learning rate (now {baseRate})"
                    | Some v ->
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

    /// Fits `spec` from parameters drawn with `options.Seed`.
    let fit (spec: NetworkSpec) (options: TrainOptions) (x: Tensor) (y: Tensor) (validation: (Tensor * Tensor) option)
            (monitor: (Params -> float) option) (progress: EpochReport -> unit) (cancel: CancellationToken) : TrainResult =
        NetworkSpec.requireMemory spec 1
        let initial = Network.init spec (Random.key options.Seed)
        fitFrom spec options initial x y validation monitor progress cancel
