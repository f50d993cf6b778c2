using Seagull.Api;
using Xunit;
using Xunit.Abstractions;

namespace Seagull.Onnx.Tests;

/// <summary>Every built-in target: a model trained on it with the C# API (a plain MLP and one exactly invariant design
/// each, both precisions), exported with ExportOnnx, run in ONNX Runtime on fresh rows of the target, against Seagull's
/// predictions — and, for the exact design, the swapped rows give the same bits in ONNX Runtime.</summary>
public sealed class TargetTests(ITestOutputHelper output) : IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("seagull-onnx-targets-").FullName;

    public void Dispose() => Directory.Delete(dir, recursive: true);

    /// <summary>Bounds in float32 ulps of the output's scale, max(|y|, sd of y): a float64 network computes in float64
    /// inside the graph and rounds once at the end; a float32 network's rounding differs from ONNX Runtime's in
    /// summation order and in exp/log/tanh, and de-standardisation multiplies that by the target's scale.</summary>
    private const double Float64Bound = 1.0, Float32Bound = 16.0;

    private static readonly Architecture[] ExactDesigns = [Architecture.Split, Architecture.Pooled, Architecture.Symmetrized];

    public static TheoryData<string, Architecture, Precision> Cases()
    {
        var data = new TheoryData<string, Architecture, Precision>();
        var i = 0;
        foreach (var target in Targets.All)
        {
            foreach (var precision in new[] { Precision.Float32, Precision.Float64 })
            {
                data.Add(target.Name, Architecture.Mlp, precision);
                data.Add(target.Name, ExactDesigns[i++ % ExactDesigns.Length], precision);
            }
        }
        return data;
    }

    /// <summary>Rows u | v | w with u and v exchanged.</summary>
    private static float[] Swapped(float[] x, int width, int u)
    {
        var y = (float[])x.Clone();
        for (var o = 0; o < x.Length; o += width)
            for (var j = 0; j < u; j++)
                (y[o + j], y[o + u + j]) = (x[o + u + j], x[o + j]);
        return y;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void A_model_trained_on_a_built_in_target_runs_in_ONNX_Runtime_as_in_Seagull(string name, Architecture architecture, Precision precision)
    {
        var target = Targets.Get(name);
        var train = target.Generate(400, seed: 3);
        var net = new NetworkBuilder().Blocks(train).Architecture(architecture).Hidden(16, 8).Precision(precision).Build();
        var regressor = new SwapInvariantRegressor(net);
        regressor.Fit(train, new FitOptions { Epochs = 3, Seed = 5 });
        var path = Path.Combine(dir, $"{name}-{architecture}-{precision}.onnx");
        regressor.ExportOnnx(path);
        using var ort = new Ort(File.ReadAllBytes(path));
        Assert.Equal(string.Join(",", regressor.InputNames), ort.Metadata["seagull.inputs"]);

        var x = Models.Rounded(target.Generate(300, seed: 9).ToInputArray());
        var width = target.InputWidth;
        var y = ort.Run("y", Models.Floats(x), width);
        var expected = regressor.Predict(x);
        var mean = expected.Average();
        var sd = Math.Sqrt(expected.Sum(v => (v - mean) * (v - mean)) / expected.Length);
        var ulps = Agreement.Ulps(y, expected, floor: sd);
        output.WriteLine($"{name} {architecture} {precision}: max {ulps:F2} ulps of max(|y|, sd {sd:G3})");
        Assert.True(ulps <= (precision == Precision.Float64 ? Float64Bound : Float32Bound), $"{name} {architecture} {precision}: {ulps} ulps");

        if (architecture != Architecture.Mlp)
        {
            Assert.True(Agreement.Bitwise(y, ort.Run("y", Swapped(Models.Floats(x), width, target.UWidth), width)),
                $"{name} {architecture} {precision}: y(x) and y(x̃) differ in ONNX Runtime");
        }
    }
}
