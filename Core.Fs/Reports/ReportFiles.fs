namespace Seagull.Reports

open System
open System.IO
open Seagull.Core

/// The report folder of `seagull compare`: the core's report texts and the plots, written atomically.
///
/// Example: `let outcome = Experiment.run settings ignore CancellationToken.None in ReportFiles.write "out" outcome`.
module ReportFiles =
    /// Writes results.csv, summary.md and summary.json — and curves.csv when any cell has a curve —
    /// into `outDir` (created if needed), each file atomically. Returns the paths written.
    ///
    /// Example: `ReportFiles.writeText "results/run1" config (Summary.create config.Baseline results) results`.
    let writeText (outDir: string) (config: ExperimentConfig) (summary: Summary) (results: CellResult list) : string list =
        let files =
            [ "results.csv", Reports.resultsCsv results
              "summary.md", Reports.summaryMarkdown config summary
              "summary.json", ReportJson.summaryJson config summary results
              if results |> List.exists (fun r -> r.Curve.Length > 0) then "curves.csv", Reports.curvesCsv results ]
        [ for name, text in files ->
              let path = Path.Combine(outDir, name)
              AtomicFile.writeAllText path text
              path ]

    /// The targets named by the summary.json already in `outDir`, if any: read before it is replaced, they
    /// say which plots in the folder are that earlier report's.
    let private previousTargets (outDir: string) : string list =
        let path = Path.Combine(outDir, "summary.json")
        try
            if File.Exists path then
                use doc = Text.Json.JsonDocument.Parse(File.ReadAllText path)
                [ for t in doc.RootElement.GetProperty("targets").EnumerateArray() -> t.GetString() ]
                |> List.filter (isNull >> not)
            else []
        with _ -> [] // not a report of ours: then nothing in the folder is

    /// True for a file an earlier report with these targets wrote: its curves.csv, and its curves plots
    /// (curves-TARGET.png, or curves-TARGET-K.png for a second target of the same safe name).
    let private isEarlierReport (targets: string list) (name: string) : bool =
        let stems = targets |> List.map Plots.curvesFileStem
        (name = "curves.csv" && not targets.IsEmpty)
        || stems |> List.exists (fun stem ->
            name = stem + ".png"
            || (name.StartsWith(stem + "-") && name.EndsWith ".png"
                && (let k = name.Substring(stem.Length + 1, name.Length - stem.Length - 5) in k <> "" && Seq.forall Char.IsAsciiDigit k)))

    /// The summary and cells as the plots take them: in a grid of several settings (hidden widths, learning rate)
    /// each target is named with its setting ("spring 64,64 lr 0.001"), so the plots keep the settings apart.
    let private forPlots (summary: Summary) (results: CellResult list) =
        if summary.Settings.Length <= 1 then summary, results
        else
            let inv = Globalization.CultureInfo.InvariantCulture
            let label (target: string) (hidden: int list) (rate: float) = $"{target} {Reports.hiddenText hidden} lr {Reports.rateText rate}"
            let rows = summary.Rows |> List.map (fun r -> { r with Target = label r.Target r.Hidden r.LearningRate })
            { summary with Rows = rows; Targets = rows |> List.map (fun r -> r.Target) |> List.distinct },
            results |> List.map (fun r -> { r with Target = label r.Target r.Hidden r.LearningRate })

    /// Writes results.csv, summary.md, summary.json and the PNG plots into `outDir`, atomically, and removes
    /// the files of an earlier report in that folder that this one does not write: the curves plots of the
    /// targets its summary.json names, and its curves.csv. Other files are never touched. Returns the paths written.
    ///
    /// Example: `for path in ReportFiles.write "results/run1" outcome do printfn "%s" path`.
    let write (outDir: string) (outcome: CompareOutcome) : string list =
        let earlier = previousTargets outDir
        let files = writeText outDir outcome.Config outcome.Summary outcome.Results
        let shapes = outcome.Activations |> List.map (fun a -> a.Name, (fun (z: float) -> (Activation.evaluate Float64 a [| z |]).[0]))
        let summary, results = forPlots outcome.Summary outcome.Results
        let plots = Plots.writeAll outDir (outcome.Config.Grid.Split(',').[0]) summary results shapes
        let written = files @ plots
        let keep = written |> List.map Path.GetFullPath |> Set.ofList
        for stale in Directory.EnumerateFiles outDir |> Seq.toList do
            if isEarlierReport earlier (Path.GetFileName stale) && not (keep.Contains(Path.GetFullPath stale)) then
                try File.Delete stale with :? IOException | :? UnauthorizedAccessException -> ()
        written
