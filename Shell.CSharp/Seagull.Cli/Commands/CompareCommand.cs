using System.CommandLine;
using CultureInfo = System.Globalization.CultureInfo;
using NumberStyles = System.Globalization.NumberStyles;
using Seagull.Api;
using Seagull.Reports;

namespace Seagull.Cli.Commands;

/// <summary><c>seagull compare</c>: the grid of targets × variants × seeds, with reports.</summary>
internal static class CompareCommand
{
    public static Command Create(CliContext ctx)
    {
        var d = CompareOptions.Default;
        var q = CompareOptions.Quick;
        var variantNames = string.Join(", ", Experiment.Variants.Select(v => v.Name));
        var targets = new Option<string?>("--targets") { Description = $"Built-in targets, comma-separated (default: every exchangeable target; only the CSV with --data; {string.Join(",", q.Targets)} with --quick).", HelpName = "LIST" };
        var variants = new Option<string?>("--variants") { Description = $"Variants, comma-separated, from: {variantNames} (default: all; {string.Join(",", q.Variants)} with --quick). The baseline is {Experiment.Baseline}. With --images: from {string.Join(", ", ImageExperiment.Variants)} (baseline {ImageExperiment.Baseline}).", HelpName = "LIST" };
        var activation = new Option<string?>("--activation") { Description = $"The even activation of the Seagull variants (default {d.Activation}).", HelpName = "NAME" };
        var hidden = new Option<string[]>("--hidden")
        {
            Description = $"Hidden layer widths, comma-separated (default {string.Join(",", d.Hidden)}). Several shapes, separated by spaces, make a dimension of the grid: --hidden 32,32 64,64.",
            HelpName = "LIST", AllowMultipleArgumentsPerToken = true,
        };
        var seeds = new Option<int?>("--seeds") { Description = $"Number of seeds per cell (default {d.Seeds}; {q.Seeds} with --quick).", HelpName = "N" };
        var epochs = new Option<int?>("--epochs") { Description = $"Epochs per model (default {d.Epochs}; {q.Epochs} with --quick).", HelpName = "N" };
        var samples = new Option<int?>("--samples") { Description = $"Training samples per data set (default {d.TrainSamples}; {q.TrainSamples} with --quick).", HelpName = "N" };
        var testSamples = new Option<int?>("--test-samples") { Description = $"Test samples per data set (default {d.TestSamples}; {q.TestSamples} with --quick).", HelpName = "N" };
        var batch = new Option<int?>("--batch") { Description = $"Mini-batch size (default {d.BatchSize}).", HelpName = "N" };
        var lr = new Option<string[]>("--lr")
        {
            Description = $"Learning rate of Adam (default {d.LearningRate.ToString(CultureInfo.InvariantCulture)}). Several, comma- or space-separated, make a dimension of the grid: --lr 1e-3,3e-4.",
            HelpName = "X", AllowMultipleArgumentsPerToken = true,
        };
        var shard = new Option<string?>("--shard") { Description = "Run only shard I of N (I from 0 to N−1: a job array's task id as is), the grid's cells balanced by expected cost; merge the shards' --out folders with 'seagull merge'.", HelpName = "I/N" };
        var resume = new Option<string?>("--resume") { Description = "Finish the comparison in DIR with the options it was started with: only the cells it lacks are run (running the same command into the same --out does the same).", HelpName = "DIR" };
        var penalty = Options.StrictNumber(new Option<double?>("--penalty") { Description = $"λ of the 'penalty' variant (default {d.Penalty.ToString(CultureInfo.InvariantCulture)}).", HelpName = "X" });
        var jobs = new Option<int?>("--jobs", "-j") { Description = "Models trained at once, each single-threaded (default: the number of cores). Results do not depend on it.", HelpName = "N" };
        var precision = new Option<string?>("--precision") { Description = "Floating-point precision (default float32)." }
            .AcceptOnlyFromAmong("float32", "float64");
        var data = new DataOptions("Compare on this CSV file (split into --samples/--test-samples proportions per seed): alone, or with the built-in targets named by --targets.");
        var output = new Option<string?>("--out", "-o") { Description = "Folder for results.csv, summary.md, summary.json and plots (default results/compare-<timestamp>/).", HelpName = "DIR" };
        var quick = new Option<bool>("--quick") { Description = "Start from the small grid that runs in well under a minute; other options override it." };
        var json = Options.Json("summary.json (the file's content, not the summary.md table)");
        var images = new ImageOptions();
        var testImages = new Option<string?>("--test-images") { Description = "With --images: the test images (default: the test part of fashion-mnist or synthetic; otherwise required).", HelpName = "PATH" };
        var testLabels = new Option<string?>("--test-labels") { Description = "The IDX label file of an IDX --test-images file.", HelpName = "PATH" };
        var patience = new Option<int?>("--patience") { Description = "With --images: early stopping on validation accuracy after N epochs without a better one, keeping the best epoch (default: none, every epoch runs).", HelpName = "N" };
        var imageVariants = string.Join(", ", ImageExperiment.Variants);

        var command = new Command("compare",
            "Compare network variants on targets × seeds, trained in parallel, with paired statistics against the baseline.\n" +
            "Test MSEs are in standardised target units. Progress goes to stderr; the summary table (summary.md) to stdout.\n" +
            "Every name, count and the output folder are checked before any training.");
        foreach (var o in new Option[] { targets, variants, activation, hidden, seeds, epochs, samples, testSamples, batch, lr, penalty, jobs, precision })
            command.Options.Add(o);
        data.AddTo(command);
        foreach (var o in new Option[] { output, quick, json, shard, resume }) command.Options.Add(o);
        images.AddTo(command);
        foreach (var o in new Option[] { testImages, testLabels, patience }) command.Options.Add(o);
        command.Validators.Add(r =>
        {
            data.Validate(r);
            var hasImages = r.GetResult(images.Images) is { Implicit: false };
            if (hasImages)
                foreach (var o in new Option[] { targets, data.Data, samples, testSamples, penalty, activation, quick })
                    if (r.GetResult(o) is { Implicit: false }) r.AddError($"{o.Name} does not apply to an image comparison (--images)");
            if (hasImages)
                foreach (var o in new Option[] { shard, resume })
                    if (r.GetResult(o) is { Implicit: false }) r.AddError($"{o.Name} does not apply to an image comparison (--images): it runs on one machine, in one go");
            // --resume DIR repeats the options DIR was started with: others would contradict them.
            if (r.GetResult(resume) is { Implicit: false })
                foreach (var o in command.Options)
                    if (o != resume && o != jobs && o != json && r.GetResult(o) is { Implicit: false })
                        r.AddError($"--resume takes the options its folder was started with; give {o.Name} only to a new comparison (--resume goes with --jobs and --json alone)");
            // "--hidden --out x": the option's value is missing, and the next option is not one (a usage error).
            var names = command.Options.SelectMany(o => o.Aliases.Append(o.Name)).ToHashSet();
            foreach (var o in new Option[] { hidden, lr })
                if (r.GetResult(o) is { Implicit: false } given)
                    if (given.Tokens.Count == 0 || given.Tokens.FirstOrDefault(t => names.Contains(t.Value.Split('=')[0])) is not null)
                        r.AddError($"{o.Name} needs a value (such as {(o == hidden ? "--hidden 64,64" : "--lr 1e-3")}) before the next option");
            foreach (var o in new Option[] { images.Labels, images.Flip, testImages, testLabels, patience })
                if (!hasImages && r.GetResult(o) is { Implicit: false }) r.AddError($"{o.Name} goes with --images PATH");
        });

        command.SetAction((parse, cancel) => ctx.Guarded(() =>
        {
            if (parse.GetValue(resume) is { } folder)
            {
                // The stored options, with this run's --jobs and --json.
                // The folder is the one given, wherever it was made (a copy, a move, another node's path): a --out
                // stored by an older Seagull is replaced by it.
                var stored = WithoutOut(Experiment.ResumeCommand(folder));
                stored.AddRange(["--out", folder]);
                if (parse.GetResult(jobs) is { Implicit: false })
                {
                    var at = stored.FindIndex(a => a is "--jobs" or "-j");
                    if (at >= 0) stored.RemoveRange(at, Math.Min(2, stored.Count - at));
                    stored.AddRange(["--jobs", parse.GetValue(jobs)!.Value.ToString(CultureInfo.InvariantCulture)]);
                }
                if (parse.GetValue(json)) stored.Add("--json");
                var again = command.Parse(stored);
                Options.Require(again.Errors.Count == 0, $"--resume: the options stored in '{folder}' no longer parse ({again.Errors.FirstOrDefault()?.Message})");
                parse = again;
            }
            if (images.Given(parse))
                return CompareImages(ctx, parse, cancel, images, parse.GetValue(testImages), parse.GetValue(testLabels), new ImageCompareOptions
                {
                    Variants = parse.GetValue(variants) is { } iv ? Lists.Items(iv, "--variants") : [],
                    Hidden = Shapes(parse.GetValue(hidden)) is { Length: > 0 } ih
                        ? (ih.Length == 1 ? ih[0] : throw new ArgumentException("--hidden: an image comparison takes one shape"))
                        : new ImageCompareOptions().Hidden,
                    Seeds = parse.GetValue(seeds) ?? 3,
                    Epochs = parse.GetValue(epochs) ?? 30,
                    BatchSize = parse.GetValue(batch) ?? 128,
                    LearningRate = Rates(parse.GetValue(lr)) is { Length: > 0 } il
                        ? (il.Length == 1 ? il[0] : throw new ArgumentException("--lr: an image comparison takes one learning rate"))
                        : 1e-3,
                    Patience = parse.GetValue(patience),
                    Jobs = parse.GetValue(jobs) ?? Environment.ProcessorCount,
                    Flip = images.FlipOf(parse),
                    Precision = parse.GetValue(precision) == "float64" ? Precision.Float64 : Precision.Float32,
                }, parse.GetValue(output), parse.GetValue(json));
            var baseOptions = parse.GetValue(quick) ? CompareOptions.Quick : CompareOptions.Default;
            var shapes = Shapes(parse.GetValue(hidden));
            var rates = Rates(parse.GetValue(lr));
            var shardSpec = parse.GetValue(shard) is { } sh ? CompareShard.Parse(sh) : null;
            var outDir = parse.GetValue(output) ?? Path.Combine("results", $"compare-{DateTime.Now:yyyyMMdd-HHmmss}");
            var options = baseOptions with
            {
                Targets = parse.GetValue(targets) is { } t ? Lists.Items(t, "--targets")
                          : data.Given(parse) ? [] : baseOptions.Targets,
                Variants = parse.GetValue(variants) is { } v ? Lists.Items(v, "--variants") : baseOptions.Variants,
                Activation = parse.GetValue(activation) ?? baseOptions.Activation,
                Hidden = shapes.Length > 0 ? shapes[0] : baseOptions.Hidden,
                HiddenGrid = shapes.Length > 1 ? shapes : [],
                Seeds = parse.GetValue(seeds) ?? baseOptions.Seeds,
                Epochs = parse.GetValue(epochs) ?? baseOptions.Epochs,
                TrainSamples = parse.GetValue(samples) ?? baseOptions.TrainSamples,
                TestSamples = parse.GetValue(testSamples) ?? baseOptions.TestSamples,
                BatchSize = parse.GetValue(batch) ?? baseOptions.BatchSize,
                LearningRate = rates.Length > 0 ? rates[0] : baseOptions.LearningRate,
                LearningRates = rates.Length > 1 ? rates : [],
                Penalty = parse.GetValue(penalty) ?? baseOptions.Penalty,
                Jobs = parse.GetValue(jobs) ?? baseOptions.Jobs,
                Precision = parse.GetValue(precision) is { } p ? (p == "float64" ? Precision.Float64 : Precision.Float32) : baseOptions.Precision,
                Data = data.Given(parse) ? new CompareData(parse.GetValue(data.Data)!, data.Roles(parse), parse.GetValue(data.DropMissing)) : null,
                // Every cell is kept in the output folder as it finishes: a killed run resumes from there.
                Resume = outDir,
                Shard = shardSpec,
                Command = StoredCommand(parse),
            };
            Options.Require(!string.IsNullOrWhiteSpace(options.Activation), "--activation: the name is empty");
            Options.Require(options.BatchSize >= 1, $"--batch must be ≥ 1, got {options.BatchSize}");
            Options.Require(options.Seeds >= 1, $"--seeds must be ≥ 1, got {options.Seeds}");
            Options.Require(options.Epochs >= 1, $"--epochs must be ≥ 1, got {options.Epochs}");
            Options.Require(options.Jobs >= 1, $"--jobs must be ≥ 1, got {options.Jobs}");

            // Every check, and the data loaded once (a CSV is not read again for the run).
            var prepared = Experiment.Prepare(options);
            var config = prepared.Config;
            // The folders this run makes (the output folder and any missing parents), deepest first.
            var made = new List<string>();
            for (var f = Path.GetFullPath(outDir); !string.IsNullOrEmpty(f) && !Directory.Exists(f); f = Path.GetDirectoryName(f))
                made.Add(f);
            // Cancelled or failed before any report: do not leave behind the empty folders this run made.
            void RemoveEmptyFolders()
            {
                foreach (var f in made)
                {
                    try { if (!Directory.EnumerateFileSystemEntries(f).Any()) Directory.Delete(f); else break; }
                    catch (IOException) { break; }
                }
            }
            Experiment.PrepareOutput(outDir);
            ctx.WhenAbandoned(RemoveEmptyFolders);
            static string Count(int n, string what) => n == 1 ? $"1 {what}" : $"{n} {what}s";
            var atOnce = Math.Min(options.Jobs, config.Cells);
            var shared = atOnce > Environment.ProcessorCount ? $" (more than the {Environment.ProcessorCount} cores: they share them)" : "";
            var dimensions = (config.HiddenGrid.Count > 1 ? $" × {config.HiddenGrid.Count} hidden shapes" : "") + (config.LearningRates.Count > 1 ? $" × {Count(config.LearningRates.Count, "learning rate")}" : "");
            var part = shardSpec is null ? "" : $"; shard {shardSpec}: {Count(prepared.ToTrain + prepared.AlreadyDone, "trained model")}";
            var kept = prepared.AlreadyDone > 0 ? $"; resuming: {prepared.AlreadyDone} finished, {prepared.ToTrain} to train" : "";
            ctx.Err.WriteLine($"compare: {Count(config.Targets.Count, "target")} × {Count(config.Variants.Count, "variant")} × {Count(config.Seeds.Count, "seed")}{dimensions} = {Count(config.Cells, "model")}{part}{kept}, {atOnce} at a time{shared}; {(shardSpec is null ? "reports" : "cells")} in {outDir}");
            if (parse.GetValue(data.DropMissing))
                ctx.Err.WriteLine($"data: {options.Data!.Path}: {DataOptions.Dropped(prepared.DroppedRows)}");
            if (!config.Variants.Any(v => v.Name == config.Baseline))
                ctx.Err.WriteLine($"note: the baseline {config.Baseline} is not among the variants, so the report will have no ratios, wins or intervals against it");

            var bar = ctx.Interactive ? new ProgressLine(ctx.Err) : null;
            var progress = new Reporter<CompareProgress>(p =>
            {
                var last = $"{p.Last.Target} {p.Last.Variant} seed {p.Last.Seed}: test MSE {Text.Number(p.Last.TestMse)}";
                var timing = $"{Text.Duration(p.Elapsed)} elapsed, ETA {Text.Duration(p.Remaining)}";
                if (bar is not null) bar.Draw($"{ProgressLine.Bar((double)p.Done / p.Total)} {p.Done}/{p.Total} models  {timing}  ({last})", force: p.Done == p.Total);
                else ctx.Err.WriteLine($"[{p.Done}/{p.Total}] {last} ({timing})");
            });
            CompareResult result;
            try { result = Experiment.Run(prepared, progress, cancel); }
            catch
            {
                RemoveEmptyFolders();
                throw;
            }
            finally { bar?.Finish(); }

            if (shardSpec is not null)
            {
                // A shard's folder holds its cells; the report is the merge's.
                ctx.Err.WriteLine($"shard {shardSpec}: {Count(result.Cells.Count, "model")} in {outDir}; put the shards together with: {MergeHint(outDir, shardSpec.Index)}");
                return Cli.Success;
            }
            var files = CompareReports.Write(outDir, result);
            ctx.Out.Write(parse.GetValue(json) ? result.ToJson() : result.ToMarkdown());
            ctx.Err.WriteLine($"wrote {files.Count} files to {outDir}");
            return Cli.Success;
        }));
        return command;
    }

    /// <summary>
    /// The merge command for a shard's folder: when its name ends in the shard's index (sweep/shard-2), the glob of
    /// its siblings (sweep/shard-*) and a merged folder beside them; otherwise this folder and the others'.
    /// </summary>
    internal static string MergeHint(string outDir, int index)
    {
        var trimmed = Path.TrimEndingDirectorySeparator(outDir);
        var name = Path.GetFileName(trimmed);
        var parent = Path.GetDirectoryName(trimmed) ?? "";
        var suffix = index.ToString(CultureInfo.InvariantCulture);
        if (name.Length > suffix.Length && name.EndsWith(suffix, StringComparison.Ordinal) && !char.IsAsciiDigit(name[^(suffix.Length + 1)]))
        {
            var stem = name[..^suffix.Length];
            return $"seagull merge {Path.Combine(parent, stem + "*")} --out {Path.Combine(parent, "merged")}";
        }
        return $"seagull merge {outDir} OTHER-SHARDS… --out DIR";
    }

    /// <summary>The values of --hidden, each a comma list of widths (one network shape), each width ≥ 2.</summary>
    private static int[][] Shapes(string[]? values) => (values ?? []).Select(v =>
    {
        var widths = Lists.PositiveInts(v, "--hidden");
        return widths.FirstOrDefault(w => w < 2) is var w and > 0
            ? throw new ArgumentException($"--hidden: widths must be ≥ 2, got {w} in '{v}'")
            : widths;
    }).ToArray();

    /// <summary>The values of --lr, comma- or space-separated, each a positive number, not below the smallest rate.</summary>
    private static double[] Rates(string[]? values) =>
        (values ?? []).SelectMany(v => Lists.Items(v, "--lr")).Select(t =>
            !double.TryParse(t, NumberStyles.Float, CultureInfo.InvariantCulture, out var x) || !double.IsFinite(x) || x <= 0
                ? throw new ArgumentException($"--lr: '{t}' is not a positive number; write rates with a point, such as 1e-3,3e-4")
            : x < Experiment.MinimumLearningRate
                ? throw new ArgumentException($"--lr: '{t}' is below {Experiment.MinimumLearningRate.ToString("R", CultureInfo.InvariantCulture).Replace('E', 'e')}, too small to train anything")
            : x).ToArray();

    /// <summary>
    /// The options of this run as --resume repeats them: the command line without --out (--resume names the folder,
    /// so a copied or moved sweep resumes where it is) and without --json (a rerun's own), with --data made absolute
    /// (a rerun may start elsewhere). --jobs is kept: the report echoes it.
    /// </summary>
    private static string[] StoredCommand(ParseResult parse)
    {
        var tokens = parse.Tokens.Where(t => t.Type != System.CommandLine.Parsing.TokenType.Command).Select(t => t.Value).ToList();
        var stored = new List<string>();
        for (var i = 0; i < tokens.Count; i++)
        {
            var t = tokens[i];
            if (t is "--json") continue;
            stored.Add(t);
            if (t is "--data" && i + 1 < tokens.Count) stored.Add(Path.GetFullPath(tokens[++i]));
        }
        return WithoutOut(stored).ToArray();
    }

    /// <summary>Arguments without --out and its value (a sweep.json of an older Seagull stores one).</summary>
    private static List<string> WithoutOut(IEnumerable<string> arguments)
    {
        var list = arguments.ToList();
        var kept = new List<string>();
        for (var i = 0; i < list.Count; i++)
        {
            if (list[i] is "--out" or "-o") { i++; continue; }
            if (list[i].StartsWith("--out=", StringComparison.Ordinal) || list[i].StartsWith("-o=", StringComparison.Ordinal)) continue;
            kept.Add(list[i]);
        }
        return kept;
    }

    private static int CompareImages(CliContext ctx, System.CommandLine.ParseResult parse, CancellationToken cancel, ImageOptions images,
                                     string? testPath, string? testLabels, ImageCompareOptions options, string? output, bool json)
    {
        var path = parse.GetValue(images.Images)!;
        Options.Require(options.Seeds >= 1, $"--seeds must be ≥ 1, got {options.Seeds}");
        Options.Require(options.Epochs >= 1, $"--epochs must be ≥ 1, got {options.Epochs}");
        Options.Require(options.BatchSize >= 1, $"--batch must be ≥ 1, got {options.BatchSize}");
        Options.Require(options.Jobs >= 1, $"--jobs must be ≥ 1, got {options.Jobs}");
        Options.Require(options.Patience is null or >= 1, $"--patience must be ≥ 1, got {options.Patience}");
        Options.Require(testPath is not null || ImageOptions.HasTestPart(path),
            $"--images '{path}' has no test part; give the test images with --test-images");
        var train = images.Read(parse, labelled: true);
        var test = testPath is not null
            ? ImageOptions.ReadPath(testPath, testLabels, labelled: true, testPart: true, "--test-images", "--test-labels")
            : ImageOptions.ReadPath(path, null, labelled: true, testPart: true, "--images", "--labels");
        ImageExperiment.Validate(train, test, options);
        var outDir = output ?? Path.Combine("results", $"compare-{DateTime.Now:yyyyMMdd-HHmmss}");
        Experiment.PrepareOutput(outDir);
        var variants = options.Variants.Count > 0 ? options.Variants.Count : ImageExperiment.Variants.Count;
        ctx.Err.WriteLine($"compare: {train} ({test.Count} test images) × {variants} variants × {options.Seeds} seeds = {variants * options.Seeds} models, {Math.Min(options.Jobs, variants * options.Seeds)} at a time; reports in {outDir}");
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var bar = ctx.Interactive ? new ProgressLine(ctx.Err) : null;
        var progress = new Reporter<(int Done, int Total, string Last)>(p =>
        {
            var timing = $"{Text.Duration(clock.Elapsed)} elapsed";
            if (bar is not null) bar.Draw($"{ProgressLine.Bar((double)p.Done / p.Total)} {p.Done}/{p.Total} models  {timing}  ({p.Last})", force: p.Done == p.Total);
            else ctx.Err.WriteLine($"[{p.Done}/{p.Total}] {p.Last} ({timing})");
        });
        ImageCompareResult result;
        try { result = ImageExperiment.Run(train, test, options, progress, cancel); }
        finally { bar?.Finish(); }
        var files = CompareReports.Write(outDir, result);
        ctx.Out.Write(json ? result.ToJson() : result.ToMarkdown());
        ctx.Err.WriteLine($"wrote {files.Count} files to {outDir}");
        return Cli.Success;
    }
}
