using System.CommandLine;
using CultureInfo = System.Globalization.CultureInfo;
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
        var targets = new Option<string?>("--targets") { Description = "Built-in targets, comma-separated (default: every exchangeable target; only the CSV with --data; spring,gaussian_pair with --quick).", HelpName = "LIST" };
        var variants = new Option<string?>("--variants") { Description = $"Variants, comma-separated, from: {variantNames} (default: all; mlp-tanh,mlp-seagull,symmetrized with --quick). The baseline is {Experiment.Baseline}. With --images: from {string.Join(", ", ImageExperiment.Variants)} (baseline {ImageExperiment.Baseline}).", HelpName = "LIST" };
        var activation = new Option<string?>("--activation") { Description = $"The even activation of the Seagull variants (default {d.Activation}).", HelpName = "NAME" };
        var hidden = new Option<string?>("--hidden") { Description = $"Hidden layer widths, comma-separated (default {string.Join(",", d.Hidden)}; {string.Join(",", q.Hidden)} with --quick).", HelpName = "LIST" };
        var seeds = new Option<int?>("--seeds") { Description = $"Number of seeds per cell (default {d.Seeds}; {q.Seeds} with --quick).", HelpName = "N" };
        var epochs = new Option<int?>("--epochs") { Description = $"Epochs per model (default {d.Epochs}; {q.Epochs} with --quick).", HelpName = "N" };
        var samples = new Option<int?>("--samples") { Description = $"Training samples per data set (default {d.TrainSamples}; {q.TrainSamples} with --quick).", HelpName = "N" };
        var testSamples = new Option<int?>("--test-samples") { Description = $"Test samples per data set (default {d.TestSamples}; {q.TestSamples} with --quick).", HelpName = "N" };
        var batch = new Option<int?>("--batch") { Description = $"Mini-batch size (default {d.BatchSize}).", HelpName = "N" };
        var lr = Options.StrictNumber(new Option<double?>("--lr") { Description = $"Learning rate of Adam (default {d.LearningRate.ToString(CultureInfo.InvariantCulture)}).", HelpName = "X" });
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
        foreach (var o in new Option[] { output, quick, json }) command.Options.Add(o);
        images.AddTo(command);
        foreach (var o in new Option[] { testImages, testLabels, patience }) command.Options.Add(o);
        command.Validators.Add(r =>
        {
            data.Validate(r);
            var hasImages = r.GetResult(images.Images) is { Implicit: false };
            if (hasImages)
                foreach (var o in new Option[] { targets, data.Data, samples, testSamples, penalty, activation, quick })
                    if (r.GetResult(o) is { Implicit: false }) r.AddError($"{o.Name} does not apply to an image comparison (--images)");
            foreach (var o in new Option[] { images.Labels, images.Flip, testImages, testLabels, patience })
                if (!hasImages && r.GetResult(o) is { Implicit: false }) r.AddError($"{o.Name} goes with --images PATH");
        });

        command.SetAction((parse, cancel) => ctx.Guarded(() =>
        {
            if (images.Given(parse))
                return CompareImages(ctx, parse, cancel, images, parse.GetValue(testImages), parse.GetValue(testLabels), new ImageCompareOptions
                {
                    Variants = parse.GetValue(variants) is { } iv ? Lists.Items(iv, "--variants") : [],
                    Hidden = parse.GetValue(hidden) is { } ih ? Lists.PositiveInts(ih, "--hidden") : new ImageCompareOptions().Hidden,
                    Seeds = parse.GetValue(seeds) ?? 3,
                    Epochs = parse.GetValue(epochs) ?? 30,
                    BatchSize = parse.GetValue(batch) ?? 128,
                    LearningRate = parse.GetValue(lr) ?? 1e-3,
                    Patience = parse.GetValue(patience),
                    Jobs = parse.GetValue(jobs) ?? Environment.ProcessorCount,
                    Flip = images.FlipOf(parse),
                    Precision = parse.GetValue(precision) == "float64" ? Precision.Float64 : Precision.Float32,
                }, parse.GetValue(output), parse.GetValue(json));
            var baseOptions = parse.GetValue(quick) ? CompareOptions.Quick : CompareOptions.Default;
            var options = baseOptions with
            {
                Targets = parse.GetValue(targets) is { } t ? Lists.Items(t, "--targets")
                          : data.Given(parse) ? [] : baseOptions.Targets,
                Variants = parse.GetValue(variants) is { } v ? Lists.Items(v, "--variants") : baseOptions.Variants,
                Activation = parse.GetValue(activation) ?? baseOptions.Activation,
                Hidden = parse.GetValue(hidden) is { } h ? Lists.PositiveInts(h, "--hidden") : baseOptions.Hidden,
                Seeds = parse.GetValue(seeds) ?? baseOptions.Seeds,
                Epochs = parse.GetValue(epochs) ?? baseOptions.Epochs,
                TrainSamples = parse.GetValue(samples) ?? baseOptions.TrainSamples,
                TestSamples = parse.GetValue(testSamples) ?? baseOptions.TestSamples,
                BatchSize = parse.GetValue(batch) ?? baseOptions.BatchSize,
                LearningRate = parse.GetValue(lr) ?? baseOptions.LearningRate,
                Penalty = parse.GetValue(penalty) ?? baseOptions.Penalty,
                Jobs = parse.GetValue(jobs) ?? baseOptions.Jobs,
                Precision = parse.GetValue(precision) is { } p ? (p == "float64" ? Precision.Float64 : Precision.Float32) : baseOptions.Precision,
                Data = data.Given(parse) ? new CompareData(parse.GetValue(data.Data)!, data.Roles(parse), parse.GetValue(data.DropMissing)) : null,
            };
            Options.Require(!string.IsNullOrWhiteSpace(options.Activation), "--activation: the name is empty");
            Options.Require(options.BatchSize >= 1, $"--batch must be ≥ 1, got {options.BatchSize}");
            Options.Require(options.Seeds >= 1, $"--seeds must be ≥ 1, got {options.Seeds}");
            Options.Require(options.Epochs >= 1, $"--epochs must be ≥ 1, got {options.Epochs}");
            Options.Require(options.Jobs >= 1, $"--jobs must be ≥ 1, got {options.Jobs}");
            var outDir = parse.GetValue(output) ?? Path.Combine("results", $"compare-{DateTime.Now:yyyyMMdd-HHmmss}");

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
            ctx.Err.WriteLine($"compare: {Count(config.Targets.Count, "target")} × {Count(config.Variants.Count, "variant")} × {Count(config.Seeds.Count, "seed")} = {Count(config.Cells, "model")}, {atOnce} at a time{shared}; reports in {outDir}");
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

            var files = CompareReports.Write(outDir, result);
            ctx.Out.Write(parse.GetValue(json) ? result.ToJson() : result.ToMarkdown());
            ctx.Err.WriteLine($"wrote {files.Count} files to {outDir}");
            return Cli.Success;
        }));
        return command;
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
