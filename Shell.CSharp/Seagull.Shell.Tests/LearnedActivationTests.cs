using System.Text.Json;
using Seagull.Api;
using Xunit;

namespace Seagull.Shell.Tests;

/// <summary>The learnable even activations from C# and the CLI: names, α in the fit report, save/load, check, train's output.</summary>
public class LearnedActivationTests
{
    [Fact]
    public void The_learnable_activations_are_built_in_even_and_evaluate_at_any_alpha()
    {
        Assert.Same(Activation.SeagullLearned, Activation.Get("seagull-learned"));
        Assert.Same(Activation.GaussianLearned, Activation.Get(" Gaussian-Learned "));
        foreach (var a in new[] { Activation.SeagullLearned, Activation.GaussianLearned })
        {
            Assert.True(a.IsLearnable);
            Assert.True(a.IsBuiltIn);
            Assert.Equal(Parity.Even, a.DeclaredParity);
            Assert.Equal(Parity.Even, a.MeasureParity());
            Assert.Contains("α", a.Formula);
        }
        Assert.False(Activation.Seagull.IsLearnable);
        // Evaluate(z) is σ at α = 1, where each is its fixed activation.
        Assert.Equal(Activation.Seagull.Evaluate(2.0), Activation.SeagullLearned.Evaluate(2.0), 14);
        Assert.Equal(0.8, Activation.SeagullLearned.Derivative(2.0), 12);
        Assert.Equal(Math.Log(2) / 0.25, Activation.SeagullLearned.Evaluate(2.0, 0.5), 14);
        Assert.Equal(4.0, Activation.SeagullLearned.Evaluate(2.0, 0.0));   // α = 0: the limit z²
        Assert.Equal(Math.Exp(-1), Activation.GaussianLearned.Evaluate(-2.0, 0.5), 15);
        Assert.Equal(Activation.SeagullLearned.Evaluate(-3.0, -1e-3), Activation.SeagullLearned.Evaluate(3.0, 1e-3));
        Assert.Throws<InvalidOperationException>(() => Activation.Tanh.Evaluate(1.0, 2.0));
        Assert.Throws<ArgumentException>(() => Activation.Custom("seagull-learned", z => z * z));
    }

    [Fact]
    public void A_fit_reports_where_alpha_ended_and_alpha_survives_save_and_load()
    {
        using var dir = new TempFolder();
        var data = Targets.Get("bead_pair").Generate(300, seed: 1);
        var net = new NetworkBuilder().Blocks(data).Architecture(Architecture.Mlp).Hidden(12, 8)
            .Activations(Activation.SeagullLearned, Activation.Tanh).Build();
        var plain = new NetworkBuilder().Blocks(data).Architecture(Architecture.Mlp).Hidden(12, 8)
            .Activations(Activation.Seagull, Activation.Tanh).Build();
        var regressor = new SwapInvariantRegressor(net);
        Assert.Equal(new SwapInvariantRegressor(plain).ParameterCount + 12, regressor.ParameterCount);
        var report = regressor.Fit(data, new FitOptions { Epochs = 5 });
        Assert.Equal(regressor.ParameterCount, report.Parameters);
        var layer = Assert.Single(report.LearnedActivations);
        Assert.Equal(("layer1", "seagull-learned", 12), (layer.Layer, layer.Activation, layer.Neurons));
        Assert.True(layer.AlphaMin <= layer.AlphaMedian && layer.AlphaMedian <= layer.AlphaMax);
        Assert.True(layer.AlphaMin != 1.0 || layer.AlphaMax != 1.0, "α did not move in training");
        Assert.Contains("12(seagull-learned)", regressor.Definition.Description);

        var path = dir.File("learned.json");
        regressor.Save(path);
        var back = SwapInvariantRegressor.Load(path);
        Assert.Equal(regressor.Predict(data), back.Predict(data));
        Assert.Same(Activation.SeagullLearned, back.Definition.Activations[0]);
        Assert.Contains("\"layer1/alpha\"", File.ReadAllText(path));

        var plainReport = new SwapInvariantRegressor(plain).Fit(data, new FitOptions { Epochs = 1 });
        Assert.Empty(plainReport.LearnedActivations);
    }

    [Fact]
    public void A_classifier_reports_its_learned_alpha()
    {
        var train = ImageData.Synthetic(200, 8, 8, seed: 1);
        var net = new NetworkBuilder().Image(train).Architecture(Architecture.Symmetrized).Hidden(8)
            .Activations(Activation.GaussianLearned).Build();
        var fit = new SwapInvariantClassifier(net).Fit(train, new FitOptions { Epochs = 2, TestFraction = null });
        var layer = Assert.Single(fit.LearnedActivations);
        Assert.Equal(("inner/layer1", "gaussian-learned", 8), (layer.Layer, layer.Activation, layer.Neurons));
    }

    [Fact]
    public void Train_prints_the_alpha_distribution_in_text_and_json()
    {
        using var dir = new TempFolder();
        var model = dir.File("m.json");
        var json = CliRun.Of("train", "--target", "bead_pair", "--samples", "300", "--epochs", "3", "--hidden", "16,8",
                             "--arch", "mlp", "--activations", "seagull-learned,tanh", "--out", model, "--json");
        Assert.True(json.ExitCode == 0, json.ToString());
        using (var doc = JsonDocument.Parse(json.Out))
        {
            var learned = Assert.Single(doc.RootElement.GetProperty("learned_activations").EnumerateArray().ToList());
            Assert.Equal("layer1", learned.GetProperty("layer").GetString());
            Assert.Equal("seagull-learned", learned.GetProperty("activation").GetString());
            Assert.Equal(16, learned.GetProperty("neurons").GetInt32());
            var min = learned.GetProperty("alpha_min").GetDouble();
            var median = learned.GetProperty("alpha_median").GetDouble();
            var max = learned.GetProperty("alpha_max").GetDouble();
            Assert.True(min <= median && median <= max, $"{min} {median} {max}");
            Assert.Equal(16 * 3 + 16 + 16 + 16 * 8 + 8 + 8 + 1, doc.RootElement.GetProperty("parameters").GetInt32());
        }
        var text = CliRun.Of("train", "--target", "bead_pair", "--samples", "300", "--epochs", "3", "--hidden", "16,8",
                             "--arch", "split", "--even", "gaussian-learned", "--activations", "seagull-learned,tanh", "--out", model);
        Assert.True(text.ExitCode == 0, text.ToString());
        Assert.Contains("learned α in sum (seagull-learned, 8 neurons): |α| min ", text.Out);
        Assert.Contains("learned α in difference (gaussian-learned, 8 neurons): |α| min ", text.Out);
        Assert.Contains("exactly invariant: yes", text.Out);
        // Without a learnable activation the output has no such field or line.
        var plain = CliRun.Of("train", "--target", "bead_pair", "--samples", "300", "--epochs", "1", "--hidden", "8",
                              "--out", model, "--json");
        using (var doc = JsonDocument.Parse(plain.Out))
            Assert.False(doc.RootElement.TryGetProperty("learned_activations", out _));
        Assert.DoesNotContain("learned α", CliRun.Of("train", "--target", "bead_pair", "--samples", "300", "--epochs", "1", "--hidden", "8", "--out", model).Out);
    }

    [Fact]
    public void A_split_model_with_a_learnable_even_activation_checks_exactly_invariant()
    {
        using var dir = new TempFolder();
        var model = dir.File("split.json");
        var train = CliRun.Of("train", "--target", "spring", "--samples", "300", "--epochs", "3", "--hidden", "8,8",
                              "--arch", "split", "--even", "seagull-learned", "--out", model, "--json");
        Assert.True(train.ExitCode == 0, train.ToString());
        using (var doc = JsonDocument.Parse(train.Out))
        {
            Assert.True(doc.RootElement.GetProperty("exactly_invariant").GetBoolean());
            Assert.Equal(0.0, doc.RootElement.GetProperty("invariance_error").GetDouble());
        }
        var check = CliRun.Of("check", "--model", model, "--samples", "500", "--json");
        Assert.True(check.ExitCode == 0, check.ToString());
        using var c = JsonDocument.Parse(check.Out);
        Assert.True(c.RootElement.GetProperty("exactly_invariant").GetBoolean());
        Assert.True(c.RootElement.GetProperty("architecture_guarantees").GetBoolean());
        var difference = c.RootElement.GetProperty("activations").EnumerateArray().Single(a => a.GetProperty("layer").GetString() == "difference");
        Assert.Equal("seagull-learned", difference.GetProperty("name").GetString());
        Assert.Equal("even", difference.GetProperty("measured").GetString());
    }
}
