using System.Globalization;
using System.Text.Json;
using Seagull.Api;
using Xunit;

namespace Seagull.Shell.Tests;

/// <summary>Networks with one output per target column, through the C# API and the CLI.</summary>
public class SeveralTargetsTests
{
    // Two exchangeable functions of u, v, w ∈ R³ on the same rows: a smooth one and a pair term.
    private static (double[,] X, double[,] Y) TwoTargets(int rows, int seed)
    {
        var rng = new Random(seed);
        var x = new double[rows, 9];
        var y = new double[rows, 2];
        for (var i = 0; i < rows; i++)
        {
            for (var j = 0; j < 9; j++) x[i, j] = 2 * rng.NextDouble() - 1;
            double uw = 0, vw = 0, d2 = 0;
            for (var j = 0; j < 3; j++)
            {
                uw += x[i, j] * x[i, 6 + j];
                vw += x[i, 3 + j] * x[i, 6 + j];
                d2 += (x[i, j] - x[i, 3 + j]) * (x[i, j] - x[i, 3 + j]);
            }
            y[i, 0] = uw + vw;
            y[i, 1] = Math.Exp(-d2);
        }
        return (x, y);
    }

    private static readonly FitOptions Options = new() { Epochs = 40, TestFraction = 0.2, Seed = 1 };

    [Fact]
    public void A_two_output_network_learns_both_targets_and_reports_each()
    {
        var (x, y) = TwoTargets(1500, 3);
        var data = RegressionData.FromArrays(x, y, uWidth: 3, wWidth: 3, targetNames: ["sum", "bump"]);
        var net = new NetworkBuilder().Blocks(data).Architecture(Architecture.Pooled).Hidden(32, 32).Build();
        Assert.Equal(2, net.Outputs);
        Assert.EndsWith("→2 float32", net.Description);
        var regressor = new SwapInvariantRegressor(net);
        var report = regressor.Fit(data, Options);

        Assert.Equal(["sum", "bump"], report.Targets.Select(t => t.Name));
        Assert.All(report.Targets, t => Assert.True(t.TestMseStandardized < 0.2, $"{t.Name}: {t.TestMseStandardized}"));
        Assert.All(report.Targets, t => Assert.Equal(0.0, t.InvarianceError));
        Assert.Equal(report.Targets.Average(t => t.TestMseStandardized!.Value), report.TestMseStandardized!.Value, 12);
        // The numbers in one target's units mean nothing for two.
        Assert.True(double.IsNaN(report.TrainMse));
        Assert.Null(report.TestMse);
        Assert.Equal(["sum", "bump"], regressor.TargetNames);
        Assert.Throws<InvalidOperationException>(() => regressor.TargetName);

        var predicted = regressor.PredictOutputs(x);
        Assert.Equal(1500, predicted.GetLength(0));
        Assert.Equal(2, predicted.GetLength(1));
        Assert.Throws<InvalidOperationException>(() => regressor.Predict(x));

        var e = regressor.Evaluate(x, y);
        Assert.Equal(2, e.Targets.Count);
        Assert.Equal(e.Targets.Average(t => t.MseStandardized), e.MseStandardized, 12);
        Assert.True(double.IsNaN(e.Mse));
        // Each target in its own units: the second target's MSE is the mean squared error of output 1.
        var mse1 = Enumerable.Range(0, 1500).Average(i => (predicted[i, 1] - y[i, 1]) * (predicted[i, 1] - y[i, 1]));
        Assert.Equal(mse1, e.Targets[1].Mse, 12);

        using var dir = new TempFolder();
        var path = dir.File("two.json");
        regressor.Save(path);
        var loaded = SwapInvariantRegressor.Load(path);
        Assert.Equal(2, loaded.Definition.Outputs);
        Assert.Equal(Architecture.Pooled, loaded.Definition.Architecture);
        var again = loaded.PredictOutputs(x);
        for (var i = 0; i < 1500; i++)
            for (var j = 0; j < 2; j++)
                Assert.Equal(BitConverter.DoubleToInt64Bits(predicted[i, j]), BitConverter.DoubleToInt64Bits(again[i, j]));
    }

    [Fact]
    public void Targets_and_outputs_must_agree_and_the_message_says_how()
    {
        var (x, y) = TwoTargets(50, 1);
        var one = new SwapInvariantRegressor(new NetworkBuilder().Blocks(3, 3, 3).Hidden(8).Build());
        var e = Assert.Throws<ArgumentException>(() => one.Fit(x, y, new FitOptions { Epochs = 1 }));
        Assert.Equal("data", e.ParamName);
        Assert.Contains(".Outputs(2)", e.Message);
        Assert.Equal(2, new NetworkBuilder().Blocks(3, 3, 3).Outputs(2).Build().Outputs);
        Assert.Throws<ArgumentOutOfRangeException>(() => new NetworkBuilder().Outputs(0));
    }

    [Fact]
    public void A_data_set_with_two_target_columns()
    {
        var (x, y) = TwoTargets(20, 2);
        var data = RegressionData.FromArrays(x, y, uWidth: 3, wWidth: 3);
        Assert.Equal(2, data.Targets);
        Assert.Equal(["y1", "y2"], data.TargetNames);
        Assert.Throws<InvalidOperationException>(() => data.TargetName);
        Assert.Throws<InvalidOperationException>(() => data.ToTargetArray());
        Assert.Equal(y, data.ToTargetMatrix());
        Assert.Contains("targets y1, y2", data.ToString());
        using var dir = new TempFolder();
        var path = dir.File("two.csv");
        data.WriteCsv(path);
        var back = RegressionData.FromCsv(path, ColumnRoles.Parse("u1,u2,u3", "v1,v2,v3", "w1,w2,w3", "y2,y1"));
        Assert.Equal(["y2", "y1"], back.TargetNames);
        var m = back.ToTargetMatrix();
        Assert.Equal(y[7, 1], m[7, 0]);
        Assert.Equal(y[7, 0], m[7, 1]);
        Assert.Equal(["y2", "y1"], ColumnRoles.Parse("u1", "v1", null, "y2,y1").Y);
        Assert.Empty(ColumnRoles.Parse("u1", "v1").Y);
    }

    [Fact]
    public void Train_predict_and_evaluate_with_two_target_columns_on_the_command_line()
    {
        var (x, y) = TwoTargets(800, 5);
        var data = RegressionData.FromArrays(x, y, uWidth: 3, wWidth: 3, targetNames: ["a", "b"]);
        using var dir = new TempFolder();
        var csv = dir.File("two.csv");
        data.WriteCsv(csv);
        var model = dir.File("m.json");
        var train = CliRun.Of("train", "--data", csv, "--u", "u1,u2,u3", "--v", "v1,v2,v3", "--w", "w1,w2,w3", "--y", "a,b",
                              "--arch", "symmetrized", "--activations", "seagull,tanh", "--hidden", "16,16", "--epochs", "5", "--out", model, "--json");
        Assert.True(train.ExitCode == 0, train.ToString());
        using (var doc = JsonDocument.Parse(train.Out))
        {
            var targets = doc.RootElement.GetProperty("targets").EnumerateArray().ToList();
            Assert.Equal(["a", "b"], targets.Select(t => t.GetProperty("name").GetString()));
            Assert.Equal("9→symmetrize(16(seagull)→16(tanh)→2) float32", doc.RootElement.GetProperty("network").GetString());
        }
        var text = CliRun.Of("train", "--data", csv, "--u", "u1,u2,u3", "--v", "v1,v2,v3", "--w", "w1,w2,w3", "--y", "a,b",
                             "--hidden", "8", "--activations", "seagull", "--epochs", "2", "--out", dir.File("m2.json"));
        Assert.True(text.ExitCode == 0, text.ToString());
        Assert.Contains("  a: train MSE ", text.Out);
        Assert.Contains("  b: train MSE ", text.Out);

        var predict = CliRun.Of("predict", "--model", model, "--data", csv);
        Assert.True(predict.ExitCode == 0, predict.ToString());
        var header = predict.Out.Split('\n')[0];
        Assert.EndsWith(",a,b,prediction_a,prediction_b", header);

        var evaluate = CliRun.Of("evaluate", "--model", model, "--data", csv, "--json");
        Assert.True(evaluate.ExitCode == 0, evaluate.ToString());
        using (var doc = JsonDocument.Parse(evaluate.Out))
        {
            var targets = doc.RootElement.GetProperty("targets").EnumerateArray().ToList();
            Assert.Equal(2, targets.Count);
            Assert.All(targets, t => Assert.Equal(0.0, t.GetProperty("invariance_error").GetDouble()));
        }
        // The targets named on the command line: as many as the model has outputs.
        var wrong = CliRun.Of("evaluate", "--model", model, "--data", csv, "--y", "a");
        Assert.Equal(1, wrong.ExitCode);
        Assert.Contains("1 target column for a model of 2 outputs", wrong.Err);
        // A column given for two outputs would measure the second against the first's target.
        var twice = CliRun.Of("evaluate", "--model", model, "--data", csv, "--y", "a,a");
        Assert.Equal(1, twice.ExitCode);
        Assert.Contains("column 'a': given 2 times as a target", twice.Err);
        // A missing name is named, before any count.
        var missing = CliRun.Of("evaluate", "--model", model, "--data", csv, "--y", "a,nope");
        Assert.Equal(1, missing.ExitCode);
        Assert.Contains("'nope'", missing.Err);
        Assert.DoesNotContain("for a model of", missing.Err);
    }

    private static string Fixture(string name) => Path.Combine(AppContext.BaseDirectory, "Fixtures", name);

    [Fact]
    public void A_layer_tree_the_builder_does_not_make_loads_as_custom()
    {
        var regressor = SwapInvariantRegressor.Load(Fixture("custom-tree.json"));
        var d = regressor.Definition;
        Assert.Equal(Architecture.Custom, d.Architecture);
        Assert.Equal("5→[symmetrize(6(seagull)→3(tanh)) | pool(4(relu); sum)]→2 float64", d.Description);
        Assert.True(d.IsExactlyInvariant);
        Assert.Equal(2, d.Outputs);
        Assert.Empty(d.Hidden);
        Assert.Equal(["seagull", "tanh", "relu", "identity"], d.Activations.Select(a => a.Name));
        Assert.Throws<InvalidOperationException>(() => d.ToBuilder());
        Assert.True(regressor.CheckInvariance(samples: 200).ExactlyInvariant);
        var table = regressor.PredictTable(Fixture("custom-tree.data.csv"));
        Assert.Equal(["prediction_p", "prediction_q"], table.PredictionColumns);
        var expected = File.ReadAllLines(Fixture("custom-tree.predictions.txt")).Select(l => double.Parse(l, CultureInfo.InvariantCulture)).ToArray();
        var got = table.Column("prediction_p").Zip(table.Column("prediction_q")).SelectMany(pq => new[] { pq.First, pq.Second }).ToArray();
        Assert.Equal(expected.Select(BitConverter.DoubleToInt64Bits), got.Select(BitConverter.DoubleToInt64Bits));
        var check = CliRun.Of("check", "--model", Fixture("custom-tree.json"), "--samples", "50");
        Assert.True(check.ExitCode == 0, check.ToString());
        Assert.Contains("guaranteed by the architecture: yes", check.Out);
    }

    [Theory]
    [InlineData("mlp", Architecture.Mlp)]
    [InlineData("split", Architecture.Split)]
    [InlineData("pooled", Architecture.Pooled)]
    [InlineData("symmetrized-f64", Architecture.Symmetrized)]
    public void A_format_1_model_file_loads_and_predicts_as_it_did(string name, Architecture architecture)
    {
        var regressor = SwapInvariantRegressor.Load(Fixture($"format1/{name}.json"));
        Assert.Equal(architecture, regressor.Definition.Architecture);
        var table = regressor.PredictTable(Fixture($"format1/{name}.data.csv"));
        var stored = File.ReadAllLines(Fixture($"format1/{name}.predictions.csv")).Skip(1)
            .Select(l => double.Parse(l.Split(',')[^1], CultureInfo.InvariantCulture)).ToArray();
        Assert.Equal(stored.Select(BitConverter.DoubleToInt64Bits), table.Predictions.Select(BitConverter.DoubleToInt64Bits));
    }
}
