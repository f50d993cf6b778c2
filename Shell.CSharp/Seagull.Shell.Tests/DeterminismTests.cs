using Seagull.Api;
using Xunit;

namespace Seagull.Shell.Tests;

/// <summary>Bugs found in the core through the C# surface, kept as tests to enable once they are fixed.</summary>
public class KnownCoreIssues
{
    /// <summary>
    /// The core's cos kernel (ActivationKernels.cos, also Tensor.cos/sin behind Expr.Cos/Expr.Sin) calls
    /// TensorPrimitives.Cos/Sin&lt;double&gt;, whose results depend on the memory alignment of the array for
    /// inputs of a few hundred elements or more (measured with System.Numerics.Tensors 10.0.0 on AVX-512:
    /// 2 distinct results for the same 1600 values over 200 fresh arrays; float32 and exp/log/tanh are stable).
    /// So a float64 network with cos predicts different last bits from call to call, breaking bitwise
    /// save/load reproducibility and bitwise invariance of pooled/symmetrized networks.
    /// </summary>
    [Fact(Skip = "known core bug: TensorPrimitives.Cos<double> depends on address alignment; enable when Core.Fs's cos kernel is made deterministic")]
    public void Float64_cos_predictions_are_bitwise_repeatable()
    {
        var regressor = new SwapInvariantRegressor(new NetworkBuilder().Blocks(1, 1, 1).Architecture(Architecture.Mlp)
            .Hidden(64).Activations(Activation.Cos).Precision(Precision.Float64).Build());
        var data = Targets.Get("bead_pair").Generate(400, seed: 1);
        regressor.Fit(data, new FitOptions { Epochs = 1 });
        var x = data.ToInputArray();
        var first = regressor.Predict(x).Select(BitConverter.DoubleToInt64Bits).ToArray();
        var junk = new List<byte[]>();
        for (var i = 0; i < 100; i++)
        {
            junk.Add(new byte[8 * (1 + i % 7)]);
            Assert.Equal(first, regressor.Predict(x).Select(BitConverter.DoubleToInt64Bits));
        }
    }
}
