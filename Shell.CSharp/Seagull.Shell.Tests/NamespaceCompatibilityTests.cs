using Seagull.Api;
using Xunit;

// A user's project named Seagull.Something: the README's names must resolve to the C# API from here.
// This file only compiles if no core type in an enclosing namespace shadows them.
namespace Seagull.Demo.Tests;

/// <summary>The README's C# names used from a namespace under <c>Seagull</c>.</summary>
public class NamespaceCompatibilityTests
{
    [Fact]
    public void The_readme_names_resolve_to_the_csharp_api_inside_a_Seagull_namespace()
    {
        var data = Targets.Get("spring").Generate(rows: 40, seed: 0);
        var net = new NetworkBuilder()
            .Blocks(u: 3, v: 3, w: 3)
            .Architecture(Architecture.Symmetrized)
            .Hidden(4, 4)
            .Activations(Activation.Seagull, Activation.Tanh)
            .Build();
        Assert.Equal(40, data.ToTargetArray().Length);
        Assert.Equal(Architecture.Symmetrized, net.Architecture);
        Assert.Equal("Seagull.Api", typeof(Targets).Namespace);

        // The rest of the README's snippet (fewer epochs): the report has a test MSE to print.
        var regressor = new SwapInvariantRegressor(net);
        FitReport report = regressor.Fit(data.ToInputArray(), data.ToTargetArray(), new FitOptions { Epochs = 2, TestFraction = 0.2 });
        Assert.NotNull(report.TestMse);
        Assert.Equal(0.0, report.InvarianceError);
        using var dir = new Seagull.Shell.Tests.TempFolder();
        regressor.Save(dir.File("spring.json"));
        Assert.True(File.Exists(dir.File("spring.json")));
    }
}
