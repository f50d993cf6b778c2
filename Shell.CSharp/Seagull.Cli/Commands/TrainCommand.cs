using System.CommandLine;
using Seagull.Api;

namespace Seagull.Cli.Commands;

/// <summary><c>seagull train</c>: fit a network to a built-in target or a CSV file and save the model.</summary>
internal static class TrainCommand
{
    public static Command Create(CliContext ctx)
    {
        var target = new Option<string?>("--target", "-t") { Description = "Generate the data from this built-in target (see 'seagull targets').", HelpName = "NAME" };
        var samples = new Option<int>("--samples") { Description = "Rows generated from --target in all, before the --test-fraction split: 10000 gives 8000 training and 2000 test rows.", HelpName = "N", DefaultValueFactory = _ => 10000 };
        var data = new DataOptions("Train on this CSV file (a header row, comma-separated, numbers with a point) instead of --target.");
        var arch = new Option<string?>("--arch") { Description = $"Architecture: mlp (not invariant), split, pooled or symmetrized (exactly invariant). Default: {NetworkBuilder.DefaultArchitecture.ToString().ToLowerInvariant()}, the most accurate exactly invariant design of the default comparison. auto: chooses among split, pooled, symmetrized and symmetrized around the learnable Seagull by a validation split of the training rows." }
            .AcceptOnlyFromAmong("mlp", "split", "pooled", "symmetrized", "auto");
        var activations = new Option<string?>("--activations") { Description = "One activation per hidden layer, comma-separated (e.g. seagull,tanh = the paper's Seagull-first MLP), or one for all. Default: Seagull in the first layer, tanh after (split: tanh on u+v and --even on u−v).", HelpName = "LIST" };
        var hidden = new Option<string>("--hidden") { Description = "Hidden layer widths, comma-separated.", HelpName = "LIST", DefaultValueFactory = _ => "64,64" };
        var even = new Option<string>("--even") { Description = "The even activation of the split architecture's u−v branch; a non-even one loses the guarantee of invariance.", HelpName = "NAME", DefaultValueFactory = _ => "seagull" };
        var pool = new Option<string>("--pool") { Description = "What the pooled architecture's second layer sees: sum (a+ã) or sum+absdiff (a+ã and |a−ã|).", DefaultValueFactory = _ => "sum+absdiff" }
            .AcceptOnlyFromAmong("sum", "sum+absdiff");
        var epochs = new Option<int>("--epochs") { Description = "Maximum number of epochs.", HelpName = "N", DefaultValueFactory = _ => 200 };
        var batch = new Option<int>("--batch") { Description = "Mini-batch size.", HelpName = "N", DefaultValueFactory = _ => 128 };
        var lr = Options.StrictNumber(new Option<double>("--lr") { Description = "Learning rate.", HelpName = "X", DefaultValueFactory = _ => 1e-3 });
        var optimizer = new Option<string>("--optimizer") { Description = "Optimizer: adam, or sgd (momentum 0.9).", DefaultValueFactory = _ => "adam" }
            .AcceptOnlyFromAmong("adam", "sgd");
        var seed = new Option<int>("--seed") { Description = "Seed of the data, the split, the initial parameters and the batch order.", HelpName = "N", DefaultValueFactory = _ => 0 };
        var precision = new Option<string>("--precision") { Description = "Floating-point precision of the network.", DefaultValueFactory = _ => "float32" }
            .AcceptOnlyFromAmong("float32", "float64");
        var augment = new Option<bool>("--augment") { Description = "Also train on the swapped inputs (v, u, w): approximate invariance for any architecture." };
        var penalty = Options.StrictNumber(new Option<double>("--penalty") { Description = "λ of the symmetry penalty λ·mean((g(x) − g(x̃))²) added to the loss (0 = none).", HelpName = "X", DefaultValueFactory = _ => 0.0 });
        var testFraction = Options.StrictNumber(new Option<double>("--test-fraction") { Description = "Fraction of the rows held out and never trained on, for test_mse (0 = none).", HelpName = "X", DefaultValueFactory = _ => new FitOptions().TestFraction ?? 0 });
        var patience = new Option<int?>("--patience") { Description = "Stop after N epochs without a better validation loss (holds out --validation-fraction of the training rows).", HelpName = "N" };
        var validation = Options.StrictNumber(new Option<double>("--validation-fraction") { Description = "Fraction of the training rows held out for early stopping; used with --patience.", HelpName = "X", DefaultValueFactory = _ => 0.1 });
        var output = new Option<string>("--out", "-o") { Description = "Where to write the model file (JSON, written atomically).", HelpName = "MODEL.json", Required = true };
        var json = Options.Json("train_mse, test_mse, test_mse_standardized, invariance_error, epochs_run, seconds (training loop alone) and parameters (classifiers: train_accuracy, test_accuracy, test_cross_entropy, disagreement, invariance_error, epochs_run, seconds, parameters, classes)");
        var images = new ImageOptions();
        var testImages = new Option<string?>("--test-images") { Description = "Test images (as --images; 'fashion-mnist' means its test part); without them --test-fraction of the images is held out.", HelpName = "PATH" };
        var testLabels = new Option<string?>("--test-labels") { Description = "The IDX label file of an IDX --test-images file.", HelpName = "PATH" };
        var classify = new Option<bool>("--classify") { Description = "Classify: --y names a column of class labels (integers or names) in --data. Implied by --images." };
        var image = new Option<string?>("--image") { Description = "With --data --classify: the other columns are the pixels of W×H images with C channels (e.g. 28x28 or 32x32x3), values 0–255, mirrored by --flip.", HelpName = "WxH[xC]" };
        var threads = new Option<int>("--threads") { Description = "Threads for the model's matrix products (results are the same bits for any count). Default: every core.", HelpName = "N", DefaultValueFactory = _ => Environment.ProcessorCount };
        var stopOn = new Option<string>("--stop-on") { Description = "What a classifier's early stopping (--patience) watches on the validation part: accuracy or loss.", DefaultValueFactory = _ => "accuracy" }
            .AcceptOnlyFromAmong("accuracy", "loss");

        var command = new Command("train",
            "Train a network and save it. Data: --target NAME (generated, seeded) or --data FILE.csv --u COLS --v COLS [--w COLS] [--y COLS].\n" +
            "Classifiers: --images PATH (a class-folder tree, an IDX file with --labels, fashion-mnist or synthetic), or --data FILE.csv --classify --y LABELS.\n" +
            "The network has one output per target column (--y a,b trains one network for both).\n" +
            "MSEs are reported in the target's own units; test_mse_standardized divides by the training target's variance\n" +
            "(the unit of 'seagull compare'). The invariance error is max |f(u,v,w) − f(v,u,w)| over the test rows.");
        foreach (var o in new Option[] { target, samples }) command.Options.Add(o);
        data.AddTo(command);
        foreach (var o in new Option[] { arch, activations, hidden, even, pool, epochs, batch, lr, optimizer, seed, precision, augment, penalty, testFraction, patience, validation, output, json })
            command.Options.Add(o);
        images.AddTo(command);
        foreach (var o in new Option[] { testImages, testLabels, classify, image, stopOn, threads })
            command.Options.Add(o);
        command.Validators.Add(result =>
        {
            var hasTarget = result.GetResult(target) is { Implicit: false };
            var hasData = result.GetResult(data.Data) is { Implicit: false };
            var hasImages = result.GetResult(images.Images) is { Implicit: false };
            var pixelColumns = result.GetResult(image) is { Implicit: false };
            if ((hasTarget ? 1 : 0) + (hasData ? 1 : 0) + (hasImages ? 1 : 0) != 1)
                result.AddError("give one of --target NAME, --data FILE.csv (with --u and --v, or --classify --image WxH) or --images PATH");
            if ((hasData || hasImages) && result.GetResult(samples) is { Implicit: false }) result.AddError("--samples applies to --target only; data files have their own rows");
            if (pixelColumns && !(hasData && result.GetResult(classify) is { Implicit: false }))
                result.AddError("--image describes the pixel columns of --data; give --data FILE.csv --classify too");
            if (hasTarget && result.GetResult(classify) is { Implicit: false }) result.AddError("--classify needs labels: give --data FILE.csv with a label column (--y), or --images");
            foreach (var o in new Option[] { images.Labels, testImages, testLabels })
                if (!hasImages && result.GetResult(o) is { Implicit: false }) result.AddError($"{o.Name} goes with --images PATH");
            if (!hasImages && !pixelColumns && result.GetResult(images.Flip) is { Implicit: false }) result.AddError("--flip goes with --images or --image");
            if (result.GetResult(testLabels) is { Implicit: false } && result.GetResult(testImages) is not { Implicit: false }) result.AddError("--test-labels goes with --test-images");
            data.Validate(result, imageColumns: pixelColumns);
        });

        command.SetAction((parse, cancel) => ctx.Guarded(() =>
        {
            var epochCount = parse.GetValue(epochs);
            Options.Require(epochCount >= 1, $"--epochs must be ≥ 1, got {epochCount}");
            Options.Require(parse.GetValue(batch) >= 1, $"--batch must be ≥ 1, got {parse.GetValue(batch)}");
            Options.Require(parse.GetValue(lr) > 0 && double.IsFinite(parse.GetValue(lr)), $"--lr must be a positive number, got {parse.GetValue(lr)}");
            Options.Require(parse.GetValue(penalty) >= 0 && double.IsFinite(parse.GetValue(penalty)), $"--penalty must be ≥ 0, got {parse.GetValue(penalty)}");
            var fraction = parse.GetValue(testFraction);
            Options.Require(fraction >= 0 && fraction < 1, $"--test-fraction must be in [0, 1), got {fraction}");
            var patienceValue = parse.GetValue(patience);
            Options.Require(patienceValue is null or >= 1, $"--patience must be ≥ 1, got {patienceValue}");
            var validationFraction = parse.GetValue(validation);
            var threadCount = parse.GetValue(threads);
            Options.Require(threadCount >= 1, $"--threads must be ≥ 1, got {threadCount}");
            Options.Require(validationFraction > 0 && validationFraction < 1, $"--validation-fraction must be strictly between 0 and 1, got {validationFraction}");
            var widths = Lists.PositiveInts(parse.GetValue(hidden)!, "--hidden");
            var activationText = parse.GetValue(activations);
            Activation[] acts = activationText is null ? [] : Lists.Activations(activationText, "--activations");
            Options.Require(acts.Length <= 1 || acts.Length == widths.Length,
                $"--activations has {acts.Length} names but --hidden has {widths.Length} layers; give one per layer or one for all");
            var evenActivation = Lists.Activations(parse.GetValue(even)!, "--even").Single();
            var seedValue = parse.GetValue(seed);
            var modelPath = parse.GetValue(output)!;
            Options.RequireNotAnInput(modelPath, ("--data", parse.GetValue(data.Data)));
            Options.RequireOutputFolder(modelPath);
            var modelOnStdout = Options.IsStandardOutput(modelPath);
            Options.Require(!(modelOnStdout && parse.GetValue(json)),
                "--out is standard output and --json prints there too; write the model to a file, or drop --json");
            SwapInvariantRegressor.CheckSavePath(modelPath);

            var isAuto = parse.GetValue(arch) == "auto";
            // The network's settings and the fit's, shared by a regressor and a classifier; the data gives the shape.
            var net = new NetworkBuilder().Hidden(widths);
            if (parse.GetValue(arch) is { } architecture && !isAuto) net = net.Architecture(Enum.Parse<Architecture>(architecture, ignoreCase: true));
            if (acts.Length > 0) net = net.Activations(acts);
            net = net.Even(evenActivation)
                .Pooling(parse.GetValue(pool) == "sum" ? Pooling.Sum : Pooling.SumAbsDiff)
                .Precision(parse.GetValue(precision) == "float64" ? Precision.Float64 : Precision.Float32)
                .Seed(seedValue);
            var options = new FitOptions
            {
                Epochs = epochCount,
                BatchSize = parse.GetValue(batch),
                LearningRate = parse.GetValue(lr),
                Optimizer = parse.GetValue(optimizer) == "sgd" ? Optimizer.Sgd : Optimizer.Adam,
                Seed = seedValue,
                Augment = parse.GetValue(augment),
                Penalty = parse.GetValue(penalty),
                TestFraction = fraction > 0 ? fraction : null,
                Patience = patienceValue,
                ValidationFraction = patienceValue is null ? null : validationFraction,
                StopOn = parse.GetValue(stopOn) == "loss" ? StoppingMeasure.Loss : StoppingMeasure.Accuracy,
                Threads = threadCount,
            };
            if (images.Given(parse) || parse.GetValue(classify))
            {
                Options.Require(!isAuto, "--arch auto chooses among regression designs; for a classifier name the architecture (split, pooled or symmetrized)");
                var request = new TrainClassifier.Request(net, options, images, parse.GetValue(testImages), parse.GetValue(testLabels),
                    parse.GetValue(data.Data), data, parse.GetValue(image), modelPath, parse.GetValue(json), modelOnStdout);
                return TrainClassifier.Run(ctx, parse, request, cancel);
            }

            RegressionData trainingData;
            if (parse.GetValue(target) is { } targetName)
            {
                var t = Targets.Get(targetName);
                var rows = parse.GetValue(samples);
                Options.Require(rows >= 2, $"--samples must be ≥ 2, got {rows}");
                trainingData = t.Generate(rows, seedValue);
            }
            else
            {
                trainingData = RegressionData.FromCsv(parse.GetValue(data.Data)!, data.Roles(parse), parse.GetValue(data.DropMissing));
            }

            var definition = net.Blocks(trainingData).Build();
            var regressor = new SwapInvariantRegressor(definition);
            var bar = ctx.Interactive ? new ProgressLine(ctx.Err) : null;
            var progress = bar is null ? null : new Reporter<EpochReport>(r =>
            {
                var remaining = TimeSpan.FromTicks(r.Elapsed.Ticks / r.Epoch * (r.Epochs - r.Epoch));
                bar.Draw($"{ProgressLine.Bar((double)r.Epoch / r.Epochs)} epoch {r.Epoch}/{r.Epochs}  loss {Text.Number(r.TrainLoss)}  {Text.Duration(r.Elapsed)} elapsed, ~{Text.Duration(remaining)} left",
                         force: r.Epoch == r.Epochs);
            });
            FitReport report;
            try { report = isAuto ? regressor.FitAuto(trainingData, options, progress, cancel) : regressor.Fit(trainingData, options, progress, cancel); }
            finally { bar?.Finish(); }
            // Cancelled during the fit, or in the measurements after its last epoch: no model file is written.
            if (report.Cancelled) throw new OperationCanceledException();
            cancel.ThrowIfCancellationRequested();
            regressor.Save(modelPath);
            if (report.TestMse is double testMse && !double.IsFinite(testMse))
                ctx.Err.WriteLine("note: the network cannot represent its prediction for some test rows (far outside the training data), so the test metrics are NaN; the model is saved");
            // With the model on stdout, the report goes to stderr so that stdout holds the model file alone.
            Print(modelOnStdout ? ctx.Err : ctx.Out, parse.GetValue(json), report, regressor, trainingData, parse.GetValue(data.DropMissing), modelPath);
            return Cli.Success;
        }));
        return command;
    }

    /// <summary>One line per layer with a learnable activation: where its α ended (|α| over the neurons).</summary>
    internal static void PrintLearned(TextWriter o, IReadOnlyList<LearnedActivationReport> learned)
    {
        foreach (var l in learned)
            o.WriteLine($"learned α in {l.Layer} ({l.Activation}, {l.Neurons} neurons): |α| min {Text.Number(l.AlphaMin)}, median {Text.Number(l.AlphaMedian)}, max {Text.Number(l.AlphaMax)}");
    }

    /// <summary>"learned_activations": one object per layer with a learnable activation; left out when there is none
    /// (the output of other networks keeps its fields).</summary>
    internal static void WriteLearned(System.Text.Json.Utf8JsonWriter w, IReadOnlyList<LearnedActivationReport> learned)
    {
        if (learned.Count == 0) return;
        Text.Objects(w, "learned_activations", learned, (w, l) =>
        {
            w.WriteString("layer", l.Layer);
            w.WriteString("activation", l.Activation);
            w.WriteNumber("neurons", l.Neurons);
            Text.Number(w, "alpha_min", l.AlphaMin);
            Text.Number(w, "alpha_median", l.AlphaMedian);
            Text.Number(w, "alpha_max", l.AlphaMax);
        });
    }

    private static void Print(TextWriter o, bool json, FitReport r, SwapInvariantRegressor regressor, RegressionData data, bool dropMissing, string path)
    {
        if (json)
        {
            o.WriteLine(Text.Json(w =>
            {
                w.WriteStartObject();
                Text.Number(w, "train_mse", r.TrainMse);
                Text.Number(w, "test_mse", r.TestMse);
                Text.Number(w, "test_mse_standardized", r.TestMseStandardized);
                Text.Number(w, "train_mse_standardized", r.TrainMseStandardized);
                Text.Number(w, "test_r2", r.TestR2);
                Text.Number(w, "invariance_error", r.InvarianceError);
                w.WriteString("invariance_rows", r.TestRows > 0 ? "test" : "training");
                Text.Objects(w, "targets", r.Targets, (w, t) =>
                {
                    w.WriteString("name", t.Name);
                    Text.Number(w, "train_mse", t.TrainMse);
                    Text.Number(w, "test_mse", t.TestMse);
                    Text.Number(w, "test_mse_standardized", t.TestMseStandardized);
                    Text.Number(w, "test_r2", t.TestR2);
                    Text.Number(w, "invariance_error", t.InvarianceError);
                });
                w.WriteNumber("epochs_run", r.EpochsRun);
                w.WriteNumber("seconds", r.Seconds);
                w.WriteNumber("parameters", r.Parameters);
                w.WriteNumber("train_rows", r.TrainRows);
                w.WriteNumber("test_rows", r.TestRows);
                w.WriteNumber("dropped_rows", data.DroppedRows);
                w.WriteString("network", regressor.Definition.Description);
                w.WriteBoolean("exactly_invariant", regressor.Definition.IsExactlyInvariant);
                WriteLearned(w, r.LearnedActivations);
                w.WriteString("model", path);
                if (r.Auto is { } auto)
                {
                    w.WriteStartObject("auto");
                    w.WriteString("chosen", auto.Chosen);
                    Text.Objects(w, "candidates", auto.Candidates, (w, c) =>
                    {
                        w.WriteString("architecture", c.Architecture);
                        Text.Number(w, "validation_mse_standardized", double.IsFinite(c.ValidationMse) ? c.ValidationMse : null);
                        w.WriteNumber("seconds", c.Seconds);
                    });
                    w.WriteNumber("total_seconds", auto.TotalSeconds);
                    w.WriteEndObject();
                }
                w.WriteEndObject();
            }));
            return;
        }
        o.WriteLine($"network: {regressor.Definition.Description} ({r.Parameters} parameters; exactly invariant: {(regressor.Definition.IsExactlyInvariant ? "yes" : "no")})");
        var dropped = dropMissing ? $", {DataOptions.Dropped(data.DroppedRows)}" : "";
        o.WriteLine($"data: {regressor.Source}, {r.TrainRows} training rows, {r.TestRows} test rows (u:{data.UWidth} v:{data.UWidth} w:{data.WWidth}){dropped}");
        o.WriteLine($"trained {r.EpochsRun} epochs in {r.Seconds:F2} s");
        if (r.Auto is { } chose)
            o.WriteLine($"auto: chose {chose.Chosen} by the validation MSE (standardised) of 20 % of the training rows: " +
                        string.Join(", ", chose.Candidates.Select(c => $"{c.Architecture} {Text.Number(c.ValidationMse)}")) +
                        $"; {chose.TotalSeconds:F2} s of training in all");
        PrintLearned(o, r.LearnedActivations);
        var rows = r.TestRows > 0 ? "test" : "training";
        if (r.Targets.Count == 1)
        {
            o.WriteLine($"train MSE {Text.Number(r.TrainMse)} (standardised {Text.Number(r.TrainMseStandardized)})");
            if (r.TestMse is double test)
                o.WriteLine($"test MSE {Text.Number(test)} (standardised {Text.Number(r.TestMseStandardized!.Value)}), R² {Text.Number(r.TestR2!.Value)}");
            o.WriteLine($"invariance error {Text.Number(r.InvarianceError)} (max |f(u,v,w) − f(v,u,w)| on the {rows} rows)");
        }
        else
        {
            o.WriteLine($"train MSE standardised {Text.Number(r.TrainMseStandardized)}" +
                        (r.TestMseStandardized is double testStd ? $", test MSE standardised {Text.Number(testStd)}" : "") + " (means over the targets)");
            foreach (var t in r.Targets)
            {
                var tested = t.TestMse is double mse ? $", test MSE {Text.Number(mse)} (standardised {Text.Number(t.TestMseStandardized!.Value)}), R² {Text.Number(t.TestR2!.Value)}" : "";
                o.WriteLine($"  {t.Name}: train MSE {Text.Number(t.TrainMse)}{tested}, invariance error {Text.Number(t.InvarianceError)} ({rows} rows)");
            }
        }
        o.WriteLine($"model written to {path}");
    }
}
