namespace Seagull.Reports

open System
open System.IO
open Seagull.Core
open ScottPlot

/// PNG plots of a comparison, drawn with ScottPlot 5 (SkiaSharp; headless, no display needed):
/// test MSE per target and variant, learning curves, and the shapes of activations.
/// MSE axes are logarithmic: the data are plotted as log10 values with power-of-ten tick labels.
///
/// Example: `File.WriteAllBytes("mse.png", Plots.mseBarChart summary)`.
module Plots =
    let internal palette = Palettes.Category10()

    let private inv = Globalization.CultureInfo.InvariantCulture

    /// The label of m × 10^e: plain for 0.001 ≤ value ≤ 9000, otherwise like `2e-05`.
    let private valueLabel (m: int) (e: int) =
        if e >= -3 && e <= 3 then (float m * 10.0 ** float e).ToString("0.###", inv)
        else string m + "e" + e.ToString("+00;-00", inv)

    /// Makes the left axis of `plot` a log10 axis showing [lo, hi] (in log10 units): a labelled tick
    /// at each power of ten, also at 2× and 5× when the range spans under two decades (at every
    /// 1×…9× under 0.7 decades), and unlabelled minor ticks at the other multiples.
    let private logAxisLeft (plot: Plot) (label: string) (lo: float) (hi: float) =
        let ticks = TickGenerators.NumericManual()
        let span = hi - lo
        for e in int (floor lo) .. int (ceil hi) do
            for m in 1..9 do
                let y = log10 (float m) + float e
                if y >= lo - 1e-9 && y <= hi + 1e-9 then
                    if m = 1 || span < 0.7 || (span < 2.0 && (m = 2 || m = 5)) then ticks.AddMajor(y, valueLabel m e)
                    else ticks.AddMinor y
        plot.Axes.Left.TickGenerator <- ticks
        plot.Axes.SetLimitsY(lo, hi)
        plot.YLabel label
        plot.Grid.MajorLineColor <- Colors.Black.WithOpacity 0.15
        plot.Grid.MinorLineColor <- Colors.Black.WithOpacity 0.05
        plot.Grid.MinorLineWidth <- 1.0f

    let private log10Mse (mse: float) = log10 (Statistics.clampMse mse)

    let private fontLock = obj ()
    let mutable private chosenFont: string option option = None

    /// The name under which the font shipped inside this assembly (DejaVu Sans, Bitstream Vera licence,
    /// see Fonts/DejaVu-LICENSE.txt) is registered with ScottPlot.
    let bundledFontName = "Seagull DejaVu Sans"

    /// Registers the bundled font from the assembly's resources. ScottPlot loads fonts from files, so
    /// the font is copied once into the temporary folder (atomically; the name carries the size).
    /// Returns None when that is impossible (for example a read-only temporary folder).
    let private registerBundledFont () : string option =
        try
            use stream = Reflection.Assembly.GetExecutingAssembly().GetManifestResourceStream "Seagull.Fonts.DejaVuSans.ttf"
            if isNull stream then None
            else
                let folder = Path.Combine(Path.GetTempPath(), "seagull-fonts")
                let path = Path.Combine(folder, $"DejaVuSans-{stream.Length}.ttf")
                if not (File.Exists path) || FileInfo(path).Length <> stream.Length then
                    Directory.CreateDirectory folder |> ignore
                    use memory = new MemoryStream()
                    stream.CopyTo memory
                    AtomicFile.writeAllBytes path (memory.ToArray())
                Fonts.AddFontFile(bundledFontName, path, false, false)
                Some bundledFontName
        with _ -> None

    /// The font family used for all text: one registered with `useFontFile`, else the bundled DejaVu
    /// Sans (so plots look the same on every machine and have labels even where no font is
    /// installed, as on a bare CI image), else the first installed of a few common families.
    let private font () =
        lock fontLock (fun () ->
            match chosenFont with
            | Some choice -> choice
            | None ->
                let choice =
                    match registerBundledFont () with
                    | Some name -> Some name
                    | None ->
                        let installed = Set.ofSeq SkiaSharp.SKFontManager.Default.FontFamilies
                        [ "DejaVu Sans"; "Liberation Sans"; "Noto Sans"; "Open Sans"; "Arial"; "Helvetica"; "FreeSans" ]
                        |> List.tryFind installed.Contains
                chosenFont <- Some choice
                choice)

    /// The font family plots use now (see `font`); None only when no font could be found at all.
    /// Example: `Plots.fontFamily () = Some Plots.bundledFontName` on a default set-up.
    let fontFamily () : string option = font ()

    /// True when some font is available to draw text: the bundled one, unless it could not be
    /// registered, else an installed one. Without any, the plots still render but without text.
    ///
    /// Example: `if not (Plots.hasFont ()) then eprintfn "no font installed: plots will have no labels"`.
    let hasFont () : bool =
        (font ()).IsSome || Seq.exists (fun f -> f <> "") SkiaSharp.SKFontManager.Default.FontFamilies

    /// Uses the TrueType/OpenType font file at `path` for all later plots (process-wide, since
    /// ScottPlot's font registry is). Raises `SeagullException` when the file does not exist.
    ///
    /// Example: `Plots.useFontFile "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"`.
    let useFontFile (path: string) : unit =
        if not (File.Exists path) then Fail.with' $"plots: font file '{path}' not found"
        let name = "Seagull plot font"
        lock fontLock (fun () ->
            Fonts.AddFontFile(name, Path.GetFullPath path, false, false)
            chosenFont <- Some(Some name))

    let internal png (width: int) (height: int) (plot: Plot) =
        match font () with
        | Some f -> plot.Font.Set f |> ignore
        | None -> ()
        plot.GetImageBytes(width, height, ImageFormat.Png)

    // Each variant its own marker and line pattern as well as its colour, so that points and lines that
    // coincide stay apart and the plots read in grey too.
    let private shapes =
        [| MarkerShape.FilledCircle; MarkerShape.FilledSquare; MarkerShape.FilledTriangleUp; MarkerShape.FilledDiamond
           MarkerShape.FilledTriangleDown; MarkerShape.OpenCircle; MarkerShape.OpenSquare; MarkerShape.OpenDiamond |]
    let private patterns = [| LinePattern.Solid; LinePattern.Dashed; LinePattern.Dotted; LinePattern.DenselyDashed |]
    let internal shapeOf (i: int) = shapes.[i % shapes.Length]
    let internal patternOf (i: int) = patterns.[i % patterns.Length]

    // The legend in one row under the plot: beside it, a column of names left half of a wide picture empty.
    let internal legendBelow (plot: Plot) =
        plot.ShowLegend(Edge.Bottom) |> ignore
        plot.Legend.Orientation <- Orientation.Horizontal

    /// Mean test MSE (log scale) per target and variant as points, one marker and colour per variant, with
    /// error bars from mean − std to mean + std; where std ≥ mean the lower bar runs to the axis floor (a log axis
    /// has no zero) and the title says so. `grid` names the grid the figures come from. Returns PNG bytes; the
    /// width grows with the number of points.
    ///
    /// Example: `AtomicFile.writeAllBytes "out/mse.png" (Plots.mseChart "full default grid" summary)`.
    let mseChart (grid: string) (summary: Summary) : byte[] =
        use plot = new Plot()
        let variants = summary.Variants
        let count = max 1 variants.Length
        let slot = 0.8 / float count
        let rows = summary.Rows
        let floorLog =
            match rows with
            | [] -> -1.0
            | _ ->
                rows
                |> List.map (fun r -> if r.MeanMse - r.StdMse > 0.0 then log10Mse (r.MeanMse - r.StdMse) else log10Mse r.MeanMse - 0.5)
                |> List.min
                |> fun lowest -> floor (lowest - 0.1)
        let topLog =
            match rows with
            | [] -> 0.0
            | _ -> rows |> List.map (fun r -> log10Mse (r.MeanMse + r.StdMse)) |> List.max
        variants
        |> List.iteri (fun i v ->
            let color = palette.GetColor i
            let mine =
                summary.Targets
                |> List.mapi (fun g t -> g, Summary.tryRow t v summary)
                |> List.choose (fun (g, r) -> r |> Option.map (fun r -> float g + (float i - float (count - 1) / 2.0) * slot, r))
            if not mine.IsEmpty then
                let xs = mine |> List.map fst |> Array.ofList
                let ys = mine |> List.map (fun (_, r) -> log10Mse r.MeanMse) |> Array.ofList
                let up = mine |> List.map (fun (_, r) -> log10Mse (r.MeanMse + r.StdMse) - log10Mse r.MeanMse) |> Array.ofList
                let down =
                    mine
                    |> List.map (fun (_, r) ->
                        let low = if r.MeanMse - r.StdMse > 0.0 then log10Mse (r.MeanMse - r.StdMse) else floorLog
                        log10Mse r.MeanMse - max low floorLog)
                    |> Array.ofList
                let zeros = Array.zeroCreate xs.Length
                let errors = Plottables.ErrorBar(xs, ys, zeros, zeros, up, down)
                errors.Color <- color
                errors.LineWidth <- 1.5f
                plot.Add.Plottable errors |> ignore
                let points = plot.Add.Markers(xs, ys, shapeOf i, 9.0f, color)
                points.LegendText <- v)
        let ticks = TickGenerators.NumericManual()
        summary.Targets |> List.iteri (fun g t -> ticks.AddMajor(float g, t))
        plot.Axes.Bottom.TickGenerator <- ticks
        plot.Axes.Bottom.MajorTickStyle.Length <- 0.0f
        // A grid of several settings names each target with its own ("coulomb 16,16 lr 0.01"): too long to stand
        // side by side, so the names are slanted, ending under their group, with room below for the longest.
        let slanted = summary.Settings.Length > 1
        if slanted then
            let longest = summary.Targets |> List.map String.length |> List.fold max 0
            plot.Axes.Bottom.TickLabelStyle.Rotation <- -35.0f
            plot.Axes.Bottom.TickLabelStyle.Alignment <- Alignment.MiddleRight
            plot.Axes.Bottom.MinimumSize <- 16.0f + float32 longest * 7.5f * 0.58f
        logAxisLeft plot "test MSE (standardised y, log scale)" floorLog (topLog + 0.1 * (topLog - floorLog) + 0.05)
        // Targets apart: a faint line between groups.
        for g in 1 .. summary.Targets.Length - 1 do
            plot.Add.VerticalLine(float g - 0.5, 1.0f, Nullable(Colors.Black.WithOpacity 0.12)) |> ignore
        let seeds = rows |> List.map (fun r -> r.N) |> List.fold max 0
        let cut = rows |> List.exists (fun r -> r.N > 1 && r.MeanMse - r.StdMse <= 0.0)
        plot.Title(
            (if seeds = 1 then $"Test MSE, one seed ({grid})" else $"Test MSE: mean ± std over {seeds} seeds ({grid})")
            + (if cut then "; a bar down to the axis: std ≥ mean" else ""))
        plot.Axes.SetLimitsX(-0.6, float (max 1 summary.Targets.Length) - 0.4)
        plot.Grid.XAxisStyle.IsVisible <- false
        legendBelow plot
        let width = min 4000 (max 900 (summary.Targets.Length * count * 22 + 240))
        png width (if slanted then 640 else 560) plot

    /// Learning curves of one target and one seed: test MSE (log scale) against epoch, one line per variant that
    /// recorded a curve, each with its own colour, dash pattern and markers, so that lines on top of one another
    /// can still be told apart. A plot that says so in its title when no variant did. Returns PNG bytes.
    ///
    /// Example: `Plots.learningCurves "full default grid" "coulomb" 0 results`.
    let learningCurves (grid: string) (target: string) (seed: int) (results: CellResult list) : byte[] =
        use plot = new Plot()
        let cells = results |> List.filter (fun r -> r.Target = target && r.Seed = seed && r.Curve.Length > 0)
        let variants = results |> List.map (fun r -> r.Variant) |> List.distinct
        let lines =
            variants
            |> List.mapi (fun i v ->
                match cells |> List.tryFind (fun r -> r.Variant = v) with
                | None -> None
                | Some r ->
                    let points = r.Curve |> Array.indexed |> Array.filter (fun (_, y) -> Double.IsFinite y && y >= 0.0)
                    if points.Length = 0 then None
                    else Some(i, v, points |> Array.map (fun (e, _) -> float (e + 1)), points |> Array.map (snd >> log10Mse)))
            |> List.choose id
        for i, v, xs, ys in lines do
            let color = palette.GetColor i
            let line = plot.Add.ScatterLine(xs, ys, Nullable color)
            line.LineWidth <- 2.0f
            line.LinePattern <- patternOf i
            line.LegendText <- v
            // About a dozen markers a line, offset by variant so that they do not sit on one another.
            let every = max 1 (xs.Length / 12)
            let marked = [| for k in (i * every / max 1 lines.Length) .. every .. xs.Length - 1 -> k |]
            let markers = plot.Add.Markers(marked |> Array.map (fun k -> xs.[k]), marked |> Array.map (fun k -> ys.[k]), shapeOf i, 7.0f, color)
            markers.LegendText <- ""
            line.MarkerShape <- shapeOf i
            line.MarkerSize <- 0.0f
        let all = lines |> List.collect (fun (_, _, _, ys) -> List.ofArray ys)
        let lo, hi = if all.IsEmpty then -2.0, 0.0 else List.min all, List.max all
        let pad = max 0.05 (0.05 * (hi - lo))
        logAxisLeft plot "test MSE (standardised y, log scale)" (lo - pad) (hi + pad)
        plot.XLabel "epoch"
        if cells.IsEmpty then plot.Title $"{target}, seed {seed}: no learning curves recorded ({grid})"
        else plot.Title $"Learning curves: {target}, seed {seed} ({grid})"
        legendBelow plot
        png 900 560 plot

    /// The shapes of activations on [−4, 4] (401 points; non-finite values are left out), one line per
    /// activation, y clipped to [−4.5, 4.5]. Returns PNG bytes.
    ///
    /// Example: `Plots.activationShapes [ "tanh", tanh; "seagull", fun z -> log (1.0 + z * z) ]`.
    let activationShapes (activations: (string * (float -> float)) list) : byte[] =
        use plot = new Plot()
        let zs = Array.init 401 (fun i -> -4.0 + 8.0 * float i / 400.0)
        plot.Add.HorizontalLine(0.0, 1.0f, Nullable(Colors.Gray.WithOpacity 0.6)) |> ignore
        plot.Add.VerticalLine(0.0, 1.0f, Nullable(Colors.Gray.WithOpacity 0.6)) |> ignore
        let mutable lowest, highest = 0.0, 1.0
        activations
        |> List.iteri (fun i (name, f) ->
            let points = zs |> Array.map (fun z -> z, f z) |> Array.filter (fun (_, y) -> Double.IsFinite y)
            if points.Length > 0 then
                let ys = points |> Array.map snd
                lowest <- min lowest (Array.min ys)
                highest <- max highest (Array.max ys)
                let line = plot.Add.ScatterLine(Array.map fst points, ys, Nullable(palette.GetColor i))
                line.LineWidth <- 2.0f
                line.MarkerSize <- 0.0f
                line.LegendText <- name)
        let lo, hi = max -4.5 lowest, min 4.5 highest
        let pad = 0.05 * (hi - lo)
        plot.Axes.SetLimits(-4.0, 4.0, lo - pad, hi + pad)
        plot.Title "Activations"
        plot.XLabel "z"
        plot.YLabel "σ(z)"
        legendBelow plot
        png 800 560 plot

    /// A file-name-safe form of a name: letters, digits, '-', '_' and '.' kept, anything else '_'.
    let private safeName (name: string) =
        String(name.ToCharArray() |> Array.map (fun c -> if Char.IsAsciiLetterOrDigit c || c = '-' || c = '_' || c = '.' then c else '_'))

    /// The learning-curve plot's file name of a target, without ".png" (a second target of the same safe
    /// name gets "-2", and so on). Example: `Plots.curvesFileStem "gaussian pair" = "curves-gaussian_pair"`.
    let curvesFileStem (target: string) = $"curves-{safeName target}"

    /// Writes mse.png, one curves-TARGET.png per target that has learning curves (for the smallest
    /// seed that has one) and, when `activations` is not empty, activations.png into `outDir`, each
    /// atomically. Returns the paths written.
    ///
    /// Example: `Plots.writeAll "out" "quick grid" summary results [ "tanh", tanh ]`.
    let writeAll (outDir: string) (grid: string) (summary: Summary) (results: CellResult list) (activations: (string * (float -> float)) list) : string list =
        let write name (bytes: byte[]) =
            let path = Path.Combine(outDir, name)
            AtomicFile.writeAllBytes path bytes
            path
        // Two targets can share a safe name ("gaussian pair" and "gaussian_pair"): the later one gets -2, -3, …
        let used = Collections.Generic.HashSet<string>(StringComparer.OrdinalIgnoreCase)
        let unique (name: string) =
            let mutable candidate = name
            let mutable k = 1
            while not (used.Add candidate) do
                k <- k + 1
                candidate <- $"{name}-{k}"
            candidate
        [ write "mse.png" (mseChart grid summary)
          for t in summary.Targets do
              let seeds = results |> List.filter (fun r -> r.Target = t && r.Curve.Length > 0) |> List.map (fun r -> r.Seed)
              if not seeds.IsEmpty then write $"{unique (curvesFileStem t)}.png" (learningCurves grid t (List.min seeds) results)
          if not activations.IsEmpty then write "activations.png" (activationShapes activations) ]
