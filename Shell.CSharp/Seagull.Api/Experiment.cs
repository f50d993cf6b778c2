using Microsoft.FSharp.Core;
using System.Runtime.ExceptionServices;
using Core = global::Seagull.Core;

namespace Seagull.Api;

/// <summary>
/// The comparison that reproduces the paper: targets × variants × seeds, run in parallel across cores with
/// each model single-threaded and deterministic (results never depend on <see cref="CompareOptions.Jobs"/>),
/// paired statistics against the baseline, and the summary as Markdown or JSON (<see cref="CompareResult.ToMarkdown"/>).
/// The report files and PNG plots are written by the package Seagull.Reports (<c>CompareReports.Write</c>), so that a
/// program without them carries no plotting library.
/// </summary>
/// <example>
/// <code>
/// var options = CompareOptions.Quick with { Seeds = 1 };
/// Experiment.Plan(options);                        // every check, before any training
/// Experiment.PrepareOutput("results/quick");        // fails now if the folder cannot be written
/// var result = Experiment.Run(options, new Progress&lt;CompareProgress&gt;(p => Console.Error.WriteLine($"{p.Done}/{p.Total}")));
/// Seagull.Reports.CompareReports.Write("results/quick", result);   // package Seagull.Reports
/// </code>
/// </example>
public static class Experiment
{
    /// <summary>The variants the comparison knows, baseline first.</summary>
    /// <example><code>var names = Experiment.Variants.Select(v => v.Name);</code></example>
    public static IReadOnlyList<VariantInfo> Variants { get; } =
        ReadOnly.List(Core.Experiment.variants.Select(v => new VariantInfo(v.Name, v.Description)).ToArray());

    /// <summary>The variant every other one is compared with ("mlp-tanh").</summary>
    /// <example><code>Console.WriteLine(Experiment.Baseline);</code></example>
    public static string Baseline => Core.Experiment.baseline;

    /// <summary>
    /// Checks everything that can be checked before training — target, variant and activation names, counts,
    /// the CSV file — and returns the configuration that would run.
    /// </summary>
    /// <exception cref="ArgumentException">An unknown name or a bad count (one-line message naming it).</exception>
    /// <exception cref="FileNotFoundException">The CSV file does not exist.</exception>
    /// <exception cref="InvalidDataException">The CSV file is malformed.</exception>
    /// <example><code>CompareConfig config = Experiment.Plan(new CompareOptions { Targets = ["spring"], Seeds = 2 });</code></example>
    public static CompareConfig Plan(CompareOptions options) => Prepare(options).Config;

    /// <summary>
    /// <see cref="Plan"/>, keeping the checked grid and its loaded data for <see cref="Run(PreparedComparison, IProgress{CompareProgress}?, CancellationToken)"/>:
    /// a CSV is read once (a big file is not parsed again; a pipe, which can be read only once, works).
    /// </summary>
    /// <exception cref="ArgumentException">An unknown name or a bad count (one-line message naming it).</exception>
    /// <exception cref="FileNotFoundException">The CSV file does not exist.</exception>
    /// <exception cref="InvalidDataException">The CSV file is malformed, or its target is constant.</exception>
    /// <example><code>var prepared = Experiment.Prepare(options); Console.WriteLine(prepared.Config.Cells); var result = Experiment.Run(prepared);</code></example>
    public static PreparedComparison Prepare(CompareOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var settings = options.ToCore();
        if (options.Data is not null) Guard.FileExists(options.Data.Path, nameof(options), "data file");
        try
        {
            var inner = Core.Experiment.prepare(settings);
            // A folder of cells is read now: another configuration's is refused before any training.
            var folder = options.Resume is null ? null
                : Core.SweepFolder.openFor(options.Resume, inner, options.Shard?.ToCore() ?? new Core.ShardSpec(0, 1), Fs.List(options.Command ?? []));
            return new PreparedComparison(inner, folder);
        }
        catch (Core.SeagullException e) when (options.Data is not null && e.Message.StartsWith($"'{options.Data.Path}'", StringComparison.Ordinal))
        {
            throw new InvalidDataException(e.Message);   // the file's own errors name it first
        }
        catch (Core.SeagullException e)
        {
            throw new ArgumentException(e.Message, nameof(options));
        }
    }

    /// <summary>Creates <paramref name="outDir"/> and checks it can be written, so a bad folder fails before any training.</summary>
    /// <exception cref="IOException">The folder cannot be created or written (one-line message).</exception>
    /// <example><code>Experiment.PrepareOutput("results/run1");</code></example>
    public static void PrepareOutput(string outDir)
    {
        if (string.IsNullOrWhiteSpace(outDir)) throw new ArgumentException("the output folder is empty", nameof(outDir));
        if (File.Exists(outDir)) throw new IOException($"cannot write to output folder '{outDir}': a file of that name exists");
        Guard.Io(() => Core.Experiment.prepareOutput(outDir));
    }

    /// <summary>
    /// Runs the grid. <paramref name="progress"/> is told after each cell (from worker threads, one at a time).
    /// </summary>
    /// <exception cref="ArgumentException">As for <see cref="Plan"/>; raised before any training.</exception>
    /// <exception cref="TrainingException">A model diverged.</exception>
    /// <exception cref="OperationCanceledException">The token was cancelled (cells running then finish first).</exception>
    /// <example><code>CompareResult r = Experiment.Run(CompareOptions.Quick, cancellationToken: token);</code></example>
    public static CompareResult Run(CompareOptions options, IProgress<CompareProgress>? progress = null, CancellationToken cancellationToken = default) =>
        Run(Prepare(options), progress, cancellationToken);

    /// <summary>Runs a grid checked and loaded by <see cref="Prepare"/> (see <see cref="Run(CompareOptions, IProgress{CompareProgress}?, CancellationToken)"/>).</summary>
    /// <exception cref="TrainingException">A model diverged.</exception>
    /// <exception cref="OperationCanceledException">The token was cancelled (cells running then finish first).</exception>
    /// <example><code>CompareResult r = Experiment.Run(Experiment.Prepare(CompareOptions.Quick));</code></example>
    public static CompareResult Run(PreparedComparison prepared, IProgress<CompareProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(prepared);
        var report = Fs.Action<Core.CompareProgress>(p =>
        {
            if (progress is null) return;
            var left = p.Total - p.Done;
            var remaining = p.Done == 0 ? TimeSpan.Zero : TimeSpan.FromTicks(p.Elapsed.Ticks / p.Done * left);
            progress.Report(new CompareProgress(p.Done, p.Total, p.Elapsed, remaining, CompareCell.FromCore(p.Last)));
        });
        try
        {
            if (prepared.Folder is not { } folder) return new CompareResult(Core.Experiment.runPrepared(prepared.Inner, report, cancellationToken));
            // Run what the folder lacks, each unit saved as it finishes; the result is made from the folder's files.
            var save = FuncConvert.FromAction<int, Microsoft.FSharp.Collections.FSharpList<Core.CellResult>>((id, results) => Core.SweepFolder.save(folder, id, results));
            Core.Experiment.runUnits(prepared.Inner, Fs.List(Core.SweepFolder.missing(folder).Select(u => u.Id)), save, report, cancellationToken);
            Core.SweepFolder.writeManifest(folder);
            return new CompareResult(Core.Experiment.outcomeOf(prepared.Inner.Config, Core.Experiment.evenActivation(prepared.Inner), Core.SweepFolder.results(folder)));
        }
        catch (Core.SeagullException e)
        {
            throw new TrainingException(e.Message);
        }
        catch (AggregateException e)
        {
            var inner = e.Flatten().InnerExceptions;
            if (cancellationToken.IsCancellationRequested && inner.Any(x => x is OperationCanceledException))
                throw new OperationCanceledException("the comparison was cancelled", e, cancellationToken);
            if (inner.FirstOrDefault(x => x is Core.SeagullException) is Core.SeagullException s)
                throw new TrainingException(s.Message);
            ExceptionDispatchInfo.Capture(inner.Count > 0 ? inner[0] : e).Throw();
            throw;
        }
    }

    /// <summary>
    /// Puts the shards of a sweep back together (<see cref="CompareOptions.Shard"/>; the folders in any order): checks
    /// that they hold one configuration, run by one build of Seagull, and together every cell exactly once, each
    /// finished; then the result of the whole grid, every number bit for bit that of an unsharded run.
    /// </summary>
    /// <param name="folders">The shards' folders (their <see cref="CompareOptions.Resume"/>).</param>
    /// <param name="customActivations">The custom activation the shards were run with, if any.</param>
    /// <exception cref="InvalidDataException">A shard missing, given twice, unfinished, of another configuration or build (one line naming it).</exception>
    /// <example><code>CompareResult all = Experiment.Merge(Directory.GetDirectories("sweep", "shard-*"));</code></example>
    public static CompareResult Merge(IEnumerable<string> folders, IReadOnlyList<Activation>? customActivations = null)
    {
        ArgumentNullException.ThrowIfNull(folders);
        var list = folders.ToArray();
        if (list.Any(f => f is null)) throw new ArgumentException("a folder is null", nameof(folders));
        var customs = Fs.List((customActivations ?? []).Select(a => a.Inner));
        return new CompareResult(Guard.Data(() => Core.SweepFolder.merge(Fs.List(list), customs)));
    }

    /// <summary>
    /// Checks, before anything is written, that <paramref name="outDir"/> may receive <paramref name="merged"/>, the
    /// merge of <paramref name="folders"/>: not one of them, not a sweep's folder (a sweep.json or cells/), and new,
    /// empty or holding only the report of an earlier merge of the same configuration (which a merge replaces).
    /// </summary>
    /// <exception cref="IOException">The folder may not receive the report (one line naming it).</exception>
    /// <example><code>var all = Experiment.Merge(shards); Experiment.CheckMergeOutput("sweep/merged", shards, all);</code></example>
    public static void CheckMergeOutput(string outDir, IEnumerable<string> folders, CompareResult merged)
    {
        ArgumentNullException.ThrowIfNull(outDir);
        ArgumentNullException.ThrowIfNull(folders);
        ArgumentNullException.ThrowIfNull(merged);
        Guard.Io(() => Core.SweepFolder.checkMergeOutput(outDir, Fs.List(folders), merged.Outcome.Config));
    }

    /// <summary>The smallest learning rate a comparison takes (1e-12): a smaller one trains nothing.</summary>
    /// <example><code>Console.WriteLine(Experiment.MinimumLearningRate);</code></example>
    public static double MinimumLearningRate => Core.Experiment.minimumRate;

    /// <summary>The <c>seagull compare</c> arguments a folder of cells was made with (<see cref="CompareOptions.Command"/>), for <c>--resume</c>.</summary>
    /// <exception cref="InvalidDataException">The folder holds no sweep, or one made without a command.</exception>
    /// <example><code>IReadOnlyList&lt;string&gt; args = Experiment.ResumeCommand("results/run1");</code></example>
    public static IReadOnlyList<string> ResumeCommand(string folder) => ReadOnly.List(Guard.Data(() => Core.SweepFolder.command(folder)).ToArray());

    /// <summary><see cref="Run(CompareOptions, IProgress{CompareProgress}?, CancellationToken)"/> on a thread-pool thread.</summary>
    /// <example><code>CompareResult r = await Experiment.RunAsync(CompareOptions.Quick);</code></example>
    public static Task<CompareResult> RunAsync(CompareOptions options, IProgress<CompareProgress>? progress = null, CancellationToken cancellationToken = default) =>
        Task.Run(() => Run(options, progress, cancellationToken), cancellationToken);
}
