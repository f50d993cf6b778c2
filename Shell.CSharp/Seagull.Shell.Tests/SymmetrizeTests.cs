using System.Text.Json;
using Seagull.Api;
using Xunit;

namespace Seagull.Shell.Tests;

/// <summary>Symmetrizing a trained model after the fact: C# and the symmetrize command.</summary>
public class SymmetrizeTests
{
    [Fact]
    public void A_symmetrized_regressor_is_exactly_invariant_and_predicts_the_mean_of_both_orderings()
    {
        var data = Targets.Get("coulomb").Generate(600, seed: 1);
        var g = new SwapInvariantRegressor(new NetworkBuilder().Blocks(data).Architecture(Architecture.Mlp).Hidden(16, 16).Build());
        g.Fit(data, new FitOptions { Epochs = 5 });
        var s = g.Symmetrized();
        Assert.False(g.Definition.IsExactlyInvariant);
        Assert.True(s.Definition.IsExactlyInvariant);
        Assert.Equal(Architecture.Symmetrized, s.Definition.Architecture);
        Assert.True(s.CheckInvariance(500).ExactlyInvariant);
        var x = data.ToInputArray();
        var swapped = data.Swap().ToInputArray();
        var both = g.Predict(x).Zip(g.Predict(swapped), (a, b) => (a + b) / 2).ToArray();
        var p = s.Predict(x);
        for (var i = 0; i < p.Length; i++) Assert.Equal(both[i], p[i], 4);
        Assert.Equal(p, s.Predict(swapped));
        Assert.Throws<InvalidOperationException>(() => new SwapInvariantRegressor(g.Definition).Symmetrized());
    }

    [Fact]
    public void A_symmetrized_classifier_gives_every_mirror_image_the_same_class()
    {
        var train = ImageData.Synthetic(400, 9, 8, seed: 2);
        var c = new SwapInvariantClassifier(new NetworkBuilder().Image(train).Architecture(Architecture.Mlp).Hidden(16).Build());
        c.Fit(train, new FitOptions { Epochs = 3 });
        var s = c.Symmetrized();
        var r = s.Evaluate(train);
        Assert.Equal(0.0, r.Disagreement);
        Assert.Equal(0.0, r.InvarianceError);
        Assert.Equal(c.ClassNames, s.ClassNames);
        Assert.True(s.CheckInvariance(200).ExactlyInvariant);
    }

    [Fact]
    public void The_symmetrize_command_writes_an_exactly_invariant_model_and_check_confirms_it()
    {
        using var tmp = new TempFolder();
        var model = tmp.File("g.json");
        Assert.Equal(0, CliRun.Of("train", "--target", "spring", "--samples", "300", "--epochs", "2", "--arch", "mlp", "--out", model).ExitCode);
        var output = tmp.File("s.json");
        var run = CliRun.Of("symmetrize", "--model", model, "--out", output, "--json");
        Assert.True(run.ExitCode == 0, run.ToString());
        using var doc = JsonDocument.Parse(run.Out);
        Assert.True(doc.RootElement.GetProperty("exactly_invariant").GetBoolean());
        Assert.False(doc.RootElement.GetProperty("was_exactly_invariant").GetBoolean());
        var check = CliRun.Of("check", "--model", output, "--json");
        Assert.True(JsonDocument.Parse(check.Out).RootElement.GetProperty("exactly_invariant").GetBoolean(), check.ToString());

        var images = ImageFiles.Folder(ImageData.Synthetic(60, 8, 8), tmp.File("img"));
        var classifier = tmp.File("c.json");
        Assert.Equal(0, CliRun.Of("train", "--images", images, "--arch", "mlp", "--epochs", "1", "--hidden", "8", "--out", classifier).ExitCode);
        Assert.Equal(0, CliRun.Of("symmetrize", "--model", classifier, "--out", tmp.File("cs.json")).ExitCode);
        var eval = CliRun.Of("evaluate", "--model", tmp.File("cs.json"), "--images", images, "--json");
        Assert.Equal(0.0, JsonDocument.Parse(eval.Out).RootElement.GetProperty("disagreement").GetDouble());
        Assert.True(JsonDocument.Parse(CliRun.Of("check", "--model", tmp.File("cs.json"), "--json").Out).RootElement.GetProperty("exactly_invariant").GetBoolean());

        var same = CliRun.Of("symmetrize", "--model", model, "--out", model);
        Assert.Equal(1, same.ExitCode);
        Assert.Contains("replace that input", same.Err);
        var missing = CliRun.Of("symmetrize", "--model", tmp.File("none.json"), "--out", tmp.File("x.json"));
        Assert.Equal(1, missing.ExitCode);
        Assert.False(File.Exists(tmp.File("x.json")));
    }
}

/// <summary>train --arch auto and FitAuto.</summary>
public class AutoArchitectureTests
{
    [Fact]
    public void Train_arch_auto_names_its_choice_and_every_candidates_score()
    {
        using var tmp = new TempFolder();
        var run = CliRun.Of("train", "--target", "coulomb", "--samples", "600", "--epochs", "3", "--hidden", "8,8", "--arch", "auto", "--out", tmp.File("a.json"), "--json");
        Assert.True(run.ExitCode == 0, run.ToString());
        var auto = JsonDocument.Parse(run.Out).RootElement.GetProperty("auto");
        var names = auto.GetProperty("candidates").EnumerateArray().Select(c => c.GetProperty("architecture").GetString()).ToArray();
        Assert.Equal(new[] { "split", "pooled", "symmetrized", "symmetrized-learned" }, names);
        Assert.Contains(auto.GetProperty("chosen").GetString(), names);
        Assert.True(JsonDocument.Parse(run.Out).RootElement.GetProperty("exactly_invariant").GetBoolean());
        Assert.True(auto.GetProperty("total_seconds").GetDouble() > 0);
        var text = CliRun.Of("train", "--target", "coulomb", "--samples", "600", "--epochs", "3", "--hidden", "8,8", "--arch", "auto", "--out", tmp.File("b.json"));
        Assert.Contains("auto: chose ", text.Out);
        var images = ImageFiles.Folder(ImageData.Synthetic(40, 8, 8), tmp.File("img"));
        var refused = CliRun.Of("train", "--images", images, "--arch", "auto", "--out", tmp.File("c.json"));
        Assert.Equal(1, refused.ExitCode);
        Assert.Contains("--arch auto", refused.Err);
    }

    [Fact]
    public void FitAuto_makes_the_chosen_network_the_definition()
    {
        var data = Targets.Get("spring").Generate(500, seed: 2);
        var r = new SwapInvariantRegressor(new NetworkBuilder().Blocks(data).Hidden(8, 8).Build());
        var report = r.FitAuto(data, new FitOptions { Epochs = 3 });
        Assert.NotNull(report.Auto);
        Assert.StartsWith(r.Definition.Architecture.ToString().ToLowerInvariant(), report.Auto!.Chosen);
        Assert.Equal(4, report.Auto.Candidates.Count);
        Assert.True(r.CheckInvariance(200).ExactlyInvariant);
        Assert.Null(new SwapInvariantRegressor(r.Definition).Fit(data, new FitOptions { Epochs = 1 }).Auto);
    }
}
