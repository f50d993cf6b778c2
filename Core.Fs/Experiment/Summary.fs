namespace Seagull.Core

open System

/// How a grid's results are summarised: which variant is the baseline and how the bootstrap runs.
///
/// Example: `SummaryOptions.defaults "mlp-tanh"` (10 000 resamples, 95 %, bootstrap seed 0).
type SummaryOptions =
    { /// The variant every other one is compared with.
      Baseline: string
      /// Bootstrap resamples per interval.
      Resamples: int
      /// Confidence level of the intervals, in (0, 1).
      Level: float
      /// Seed of the bootstrap's random key (each target and pair of variants folds in its own key).
      BootstrapSeed: int }

/// Construction of `SummaryOptions`.
module SummaryOptions =
    /// 10 000 resamples, a 95 % level and bootstrap seed 0, with the given baseline.
    ///
    /// Example: `(SummaryOptions.defaults "mlp-tanh").Level = 0.95`.
    let defaults (baseline: string) : SummaryOptions =
        { Baseline = baseline; Resamples = 10000; Level = 0.95; BootstrapSeed = 0 }

/// One variant against the baseline on one target.
///
/// Example: a variant with ten times lower MSE on every seed has `Ratio = 0.1`, `Wins = Pairs`,
/// `LogRatio = log 0.1` and a ratio interval around 0.1.
type BaselineComparison =
    { /// mean MSE of the variant / mean MSE of the baseline (below 1 = the variant is better).
      Ratio: float
      /// Seeds on which the variant's MSE was strictly below the baseline's.
      Wins: int
      /// Seeds present for both (the denominator of `Wins`).
      Pairs: int
      /// Mean over paired seeds of log(variant MSE / baseline MSE) (MSEs clamped at `Statistics.mseFloor`).
      LogRatio: float
      /// Lower end of the bootstrap interval of `LogRatio`; NaN with fewer than two pairs (no interval).
      LogRatioLow: float
      /// Upper end of the bootstrap interval of `LogRatio`; NaN with fewer than two pairs (no interval).
      LogRatioHigh: float }
    /// True when the interval of the paired ratio exists and lies wholly on one side of 1.
    member this.ExcludesOne = this.LogRatioHigh < 0.0 || this.LogRatioLow > 0.0
    /// exp `LogRatio`: the geometric mean of the paired per-seed ratios.
    member this.PairedRatio = exp this.LogRatio
    /// exp `LogRatioLow`: the interval of the paired ratio, lower end.
    member this.RatioLow = exp this.LogRatioLow
    /// exp `LogRatioHigh`: the interval of the paired ratio, upper end.
    member this.RatioHigh = exp this.LogRatioHigh

/// The statistics of one target × variant cell of the summary, over seeds.
///
/// Example: `row.MeanMse`, `row.StdMse`, `row.IsBest`, `row.VsBaseline |> Option.map (fun c -> c.Ratio)`.
type SummaryRow =
    { /// Target name.
      Target: string
      /// Variant name.
      Variant: string
      /// Hidden widths of the row's networks (one value of the grid's hidden dimension).
      Hidden: int list
      /// Learning rate of the row's networks (one value of the grid's learning-rate dimension).
      LearningRate: float
      /// Number of seeds.
      N: int
      /// Mean test MSE over seeds.
      MeanMse: float
      /// Sample standard deviation of the test MSE over seeds (0 for one seed).
      StdMse: float
      /// Largest invariance error over seeds.
      MaxInvarianceError: float
      /// Mean training seconds per model.
      MeanSeconds: float
      /// Mean number of epochs run.
      MeanEpochs: float
      /// True for the variant(s) with the lowest mean MSE on this target.
      IsBest: bool
      /// Comparison with the baseline; `None` for the baseline itself, or when the baseline has no
      /// result on this target or shares no seed with this variant.
      VsBaseline: BaselineComparison option }

/// One variant across all targets.
///
/// Example: `overall.GeometricMeanRatio = Some 0.5` means half the baseline's mean MSE on a typical target.
type VariantOverall =
    { /// Variant name.
      Variant: string
      /// exp(mean over targets of log(ratio of means)); `None` when no target has a comparison.
      GeometricMeanRatio: float option
      /// Targets on which this variant was compared with the baseline.
      TargetsCompared: int
      /// Targets on which this variant had the lowest mean MSE.
      TargetsBest: int
      /// Paired seeds won against the baseline, summed over targets.
      Wins: int
      /// Paired seeds, summed over targets.
      Pairs: int }

/// A whole grid summarised: options, names in report order, one row per target × variant present,
/// and one overall entry per variant.
///
/// Example: `let s = Summary.create "mlp-tanh" results in s.Rows |> List.filter (fun r -> r.IsBest)`.
type Summary =
    { /// The options the summary was computed with.
      Options: SummaryOptions
      /// Targets in order of first appearance in the results.
      Targets: string list
      /// Variants in order of first appearance in the results.
      Variants: string list
      /// The (hidden widths, learning rate) settings in order of first appearance: one for a grid of one setting.
      Settings: (int list * float) list
      /// True when the baseline variant has at least one result.
      BaselineFound: bool
      /// Rows, target-major in the order of `Targets`, then `Settings`, then `Variants`; only cells with results.
      Rows: SummaryRow list
      /// One entry per variant, in the order of `Variants`.
      Overall: VariantOverall list }

/// Building a `Summary` from cell results.
module Summary =
    /// FNV-1a over UTF-16 code units: stable across processes, unlike String.GetHashCode.
    let private stableHash (text: string) =
        let mutable h = 2166136261u
        for c in text do
            h <- (h ^^^ uint32 c) * 16777619u
        int h

    /// A key for the bootstrap that depends on the target and on the *unordered* pair of variants,
    /// so that swapping baseline and variant gives exactly the negated interval.
    let private pairKey (options: SummaryOptions) (target: string) (a: string) (b: string) =
        let first, second = if String.CompareOrdinal(a, b) <= 0 then a, b else b, a
        let k = Random.fold (Random.key options.BootstrapSeed) (stableHash target)
        Random.fold (Random.fold k (stableHash first)) (stableHash second)

    let private validate (results: CellResult list) =
        let seen = Collections.Generic.HashSet<string * string * int * int list * float>()
        for r in results do
            let where = $"target '{r.Target}', variant '{r.Variant}', seed {r.Seed}"
            if Double.IsNaN r.TestMse || Double.IsInfinity r.TestMse || r.TestMse < 0.0 then
                Fail.with' $"results: the test MSE of {where} is {r.TestMse}; a diverged run must be reported as an error, not a number"
            if Double.IsNaN r.InvarianceError || r.InvarianceError < 0.0 then
                Fail.with' $"results: the invariance error of {where} is {r.InvarianceError}"
            if not (seen.Add(CellResult.key r)) then Fail.with' $"results: {where} appears twice"

    /// Compares `variant` with `baseline` (both the results of one target), or `None` when they share no seed.
    let private compareWithBaseline (options: SummaryOptions) (target: string) (baseline: CellResult list) (variant: CellResult list) =
        let pairs (rs: CellResult list) = rs |> List.map (fun r -> r.Seed, r.TestMse)
        let logRatios = Statistics.pairedLogRatios (pairs baseline) (pairs variant)
        if logRatios.Length = 0 then
            None
        else
            let meanOf (rs: CellResult list) = rs |> List.map (fun r -> r.TestMse) |> Array.ofList |> Statistics.mean
            let key = pairKey options target (List.head baseline).Variant (List.head variant).Variant
            // One pair has no spread to resample: its "interval" would be a single point, so there is none.
            let lo, hi =
                if logRatios.Length < 2 then nan, nan
                else Statistics.bootstrapMeanInterval key options.Resamples options.Level logRatios
            Some
                { Ratio = Statistics.clampMse (meanOf variant) / Statistics.clampMse (meanOf baseline)
                  Wins = Statistics.pairedWins (pairs baseline) (pairs variant)
                  Pairs = logRatios.Length
                  LogRatio = Statistics.mean logRatios
                  LogRatioLow = lo
                  LogRatioHigh = hi }

    /// Summarises `results` with the given options. Raises `SeagullException` for a NaN, infinite or
    /// negative MSE, a NaN invariance error, or a cell (target, variant, seed) that appears twice.
    /// A baseline with no results leaves every `VsBaseline` empty instead of failing.
    ///
    /// Example: `Summary.createWith { SummaryOptions.defaults "mlp-tanh" with Resamples = 2000 } results`.
    let createWith (options: SummaryOptions) (results: CellResult list) : Summary =
        validate results
        let targets = results |> List.map (fun r -> r.Target) |> List.distinct
        let variants = results |> List.map (fun r -> r.Variant) |> List.distinct
        let settings = results |> List.map CellResult.setting |> List.distinct
        // Cells of one setting are compared among themselves: the baseline of a row has its hidden widths and rate.
        let cells = results |> List.groupBy (fun r -> r.Target, CellResult.setting r, r.Variant) |> Map.ofList
        let rowsOf (target, (hidden, rate as setting)) =
            let present = variants |> List.choose (fun v -> cells.TryFind(target, setting, v) |> Option.map (fun rs -> v, rs))
            let mseOf (rs: CellResult list) = rs |> List.map (fun r -> r.TestMse) |> Array.ofList
            let means = present |> List.map (fun (v, rs) -> v, Statistics.mean (mseOf rs)) |> Map.ofList
            let best = means |> Map.toList |> List.map snd |> List.min
            let baseline = cells.TryFind(target, setting, options.Baseline)
            present
            |> List.map (fun (v, rs) ->
                let mses = mseOf rs
                { Target = target
                  Variant = v
                  Hidden = hidden
                  LearningRate = rate
                  N = rs.Length
                  MeanMse = means.[v]
                  StdMse = Statistics.std mses
                  MaxInvarianceError = rs |> List.map (fun r -> r.InvarianceError) |> List.max
                  MeanSeconds = rs |> List.averageBy (fun r -> r.Seconds)
                  MeanEpochs = rs |> List.averageBy (fun r -> float r.EpochsRun)
                  IsBest = means.[v] = best
                  VsBaseline =
                    match baseline with
                    | Some b when v <> options.Baseline -> compareWithBaseline options target b rs
                    | _ -> None })
        let rows =
            [ for t in targets do
                  for setting in settings do
                      if variants |> List.exists (fun v -> cells.ContainsKey(t, setting, v)) then yield! rowsOf (t, setting) ]
        let overall =
            variants
            |> List.map (fun v ->
                let mine = rows |> List.filter (fun r -> r.Variant = v)
                let comparisons = mine |> List.choose (fun r -> r.VsBaseline)
                { Variant = v
                  GeometricMeanRatio =
                    if comparisons.IsEmpty then None
                    else Some(exp (comparisons |> List.averageBy (fun c -> log c.Ratio)))
                  TargetsCompared = comparisons.Length
                  TargetsBest = mine |> List.filter (fun r -> r.IsBest) |> List.length
                  Wins = comparisons |> List.sumBy (fun c -> c.Wins)
                  Pairs = comparisons |> List.sumBy (fun c -> c.Pairs) })
        { Options = options
          Targets = targets
          Variants = variants
          Settings = settings
          BaselineFound = results |> List.exists (fun r -> r.Variant = options.Baseline)
          Rows = rows
          Overall = overall }

    /// Summarises `results` against `baseline` with the default bootstrap (10 000 resamples, 95 %, seed 0).
    ///
    /// Example: `Summary.create "mlp-tanh" results`.
    let create (baseline: string) (results: CellResult list) : Summary =
        createWith (SummaryOptions.defaults baseline) results

    /// The row of one target and variant, if that cell has results (the first setting's, in a grid of several).
    ///
    /// Example: `Summary.tryRow "coulomb" "mlp-seagull" summary |> Option.map (fun r -> r.MeanMse)`.
    let tryRow (target: string) (variant: string) (summary: Summary) : SummaryRow option =
        summary.Rows |> List.tryFind (fun r -> r.Target = target && r.Variant = variant)

    /// The row of one target, setting (hidden widths, learning rate) and variant, if that cell has results.
    ///
    /// Example: `Summary.tryRowOf "coulomb" ([ 32; 32 ], 1e-3) "mlp-seagull" summary`.
    let tryRowOf (target: string) (setting: int list * float) (variant: string) (summary: Summary) : SummaryRow option =
        summary.Rows |> List.tryFind (fun r -> r.Target = target && (r.Hidden, r.LearningRate) = setting && r.Variant = variant)

    /// The same summary with targets and variants put in a preferred order (for example the order of
    /// the configuration, since cells may finish in any order); names not in the preferred lists keep
    /// their order and come last.
    ///
    /// Example: `Summary.reorder config.Targets (config.Variants |> List.map (fun v -> v.Name)) summary`.
    let reorder (targets: string list) (variants: string list) (summary: Summary) : Summary =
        let order (preferred: string list) (present: string list) =
            (preferred |> List.distinct |> List.filter (fun p -> List.contains p present))
            @ (present |> List.filter (fun p -> not (List.contains p preferred)))
        let ts = order targets summary.Targets
        let vs = order variants summary.Variants
        let index (names: string list) (name: string) = List.findIndex ((=) name) names
        { summary with
            Targets = ts
            Variants = vs
            Rows = summary.Rows |> List.sortBy (fun r -> index ts r.Target, List.findIndex ((=) (r.Hidden, r.LearningRate)) summary.Settings, index vs r.Variant)
            Overall = summary.Overall |> List.sortBy (fun o -> index vs o.Variant) }
