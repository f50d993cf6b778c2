using Xunit;
using Xunit.Abstractions;
using A = Seagull.Core.ActivationModule;

namespace Seagull.Onnx.Tests;

/// <summary>Every architecture and layer tree, in both precisions, several outputs: ONNX Runtime's y against Seagull's predictions.</summary>
public class ArchitectureTests(ITestOutputHelper output)
{
    /// <summary>Bounds in float32 ulps. A float64 network computes in float64 inside the graph too: the only float32
    /// rounding is the output's own, so y is within 1 ulp32 of Seagull's float64 prediction (½ for the rounding, ½ more
    /// for a double rounding or float64 kernels that differ). A float32 network (measured with targets unstandardised, so that y is
    /// the network's own output): within `Float32Bound` ulps of max(|y|, 1), where Seagull's kernels and ONNX Runtime's
    /// differ in summation order and in exp/log/tanh.</summary>
    public const double Float64Bound = 1.0, Float32Bound = 8.0;

    private static readonly Core.Symmetry S = Models.Blocks(3, 2);

    public static TheoryData<string, bool> Cases()
    {
        var data = new TheoryData<string, bool>();
        foreach (var name in Trees.Keys)
            foreach (var float64 in new[] { false, true })
                data.Add(name, float64);
        return data;
    }

    private static Core.Layer Dense(int width, Core.Activation activation, bool bias = true) => Core.Layer.NewDense(width, activation, bias);

    /// <summary>The four named architectures and trees of every layer kind the builder does not make.</summary>
    public static readonly Dictionary<string, Func<Core.Dtype, Core.NetworkSpec>> Trees = new()
    {
        ["mlp"] = d => Core.Architectures.mlp(S, Models.Options([16, 12], [A.seagull, A.tanh], 3, d)),
        ["split"] = d => Core.Architectures.split(S, Models.Options([16, 12], [A.tanh, A.seagull], 2, d)),
        ["pooled"] = d => Core.Architectures.pooled(S, Models.Options([16, 12], [A.seagull, A.tanh], 2, d)),
        ["symmetrized"] = d => Core.Architectures.symmetrized(S, Models.Options([16, 12], [A.seagull, A.tanh], 3, d)),
        ["pooled-sum"] = d => Models.Spec(S, Core.Layer.NewSwapPool(S, Dense(8, A.softplus), Core.Pooling.PoolSum, Dense(2, A.identity)), d),
        ["parallel-chain"] = d => Models.Spec(S, Core.Layer.NewChain(Models.List(
            Core.Layer.NewParallel(Models.List(Dense(6, A.seagull), Core.Layer.NewChain(Models.List(Dense(5, A.gelu), Dense(4, A.abs, false))))),
            Dense(3, A.identity))), d),
        ["symmetrize-split"] = d => Models.Spec(S, Core.Layer.NewSymmetrize(S,
            Core.Layer.NewSplit(S, Dense(6, A.relu), Dense(5, A.square, false), Core.Layer.NewChain(Models.List(Dense(7, A.silu), Dense(2, A.identity))))), d),
        ["pool-of-symmetrize"] = d => Models.Spec(S, Core.Layer.NewSwapPool(S,
            Core.Layer.NewSymmetrize(S, Core.Layer.NewChain(Models.List(Dense(6, A.seagullLearned), Dense(4, A.gaussianLearned)))),
            Core.Pooling.PoolSumAbsDiff, Dense(2, A.identity)), d),
        ["empty-chain"] = d => Models.Spec(S, Core.Layer.NewChain(Models.List(Core.Layer.NewChain(Models.List<Core.Layer>()), Dense(2, A.logcosh))), d),
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void The_exported_graph_predicts_what_Seagull_predicts(string tree, bool float64)
    {
        var model = Models.Regressor(Trees[tree](float64 ? Core.Dtype.Float64 : Core.Dtype.Float32), seed: 7, standardisedTargets: float64);
        using var ort = Ort.Of(model);
        var x = Models.Inputs(model, rows: 300, seed: 11);
        var y = ort.Run("y", x, model.Spec.Symmetry.Width);
        var expected = Core.Regressor.predict(model, Models.Doubles(x));
        Assert.Equal(expected.Length, y.Length);
        var ulps = Agreement.Ulps(y, expected, floor: float64 ? 0 : 1);
        output.WriteLine($"{tree} {(float64 ? "float64" : "float32")}: max {ulps:F2} ulps");
        Assert.True(ulps <= (float64 ? Float64Bound : Float32Bound), $"{tree}: {ulps} ulps");
    }
}
