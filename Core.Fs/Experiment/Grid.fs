namespace Seagull.Core

open System

// The plain data of a comparison: its settings, its variants, its progress and outcome, and a grid prepared to run.

/// A user's CSV file as one more target of a comparison, and how its rows are read.
type CsvSource = { Path: string; Roles: ColumnRoles; Read: CsvReadOptions }

/// What `seagull compare` runs: the grid and the training settings. Plain data.
type CompareSettings =
    { /// Built-in target names; empty = every built-in exchangeable target.
      Targets: string list
      /// Variant names; empty = every default variant.
      Variants: string list
      /// The even activation the Seagull variants use (default seagull).
      Activation: string
      /// Widths of the hidden layers: every cell's network when `HiddenShapes` is empty.
      Hidden: int list
      /// The grid's hidden dimension: several network shapes (each the widths of the hidden layers), each cell
      /// trained with each; empty = `Hidden` alone.
      HiddenShapes: int list list
      Seeds: int
      Epochs: int
      TrainSamples: int
      TestSamples: int
      BatchSize: int
      /// Adam's learning rate: every cell's when `LearningRates` is empty.
      LearningRate: float
      /// The grid's learning-rate dimension; empty = `LearningRate` alone.
      LearningRates: float list
      Penalty: float
      /// Grid cells run at once (each cell is single-threaded).
      Jobs: int
      Precision: Dtype
      Data: CsvSource option
      /// A data set already in memory, with its name, to compare on as well (instead of a CSV file).
      DataSet: (string * Dataset) option
      /// Custom activations (`Activation.custom`) that `Activation` may name; built-in names need none.
      CustomActivations: Activation list }

/// One variant of the comparison: a name, a description, and how it builds its network (for the data's
/// symmetry and number of targets) and its fit settings.
[<NoEquality; NoComparison>]
type VariantDefinition =
    { Name: string
      Description: string
      Spec: Symmetry -> int -> CompareSettings -> NetworkSpec
      Options: CompareSettings -> FitSettings -> FitSettings
      Kind: VariantKind
      /// Passes over the network per training sample, relative to a plain network's (the cost model of
      /// `Shards.cost`): 2 for one that sees both orderings or trains on twice the data, 0 for one that trains nothing.
      Weight: float }

/// How a variant gets its model.
and [<NoEquality; NoComparison>] VariantKind =
    /// Trains its own network (`Spec`, `Options`).
    | Trained
    /// Trains nothing: another variant's trained model (by name), turned into this one's by a function (for
    /// example symmetrized after training), measured on the same data.
    | Derived of from: string * transform: (Model -> Model)
    /// Chooses among candidate networks by a validation split of the training data (`Auto.fit`), then trains the
    /// chosen one on all of it.
    | Chooses of candidates: (Symmetry -> int -> CompareSettings -> (string * NetworkSpec) list)

/// Progress of a running grid.
type CompareProgress = { Done: int; Total: int; Elapsed: TimeSpan; Last: CellResult }

/// A finished comparison: the configuration echoed for repetition, every cell, and the summary.
type CompareOutcome = { Config: ExperimentConfig; Results: CellResult list; Summary: Summary; Activations: Activation list }

/// A data source of a grid: a built-in target, or the user's CSV (its name, data and SHA-256).
type internal GridSource =
    | Builtin of Target
    | Csv of string * Dataset * string

/// What a grid needs of its data sources: names, symmetry, targets, and each seed's train and test split.
module internal GridSource =
    let name s = match s with Builtin t -> t.Name | Csv (n, _, _) -> n

    let symmetry s = match s with Builtin t -> t.Symmetry | Csv (_, ds, _) -> ds.Symmetry

    let targets s = match s with Builtin _ -> 1 | Csv (_, ds, _) -> Dataset.targets ds

    /// The fraction of a CSV data set held out for testing: the grid's test share of its samples.
    let testFraction (s: CompareSettings) = float s.TestSamples / float (s.TrainSamples + s.TestSamples)

    /// Train and test data of one source and seed: the same for every variant (paired comparison).
    let data (s: CompareSettings) (source: GridSource) (seed: int) =
        let key = Random.fold (Random.key seed) 1
        match source with
        | Builtin t ->
            let all = Targets.generate t key (s.TrainSamples + s.TestSamples)
            let train = Dataset.take (Array.init s.TrainSamples id) all
            let test = Dataset.take (Array.init s.TestSamples (fun i -> s.TrainSamples + i)) all
            train, test
        | Csv (_, ds, _) -> Dataset.split key (testFraction s) ds

    /// The training rows of a source, for the cost model.
    let trainRows (s: CompareSettings) (source: GridSource) =
        match source with
        | Builtin _ -> s.TrainSamples
        | Csv (_, ds, _) -> fst (Dataset.splitSizes ds.Rows (testFraction s))

/// A comparison checked and its data loaded, ready to run: what `Experiment.prepare` gives and
/// `Experiment.runPrepared` trains (a CSV is read once, for the checks and the run).
[<Sealed>]
type PreparedComparison internal (settings: CompareSettings, config: ExperimentConfig, sources: GridSource list, variants: VariantDefinition list, droppedRows: int) =
    /// The settings it was prepared from.
    member _.Settings = settings
    /// The rows of the CSV file left out for a missing value (`CsvReadOptions.DropMissing`); 0 without one.
    member _.DroppedRows = droppedRows
    /// The configuration its reports will echo.
    member _.Config = config
    member internal _.Sources = sources
    member internal _.Variants = variants
