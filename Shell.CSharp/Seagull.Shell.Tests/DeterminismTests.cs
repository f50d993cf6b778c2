using Seagull.Api;
using Xunit;

namespace Seagull.Shell.Tests;

/// <summary>
/// Predictions are bitwise repeatable: the same rows give the same bits on every call. The core once computed
/// cos with TensorPrimitives.Cos&lt;double&gt;, which picks its algorithm per SIMD vector, so a value's last bits
/// depended on its neighbours and on the array's memory alignment (2 distinct results for the same 1600 values
/// over 200 fresh arrays); exp, tanh, sigmoid and log also differed between arrays shorter and longer than one
/// vector. The activation kernels now give each element a result that depends on its value alone.
/// </summary>
public class DeterminismTests
{
    private static SwapInvariantRegressor FittedMlp(int hidden, Activation activation, Precision precision, RegressionData data)
    {
        var regressor = new SwapInvariantRegressor(new NetworkBuilder().Blocks(1, 1, 1).Architecture(Architecture.Mlp)
            .Hidden(hidden).Activations(activation).Precision(precision).Build());
        regressor.Fit(data, new FitOptions { Epochs = 1 });
        return regressor;
    }

    [Fact]
    public void Float64_cos_predictions_are_bitwise_repeatable()
    {
        var data = Targets.Get("bead_pair").Generate(400, seed: 1);
        var regressor = FittedMlp(64, Activation.Cos, Precision.Float64, data);
        var x = data.ToInputArray();
        var first = regressor.Predict(x).Select(BitConverter.DoubleToInt64Bits).ToArray();
        var junk = new List<byte[]>();
        for (var i = 0; i < 100; i++)
        {
            junk.Add(new byte[8 * (1 + i % 7)]);
            Assert.Equal(first, regressor.Predict(x).Select(BitConverter.DoubleToInt64Bits));
        }
    }

    /// <summary>
    /// A row's prediction has the same bits alone as in a batch: every activation kernel treats each element alike
    /// (a row alone is shorter than one SIMD vector), and MatMul computes every row with one accumulation chain.
    /// </summary>
    [Theory]
    [InlineData(Precision.Float32)]
    [InlineData(Precision.Float64)]
    public void A_row_predicts_the_same_bits_alone_as_in_a_batch(Precision precision)
    {
        var data = Targets.Get("bead_pair").Generate(40, seed: 2);
        var x = data.ToInputArray();
        foreach (var activation in Activation.All)
        {
            // 3 hidden units: a row alone is shorter than one SIMD vector, the case that once took scalar code.
            var regressor = FittedMlp(3, activation, precision, data);
            var batch = regressor.Predict(x);
            for (var row = 0; row < x.GetLength(0); row++)
            {
                var alone = new double[1, x.GetLength(1)];
                for (var j = 0; j < x.GetLength(1); j++) alone[0, j] = x[row, j];
                Assert.True(BitConverter.DoubleToInt64Bits(batch[row]) == BitConverter.DoubleToInt64Bits(regressor.Predict(alone)[0]),
                    $"{activation.Name} {precision}: row {row} predicts {batch[row]:R} in a batch, {regressor.Predict(alone)[0]:R} alone");
            }
        }
    }
}
