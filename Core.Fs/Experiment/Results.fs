namespace Seagull.Core

/// What one cell of an experiment grid produced: one model of one variant trained on one target with
/// one seed. Plain numbers only, so the statistics and reports never depend on the engine.
///
/// Example:
/// `{ Target = "coulomb"; Variant = "mlp-tanh"; Seed = 0; Hidden = [ 64; 64 ]; LearningRate = 1e-3; TestMse = 0.0066;
///    InvarianceError = 0.47; EpochsRun = 200; Seconds = 2.1; Curve = [||] }`
type CellResult =
    { /// Name of the target function (for example `coulomb`).
      Target: string
      /// Name of the network variant (for example `mlp-tanh`).
      Variant: string
      /// The seed: cells with the same target and seed share their data and initial key, so results
      /// of two variants are paired by seed.
      Seed: int
      /// The hidden widths of the network (one value of the grid's hidden dimension).
      Hidden: int list
      /// The learning rate it was trained with (one value of the grid's learning-rate dimension).
      LearningRate: float
      /// Mean squared error on the test set, in standardised output units.
      TestMse: float
      /// max |f(u,v,w) − f(v,u,w)| over the test set, in standardised output units (0 = exactly invariant).
      InvarianceError: float
      /// Epochs actually run (fewer than asked when early stopping ended the fit).
      EpochsRun: int
      /// Wall-clock seconds spent training this model.
      Seconds: float
      /// Test MSE after each epoch, in order (element 0 = after epoch 1); may be empty.
      Curve: float[] }

/// A network variant as named on the command line, with a one-line description for reports.
///
/// Example: `{ Name = "mlp-seagull"; Description = "MLP, Seagull activation in the first hidden layer" }`
type VariantInfo =
    { /// The variant's name, as it appears in `CellResult.Variant`.
      Name: string
      /// What the variant is, in one line.
      Description: string }

/// The configuration of a comparison, echoed whole in summary.json so that a run can be repeated
/// exactly. Plain data: the runner fills it in from the command line.
///
/// Example:
/// `{ Targets = [ "coulomb" ]; Variants = [ { Name = "mlp-tanh"; Description = "plain MLP" } ];
///    Baseline = "mlp-tanh"; Activation = "tanh"; HiddenWidths = [ 64 ]; HiddenShapes = [ [ 64 ] ]; Seeds = [ 0 .. 4 ]; Epochs = 200;
///    TrainSamples = 8000; TestSamples = 4000; BatchSize = 128; LearningRate = 1e-3; LearningRates = [ 1e-3 ]; Optimizer = "adam";
///    Precision = "float32"; Jobs = 2; DataFile = None; Options = []; SoftwareVersion = "0.1.0"; Grid = "a custom grid, 1 target × 1 variant × 5 seeds, 200 epochs" }`
type ExperimentConfig =
    { /// Target names, in report order.
      Targets: string list
      /// Variants, in report order, with their descriptions.
      Variants: VariantInfo list
      /// The variant every other one is compared with (for example `mlp-tanh`).
      Baseline: string
      /// The default hidden activation (a variant may override it for some layers).
      Activation: string
      /// Widths of the hidden layers (the first of `HiddenShapes`).
      HiddenWidths: int list
      /// The grid's hidden dimension: one network shape (widths of the hidden layers) per value, in order.
      HiddenShapes: int list list
      /// The seeds; each seed fixes the data sample and the initial parameters.
      Seeds: int list
      /// Maximum number of epochs.
      Epochs: int
      /// Number of training samples per data set.
      TrainSamples: int
      /// Number of test samples per data set.
      TestSamples: int
      /// Mini-batch size.
      BatchSize: int
      /// Learning rate (the first of `LearningRates`).
      LearningRate: float
      /// The grid's learning-rate dimension, in order.
      LearningRates: float list
      /// Optimizer name (for example `adam`).
      Optimizer: string
      /// Floating-point precision of the engine (`float32` or `float64`).
      Precision: string
      /// Number of grid cells run concurrently.
      Jobs: int
      /// The CSV file the data came from, when not generated from a built-in target.
      DataFile: string option
      /// Any further option that affects the result (for example `penalty = 0.1`, `patience = 20`),
      /// as name and value text, in a fixed order.
      Options: (string * string) list
      /// Version of the Seagull software that ran the grid.
      SoftwareVersion: string
      /// Which grid this is, in words, with its size: "the quick grid, 2 targets × 4 variants × 2 seeds, 60 epochs",
      /// "the full default grid, …" or "a custom grid, …".
      Grid: string }

/// Helpers on `CellResult`.
module CellResult =
    /// The identity of a cell: target, variant, seed, hidden widths and learning rate.
    ///
    /// Example: `CellResult.key r = ("coulomb", "mlp-tanh", 0, [ 64; 64 ], 1e-3)`.
    let key (r: CellResult) : string * string * int * int list * float = r.Target, r.Variant, r.Seed, r.Hidden, r.LearningRate

    /// The setting of a cell besides target, variant and seed: its hidden widths and learning rate.
    let setting (r: CellResult) : int list * float = r.Hidden, r.LearningRate

/// Helpers on `ExperimentConfig`.
module ExperimentConfig =
    /// True when the grid has more than one hidden shape or learning rate: then the reports name each cell's
    /// setting in columns of their own (a grid of one setting keeps the reports of one).
    let hasSettings (c: ExperimentConfig) : bool = c.HiddenShapes.Length > 1 || c.LearningRates.Length > 1
