using Core = global::Seagull.Core;

namespace Seagull.Api;

/// <summary>A network variant of the comparison.</summary>
/// <param name="Name">The name used in options and reports (for example "mlp-seagull").</param>
/// <param name="Description">What the variant is, in one line.</param>
/// <example><code>foreach (var v in Experiment.Variants) Console.WriteLine($"{v.Name}: {v.Description}");</code></example>
public sealed record VariantInfo(string Name, string Description);

/// <summary>The configuration of a comparison, as echoed in summary.json so a run can be repeated exactly.</summary>
/// <param name="Targets">Data set names, in report order.</param>
/// <param name="Variants">Variants, in report order.</param>
/// <param name="Baseline">The variant every other one is compared with.</param>
/// <param name="Activation">The even activation of the Seagull variants.</param>
/// <param name="Hidden">Hidden layer widths.</param>
/// <param name="Seeds">The seeds.</param>
/// <param name="Epochs">Epochs per model.</param>
/// <param name="TrainSamples">Training samples per data set.</param>
/// <param name="TestSamples">Test samples per data set.</param>
/// <param name="BatchSize">Mini-batch size.</param>
/// <param name="LearningRate">Learning rate.</param>
/// <param name="Optimizer">Optimizer name.</param>
/// <param name="Precision">"float32" or "float64".</param>
/// <param name="Jobs">Cells run at once.</param>
/// <param name="DataFile">The CSV file, when one was given.</param>
/// <param name="Settings">Further settings that affect results, as name and value.</param>
/// <param name="SoftwareVersion">Version of Seagull that ran the grid.</param>
/// <param name="Grid">Which grid this is, in words, with its size: "the quick grid, …", "the full default grid, …" or "a custom grid, …".</param>
/// <param name="HiddenGrid">The grid's hidden shapes (one: <paramref name="Hidden"/>).</param>
/// <param name="LearningRates">The grid's learning rates (one: <paramref name="LearningRate"/>).</param>
/// <example><code>CompareConfig c = Experiment.Plan(options); Console.WriteLine($"{c.Targets.Count * c.Variants.Count * c.Seeds.Count} models");</code></example>
public sealed record CompareConfig(
    IReadOnlyList<string> Targets,
    IReadOnlyList<VariantInfo> Variants,
    string Baseline,
    string Activation,
    IReadOnlyList<int> Hidden,
    IReadOnlyList<int> Seeds,
    int Epochs,
    int TrainSamples,
    int TestSamples,
    int BatchSize,
    double LearningRate,
    string Optimizer,
    string Precision,
    int Jobs,
    string? DataFile,
    IReadOnlyList<KeyValuePair<string, string>> Settings,
    string SoftwareVersion,
    string Grid,
    IReadOnlyList<IReadOnlyList<int>> HiddenGrid,
    IReadOnlyList<double> LearningRates)
{
    /// <summary>The number of models the grid has: targets × variants × seeds × hidden shapes × learning rates.</summary>
    /// <example><code>Console.WriteLine(config.Cells);</code></example>
    public int Cells => Targets.Count * Variants.Count * Seeds.Count * HiddenGrid.Count * LearningRates.Count;

    internal static CompareConfig FromCore(Core.ExperimentConfig c) => new(
        ReadOnly.List(c.Targets.ToArray()),
        ReadOnly.List(c.Variants.Select(v => new VariantInfo(v.Name, v.Description)).ToArray()),
        c.Baseline, c.Activation,
        ReadOnly.List(c.HiddenWidths.ToArray()),
        ReadOnly.List(c.Seeds.ToArray()),
        c.Epochs, c.TrainSamples, c.TestSamples, c.BatchSize, c.LearningRate, c.Optimizer, c.Precision, c.Jobs,
        Fs.ValueRef(c.DataFile),
        ReadOnly.List(c.Options.Select(o => new KeyValuePair<string, string>(o.Item1, o.Item2)).ToArray()),
        c.SoftwareVersion, c.Grid,
        ReadOnly.List(c.HiddenShapes.Select(h => ReadOnly.List(h.ToArray())).ToArray()),
        ReadOnly.List(c.LearningRates.ToArray()));
}

/// <summary>One trained model of the grid: one variant on one data set with one seed.</summary>
/// <param name="Target">Data set name.</param>
/// <param name="Variant">Variant name.</param>
/// <param name="Seed">The seed (cells with the same target and seed share data and initial key: results are paired by seed).</param>
/// <param name="TestMse">Test MSE in standardised target units.</param>
/// <param name="InvarianceError">max |f(u,v,w) − f(v,u,w)| over the test set, standardised units (0 = exactly invariant).</param>
/// <param name="EpochsRun">Epochs run.</param>
/// <param name="Seconds">Training seconds.</param>
/// <param name="Curve">Test MSE after each epoch (seed 0 only; otherwise empty).</param>
/// <param name="Hidden">Hidden widths of the model.</param>
/// <param name="LearningRate">Its learning rate.</param>
/// <example><code>foreach (var c in result.Cells) Console.WriteLine($"{c.Target} {c.Variant} {c.Seed}: {c.TestMse:G3}");</code></example>
public sealed record CompareCell(string Target, string Variant, int Seed, double TestMse, double InvarianceError, int EpochsRun,
                                 double Seconds, IReadOnlyList<double> Curve, IReadOnlyList<int> Hidden, double LearningRate)
{
    internal static CompareCell FromCore(Core.CellResult r) =>
        new(r.Target, r.Variant, r.Seed, r.TestMse, r.InvarianceError, r.EpochsRun, r.Seconds, ReadOnly.List((double[])r.Curve.Clone()),
            ReadOnly.List(r.Hidden.ToArray()), r.LearningRate);
}

/// <summary>One variant against the baseline on one target.</summary>
/// <param name="Ratio">Mean MSE of the variant / mean MSE of the baseline (below 1 = better).</param>
/// <param name="Wins">Seeds on which the variant's MSE was strictly lower.</param>
/// <param name="Pairs">Seeds present for both.</param>
/// <param name="PairedRatio">Geometric mean of the per-seed MSE ratios.</param>
/// <param name="RatioLow">Lower end of the bootstrap interval of the paired ratio; NaN with fewer than two paired seeds (no interval).</param>
/// <param name="RatioHigh">Upper end of the bootstrap interval of the paired ratio; NaN with fewer than two paired seeds.</param>
/// <example><code>if (row.VsBaseline is { } b) Console.WriteLine($"{b.Ratio:F2}× ({b.Wins}/{b.Pairs} seeds won)");</code></example>
public sealed record BaselineComparison(double Ratio, int Wins, int Pairs, double PairedRatio, double RatioLow, double RatioHigh);

/// <summary>Statistics over seeds of one target × variant.</summary>
/// <param name="Target">Target name.</param>
/// <param name="Variant">Variant name.</param>
/// <param name="N">Number of seeds.</param>
/// <param name="MeanMse">Mean test MSE (standardised units).</param>
/// <param name="StdMse">Sample standard deviation of the test MSE (0 for one seed).</param>
/// <param name="MaxInvarianceError">Largest invariance error over seeds.</param>
/// <param name="MeanSeconds">Mean training seconds per model.</param>
/// <param name="MeanEpochs">Mean epochs run.</param>
/// <param name="IsBest">True for the variant(s) with the lowest mean MSE on this target.</param>
/// <param name="VsBaseline">Comparison with the baseline, or null (for the baseline itself).</param>
/// <param name="Hidden">Hidden widths of the row's models.</param>
/// <param name="LearningRate">Their learning rate.</param>
/// <example><code>var best = result.Rows.Where(r => r.IsBest);</code></example>
public sealed record CompareRow(string Target, string Variant, int N, double MeanMse, double StdMse, double MaxInvarianceError,
                                double MeanSeconds, double MeanEpochs, bool IsBest, BaselineComparison? VsBaseline,
                                IReadOnlyList<int> Hidden, double LearningRate);

/// <summary>One variant across all targets.</summary>
/// <param name="Variant">Variant name.</param>
/// <param name="GeometricMeanRatio">Geometric mean over targets of the ratio of mean MSEs to the baseline, or null.</param>
/// <param name="TargetsCompared">Targets compared with the baseline.</param>
/// <param name="TargetsBest">Targets on which this variant was best.</param>
/// <param name="Wins">Paired seeds won against the baseline, over all targets.</param>
/// <param name="Pairs">Paired seeds, over all targets.</param>
/// <example><code>foreach (var v in result.Overall) Console.WriteLine($"{v.Variant}: {v.GeometricMeanRatio:F2}×");</code></example>
public sealed record VariantSummary(string Variant, double? GeometricMeanRatio, int TargetsCompared, int TargetsBest, int Wins, int Pairs);

/// <summary>Progress of a running comparison, reported after each finished cell.</summary>
/// <param name="Done">Cells finished.</param>
/// <param name="Total">Cells in the grid.</param>
/// <param name="Elapsed">Time since the grid started.</param>
/// <param name="Remaining">Estimated time left (elapsed / done × cells left).</param>
/// <param name="Last">The cell that just finished.</param>
/// <example><code>new Progress&lt;CompareProgress&gt;(p => Console.Error.WriteLine($"{p.Done}/{p.Total}, ETA {p.Remaining:mm\:ss}"))</code></example>
public sealed record CompareProgress(int Done, int Total, TimeSpan Elapsed, TimeSpan Remaining, CompareCell Last);

/// <summary>A finished comparison: its configuration, every cell, per-target statistics and per-variant summaries.</summary>
/// <example>
/// <code>
/// CompareResult result = Experiment.Run(CompareOptions.Quick);
/// Console.WriteLine(result.ToMarkdown());
/// Seagull.Reports.CompareReports.Write("results/quick", result);   // package Seagull.Reports
/// </code>
/// </example>
public sealed class CompareResult
{
    internal Core.CompareOutcome Outcome { get; }

    internal CompareResult(Core.CompareOutcome outcome)
    {
        Outcome = outcome;
        Config = CompareConfig.FromCore(outcome.Config);
        Cells = ReadOnly.List(outcome.Results.Select(CompareCell.FromCore).ToArray());
        Rows = ReadOnly.List(outcome.Summary.Rows.Select(r =>
        {
            var vs = Fs.ValueRef(r.VsBaseline);
            return new CompareRow(r.Target, r.Variant, r.N, r.MeanMse, r.StdMse, r.MaxInvarianceError, r.MeanSeconds, r.MeanEpochs, r.IsBest,
                vs is null ? null : new BaselineComparison(vs.Ratio, vs.Wins, vs.Pairs, vs.PairedRatio, vs.RatioLow, vs.RatioHigh),
                ReadOnly.List(r.Hidden.ToArray()), r.LearningRate);
        }).ToArray());
        Overall = ReadOnly.List(outcome.Summary.Overall.Select(o =>
            new VariantSummary(o.Variant, Fs.Value(o.GeometricMeanRatio), o.TargetsCompared, o.TargetsBest, o.Wins, o.Pairs)).ToArray());
    }

    /// <summary>The configuration that was run.</summary>
    /// <example><code>Console.WriteLine(result.Config.Epochs);</code></example>
    public CompareConfig Config { get; }

    /// <summary>Every trained model's result, in grid order (target, variant, seed).</summary>
    /// <example><code>double worst = result.Cells.Max(c => c.TestMse);</code></example>
    public IReadOnlyList<CompareCell> Cells { get; }

    /// <summary>Statistics per target × variant, target-major in report order.</summary>
    /// <example><code>var spring = result.Rows.Where(r => r.Target == "spring");</code></example>
    public IReadOnlyList<CompareRow> Rows { get; }

    /// <summary>One summary per variant across targets.</summary>
    /// <example><code>var best = result.Overall.OrderBy(v => v.GeometricMeanRatio).First();</code></example>
    public IReadOnlyList<VariantSummary> Overall { get; }

    /// <summary>The summary as Markdown: the text of summary.md.</summary>
    /// <example><code>Console.WriteLine(result.ToMarkdown());</code></example>
    public string ToMarkdown() => Core.Reports.summaryMarkdown(Outcome.Config, Outcome.Summary);

    /// <summary>The summary as JSON: the text of summary.json.</summary>
    /// <example><code>File.WriteAllText("summary.json", result.ToJson());</code></example>
    public string ToJson() => Core.ReportJson.summaryJson(Outcome.Config, Outcome.Summary, Outcome.Results);
}

/// <summary>
/// A comparison whose every check passed and whose data is loaded, ready for
/// <see cref="Experiment.Run(PreparedComparison, IProgress{CompareProgress}?, CancellationToken)"/>; made by <see cref="Experiment.Prepare"/>.
/// </summary>
/// <example><code>var prepared = Experiment.Prepare(CompareOptions.Quick); Console.WriteLine(prepared.Config.Cells);</code></example>
public sealed class PreparedComparison
{
    internal PreparedComparison(Core.PreparedComparison inner, Core.SweepFolder.Opened? folder)
    {
        Inner = inner;
        Folder = folder;
        Config = CompareConfig.FromCore(inner.Config);
        var units = folder is null ? Core.Experiment.units(inner).Length : folder.Units.Length;
        AlreadyDone = folder?.Finished.Count ?? 0;
        ToTrain = units - AlreadyDone;
    }

    internal Core.PreparedComparison Inner { get; }

    internal Core.SweepFolder.Opened? Folder { get; }

    /// <summary>
    /// Models this run trains: the grid's (or its shard's) trained cells less those already in <see cref="CompareOptions.Resume"/>'s
    /// folder. A variant derived from another's trained model (symmetrize-after) is measured with it, not trained.
    /// </summary>
    /// <example><code>Console.WriteLine($"{prepared.ToTrain} to train, {prepared.AlreadyDone} kept");</code></example>
    public int ToTrain { get; }

    /// <summary>Trained cells already finished in <see cref="CompareOptions.Resume"/>'s folder, kept and not run again.</summary>
    /// <example><code>if (prepared.AlreadyDone > 0) Console.WriteLine("resuming");</code></example>
    public int AlreadyDone { get; }

    /// <summary>The configuration that will run and that the reports echo.</summary>
    /// <example><code>Console.WriteLine(prepared.Config.Cells);</code></example>
    public CompareConfig Config { get; }

    /// <summary>The rows of the CSV file left out for a missing value (<see cref="CompareData.DropMissing"/>); 0 without one.</summary>
    /// <example><code>Console.WriteLine($"{prepared.DroppedRows} rows with missing values dropped");</code></example>
    public int DroppedRows => Inner.DroppedRows;

    /// <summary>"N models: targets × variants × seeds".</summary>
    /// <example><code>Console.WriteLine(prepared);</code></example>
    public override string ToString() => $"{Config.Cells} models: {Config.Targets.Count} targets × {Config.Variants.Count} variants × {Config.Seeds.Count} seeds";
}
