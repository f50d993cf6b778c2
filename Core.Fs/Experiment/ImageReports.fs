namespace Seagull.Core

open System
open System.Globalization
open System.IO
open System.Text
open System.Text.Json

/// The report files of an image comparison: results.csv, curves.csv, summary.md and summary.json (the plots are
/// Seagull.Reports'). Numbers in files are in round-trip form; the markdown rounds for reading.
[<RequireQualifiedAccess>]
module ImageReports =
    let private inv = CultureInfo.InvariantCulture
    let private exact (x: float) = x.ToString("R", inv)
    let private pp (x: float) = if Double.IsNaN x then "n/a" else (100.0 * x).ToString("F2", inv)
    let private lines (rows: string seq) = String.Join("\n", rows) + "\n"

    /// results.csv: one row per cell.
    let resultsCsv (results: ImageCellResult list) : string =
        seq {
            yield "variant,seed,accuracy,mirrored_accuracy,cross_entropy,disagreement,invariance_error,epochs_run,best_epoch,seconds,parameters"
            for r in results do
                let fields =
                    [ r.Variant; string r.Seed; exact r.Accuracy; exact r.MirroredAccuracy; exact r.CrossEntropy; exact r.Disagreement
                      exact r.InvarianceError; string r.EpochsRun; string r.BestEpoch; exact r.Seconds; string r.Parameters ]
                yield String.Join(",", fields)
        } |> lines

    /// curves.csv: the test accuracy after every epoch of every cell.
    let curvesCsv (results: ImageCellResult list) : string =
        seq {
            yield "variant,seed,epoch,test_accuracy"
            for r in results do
                for e in 0 .. r.Curve.Length - 1 -> $"{r.Variant},{r.Seed},{e + 1},{exact r.Curve.[e]}"
        } |> lines

    /// How the grid was run, in one line.
    let grid (s: ImageCompareSettings) (rows: ImageSummaryRow list) : string =
        let stopping =
            match s.Patience with
            | Some p -> $"early stopping on validation accuracy (patience {p}, {pp s.ValidationFraction} %% of the training images held out)"
            | None -> "no early stopping (the last epoch is kept)"
        let hidden = String.Join("→", s.Hidden |> List.map string)
        $"{s.Source}: {s.Train.Count} training and {s.Test.Count} test images of {s.Train.Width}×{s.Train.Height}×{s.Train.Channels}, {rows.Length} variants × {s.Seeds} seeds, hidden {hidden}, {s.Epochs} epochs, batch {s.BatchSize}, Adam {s.LearningRate.ToString(inv)}, {stopping}"

    /// summary.md: the table of every variant, accuracy on the test images and on their mirror images.
    let summaryMarkdown (s: ImageCompareSettings) (rows: ImageSummaryRow list) : string =
        let b = StringBuilder()
        let line (t: string) = b.Append(t).Append('\n') |> ignore
        let mirror = match s.Axis with LeftRight -> "left-right" | TopBottom -> "top-bottom"
        line $"# Image classification: {s.Source}, mirror {mirror}"
        line ""
        line (grid s rows)
        line ""
        line $"Accuracy in %% (mean ± std over seeds) on the test images and on their mirror images (same labels). Disagreement: the share of test images whose class changes on their mirror image; max |Δlogit|: the largest logit change (over seeds, the max). Paired with {ImageComparison.baseline} by seed: wins, and the mean difference in points with its 95%% bootstrap interval."
        line ""
        line "| variant | exactly invariant | parameters | test acc % | mirrored acc % | test CE | disagreement % | max abs Δlogit | wins vs baseline | mean Δ pp [95% CI] | s/epoch |"
        line "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
        let fmt (digits: string) (x: float) = x.ToString(digits, inv)
        for r in rows do
            let lo, hi = r.DifferenceInterval
            let isBase = r.Variant = ImageComparison.baseline
            let signed = fmt "+0.00;-0.00;0.00" (100.0 * r.MeanDifference)
            let low, high = fmt "F2" (100.0 * lo), fmt "F2" (100.0 * hi)
            let delta = if isBase then "—" else $"{signed} [{low}, {high}]"
            let wins = if isBase then "—" else $"{r.Wins}/{r.Seeds}"
            let exact = if r.ExactlyInvariant then "yes" else "no"
            let cells =
                [ r.Variant; exact; string r.Parameters; $"{pp r.Accuracy} ± {pp r.AccuracyStd}"; $"{pp r.MirroredAccuracy} ± {pp r.MirroredAccuracyStd}"
                  fmt "F4" r.CrossEntropy; pp r.Disagreement; Reports.formatSignificant 3 r.InvarianceError; wins; delta; fmt "F2" r.SecondsPerEpoch ]
            line ("| " + String.Join(" | ", cells) + " |")
        line ""
        line "Variants:"
        for r in rows do line $"- `{r.Variant}`: {r.Description}"
        b.ToString()

    /// summary.json: the settings, every row and every cell.
    let summaryJson (s: ImageCompareSettings) (rows: ImageSummaryRow list) (results: ImageCellResult list) : string =
        use stream = new MemoryStream()
        (use w = new Utf8JsonWriter(stream, JsonWriterOptions(Indented = true))
         let number (name: string) (x: float) = if Double.IsFinite x then w.WriteNumber(name, x) else w.WriteNull name
         w.WriteStartObject()
         w.WriteString("kind", "image-classification")
         w.WriteString("grid", grid s rows)
         w.WriteStartObject "config"
         w.WriteString("source", s.Source)
         w.WriteString("mirror", (match s.Axis with LeftRight -> "left-right" | TopBottom -> "top-bottom"))
         w.WriteNumber("trainImages", s.Train.Count)
         w.WriteNumber("testImages", s.Test.Count)
         w.WriteStartArray "hidden"
         for h in s.Hidden do w.WriteNumberValue h
         w.WriteEndArray()
         w.WriteNumber("seeds", s.Seeds)
         w.WriteNumber("epochs", s.Epochs)
         w.WriteNumber("batchSize", s.BatchSize)
         w.WriteNumber("learningRate", s.LearningRate)
         (match s.Patience with Some p -> w.WriteNumber("patience", p) | None -> w.WriteNull "patience")
         w.WriteNumber("validationFraction", s.ValidationFraction)
         w.WriteString("precision", Dtype.name s.Precision)
         w.WriteString("baseline", ImageComparison.baseline)
         w.WriteString("softwareVersion", Experiment.version)
         w.WriteEndObject()
         w.WriteStartArray "summary"
         for r in rows do
             w.WriteStartObject()
             w.WriteString("variant", r.Variant)
             w.WriteString("description", r.Description)
             w.WriteBoolean("exactlyInvariant", r.ExactlyInvariant)
             w.WriteNumber("parameters", r.Parameters)
             number "accuracy" r.Accuracy
             number "accuracyStd" r.AccuracyStd
             number "mirroredAccuracy" r.MirroredAccuracy
             number "mirroredAccuracyStd" r.MirroredAccuracyStd
             number "crossEntropy" r.CrossEntropy
             number "disagreement" r.Disagreement
             number "invarianceError" r.InvarianceError
             number "secondsPerEpoch" r.SecondsPerEpoch
             w.WriteNumber("wins", r.Wins)
             w.WriteNumber("pairedSeeds", r.Seeds)
             number "meanDifference" r.MeanDifference
             number "differenceLow" (fst r.DifferenceInterval)
             number "differenceHigh" (snd r.DifferenceInterval)
             w.WriteEndObject()
         w.WriteEndArray()
         w.WriteStartArray "results"
         for r in results do
             w.WriteStartObject()
             w.WriteString("variant", r.Variant)
             w.WriteNumber("seed", r.Seed)
             number "accuracy" r.Accuracy
             number "mirroredAccuracy" r.MirroredAccuracy
             number "crossEntropy" r.CrossEntropy
             number "disagreement" r.Disagreement
             number "invarianceError" r.InvarianceError
             w.WriteNumber("epochsRun", r.EpochsRun)
             w.WriteNumber("bestEpoch", r.BestEpoch)
             number "seconds" r.Seconds
             w.WriteEndObject()
         w.WriteEndArray()
         w.WriteEndObject())
        Encoding.UTF8.GetString(stream.ToArray()) + "\n"
