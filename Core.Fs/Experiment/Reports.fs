namespace Seagull.Core

open System
open System.Globalization
open System.IO
open System.Text
open System.Text.Json

/// The report texts of `seagull compare`: pure builders of results.csv, curves.csv, summary.md and
/// summary.json. Writing them, and the plots, is the Seagull.Reports package's (`ReportFiles`), so the
/// core needs no plotting library.
///
/// Example: `let summary = Summary.create config.Baseline results in printf "%s" (Reports.summaryMarkdown config summary)`.
module Reports =
    let private inv = CultureInfo.InvariantCulture

    /// `x` with `digits` significant digits: fixed notation for 1e-3 ≤ |x| < 1e5, scientific
    /// (`1.234e-05`) outside; `0` for zero; `NaN`, `∞`, `−∞` for the non-finite.
    ///
    /// Example: `Reports.formatSignificant 4 0.0066123 = "0.006612"`,
    /// `Reports.formatSignificant 3 0.0000123456 = "1.23e-05"`.
    let formatSignificant (digits: int) (x: float) : string =
        let digits = max 1 digits
        if Double.IsNaN x then "NaN"
        elif Double.IsPositiveInfinity x then "∞"
        elif Double.IsNegativeInfinity x then "−∞"
        elif x = 0.0 then "0"
        else
            let a = abs x
            let rounded = Double.Parse(x.ToString("E" + string (digits - 1), inv), inv)
            if abs rounded < 1e-3 || abs rounded >= 1e5 then
                let pattern = if digits = 1 then "0e+00" else "0." + String('0', digits - 1) + "e+00"
                x.ToString(pattern, inv)
            else
                let magnitude = int (floor (log10 (abs rounded)))
                x.ToString("F" + string (max 0 (digits - 1 - magnitude)), inv)

    /// A mean and its standard deviation in one style: the std gets the mean's decimals when the
    /// mean is in fixed notation, two significant digits in scientific notation otherwise.
    ///
    /// Example: `Reports.formatMeanStd 0.0066 0.00089 = "0.006600 ± 0.000890"`.
    let formatMeanStd (mean: float) (std: float) : string =
        let m = formatSignificant 4 mean
        let s =
            if m.Contains 'e' || not (Double.IsFinite std) || not (Double.IsFinite mean) || mean = 0.0 then
                formatSignificant 2 std
            else
                let decimals = match m.IndexOf '.' with -1 -> 0 | i -> m.Length - i - 1
                std.ToString("F" + string decimals, inv)
        $"{m} ± {s}"

    let private exact (x: float) = x.ToString("R", inv)

    let private csvField (text: string) =
        if text.IndexOfAny([| ','; '"'; '\n'; '\r' |]) >= 0 then "\"" + text.Replace("\"", "\"\"") + "\""
        else text

    let private lines (rows: string seq) = String.Join("\n", rows) + "\n"

    /// Hidden widths as the command line takes them: `64,64`.
    let hiddenText (hidden: int list) : string = String.Join(",", hidden)

    /// A learning rate as reports and messages show it: round-trip digits, a lowercase exponent (`0.001`, `1e-05`).
    let rateText (rate: float) : string = rate.ToString("R", inv).Replace("E", "e")

    /// True when the cells have more than one setting (hidden widths, learning rate): then the reports have a
    /// column for each; cells of one setting keep the columns, and bytes, of a grid without those dimensions.
    let private several (results: CellResult list) = (results |> List.distinctBy CellResult.setting |> List.length) > 1

    /// The setting's CSV fields, `hidden,lr`, when the grid has several; none otherwise.
    let private settingFields (withSettings: bool) (r: CellResult) =
        if withSettings then [ csvField (hiddenText r.Hidden); exact r.LearningRate ] else []

    /// results.csv: a header and one row per cell —
    /// `target,variant,seed,test_mse,invariance_error,epochs_run,seconds`, with `hidden,lr` after the variant when
    /// the cells have several settings — numbers in invariant culture with round-trip precision, names quoted when
    /// they contain a comma or a quote (hidden widths `"64,64"` always do).
    ///
    /// Example: `Reports.resultsCsv results` starts with `"target,variant,seed,test_mse,..."`.
    let resultsCsv (results: CellResult list) : string =
        let withSettings = several results
        seq {
            yield "target,variant," + (if withSettings then "hidden,lr," else "") + "seed,test_mse,invariance_error,epochs_run,seconds"
            for r in results ->
                String.Join(
                    ",",
                    [ csvField r.Target; csvField r.Variant ] @ settingFields withSettings r
                    @ [ string r.Seed; exact r.TestMse; exact r.InvarianceError; string r.EpochsRun; exact r.Seconds ]
                )
        }
        |> lines

    /// curves.csv: the learning curves in long form, `target,variant,seed,epoch,test_mse`, epoch
    /// counted from 1; cells without a curve contribute no rows.
    ///
    /// Example: `Reports.curvesCsv [ { cell with Curve = [| 0.5; 0.2 |] } ]` has a header and two rows.
    let curvesCsv (results: CellResult list) : string =
        let withSettings = several results
        seq {
            yield "target,variant," + (if withSettings then "hidden,lr," else "") + "seed,epoch,test_mse"
            for r in results do
                for i in 0 .. r.Curve.Length - 1 ->
                    String.Join(",", [ csvField r.Target; csvField r.Variant ] @ settingFields withSettings r @ [ string r.Seed; string (i + 1); exact r.Curve.[i] ])
        }
        |> lines

    let private cell (text: string) = text.Replace("|", "\\|")

    let private describeSeeds (seeds: int list) =
        match seeds with
        | [] -> "none"
        | _ when seeds = [ List.head seeds .. List.head seeds + seeds.Length - 1 ] && seeds.Length > 2 ->
            $"{List.head seeds}–{List.last seeds} ({seeds.Length})"
        | _ -> $"""{String.Join(", ", seeds)} ({seeds.Length})"""

    let internal ordered (config: ExperimentConfig) (summary: Summary) =
        Summary.reorder config.Targets (config.Variants |> List.map (fun v -> v.Name)) summary

    let private percent (level: float) = (level * 100.0).ToString("G4", inv) + "%"

    let private table (header: string list) (rows: string list list) =
        [ "| " + String.Join(" | ", header) + " |"
          "|---|" + String.replicate (header.Length - 1) "---:|"
          yield! rows |> List.map (fun r -> "| " + String.Join(" | ", r) + " |") ]

    /// The mean test MSE (standardised y: 1 is predicting the mean) above which a row's training is said to have diverged.
    [<Literal>]
    let divergedAbove = 10.0

    /// Whether a row's training diverged: its mean test MSE not finite, or above `divergedAbove`.
    let diverged (r: SummaryRow) : bool = not (Double.IsFinite r.MeanMse) || r.MeanMse > divergedAbove

    /// summary.md (also printed on stdout): the configuration in one paragraph; a table of test MSE
    /// (mean ± std over seeds) with targets as rows, variants as columns and the best variant of each
    /// target in **bold**; a table of each variant against the baseline (ratio of means, seeds won,
    /// confidence interval of the paired ratio) with a geometric-mean row; a table of invariance
    /// errors; a timing table; and a legend. Variants and targets follow the configuration's order.
    ///
    /// Example: `printf "%s" (Reports.summaryMarkdown config summary)`.
    let summaryMarkdown (config: ExperimentConfig) (summary: Summary) : string =
        let s = ordered config summary
        let baseline = s.Options.Baseline
        let fmt3 = formatSignificant 3
        let out = ResizeArray<string>()
        let add (xs: string seq) = out.AddRange xs
        // A row per target, and per setting (hidden widths, learning rate) in a grid of several, in columns of their own.
        let withSettings = s.Settings.Length > 1
        let rowKeys =
            [ for t in s.Targets do
                  for setting in s.Settings do
                      if s.Rows |> List.exists (fun r -> r.Target = t && (r.Hidden, r.LearningRate) = setting) then yield t, setting ]
        let rowLabel (t, (hidden: int list, rate: float)) =
            if withSettings then [ cell t; String.Join('×', hidden); rateText rate ] else [ cell t ]
        let header (columns: string list) = (if withSettings then [ "target"; "hidden"; "lr" ] else [ "target" ]) @ columns
        let row (t, setting) v = Summary.tryRowOf t setting v s
        // Targets as rows, every variant as a column; "–" where a cell has no results.
        let perVariant (format: SummaryRow -> string) =
            table
                (header (s.Variants |> List.map cell))
                [ for key in rowKeys ->
                      rowLabel key @ [ for v in s.Variants -> row key v |> Option.map format |> Option.defaultValue "–" ] ]
        let options = config.Options |> List.map (fun (k, v) -> $"{k} = {v}")
        let hiddenShapes = String.Join(", ", config.HiddenShapes |> List.map (fun h -> String.Join('×', h)))
        let rates = String.Join(", ", config.LearningRates |> List.map rateText)
        add
            [ "# Seagull comparison"
              ""
              $"This is {config.Grid}"
              + (if config.Grid.StartsWith "the quick grid" then ": a demonstration in seconds; `compare` without `--quick` runs the full default grid." else ".")
              ""
              $"Activation `{config.Activation}`, hidden widths {hiddenShapes}, "
              + $"{config.Epochs} epochs, seeds {describeSeeds config.Seeds}, "
              + (match config.DataFile with
                 | None -> $"{config.TrainSamples} train / {config.TestSamples} test samples, "
                 | Some _ when config.Targets.Length > 1 -> $"{config.TrainSamples} train / {config.TestSamples} test samples per built-in target, "
                 | Some _ -> "")
              + $"batch {config.BatchSize}, "
              + $"{config.Optimizer} lr {rates}, {config.Precision}, " + (if config.Jobs = 1 then "1 job" else $"{config.Jobs} jobs")
              + (match config.DataFile with Some f -> $", data `{f}`" | None -> "")
              + (if options.IsEmpty then "" else ", " + String.Join(", ", options))
              + $"; baseline `{baseline}`; Seagull {config.SoftwareVersion}."
              ""
              "## Test MSE"
              ""
              "Mean ± standard deviation over seeds of the test MSE (standardised y; lower is better). **Bold**: best mean of the row."
              "" ]
        add (
            perVariant (fun r ->
                let text = if r.N < 2 then formatSignificant 4 r.MeanMse else formatMeanStd r.MeanMse r.StdMse
                if r.IsBest then $"**{text}**" else text)
        )
        match s.Rows |> List.filter diverged with
        | [] -> ()
        | bad ->
            let first = bad.Head
            let where = $"{first.Target} {first.Variant}" + (if withSettings then $" (hidden {hiddenText first.Hidden}, lr {rateText first.LearningRate})" else "")
            let more = if bad.Length > 1 then $" and {bad.Length - 1} more" else ""
            add [ ""; $"**Note:** training diverged in {where}{more}: a mean test MSE that is not finite or above {divergedAbove}, worse than predicting the mean {divergedAbove} times over; try a lower learning rate (--lr)." ]
        add [ ""; $"## Against the baseline `{baseline}`"; "" ]
        let others = s.Variants |> List.filter ((<>) baseline)
        if not s.BaselineFound then
            add [ $"The baseline `{baseline}` has no results, so there is no comparison." ]
        elif others.IsEmpty then
            add [ "There is no other variant to compare." ]
        else
            add
                [ $"Each cell: mean MSE of the variant / mean MSE of `{baseline}`, then (seeds won / paired seeds; "
                  + $"{percent s.Options.Level} bootstrap interval of the geometric mean of the per-seed ratios). Below 1 is better; "
                  + "\\* marks an interval that excludes 1."
                  "" ]
            let comparison (c: BaselineComparison) =
                if c.Pairs < 2 then $"{fmt3 c.Ratio} ({c.Wins}/{c.Pairs}; no interval from one paired seed)"
                else
                    let mark = if c.ExcludesOne then "\\*" else ""
                    $"{fmt3 c.Ratio}{mark} ({c.Wins}/{c.Pairs}; {fmt3 c.RatioLow}–{fmt3 c.RatioHigh})"
            let overall =
                "*geometric mean*"
                :: [ for v in others ->
                         match s.Overall |> List.tryFind (fun o -> o.Variant = v) with
                         | Some { GeometricMeanRatio = Some g; Wins = w; Pairs = p } -> $"*{fmt3 g}* ({w}/{p})"
                         | _ -> "–" ]
            add (
                table
                    (header (others |> List.map cell))
                    ([ for key in rowKeys ->
                           rowLabel key
                           @ [ for v in others ->
                                   match row key v |> Option.bind (fun r -> r.VsBaseline) with
                                   | Some c -> comparison c
                                   | None -> "–" ] ]
                     @ [ (if withSettings then [ "*geometric mean*"; ""; "" ] else [ "*geometric mean*" ]) @ List.tail overall ])
            )
        add
            [ ""
              "## Invariance error"
              ""
              "max |f(u,v,w) − f(v,u,w)| on the test set (standardised units), largest over seeds; 0 = exactly invariant."
              "" ]
        add (perVariant (fun r -> formatSignificant 2 r.MaxInvarianceError))
        // In a grid of several settings, a row is a target × hidden × lr: the words say so.
        let rows = "rows (target × hidden × lr)"
        add [ ""; "## Time"; ""
              (if withSettings then $"Training time per model and epochs run, means over every model of the {rows}; rows best: those where the variant has the best mean."
               else "Training time per model and epochs run, means over targets and seeds.")
              "" ]
        add (
            table
                [ "variant"; "seconds per model"; "epochs run"; "models"; (if withSettings then "rows best" else "targets best") ]
                [ for v in s.Variants ->
                      let rs = s.Rows |> List.filter (fun r -> r.Variant = v)
                      let n = rs |> List.sumBy (fun r -> r.N)
                      let weighted f = (rs |> List.sumBy (fun r -> f r * float r.N)) / float (max n 1)
                      let best = s.Overall |> List.tryFind (fun o -> o.Variant = v) |> Option.map (fun o -> o.TargetsBest)
                      [ cell v
                        formatSignificant 3 (weighted (fun r -> r.MeanSeconds))
                        (weighted (fun r -> r.MeanEpochs)).ToString("0.#", inv)
                        string n
                        string (defaultArg best 0) ] ]
        )
        add
            [ ""
              "## Legend"
              ""
              "- Test MSE is measured on held-out data with y standardised by the training set's mean and std: 1 is as good as predicting the mean."
              "- Ratios, wins and intervals are paired by seed: the same seed gives both variants the same data and initial key."
              + $" The interval is a percentile bootstrap ({s.Options.Resamples} resamples, seed {s.Options.BootstrapSeed}) of the mean per-seed log-ratio, shown as a ratio:"
              + " it is about the geometric mean of the per-seed ratios, which differs from the ratio of means when seeds disagree."
              + " With few seeds a percentile bootstrap is narrower than its nominal level (for normal log-ratios, a 95% interval covers ≈52% of the time with 2 seeds, ≈85% with 5, ≈90% with 10), so read \\* as a hint, not a test."
              + $" MSEs below {formatSignificant 1 Statistics.mseFloor} are clamped to it before logarithms."
              (if withSettings then $"- The geometric mean is over the {rows} compared, of the ratios of means."
               else "- The geometric mean is over the targets compared, of the ratios of means.") ]
        for v in config.Variants do
            add [ $"- `{v.Name}`: {v.Description}" ]
        String.Join("\n", out) + "\n"

    let internal number (w: Utf8JsonWriter) (name: string) (x: float) =
        if Double.IsFinite x then w.WriteNumber(name, x) else w.WriteNull name

    let internal optionalNumber (w: Utf8JsonWriter) (name: string) (x: float option) =
        match x with
        | Some v -> number w name v
        | None -> w.WriteNull name

    let internal stringArray (w: Utf8JsonWriter) (name: string) (items: string seq) =
        w.WriteStartArray name
        for i in items do
            w.WriteStringValue i
        w.WriteEndArray()

    let internal intArray (w: Utf8JsonWriter) (name: string) (items: int seq) =
        w.WriteStartArray name
        for i in items do
            w.WriteNumberValue i
        w.WriteEndArray()

    /// The configuration as the object `name` (summary.json's `config`, a sweep's manifest); the grid's hidden
    /// shapes and learning rates only when it has several, so a grid of one keeps its bytes.
    let internal writeConfig (w: Utf8JsonWriter) (c: ExperimentConfig) =
        w.WriteStartObject "config"
        stringArray w "targets" c.Targets
        w.WriteStartArray "variants"
        for v in c.Variants do
            w.WriteStartObject()
            w.WriteString("name", v.Name)
            w.WriteString("description", v.Description)
            w.WriteEndObject()
        w.WriteEndArray()
        w.WriteString("baseline", c.Baseline)
        w.WriteString("activation", c.Activation)
        intArray w "hiddenWidths" c.HiddenWidths
        if ExperimentConfig.hasSettings c then
            w.WriteStartArray "hiddenShapes"
            for shape in c.HiddenShapes do
                w.WriteStartArray()
                for width in shape do w.WriteNumberValue width
                w.WriteEndArray()
            w.WriteEndArray()
        intArray w "seeds" c.Seeds
        w.WriteNumber("epochs", c.Epochs)
        w.WriteNumber("trainSamples", c.TrainSamples)
        w.WriteNumber("testSamples", c.TestSamples)
        w.WriteNumber("batchSize", c.BatchSize)
        number w "learningRate" c.LearningRate
        if ExperimentConfig.hasSettings c then
            w.WriteStartArray "learningRates"
            for rate in c.LearningRates do w.WriteNumberValue rate
            w.WriteEndArray()
        w.WriteString("optimizer", c.Optimizer)
        w.WriteString("precision", c.Precision)
        w.WriteNumber("jobs", c.Jobs)
        match c.DataFile with
        | Some f -> w.WriteString("dataFile", f)
        | None -> w.WriteNull "dataFile"
        w.WriteStartObject "options"
        for k, v in c.Options do
            w.WriteString(k, v)
        w.WriteEndObject()
        w.WriteString("softwareVersion", c.SoftwareVersion)
        w.WriteString("grid", c.Grid)
        w.WriteEndObject()
