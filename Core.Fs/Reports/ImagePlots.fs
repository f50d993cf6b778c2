namespace Seagull.Reports

open System
open System.IO
open ScottPlot
open Seagull.Core

/// The plots and report folder of an image comparison (`ImageComparison`).
module ImagePlots =
    /// Accuracy in % per variant on the test images (filled marker) and on their mirror images (open marker),
    /// mean ± std over seeds as error bars. `grid` names the grid. Returns PNG bytes.
    let accuracyChart (grid: string) (rows: ImageSummaryRow list) : byte[] =
        use plot = new Plot()
        let add (offset: float) (shape: MarkerShape) (label: string) (mean: ImageSummaryRow -> float) (sd: ImageSummaryRow -> float) (color: Color) =
            let xs = rows |> List.mapi (fun i _ -> float i + offset) |> Array.ofList
            let ys = rows |> List.map (fun r -> 100.0 * mean r) |> Array.ofList
            let e = rows |> List.map (fun r -> 100.0 * sd r) |> Array.ofList
            let zeros = Array.zeroCreate xs.Length
            let bars = Plottables.ErrorBar(xs, ys, zeros, zeros, e, e)
            bars.Color <- color
            bars.LineWidth <- 1.5f
            plot.Add.Plottable bars |> ignore
            let points = plot.Add.Markers(xs, ys, shape, 10.0f, color)
            points.LegendText <- label
        add -0.12 MarkerShape.FilledCircle "test images" (fun r -> r.Accuracy) (fun r -> r.AccuracyStd) (Plots.palette.GetColor 0)
        add 0.12 MarkerShape.OpenSquare "their mirror images" (fun r -> r.MirroredAccuracy) (fun r -> r.MirroredAccuracyStd) (Plots.palette.GetColor 3)
        let ticks = TickGenerators.NumericManual()
        rows |> List.iteri (fun i r -> ticks.AddMajor(float i, (if r.ExactlyInvariant then r.Variant + " *" else r.Variant)))
        plot.Axes.Bottom.TickGenerator <- ticks
        plot.Axes.Bottom.MajorTickStyle.Length <- 0.0f
        plot.Axes.Left.Label.Text <- "accuracy %"
        let seeds = rows |> List.map (fun r -> r.Seeds) |> List.fold max 1
        plot.Title($"Accuracy, mean ± std over {seeds} seeds; * = exactly invariant ({grid})")
        plot.Axes.SetLimitsX(-0.6, float (max 1 rows.Length) - 0.4)
        Plots.legendBelow plot
        Plots.png (max 900 (rows.Length * 120 + 200)) 560 plot

    /// Mean test accuracy (%) over seeds after every epoch, one line per variant. Returns PNG bytes.
    let curvesChart (grid: string) (results: ImageCellResult list) : byte[] =
        use plot = new Plot()
        results
        |> List.groupBy (fun r -> r.Variant)
        |> List.iteri (fun i (variant, cells) ->
            let epochs = cells |> List.map (fun c -> c.Curve.Length) |> List.min
            if epochs > 0 then
                let xs = Array.init epochs (fun e -> float (e + 1))
                let ys = Array.init epochs (fun e -> 100.0 * (cells |> List.averageBy (fun c -> c.Curve.[e])))
                let color = Plots.palette.GetColor i
                let line = plot.Add.ScatterLine(xs, ys, Nullable color)
                line.LinePattern <- Plots.patternOf i
                line.LineWidth <- 2.0f
                line.MarkerSize <- 0.0f
                line.LegendText <- variant
                let every = max 1 (epochs / 10)
                let marked = [| for k in 0 .. every .. epochs - 1 -> k |]
                plot.Add.Markers(marked |> Array.map (fun k -> xs.[k]), marked |> Array.map (fun k -> ys.[k]), Plots.shapeOf i, 7.0f, color) |> ignore)
        plot.Axes.Bottom.Label.Text <- "epoch"
        let integers = TickGenerators.NumericAutomatic()
        integers.IntegerTicksOnly <- true
        plot.Axes.Bottom.TickGenerator <- integers
        plot.Axes.Left.Label.Text <- "test accuracy % (mean over seeds)"
        plot.Title($"Test accuracy after every epoch ({grid})")
        Plots.legendBelow plot
        Plots.png 1000 600 plot

    /// Writes results.csv, curves.csv, summary.md, summary.json, accuracy.png and curves.png into `outDir`
    /// (created if needed), each atomically. Returns the paths written.
    /// Example: `ImagePlots.write "out" settings results`.
    let write (outDir: string) (settings: ImageCompareSettings) (results: ImageCellResult list) : string list =
        let rows = ImageComparison.summarize settings results
        let grid = $"{settings.Source}, {settings.Epochs} epochs"
        let texts =
            [ "results.csv", ImageReports.resultsCsv results
              "curves.csv", ImageReports.curvesCsv results
              "summary.md", ImageReports.summaryMarkdown settings rows
              "summary.json", ImageReports.summaryJson settings rows results ]
        let pictures = [ "accuracy.png", accuracyChart grid rows; "curves.png", curvesChart grid results ]
        Directory.CreateDirectory outDir |> ignore
        [ for name, text in texts ->
              let path = Path.Combine(outDir, name)
              AtomicFile.writeAllText path text
              path
          for name, bytes in pictures ->
              let path = Path.Combine(outDir, name)
              AtomicFile.writeAllBytes path bytes
              path ]
