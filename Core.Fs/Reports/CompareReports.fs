namespace Seagull.Reports

open System
open System.Collections.Generic
open System.IO
open Seagull.Core

/// <summary>The report files and plots of a comparison run with Seagull.Api, for C# callers and the seagull CLI.</summary>
/// <example>
/// <code>
/// CompareResult result = Experiment.Run(CompareOptions.Quick);
/// foreach (var path in CompareReports.Write("results/quick", result)) Console.WriteLine(path);
/// </code>
/// </example>
[<AbstractClass; Sealed>]
type CompareReports =
    /// <summary>
    /// Writes results.csv, summary.md, summary.json (and curves.csv) and the PNG plots into <paramref name="outDir"/>,
    /// each file atomically; returns the paths written. A report already in the folder is replaced: its learning-curve
    /// plots of targets this run does not have (as its summary.json names them) and its curves.csv are removed;
    /// no other file is touched.
    /// </summary>
    /// <exception cref="T:System.ArgumentException">The folder name is empty.</exception>
    /// <exception cref="T:System.IO.IOException">A file cannot be written (one-line message).</exception>
    /// <example><code>foreach (var path in CompareReports.Write("results/run1", result)) Console.WriteLine(path);</code></example>
    static member Write(outDir: string, result: Seagull.Api.CompareResult) : IReadOnlyList<string> =
        ArgumentNullException.ThrowIfNull(result, nameof result)
        if String.IsNullOrWhiteSpace outDir then raise (ArgumentException("the output folder is empty", nameof outDir))
        // The core's one-line errors become the IOException a C# caller expects of a file write, as in Seagull.Api.
        try Seagull.Api.ReadOnly.List(ReportFiles.write outDir result.Outcome)
        with :? SeagullException as e -> raise (IOException e.Message)

    /// <summary>
    /// Writes an image comparison's results.csv, curves.csv, summary.md, summary.json, accuracy.png and curves.png
    /// into <paramref name="outDir"/>, each file atomically; returns the paths written.
    /// </summary>
    /// <exception cref="T:System.ArgumentException">The folder name is empty.</exception>
    /// <exception cref="T:System.IO.IOException">A file cannot be written (one-line message).</exception>
    /// <example><code>CompareReports.Write("results/fashion", ImageExperiment.Run(train, test));</code></example>
    static member Write(outDir: string, result: Seagull.Api.ImageCompareResult) : IReadOnlyList<string> =
        ArgumentNullException.ThrowIfNull(result, nameof result)
        if String.IsNullOrWhiteSpace outDir then raise (ArgumentException("the output folder is empty", nameof outDir))
        try Seagull.Api.ReadOnly.List(ImagePlots.write outDir result.Settings result.Cells)
        with :? SeagullException as e -> raise (IOException e.Message)
