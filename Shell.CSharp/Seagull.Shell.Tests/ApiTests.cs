using Seagull.Api;
using Xunit;

namespace Seagull.Shell.Tests;

/// <summary>Examples of the C# API: activations, the builder's validation, data checks, errors.</summary>
public class ApiTests
{
    [Fact]
    public void The_catalogue_has_seventeen_activations_whose_parity_is_as_declared()
    {
        Assert.Equal(17, Activation.All.Count);
        Assert.Equal(["seagull-learned", "gaussian-learned"], Activation.All.Where(a => a.IsLearnable).Select(a => a.Name));
        Assert.All(Activation.All, a => Assert.Equal(a.DeclaredParity, a.MeasureParity()));
        Assert.Same(Activation.Seagull, Activation.Get("SEAGULL"));
        Assert.Equal(Math.Log(5), Activation.Seagull.Evaluate(2.0), 12);
        Assert.Equal(0.8, Activation.Seagull.Derivative(2.0), 6);
        var e = Assert.Throws<ArgumentException>(() => Activation.Get("nope"));
        Assert.Equal("name", e.ParamName);
        Assert.Contains("seagull", e.Message);
    }

    [Fact]
    public void A_custom_activation_is_differentiated_and_its_parity_measured()
    {
        var seagull2 = Activation.Custom("seagull2", z => Expr.Log(1 + z * z), "log(1 + z²)");
        Assert.Equal(Parity.Even, seagull2.DeclaredParity);
        Assert.Equal(Parity.Even, seagull2.MeasureParity());
        Assert.Equal(Activation.Seagull.Evaluate(1.5), seagull2.Evaluate(1.5), 12);
        Assert.Equal(Activation.Seagull.Derivative(1.5), seagull2.Derivative(1.5), 9);
        Assert.Equal(Parity.Odd, Activation.Custom("cube", z => z * z * z).MeasureParity());
        Assert.Equal(Parity.Neither, Activation.Custom("shifted", z => Expr.Exp(z) - 1).MeasureParity());
        Assert.Equal(0.5, Activation.Custom("half", z => 1 / (1 + Expr.Exp(-z))).Evaluate(0), 12);
        Assert.Throws<ArgumentException>(() => Activation.Custom("tanh", z => z));
        Assert.Throws<ArgumentException>(() => Activation.Custom(" ", z => z));
        Assert.Equal("name", Assert.Throws<ArgumentException>(() => Activation.Custom("my act", z => z * z)).ParamName);
        Assert.Equal("name", Assert.Throws<ArgumentException>(() => Activation.Custom("a,b", z => z * z)).ParamName);
    }

    [Fact]
    public void A_custom_activation_even_only_up_to_rounding_gives_no_invariance_guarantee()
    {
        var rounded = Activation.Custom("sq1", z => (z + 1) * (z + 1) - 2 * z);
        Assert.Equal(Parity.Neither, rounded.MeasureParity());
        var split = new NetworkBuilder().Blocks(2, 2, 1).Architecture(Architecture.Split).Even(rounded).Hidden(8, 8).Build();
        Assert.False(split.IsExactlyInvariant);
        var regressor = new SwapInvariantRegressor(split);
        var data = RegressionData.FromArrays(new double[,] { { 0.1, 0.2, 0.3, 0.4, 0.5 }, { 0.5, 0.4, 0.3, 0.2, 0.1 }, { 0.9, -0.2, 0.1, 0.7, 0.0 } },
                                             new[] { 1.0, 2.0, 3.0 }, uWidth: 2, wWidth: 1);
        regressor.Fit(data, new FitOptions { Epochs = 1 });
        var check = regressor.CheckInvariance(samples: 200);
        Assert.False(check.ArchitectureGuarantees);
        Assert.Equal(Parity.Neither, check.Activations.Single(a => a.Name == "sq1").Measured);
    }

    [Fact]
    public void Results_print_their_lists_not_the_collection_type()
    {
        var regressor = SwapInvariantRegressor.Create(uWidth: 1, wWidth: 1, Architecture.Split);
        var report = regressor.Fit(Targets.Get("bead_pair").Generate(60), new FitOptions { Epochs = 12 });
        Assert.Contains("History = [EpochReport { Epoch = 1,", report.ToString());
        Assert.Contains("… (12 items)]", report.ToString());
        var check = regressor.CheckInvariance(samples: 10);
        Assert.Contains("Activations = [ActivationParity { Layer = ", check.ToString());
        Assert.DoesNotContain("ReadOnlyCollection", check.ToString());
        Assert.Equal("[u1, v1, w1]", regressor.InputNames.ToString());
    }

    [Fact]
    public void A_custom_activation_undefined_somewhere_is_refused()
    {
        var e = Assert.Throws<ArgumentException>(() => Activation.Custom("lg", z => Expr.Log(z)));
        Assert.Equal("formula", e.ParamName);
        Assert.Contains("must never be NaN, and finite for |z| ≤ 5", e.Message);
        Assert.Contains("gives NaN", Assert.Throws<ArgumentException>(() => Activation.Custom("nanact", z => Expr.Log(z * z - 0.5))).Message);
    }

    [Fact]
    public void A_model_with_a_custom_activation_loads_only_with_it()
    {
        using var dir = new TempFolder();
        var seagull2 = Activation.Custom("seagull2", z => Expr.Log(1 + z * z));
        var net = new NetworkBuilder().Blocks(1, 1, 1).Hidden(4).Activations(seagull2).Architecture(Architecture.Mlp).Build();
        var regressor = new SwapInvariantRegressor(net);
        var data = Targets.Get("bead_pair").Generate(50);
        regressor.Fit(data, new FitOptions { Epochs = 1 });
        var path = dir.File("custom.json");
        regressor.Save(path);
        var e = Assert.Throws<InvalidDataException>(() => SwapInvariantRegressor.Load(path));
        Assert.Contains("seagull2", e.Message);
        var loaded = SwapInvariantRegressor.Load(path, seagull2);
        Assert.Same(seagull2, loaded.Definition.Activations[0]);
        Assert.Equal(regressor.Predict(data.ToInputArray()), loaded.Predict(data.ToInputArray()));
        Assert.Equal(regressor.Predict(data.ToInputArray()), loaded.Predict(data));
        Assert.Throws<ArgumentException>(() => loaded.Predict(Targets.Get("spring").Generate(5)));
        // The same name with another formula is refused rather than silently predicting something else.
        var impostor = Activation.Custom("seagull2", z => Expr.Log(2 + z * z));
        var wrong = Assert.Throws<InvalidDataException>(() => SwapInvariantRegressor.Load(path, impostor));
        Assert.Contains("different activation 'seagull2'", wrong.Message);
    }

    [Fact]
    public void The_builder_validates_and_names_the_argument()
    {
        var b = new NetworkBuilder();
        Assert.Equal("v", Assert.Throws<ArgumentException>(() => b.Blocks(u: 3, v: 2, w: 0)).ParamName);
        Assert.Equal("u", Assert.Throws<ArgumentOutOfRangeException>(() => b.Blocks(0, 0, 0)).ParamName);
        Assert.Equal("w", Assert.Throws<ArgumentOutOfRangeException>(() => b.Blocks(1, 1, -1)).ParamName);
        Assert.Equal("widths", Assert.Throws<ArgumentException>(() => b.Hidden()).ParamName);
        Assert.Equal("widths", Assert.Throws<ArgumentException>(() => b.Hidden(8, 0)).ParamName);
        Assert.Equal("names", Assert.Throws<ArgumentException>(() => b.Activations("seagull", "nope")).ParamName);
        Assert.Throws<InvalidOperationException>(() => b.Build());
        Assert.Equal("activations", Assert.Throws<ArgumentException>(() => b.Blocks(1, 1).Hidden(4, 4, 4).Activations(Activation.Tanh, Activation.Relu).Build()).ParamName);
        Assert.Equal("hidden", Assert.Throws<ArgumentException>(() => b.Blocks(1, 1).Architecture(Architecture.Split).Hidden(1).Build()).ParamName);

        var net = b.Blocks(u: 3, v: 3, w: 3).Build();
        Assert.Equal(Architecture.Symmetrized, net.Architecture);
        Assert.Equal([64, 64], net.Hidden);
        Assert.Equal([Activation.Seagull, Activation.Tanh], net.Activations);
        Assert.True(net.IsExactlyInvariant);
        Assert.Equal("9→symmetrize(64(seagull)→64(tanh)→1) float32", net.Description);
        var split = net.ToBuilder().Architecture(Architecture.Split).Even(Activation.Tanh).Build();
        Assert.False(split.IsExactlyInvariant);
        Assert.Equal(Architecture.Symmetrized, net.Architecture);
    }

    [Fact]
    public void Fit_and_predict_check_shapes_and_values()
    {
        var regressor = SwapInvariantRegressor.Create(uWidth: 2, wWidth: 1, Architecture.Pooled);
        Assert.Throws<InvalidOperationException>(() => regressor.Predict(new double[1, 5]));
        Assert.Equal("x", Assert.Throws<ArgumentException>(() => regressor.Fit(new double[4, 4], new double[4])).ParamName);
        Assert.Equal("y", Assert.Throws<ArgumentException>(() => regressor.Fit(new double[4, 5], new double[3])).ParamName);
        Assert.Equal("x", Assert.Throws<ArgumentException>(() => regressor.Fit(new double[0, 5], new double[0])).ParamName);
        var x = new double[4, 5];
        x[2, 3] = double.NaN;
        var nan = Assert.Throws<ArgumentException>(() => regressor.Fit(x, new double[4]));
        Assert.Equal("x", nan.ParamName);
        Assert.Contains("x[2, 3] is NaN", nan.Message);
        Assert.Equal("options", Assert.Throws<ArgumentException>(() => regressor.Fit(new double[4, 5], new double[4], new FitOptions { Epochs = 0 })).ParamName);
        Assert.Equal("options", Assert.Throws<ArgumentException>(() => regressor.Fit(new double[4, 5], new double[4], new FitOptions { Patience = 3 })).ParamName);
        Assert.Equal("data", Assert.Throws<ArgumentException>(() => regressor.Fit(Targets.Get("spring").Generate(10))).ParamName);
        Assert.Throws<ArgumentException>(() => new ColumnRoles(["a", "b"], ["c"]));
        Assert.Throws<FileNotFoundException>(() => RegressionData.FromCsv("/no/such/file.csv", ColumnRoles.Parse("a", "b")));
        Assert.Throws<FileNotFoundException>(() => SwapInvariantRegressor.Load("/no/such/model.json"));
        Assert.Equal("uWidth", Assert.Throws<ArgumentOutOfRangeException>(() => SwapInvariantRegressor.Create(uWidth: 0)).ParamName);
        Assert.Equal("wWidth", Assert.Throws<ArgumentOutOfRangeException>(() => SwapInvariantRegressor.Create(uWidth: 1, wWidth: -1)).ParamName);
        Assert.Equal("y", Assert.Throws<ArgumentNullException>(() => RegressionData.FromArrays(new double[3, 5], (double[])null!, uWidth: 2, wWidth: 1)).ParamName);
    }

    [Fact]
    public void Learning_rate_schedules_change_the_fit_as_documented()
    {
        var data = Targets.Get("spring").Generate(200, seed: 5);
        double[] Fit(LearningRateSchedule schedule, int epochs = 6)
        {
            var regressor = new SwapInvariantRegressor(new NetworkBuilder().Blocks(3, 3, 3).Hidden(8, 8).Build());
            regressor.Fit(data, new FitOptions { Epochs = epochs, Schedule = schedule, BatchSize = 32, Seed = 2 });
            return regressor.Predict(data);
        }
        var constant = Fit(LearningRateSchedule.Constant);
        // A decay that would first act after the last epoch leaves the fit as it is, bit for bit.
        Assert.Equal(constant, Fit(LearningRateSchedule.StepDecay(every: 6, gamma: 0.5)));
        Assert.NotEqual(constant, Fit(LearningRateSchedule.StepDecay(every: 2, gamma: 0.5)));
        var cosine = Fit(LearningRateSchedule.Cosine(6));
        Assert.NotEqual(constant, cosine);
        Assert.Equal(cosine, Fit(LearningRateSchedule.CosineOverFit));
        Assert.NotEqual(Fit(LearningRateSchedule.Cosine(6), epochs: 4), Fit(LearningRateSchedule.CosineOverFit, epochs: 4));
        Assert.Equal("cosine over 6 epochs", LearningRateSchedule.Cosine(6).ToString());
        Assert.Equal("cosine over the fit's epochs", LearningRateSchedule.CosineOverFit.ToString());
        Assert.Equal("every", Assert.Throws<ArgumentOutOfRangeException>(() => LearningRateSchedule.StepDecay(0, 0.5)).ParamName);
        Assert.Equal("gamma", Assert.Throws<ArgumentOutOfRangeException>(() => LearningRateSchedule.StepDecay(5, 1.5)).ParamName);
        Assert.Equal("epochs", Assert.Throws<ArgumentOutOfRangeException>(() => LearningRateSchedule.Cosine(0)).ParamName);
    }

    [Fact]
    public void A_fit_reports_train_and_test_errors_and_evaluates_consistently()
    {
        var data = Targets.Get("spring").Generate(300, seed: 3);
        var regressor = new SwapInvariantRegressor(new NetworkBuilder().Blocks(3, 3, 3).Hidden(16, 16).Build());
        var epochs = new List<EpochReport>();
        var report = regressor.Fit(data, new FitOptions { Epochs = 4, TestFraction = 0.25 }, new SyncProgress<EpochReport>(epochs.Add));
        Assert.Equal(4, report.EpochsRun);
        Assert.Equal([1, 2, 3, 4], epochs.Select(e => e.Epoch));
        Assert.Equal(report.History, epochs);
        Assert.Equal(75, report.TestRows);
        Assert.Equal(225, report.TrainRows);
        Assert.Equal(0.0, report.InvarianceError);
        Assert.True(report.TestMse > 0 && report.TestMseStandardized > 0);
        Assert.Equal(regressor.ParameterCount, report.Parameters);
        var all = regressor.Evaluate(data.ToInputArray(), data.ToTargetArray());
        Assert.Equal(300, all.N);
        Assert.Equal(regressor.Evaluate(data).Mse, all.Mse);
        var check = regressor.CheckInvariance(samples: 100);
        Assert.True(check.ExactlyInvariant);
        Assert.True(check.ArchitectureGuarantees);
        Assert.Equal(["inner/layer1", "inner/layer2", "inner/layer3"], check.Activations.Select(a => a.Layer));
        Assert.Equal(["seagull", "tanh", "identity"], check.Activations.Select(a => a.Name));

        // Rows to predict have no target yet: a target column holding NaN or nothing is not read.
        using var dir = new TempFolder();
        var x = data.ToInputArray();
        var lines = new List<string> { "id,u1,u2,u3,v1,v2,v3,w1,w2,w3,y" };
        for (var i = 0; i < 2; i++)
            lines.Add($"r{i}," + string.Join(",", Enumerable.Range(0, 9).Select(j => x[i, j].ToString("R", System.Globalization.CultureInfo.InvariantCulture))) + (i == 0 ? ",NaN" : ","));
        var table = regressor.PredictTable(dir.Write("new.csv", string.Join("\n", lines)));
        var expected = regressor.Predict(new double[,] { { x[0, 0], x[0, 1], x[0, 2], x[0, 3], x[0, 4], x[0, 5], x[0, 6], x[0, 7], x[0, 8] },
                                                          { x[1, 0], x[1, 1], x[1, 2], x[1, 3], x[1, 4], x[1, 5], x[1, 6], x[1, 7], x[1, 8] } });
        Assert.Equal(expected, table.Predictions);
    }

    [Fact]
    public async Task FitAsync_runs_off_the_calling_thread_and_the_experiment_plans_before_training()
    {
        var data = Targets.Get("bead_pair").Generate(64);
        var regressor = SwapInvariantRegressor.Create(1, 1);
        var report = await regressor.FitAsync(data, new FitOptions { Epochs = 2 });
        Assert.Equal(2, report.EpochsRun);
        Assert.True(regressor.IsFitted);

        Assert.Equal("options", Assert.Throws<ArgumentException>(() => Experiment.Plan(new CompareOptions { Targets = ["nope"] })).ParamName);
        Assert.Throws<ArgumentException>(() => Experiment.Plan(new CompareOptions { Variants = ["nope"] }));
        Assert.StartsWith("CompareOptions { Targets = [coulomb, gaussian_pair], Variants = [mlp-tanh, mlp-seagull, pooled, symmetrized], Activation = seagull, CustomActivations = [], Hidden = [64, 64]",
            CompareOptions.Quick.ToString());
        // the hand-written ToString names every property (a property added later must be added there too)
        foreach (var property in typeof(CompareOptions).GetProperties().Where(p => p.GetMethod!.IsPublic && !p.GetMethod.IsStatic))
            Assert.Contains($"{property.Name} = ", CompareOptions.Quick.ToString());
        var config = Experiment.Plan(CompareOptions.Quick with { Seeds = 1 });
        Assert.Equal(["coulomb", "gaussian_pair"], config.Targets);
        Assert.Equal(8, config.Cells);
        Assert.Equal("a custom grid, 2 targets × 4 variants × 1 seed, 60 epochs", config.Grid);
        Assert.Equal("mlp-tanh", Experiment.Baseline);
        Assert.Equal(10, Experiment.Variants.Count);
        Assert.Equal("mlp-seagull-learned", Experiment.Variants[2].Name);
    }

    [Fact]
    public void The_experiment_runs_and_reports_as_plain_records()
    {
        var progress = new List<CompareProgress>();
        var options = CompareOptions.Quick with { Targets = ["bead_pair"], Variants = ["mlp-tanh", "symmetrized"], Seeds = 2, Epochs = 1, TrainSamples = 64, TestSamples = 32, Jobs = 2 };
        var result = Experiment.Run(options, new SyncProgress<CompareProgress>(p => { lock (progress) progress.Add(p); }));
        Assert.Equal(4, result.Cells.Count);
        Assert.Equal(4, progress.Count);
        Assert.Equal(4, progress.Max(p => p.Done));
        Assert.All(result.Cells.Where(c => c.Variant == "symmetrized"), c => Assert.Equal(0.0, c.InvarianceError));
        Assert.Equal(2, result.Rows.Count);
        Assert.NotNull(result.Rows.Single(r => r.Variant == "symmetrized").VsBaseline);
        Assert.Contains("# Seagull comparison", result.ToMarkdown());
    }

    [Fact]
    public void A_prepared_comparison_reads_its_data_once_and_runs_as_the_options_would()
    {
        using var dir = new TempFolder();
        var csv = dir.File("pairs.csv");
        Targets.Get("bead_pair").Generate(120, seed: 3).WriteCsv(csv);
        var options = CompareOptions.Quick with
        {
            Targets = [], Variants = ["mlp-tanh", "pooled"], Seeds = 1, Epochs = 2, Hidden = [4, 4],
            Data = new CompareData(csv, ColumnRoles.Parse("u1", "v1", "w1")),
        };
        var prepared = Experiment.Prepare(options);
        Assert.Equal(2, prepared.Config.Cells);
        File.Delete(csv);   // the run does not read the file again
        var fromPrepared = Experiment.Run(prepared);
        Targets.Get("bead_pair").Generate(120, seed: 3).WriteCsv(csv);
        var fromOptions = Experiment.Run(options);
        Assert.Equal(fromOptions.Cells.Select(c => (c.Target, c.Variant, c.TestMse)), fromPrepared.Cells.Select(c => (c.Target, c.Variant, c.TestMse)));
        // the file's own errors are data errors, named by the file; a constant target is one of them
        File.WriteAllText(csv, "u1,v1,w1,y\n1,2,3,4\n2,1,3,x\n");
        Assert.Contains("line 3, column 'y'", Assert.Throws<InvalidDataException>(() => Experiment.Prepare(options)).Message);
        File.WriteAllText(csv, "u1,v1,w1,y\n1,2,3,4\n2,1,3,4\n5,6,7,4\n");
        Assert.Contains("a constant has nothing to learn", Assert.Throws<InvalidDataException>(() => Experiment.Prepare(options)).Message);
        Assert.Throws<ArgumentException>(() => Experiment.Prepare(options with { Variants = ["nope"] }));
    }

    [Fact]
    public void A_comparison_runs_on_a_data_set_in_memory()
    {
        // d = 2, k = 0: y = exp(−|u − v|²) + u·v, made in memory (no file)
        var random = new Random(7);
        var x = new double[150, 4];
        var y = new double[150];
        for (var i = 0; i < 150; i++)
        {
            for (var j = 0; j < 4; j++) x[i, j] = random.NextDouble() * 2 - 1;
            double d0 = x[i, 0] - x[i, 2], d1 = x[i, 1] - x[i, 3];
            y[i] = Math.Exp(-(d0 * d0 + d1 * d1)) + x[i, 0] * x[i, 2] + x[i, 1] * x[i, 3];
        }
        var data = RegressionData.FromArrays(x, y, uWidth: 2);
        var options = CompareOptions.Quick with
        {
            Targets = [], Variants = ["mlp-tanh", "symmetrized"], Seeds = 1, Epochs = 2, Hidden = [4, 4],
            DataSet = new CompareDataSet("pairs", data),
        };
        Assert.Contains("DataSet = CompareDataSet { Name = pairs", options.ToString());
        var result = Experiment.Run(options);
        Assert.Equal(["pairs"], result.Config.Targets);
        Assert.Equal("pairs (in memory)", result.Config.DataFile);
        Assert.Contains(result.Config.Settings, kv => kv.Key == "data_columns" && kv.Value == "--u u1,u2 --v v1,v2 --y y");
        Assert.Equal(0.0, result.Cells.Single(c => c.Variant == "symmetrized").InvarianceError);
        // one extra data set at most; it needs a name
        Assert.Contains("not both", Assert.Throws<ArgumentException>(() =>
            Experiment.Plan(options with { Data = new CompareData("x.csv", ColumnRoles.Parse("u1", "v1")) })).Message);
        Assert.Contains("needs a name", Assert.Throws<ArgumentException>(() => Experiment.Plan(options with { DataSet = new CompareDataSet(" ", data) })).Message);
    }

    [Fact]
    public void A_comparison_runs_on_a_custom_even_activation()
    {
        var ratio = Activation.Custom("ratio", z => z * z / (1 + z * z), "z²/(1 + z²)");
        var options = CompareOptions.Quick with
        {
            Targets = ["bead_pair"], Variants = ["mlp-tanh", "split", "symmetrized"], Seeds = 1, Epochs = 2,
            TrainSamples = 200, TestSamples = 100, Hidden = [6, 6], Activation = "ratio", CustomActivations = [ratio],
        };
        Assert.Contains("CustomActivations = [ratio (even): z²/(1 + z²)]", options.ToString());
        var result = Experiment.Run(options);
        Assert.Equal("ratio", result.Config.Activation);
        Assert.Contains(new KeyValuePair<string, string>("custom_activation", "ratio: z²/(1 + z²) (measured even)"), result.Config.Settings);
        Assert.All(result.Cells.Where(c => c.Variant != "mlp-tanh"), c => Assert.Equal(0.0, c.InvarianceError));
        // a name no built-in and no custom activation has
        Assert.Contains("unknown activation 'ratio'", Assert.Throws<ArgumentException>(() => Experiment.Plan(options with { CustomActivations = [] })).Message);
        Assert.Contains("two have the same name",
            Assert.Throws<ArgumentException>(() => Experiment.Plan(options with { CustomActivations = [ratio, Activation.Custom("RATIO", z => z * z)] })).Message);
        // names match without regard to case, as built-in names do; the unknown-name message lists the custom ones
        Assert.Equal("ratio", Experiment.Plan(options with { Activation = "Ratio" }).Activation);
        Assert.Contains("custom: ratio", Assert.Throws<ArgumentException>(() => Experiment.Plan(options with { Activation = "nope" })).Message);
        Assert.Equal("logcosh", Experiment.Plan(options with { Activation = "logcosh" }).Activation);
    }
}

/// <summary>An IProgress that reports synchronously on the reporting thread.</summary>
public sealed class SyncProgress<T>(Action<T> report) : IProgress<T>
{
    public void Report(T value) => report(value);
}
