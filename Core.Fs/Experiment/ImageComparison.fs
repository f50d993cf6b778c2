namespace Seagull.Core

open System
open System.Diagnostics
open System.Threading
open System.Threading.Tasks

/// What `seagull compare --images` runs: classification variants × seeds on one image data set, each cell
/// tested on the test images and on their mirror images.
[<NoEquality; NoComparison>]
type ImageCompareSettings =
    { Train: ImageSet
      Test: ImageSet
      /// The data set's name, for the report (for example fashion-mnist).
      Source: string
      Axis: MirrorAxis
      /// Variant names; empty = every image variant.
      Variants: string list
      Hidden: int list
      Seeds: int
      Epochs: int
      BatchSize: int
      LearningRate: float
      /// Early stopping on validation accuracy: stop after this many epochs without a better one, keeping the best
      /// epoch (holds out `ValidationFraction` of the training images). None: every epoch runs, the last is kept.
      Patience: int option
      ValidationFraction: float
      /// Grid cells run at once (each single-threaded).
      Jobs: int
      Precision: Dtype }

/// One cell: one variant trained with one seed.
type ImageCellResult =
    { Variant: string
      Seed: int
      /// Accuracy on the test images.
      Accuracy: float
      /// Accuracy on the mirror images of the test images, with the same labels.
      MirroredAccuracy: float
      CrossEntropy: float
      /// The fraction of test images whose class changes on their mirror image.
      Disagreement: float
      /// max |logit(x) − logit(x̃)| over the test images.
      InvarianceError: float
      EpochsRun: int
      BestEpoch: int
      /// Training loop seconds (no evaluation).
      Seconds: float
      Parameters: int
      /// Test accuracy after every epoch.
      Curve: float[] }

/// One variant over its seeds.
type ImageSummaryRow =
    { Variant: string
      Description: string
      ExactlyInvariant: bool
      Parameters: int
      Accuracy: float
      AccuracyStd: float
      MirroredAccuracy: float
      MirroredAccuracyStd: float
      CrossEntropy: float
      Disagreement: float
      /// The largest over seeds.
      InvarianceError: float
      SecondsPerEpoch: float
      /// Seeds where this variant's accuracy beats the baseline's with the same seed.
      Wins: int
      Seeds: int
      /// Mean paired accuracy difference against the baseline (this − baseline), and its 95% bootstrap interval.
      MeanDifference: float
      DifferenceInterval: float * float }

/// Classification variants on images, compared over seeds: the image side of the experiment.
[<RequireQualifiedAccess>]
module ImageComparison =
    /// The variant every other one is compared with.
    let baseline = "mlp-relu"

    type private Variant = { Name: string; Description: string; Architecture: string; Activations: int -> Activation list; Augment: bool }

    let private first (a: Activation) (rest: Activation) (layers: int) = a :: List.replicate (max 0 (layers - 1)) rest

    let private variants : Variant list =
        [ { Name = "mlp-relu"; Description = "plain MLP, relu in every hidden layer (the usual baseline)"; Architecture = "mlp"; Activations = first Activation.relu Activation.relu; Augment = false }
          { Name = "mlp-tanh"; Description = "plain MLP, tanh in every hidden layer"; Architecture = "mlp"; Activations = first Activation.tanh Activation.tanh; Augment = false }
          { Name = "mlp-seagull"; Description = "MLP with Seagull in the first hidden layer, tanh after (the paper's design)"; Architecture = "mlp"; Activations = first Activation.seagull Activation.tanh; Augment = false }
          { Name = "split"; Description = "first layer [tanh(A(u+v)+b) ; seagull(B(u−v))], then tanh; exactly invariant"; Architecture = "split"; Activations = first Activation.tanh Activation.tanh; Augment = false }
          { Name = "pooled"; Description = "Seagull on x and x̃, the next layer sees a+ã and |a−ã|, then tanh; exactly invariant"; Architecture = "pooled"; Activations = first Activation.seagull Activation.tanh; Augment = false }
          { Name = "symmetrized"; Description = "(g(x)+g(x̃))/2 around mlp-seagull; exactly invariant"; Architecture = "symmetrized"; Activations = first Activation.seagull Activation.tanh; Augment = false }
          { Name = "symmetrized-relu"; Description = "(g(x)+g(x̃))/2 around mlp-relu; exactly invariant"; Architecture = "symmetrized"; Activations = first Activation.relu Activation.relu; Augment = false }
          { Name = "augment"; Description = "mlp-relu trained on random flips (each image mirrored with probability ½)"; Architecture = "mlp"; Activations = first Activation.relu Activation.relu; Augment = true } ]

    /// The image variants' names, baseline first.
    let names = variants |> List.map (fun v -> v.Name)

    /// The protocol of our PyTorch reference: 784→256→128→10, Adam 1e-3, batch 128, 30 epochs, 3 seeds, no
    /// early stopping. `Train`, `Test` and `Source` are to be set.
    let defaults (train: ImageSet) (test: ImageSet) (source: string) : ImageCompareSettings =
        { Train = train; Test = test; Source = source; Axis = LeftRight; Variants = []; Hidden = [ 256; 128 ]; Seeds = 3; Epochs = 30
          BatchSize = 128; LearningRate = 1e-3; Patience = None; ValidationFraction = 0.1; Jobs = Environment.ProcessorCount; Precision = Float32 }

    let private chosen (s: ImageCompareSettings) =
        match s.Variants with
        | [] -> variants
        | wanted ->
            wanted |> List.map (fun name ->
                match variants |> List.tryFind (fun v -> v.Name = name.Trim().ToLowerInvariant()) with
                | Some v -> v
                | None -> Fail.with' $"""unknown image variant '{name}'; use {String.concat ", " names}""")

    let private specOf (s: ImageCompareSettings) (symmetry: Symmetry) (classes: int) (v: Variant) =
        Architectures.build v.Architecture symmetry
            { Architectures.defaults with
                Hidden = s.Hidden; Activations = v.Activations s.Hidden.Length; Even = Activation.seagull
                Outputs = classes; Precision = s.Precision }

    /// Checks the settings and the data before anything is trained; returns the variants' (name, description).
    let validate (s: ImageCompareSettings) : (string * string) list =
        if s.Seeds < 1 then Fail.with' $"seeds must be ≥ 1, got {s.Seeds}"
        if s.Epochs < 1 then Fail.with' $"epochs must be ≥ 1, got {s.Epochs}"
        if s.Jobs < 1 then Fail.with' $"jobs must be ≥ 1, got {s.Jobs}"
        if s.Hidden.IsEmpty || s.Hidden |> List.exists (fun h -> h < 2) then Fail.with' "hidden widths: give at least one, each ≥ 2"
        if s.Train.Labels.IsNone || s.Test.Labels.IsNone then Fail.with' "the training and test images need labels"
        if (s.Train.Width, s.Train.Height, s.Train.Channels) <> (s.Test.Width, s.Test.Height, s.Test.Channels) then
            Fail.with' $"the training images are {s.Train.Width}×{s.Train.Height}×{s.Train.Channels} but the test images {s.Test.Width}×{s.Test.Height}×{s.Test.Channels}"
        let vs = chosen s
        if not (vs |> List.exists (fun v -> v.Name = baseline)) then Fail.with' $"the variants must include the baseline {baseline}"
        vs |> List.map (fun v -> v.Name, v.Description)

    /// Trains and tests one cell (single-threaded, deterministic for its variant and seed).
    let private runCell (s: ImageCompareSettings) (train: Dataset) (test: Dataset) (v: Variant) (seed: int) (cancel: CancellationToken) : ImageCellResult =
        let spec = specOf s train.Symmetry (Dataset.targets train) v
        let curve = Collections.Generic.List<float>()
        let settings =
            { Regressor.defaults with
                Training =
                    { Train.defaults with
                        Epochs = s.Epochs; BatchSize = s.BatchSize; Seed = seed; Patience = s.Patience; Cancellation = cancel
                        Optimizer = Optimizer.withLearningRate s.LearningRate Optimizer.adamDefault }
                Augment = v.Augment
                ValidationFraction = (if s.Patience.IsSome then Some s.ValidationFraction else None)
                Monitor = Some (fun m -> let a = ClassEvaluation.accuracy m test in curve.Add a; a) }
        let model, result = Classifier.fit spec settings ValidationAccuracy train
        let m = ClassEvaluation.evaluate model test
        { Variant = v.Name; Seed = seed; Accuracy = m.Accuracy; MirroredAccuracy = m.SwappedAccuracy; CrossEntropy = m.CrossEntropy
          Disagreement = m.Disagreement; InvarianceError = m.InvarianceError; EpochsRun = result.EpochsRun; BestEpoch = result.BestEpoch
          Seconds = result.Seconds; Parameters = Network.parameterCount spec; Curve = curve.ToArray() }

    /// Runs every variant × seed, `Jobs` cells at once, each single-threaded, so results do not depend on `Jobs`.
    /// `progress` is told after each cell (done, total, the cell). Results in variant, then seed order.
    let run (s: ImageCompareSettings) (progress: int -> int -> ImageCellResult -> unit) (cancel: CancellationToken) : ImageCellResult list =
        validate s |> ignore
        let train = Classifier.ofImages s.Axis s.Train
        let test = Classifier.align train.TargetNames (Classifier.ofImages s.Axis s.Test)
        let cells = [| for v in chosen s do for seed in 0 .. s.Seeds - 1 -> v, seed |]
        let results = Array.zeroCreate cells.Length
        let mutable finished = 0
        let gate = obj ()
        let options = ParallelOptions(MaxDegreeOfParallelism = s.Jobs, CancellationToken = cancel)
        Parallel.For(0, cells.Length, options, fun i ->
            let v, seed = cells.[i]
            let r = runCell s train test v seed cancel
            results.[i] <- r
            lock gate (fun () ->
                finished <- finished + 1
                progress finished cells.Length r)) |> ignore
        List.ofArray results

    // String.GetHashCode differs from process to process; the interval's key must not.
    let private stableHash (text: string) = text |> Seq.fold (fun h c -> h * 31 + int c) 17

    let private sd (values: float[]) = if values.Length < 2 then 0.0 else Statistics.std values

    /// One row per variant (in the order run), paired with the baseline by seed.
    let summarize (s: ImageCompareSettings) (results: ImageCellResult list) : ImageSummaryRow list =
        let descriptions = validate s |> dict
        let byVariant = results |> List.groupBy (fun r -> r.Variant)
        let base' = results |> List.filter (fun r -> r.Variant = baseline) |> List.map (fun r -> r.Seed, r.Accuracy)
        let symmetry = Symmetry.mirror s.Axis s.Train.Width s.Train.Height s.Train.Channels
        byVariant |> List.map (fun (name, cells) ->
            let acc = cells |> List.map (fun c -> c.Accuracy) |> Array.ofList
            let mirrored = cells |> List.map (fun c -> c.MirroredAccuracy) |> Array.ofList
            let own = cells |> List.map (fun c -> c.Seed, c.Accuracy)
            let pairs = Statistics.pairBySeed base' own
            let differences = pairs |> Array.map (fun (_, b, v) -> v - b)
            let v = variants |> List.find (fun v -> v.Name = name)
            let classes = s.Train.ClassNames.Length
            { Variant = name
              Description = descriptions.[name]
              ExactlyInvariant = Network.isExactlyInvariant (specOf s symmetry classes v)
              Parameters = cells.Head.Parameters
              Accuracy = Statistics.mean acc
              AccuracyStd = sd acc
              MirroredAccuracy = Statistics.mean mirrored
              MirroredAccuracyStd = sd mirrored
              CrossEntropy = cells |> List.averageBy (fun c -> c.CrossEntropy)
              Disagreement = cells |> List.averageBy (fun c -> c.Disagreement)
              InvarianceError = cells |> List.map (fun c -> c.InvarianceError) |> List.max
              SecondsPerEpoch = cells |> List.averageBy (fun c -> c.Seconds / float (max 1 c.EpochsRun))
              Wins = pairs |> Array.filter (fun (_, b, v) -> v > b) |> Array.length
              Seeds = pairs.Length
              MeanDifference = (if differences.Length = 0 then nan else Array.average differences)
              DifferenceInterval =
                if differences.Length = 0 then (nan, nan)
                else Statistics.bootstrapMeanInterval (Random.fold (Random.key 2024) (stableHash name)) 10000 0.95 differences })
