using System.Text.Json;
using Seagull.Api;
using Xunit;

namespace Seagull.Shell.Tests;

/// <summary>The seagull CLI end to end, in process, output captured.</summary>
public class CliTests
{
    private static readonly Dictionary<string, string> ExpectedParity = new()
    {
        ["seagull"] = "even", ["square"] = "even", ["abs"] = "even", ["gaussian"] = "even", ["logcosh"] = "even", ["cos"] = "even",
        ["seagull-learned"] = "even", ["gaussian-learned"] = "even",
        ["identity"] = "odd", ["tanh"] = "odd",
        ["relu"] = "neither", ["leakyrelu"] = "neither", ["sigmoid"] = "neither", ["softplus"] = "neither",
        ["elu"] = "neither", ["silu"] = "neither", ["gelu"] = "neither",
    };

    [Fact]
    public void Activations_json_lists_seventeen_with_correct_parities()
    {
        var run = CliRun.Of("activations", "--json");
        Assert.True(run.ExitCode == 0, run.ToString());
        using var doc = JsonDocument.Parse(run.Out);
        var items = doc.RootElement.EnumerateArray().ToList();
        Assert.Equal(17, items.Count);
        foreach (var item in items)
        {
            var name = item.GetProperty("name").GetString()!;
            Assert.Equal(ExpectedParity[name], item.GetProperty("declared").GetString());
            Assert.Equal(ExpectedParity[name], item.GetProperty("measured").GetString());
            Assert.Equal(name.EndsWith("-learned"), item.GetProperty("learnable").GetBoolean());
        }
        Assert.Equal(ExpectedParity.Keys.OrderBy(k => k), items.Select(i => i.GetProperty("name").GetString()!).OrderBy(k => k));
    }

    [Fact]
    public void Activations_text_has_one_line_per_activation()
    {
        var run = CliRun.Of("activations");
        Assert.Equal(0, run.ExitCode);
        var lines = run.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(17, lines.Length);
        Assert.StartsWith("seagull", lines[0]);
        Assert.Contains("declared even", lines[0]);
        Assert.Contains("measured even", lines[0]);
        var learned = lines.Single(l => l.StartsWith("seagull-learned "));
        Assert.Contains("measured even", learned);
        Assert.Contains("log(1 + (αz)²) / α²", learned);
        Assert.EndsWith("[learnable]", learned.TrimEnd());
        Assert.Equal(2, lines.Count(l => l.TrimEnd().EndsWith("[learnable]")));
    }

    [Fact]
    public void Targets_lists_names_blocks_and_formulas()
    {
        var text = CliRun.Of("targets");
        Assert.Equal(0, text.ExitCode);
        Assert.Contains("spring", text.Out);
        Assert.Contains("d=3 k=3", text.Out);
        var json = CliRun.Of("targets", "--json");
        using var doc = JsonDocument.Parse(json.Out);
        var all = doc.RootElement.EnumerateArray().ToList();
        Assert.Equal(Targets.All.Count, all.Count);
        var spring = all.Single(t => t.GetProperty("name").GetString() == "spring");
        Assert.Equal(3, spring.GetProperty("d").GetInt32());
        Assert.Equal(3, spring.GetProperty("k").GetInt32());
        Assert.True(spring.GetProperty("exchangeable").GetBoolean());
        Assert.False(string.IsNullOrEmpty(spring.GetProperty("formula").GetString()));
        Assert.Contains(all, t => !t.GetProperty("exchangeable").GetBoolean());
    }

    [Fact]
    public void Train_predict_evaluate_check_on_a_generated_csv()
    {
        using var dir = new TempFolder();
        var model = dir.File("m.json");
        var train = CliRun.Of("train", "--target", "spring", "--samples", "600", "--epochs", "3", "--arch", "mlp", "--activations", "tanh", "--out", model, "--json");
        Assert.True(train.ExitCode == 0, train.ToString());
        Assert.True(File.Exists(model));
        using (var doc = JsonDocument.Parse(train.Out))
        {
            var r = doc.RootElement;
            foreach (var key in new[] { "train_mse", "test_mse", "test_mse_standardized", "invariance_error", "seconds" })
                Assert.True(double.IsFinite(r.GetProperty(key).GetDouble()), key);
            Assert.Equal(3, r.GetProperty("epochs_run").GetInt32());
            Assert.True(r.GetProperty("parameters").GetInt32() > 0);
            Assert.Equal(120, r.GetProperty("test_rows").GetInt32());
            Assert.True(r.GetProperty("invariance_error").GetDouble() > 0, "a tanh MLP is not invariant");
            Assert.Equal("test", r.GetProperty("invariance_rows").GetString());
        }
        var noTest = CliRun.Of("train", "--target", "spring", "--samples", "100", "--epochs", "1", "--test-fraction", "0", "--out", dir.File("m0.json"), "--json");
        using (var doc = JsonDocument.Parse(noTest.Out))
            Assert.Equal("training", doc.RootElement.GetProperty("invariance_rows").GetString());

        var csv = dir.File("new.csv");
        Targets.Get("spring").Generate(100, seed: 7).WriteCsv(csv);

        var predictions = dir.File("predictions.csv");
        var predict = CliRun.Of("predict", "--model", model, "--data", csv, "--out", predictions);
        Assert.True(predict.ExitCode == 0, predict.ToString());
        var lines = File.ReadAllLines(predictions);
        Assert.Equal(101, lines.Length);
        Assert.Equal("u1,u2,u3,v1,v2,v3,w1,w2,w3,y,prediction", lines[0]);
        var toStdout = CliRun.Of("predict", "--model", model, "--data", csv);
        Assert.Equal(0, toStdout.ExitCode);
        Assert.Equal(File.ReadAllText(predictions), toStdout.Out);

        var fromApi = SwapInvariantRegressor.Load(model).Predict(csv);
        var column = lines.Skip(1).Select(l => double.Parse(l.Split(',')[^1], System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        Assert.Equal(fromApi, column);

        var evaluate = CliRun.Of("evaluate", "--model", model, "--data", csv, "--json");
        Assert.True(evaluate.ExitCode == 0, evaluate.ToString());
        using (var doc = JsonDocument.Parse(evaluate.Out))
        {
            var e = doc.RootElement;
            Assert.Equal(100, e.GetProperty("n").GetInt32());
            var mse = e.GetProperty("mse").GetDouble();
            Assert.Equal(Math.Sqrt(mse), e.GetProperty("rmse").GetDouble(), 12);
            Assert.True(double.IsFinite(e.GetProperty("r2").GetDouble()));
            Assert.True(e.GetProperty("invariance_error").GetDouble() > 0);
        }

        var check = CliRun.Of("check", "--model", model, "--samples", "200", "--json");
        Assert.True(check.ExitCode == 0, check.ToString());
        using (var doc = JsonDocument.Parse(check.Out))
        {
            var c = doc.RootElement;
            Assert.False(c.GetProperty("exactly_invariant").GetBoolean());
            Assert.False(c.GetProperty("architecture_guarantees").GetBoolean());
            Assert.True(c.GetProperty("invariance_error").GetDouble() > 0);
            var acts = c.GetProperty("activations").EnumerateArray().ToList();
            Assert.Equal(["layer1", "layer2", "layer3"], acts.Select(a => a.GetProperty("layer").GetString()));   // the output layer too
            Assert.All(acts, a => Assert.Equal("odd", a.GetProperty("measured").GetString()));
        }
    }

    [Fact]
    public void An_exactly_invariant_model_checks_exactly_invariant()
    {
        using var dir = new TempFolder();
        var model = dir.File("sym.json");
        var train = CliRun.Of("train", "--target", "bead_pair", "--samples", "300", "--epochs", "2", "--hidden", "16,16",
                              "--arch", "symmetrized", "--activations", "seagull,tanh", "--out", model, "--json");
        Assert.True(train.ExitCode == 0, train.ToString());
        using (var doc = JsonDocument.Parse(train.Out))
            Assert.Equal(0.0, doc.RootElement.GetProperty("invariance_error").GetDouble());
        var check = CliRun.Of("check", "--model", model, "--json");
        using var c = JsonDocument.Parse(check.Out);
        Assert.True(c.RootElement.GetProperty("exactly_invariant").GetBoolean());
        Assert.True(c.RootElement.GetProperty("architecture_guarantees").GetBoolean());
        Assert.Equal(JsonValueKind.Null, c.RootElement.GetProperty("note").ValueKind);
    }

    [Fact]
    public void A_split_model_with_an_odd_even_activation_is_flagged()
    {
        using var dir = new TempFolder();
        var model = dir.File("split.json");
        var train = CliRun.Of("train", "--target", "spring", "--samples", "200", "--epochs", "1", "--hidden", "8",
                              "--arch", "split", "--even", "tanh", "--out", model);
        Assert.True(train.ExitCode == 0, train.ToString());
        var check = CliRun.Of("check", "--model", model);
        Assert.Equal(0, check.ExitCode);
        Assert.Contains("not guaranteed invariant", check.Out);
        Assert.Contains("difference: tanh, declared odd, measured odd", check.Out);
    }

    [Fact]
    public void Train_on_a_csv_keeps_its_column_names()
    {
        using var dir = new TempFolder();
        var data = Targets.Get("bead_pair").Generate(80, seed: 2);
        var csv = dir.Write("beads.csv", "left,right,force,energy\n" + string.Concat(
            Enumerable.Range(0, data.Rows).Select(i =>
            {
                var x = data.ToInputArray();
                var y = data.ToTargetArray();
                return FormattableString.Invariant($"{x[i, 0]:R},{x[i, 1]:R},{x[i, 2]:R},{y[i]:R}\n");
            })));
        var model = dir.File("beads.json");
        var train = CliRun.Of("train", "--data", csv, "--u", "left", "--v", "right", "--w", "force", "--y", "energy",
                              "--epochs", "2", "--hidden", "8", "--arch", "pooled", "--out", model, "--json");
        Assert.True(train.ExitCode == 0, train.ToString());
        var loaded = SwapInvariantRegressor.Load(model);
        Assert.Equal(["left", "right", "force"], loaded.InputNames);
        Assert.Equal("energy", loaded.TargetName);
        var evaluate = CliRun.Of("evaluate", "--model", model, "--data", csv);
        Assert.True(evaluate.ExitCode == 0, evaluate.ToString());
        Assert.Contains("n                80", evaluate.Out);
    }

    [Fact]
    public void Generate_writes_a_target_as_csv_that_trains_and_repeats_by_seed()
    {
        using var dir = new TempFolder();
        var csv = dir.File("planar.csv");
        var run = CliRun.Of("generate", "--target", "planar_charges", "--rows", "50", "--seed", "3", "--out", csv);
        Assert.True(run.ExitCode == 0, run.ToString());
        var lines = File.ReadAllLines(csv);
        Assert.Equal(51, lines.Length);
        Assert.Equal("u1,u2,v1,v2,w1,w2,y", lines[0]);
        var toStdout = CliRun.Of("generate", "--target", "planar_charges", "--rows", "50", "--seed", "3");
        Assert.Equal(File.ReadAllText(csv), toStdout.Out);
        Assert.NotEqual(toStdout.Out, CliRun.Of("generate", "--target", "planar_charges", "--rows", "50", "--seed", "4").Out);
        Assert.Equal(Targets.Get("planar_charges").Generate(50, 3).ToCsv(), toStdout.Out);

        var model = dir.File("m.json");
        var train = CliRun.Of("train", "--data", csv, "--u", "u1,u2", "--v", "v1,v2", "--w", "w1,w2", "--epochs", "1", "--out", model);
        Assert.True(train.ExitCode == 0, train.ToString());

        var unknown = CliRun.Of("generate", "--target", "nope");
        Assert.Equal(1, unknown.ExitCode);
        Assert.Contains("unknown target 'nope'", unknown.Err);
        Assert.Equal(1, CliRun.Of("generate", "--target", "spring", "--rows", "0").ExitCode);
        Assert.Equal(2, CliRun.Of("generate", "--rows", "5").ExitCode);
    }

    [Fact]
    public void Predict_keeps_every_column_of_the_file_in_order()
    {
        using var dir = new TempFolder();
        var data = Targets.Get("bead_pair").Generate(40, seed: 3);
        var x = data.ToInputArray();
        var y = data.ToTargetArray();
        // An id column of text, the inputs in another order than the model's, and a note with a comma.
        var csv = dir.Write("beads.csv", "id,force,right,left,note,energy\n" + string.Concat(
            Enumerable.Range(0, data.Rows).Select(i =>
                FormattableString.Invariant($"bead-{i},{x[i, 2]:R},{x[i, 1]:R},{x[i, 0]:R},\"a, b\",{y[i]:R}\n"))));
        var model = dir.File("beads.json");
        var train = CliRun.Of("train", "--data", csv, "--u", "left", "--v", "right", "--w", "force", "--y", "energy",
                              "--epochs", "2", "--hidden", "8", "--out", model);
        Assert.True(train.ExitCode == 0, train.ToString());

        var predict = CliRun.Of("predict", "--model", model, "--data", csv);
        Assert.True(predict.ExitCode == 0, predict.ToString());
        var lines = predict.Out.TrimEnd('\n').Split('\n');
        Assert.Equal(41, lines.Length);
        Assert.Equal("id,force,right,left,note,energy,prediction", lines[0]);
        Assert.StartsWith("bead-0,", lines[1]);
        Assert.Contains(",\"a, b\",", lines[1]);

        var table = SwapInvariantRegressor.Load(model).PredictTable(csv);
        Assert.Equal("prediction", table.PredictionColumn);
        Assert.Equal(Enumerable.Range(0, 40).Select(i => $"bead-{i}"), table.Text("id"));
        Assert.Equal(Enumerable.Range(0, 40).Select(i => x[i, 0]), table.Column("left"));
        var direct = SwapInvariantRegressor.Load(model).Predict(new double[,] { { x[5, 0], x[5, 1], x[5, 2] } })[0];
        Assert.Equal(direct, table.Predictions[5]);
        Assert.Throws<FormatException>(() => table.Column("id"));
        Assert.Throws<ArgumentException>(() => table.Column("nope"));
    }

    [Fact]
    public void Compare_quick_writes_reports_and_prints_the_summary()
    {
        using var dir = new TempFolder();
        var output = Path.Combine(dir.Path, "cmp");
        var run = CliRun.Of("compare", "--quick", "--seeds", "1", "--epochs", "2", "--samples", "200", "--test-samples", "100",
                            "--targets", "spring", "--jobs", "2", "--out", output);
        Assert.True(run.ExitCode == 0, run.ToString());
        foreach (var file in new[] { "summary.md", "summary.json", "results.csv", "mse.png" })
            Assert.True(File.Exists(Path.Combine(output, file)), file);
        Assert.Equal(File.ReadAllText(Path.Combine(output, "summary.md")), run.Out);
        Assert.Contains("mlp-seagull", run.Out);
        Assert.Contains("[4/4]", run.Err);
        Assert.Contains("This is a custom grid, 1 target × 4 variants × 1 seed, 2 epochs.", run.Out);   // --quick, then overridden
        Assert.Contains("compare: 1 target × 4 variants × 1 seed = 4 models, 2 at a time;", run.Err);
        Assert.DoesNotContain("note:", run.Err);

        var json = CliRun.Of("compare", "--quick", "--seeds", "1", "--epochs", "1", "--samples", "100", "--test-samples", "50",
                             "--targets", "bead_pair", "--variants", "mlp-tanh,pooled", "--out", Path.Combine(dir.Path, "cmp2"), "--json");
        Assert.True(json.ExitCode == 0, json.ToString());
        using var doc = JsonDocument.Parse(json.Out);
        Assert.Equal(JsonValueKind.Object, doc.RootElement.ValueKind);
        Assert.Equal(File.ReadAllText(Path.Combine(dir.Path, "cmp2", "summary.json")), json.Out);

        // Without the baseline there is nothing to compare against, and the run says so before training.
        var alone = CliRun.Of("compare", "--quick", "--seeds", "1", "--epochs", "1", "--samples", "100", "--test-samples", "50",
                              "--targets", "bead_pair", "--variants", "pooled", "--jobs", "64", "--out", Path.Combine(dir.Path, "cmp3"));
        Assert.True(alone.ExitCode == 0, alone.ToString());
        Assert.Contains("1 model, 1 at a time;", alone.Err);
        Assert.Contains("note: the baseline mlp-tanh is not among the variants", alone.Err);
        Assert.True(alone.Err.IndexOf("note:", StringComparison.Ordinal) < alone.Err.IndexOf("[1/1]", StringComparison.Ordinal));
    }

    [Fact]
    public void Help_describes_every_command_and_option()
    {
        var root = CliRun.Of("--help");
        Assert.Equal(0, root.ExitCode);
        foreach (var command in new[] { "activations", "targets", "generate", "train", "predict", "evaluate", "check", "compare" })
        {
            Assert.Contains(command, root.Out);
            var help = CliRun.Of(command, "--help");
            Assert.True(help.ExitCode == 0, help.ToString());
            Assert.Contains("Usage:", help.Out);
            // Every option line carries a description after its name.
            var optionLines = help.Out.Split('\n').SkipWhile(l => !l.StartsWith("Options:")).Skip(1)
                .TakeWhile(l => l.Trim().Length > 0).ToList();
            Assert.NotEmpty(optionLines);
            Assert.All(optionLines, l => Assert.Matches(@"^\s+\S.*\s{2,}\S", l));
        }
        var train = CliRun.Of("train", "--help").Out;
        foreach (var option in new[] { "--target", "--samples", "--data", "--u", "--v", "--w", "--y", "--arch", "--activations", "--hidden", "--even",
                                       "--pool", "--epochs", "--batch", "--lr", "--seed", "--precision", "--augment", "--penalty", "--test-fraction",
                                       "--patience", "--out", "--json" })
            Assert.Contains(option, train);
    }

    [Fact]
    public void A_column_whose_name_holds_a_comma_is_chosen_in_double_quotes()
    {
        using var dir = new TempFolder();
        var rows = Enumerable.Range(0, 30).Select(i => $"{i % 7},{(i * 3) % 5},{i % 2},{i % 7 + (i * 3) % 5}");
        var data = dir.Write("commas.csv", "\"u,1\",\"v,1\",w,y\n" + string.Join("\n", rows) + "\n");
        var run = CliRun.Of("train", "--data", data, "--u", "\"u,1\"", "--v", "\"v,1\"", "--w", "w", "--hidden", "4,4", "--epochs", "1",
                            "--out", dir.File("m.json"), "--json");
        Assert.True(run.ExitCode == 0, run.ToString());
        var roles = ColumnRoles.Parse("\"u,1\"", "\"v,1\"", "w");
        Assert.Equal(new[] { "u,1", "v,1" }, roles.U.Concat(roles.V));
        Assert.Equal("u=\"u,1\" v=\"v,1\" w=w y=y", roles.ToString());   // reads back with Parse
        var open = CliRun.Of("train", "--data", data, "--u", "\"u,1", "--v", "\"v,1\"", "--out", dir.File("m2.json"));
        Assert.Equal(1, open.ExitCode);
        Assert.Contains("error: --u: list '\"u,1': a quote is not closed", open.Err);
        Assert.Contains("error: --hidden: list '4,\"4': a quote is not closed",
            CliRun.Of("train", "--data", data, "--u", "\"u,1\"", "--v", "\"v,1\"", "--hidden", "4,\"4", "--out", dir.File("m3.json")).Err);
    }
}
