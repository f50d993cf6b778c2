using System.Text.Json;
using Seagull.Api;
using Xunit;

namespace Seagull.Shell.Tests;

/// <summary>One set of defaults for the C# API and the CLI, and a diverging fit stopped with one line.</summary>
public class DefaultsTests
{
    [Fact]
    public void The_builder_defaults_to_the_symmetrized_Seagull_first_network()
    {
        var net = new NetworkBuilder().Blocks(3, 3, 3).Build();
        Assert.Equal(Architecture.Symmetrized, NetworkBuilder.DefaultArchitecture);
        Assert.Equal(NetworkBuilder.DefaultArchitecture, net.Architecture);
        Assert.Equal("9→symmetrize(64(seagull)→64(tanh)→1) float32", net.Description);
        // Seagull first for every architecture and any depth; split has it on its u−v half.
        Assert.Equal("9→32(seagull)→16(tanh)→8(tanh)→1 float32",
                     new NetworkBuilder().Blocks(3, 3, 3).Architecture(Architecture.Mlp).Hidden(32, 16, 8).Build().Description);
        Assert.Equal("9→pool(64(seagull); sum+absdiff)→64(tanh)→1 float32",
                     new NetworkBuilder().Blocks(3, 3, 3).Architecture(Architecture.Pooled).Build().Description);
        Assert.Equal("9→split(u+v,w: 32(tanh) | u−v: 32(seagull, no bias))→64(tanh)→1 float32",
                     new NetworkBuilder().Blocks(3, 3, 3).Architecture(Architecture.Split).Build().Description);
    }

    [Fact]
    public void A_fit_holds_out_a_test_part_by_default_as_the_CLI_does()
    {
        Assert.Equal(0.2, new FitOptions().TestFraction);
        var data = Targets.Get("spring").Generate(rows: 200, seed: 1);
        var report = new SwapInvariantRegressor(new NetworkBuilder().Blocks(data).Hidden(8).Build()).Fit(data, new FitOptions { Epochs = 1 });
        Assert.Equal(40, report.TestRows);
        Assert.NotNull(report.TestMse);
        using var dir = new TempFolder();
        var train = CliRun.Of("train", "--target", "spring", "--samples", "200", "--hidden", "8", "--epochs", "1", "--out", dir.File("m.json"), "--json");
        Assert.True(train.ExitCode == 0, train.ToString());
        using var doc = JsonDocument.Parse(train.Out);
        Assert.Equal(40, doc.RootElement.GetProperty("test_rows").GetInt32());
    }

    [Fact]
    public void The_CLI_trains_the_default_network_unless_told_otherwise()
    {
        using var dir = new TempFolder();
        var plain = CliRun.Of("train", "--target", "spring", "--samples", "200", "--epochs", "1", "--out", dir.File("a.json"));
        Assert.True(plain.ExitCode == 0, plain.ToString());
        Assert.StartsWith("network: 9→symmetrize(64(seagull)→64(tanh)→1) float32", plain.Out);
        var pooled = CliRun.Of("train", "--target", "spring", "--samples", "200", "--epochs", "1", "--arch", "pooled", "--out", dir.File("b.json"));
        Assert.StartsWith("network: 9→pool(64(seagull); sum+absdiff)→64(tanh)→1 float32", pooled.Out);
        var tanh = CliRun.Of("train", "--target", "spring", "--samples", "200", "--epochs", "1", "--arch", "mlp", "--activations", "tanh", "--out", dir.File("c.json"));
        Assert.StartsWith("network: 9→64(tanh)→64(tanh)→1 float32", tanh.Out);
    }

    [Fact]
    public void An_exploding_loss_stops_the_fit_with_one_line_and_writes_no_model()
    {
        var data = Targets.Get("spring").Generate(rows: 1000, seed: 0);
        var regressor = new SwapInvariantRegressor(new NetworkBuilder().Blocks(data).Build());
        var e = Assert.Throws<TrainingException>(() => regressor.Fit(data, new FitOptions { Epochs = 5, LearningRate = 1e6 }));
        Assert.Contains("training diverged at epoch 1", e.Message);
        Assert.Contains("try a lower learning rate", e.Message);
        Assert.False(regressor.IsFitted);

        using var dir = new TempFolder();
        var model = dir.Write("m.json", "an earlier file");
        var run = CliRun.Of("train", "--target", "spring", "--samples", "1000", "--epochs", "5", "--lr", "1e6", "--out", model);
        Assert.Equal(1, run.ExitCode);
        Assert.StartsWith("error: training diverged at epoch 1", run.Err);
        Assert.Single(run.Err.Trim().Split('\n'));
        Assert.Equal("an earlier file", File.ReadAllText(model));
    }
}
