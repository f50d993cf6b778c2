using Microsoft.FSharp.Core;
using Seagull.Api;
using Xunit;

namespace Seagull.Onnx.Tests;

/// <summary>ExportOnnx of the C# API on models fitted to the built-in targets, and what it refuses.</summary>
public sealed class ExportApiTests : IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("seagull-onnx-tests-").FullName;

    public void Dispose() => Directory.Delete(dir, recursive: true);

    [Theory]
    [InlineData(Precision.Float32)]
    [InlineData(Precision.Float64)]
    public void A_regressor_fitted_to_two_built_in_targets_exports_what_it_predicts(Precision precision)
    {
        // spring and coulomb on the same rows (both u, v, w ∈ R³): a network with two outputs.
        var spring = Targets.Get("spring").Generate(600, seed: 2);
        var coulomb = Targets.Get("coulomb");
        var x = Models.Rounded(spring.ToInputArray());
        var y = new double[600, 2];
        var row = new double[9];
        for (var i = 0; i < 600; i++)
        {
            for (var j = 0; j < 9; j++) row[j] = x[i, j];
            y[i, 0] = Targets.Get("spring").Evaluate(row);
            y[i, 1] = coulomb.Evaluate(row);
        }
        var data = RegressionData.FromArrays(x, y, uWidth: 3, wWidth: 3, targetNames: ["spring", "coulomb"]);
        var net = new NetworkBuilder().Blocks(data).Architecture(Architecture.Symmetrized).Hidden(16, 8).Outputs(2).Precision(precision).Build();
        var regressor = new SwapInvariantRegressor(net);
        regressor.Fit(data, new FitOptions { Epochs = 5, Seed = 1 });
        var path = Path.Combine(dir, "two.onnx");
        regressor.ExportOnnx(path);
        using var ort = new Ort(File.ReadAllBytes(path));
        Assert.Equal("spring,coulomb", ort.Metadata["seagull.outputs"]);
        Assert.Equal(string.Join(",", regressor.InputNames), ort.Metadata["seagull.inputs"]);
        var expected = regressor.PredictOutputs(x).Cast<double>().ToArray();
        var ulps = Agreement.Ulps(ort.Run("y", Models.Floats(x), 9), expected, precision == Precision.Float64 ? 0 : 1);
        Assert.True(ulps <= (precision == Precision.Float64 ? 1 : 16), $"{ulps} ulps");
    }

    [Fact]
    public void An_image_classifier_exports_its_probabilities()
    {
        var images = ImageData.Synthetic(120, width: 8, height: 8, seed: 1);
        var classifier = new SwapInvariantClassifier(new NetworkBuilder().Image(images).Architecture(Architecture.Symmetrized).Hidden(16).Outputs(images.ClassNames.Count).Build());
        classifier.Fit(images, new FitOptions { Epochs = 2, Seed = 3 });
        var path = Path.Combine(dir, "images.onnx");
        classifier.ExportOnnx(path);
        using var ort = new Ort(File.ReadAllBytes(path));
        // The graph takes raw pixel values (0–255) and divides them by 255 as Seagull's readers do; the API's arrays
        // are the scaled values.
        var raw = images.ToPixelArray().Cast<float>().Select(v => MathF.Round(v * 255)).ToArray();
        var p = ort.Run("probabilities", raw, 64);
        var scaled = new float[images.Count, 64];
        for (var i = 0; i < raw.Length; i++) scaled[i / 64, i % 64] = raw[i] / 255f;
        var expected = classifier.PredictProbabilities(scaled).Cast<double>().ToArray();
        Assert.Equal("255", ort.Metadata["seagull.pixel_scale"]);
        Assert.True(Agreement.Ulps(p, expected, Math.Pow(2, -20)) <= 16);
        Assert.Equal(string.Join(",", classifier.ClassNames), ort.Metadata["seagull.outputs"]);
    }

    [Fact]
    public void A_custom_activation_made_from_a_formula_is_exported()
    {
        var softsign = Activation.Custom("softsign", z => z / (1 + Expr.Abs(z)));
        var regressor = new SwapInvariantRegressor(new NetworkBuilder().Blocks(u: 1, v: 1, w: 1).Architecture(Architecture.Mlp).Hidden(6).Activations(softsign).Build());
        var data = Targets.Get("bead_pair").Generate(200, seed: 4);
        regressor.Fit(data, new FitOptions { Epochs = 2 });
        var path = Path.Combine(dir, "softsign.onnx");
        regressor.ExportOnnx(path);
        using var ort = new Ort(File.ReadAllBytes(path));
        var x = Models.Rounded(data.ToInputArray());
        Assert.True(Agreement.Ulps(ort.Run("y", Models.Floats(x), 3), regressor.Predict(x), 1) <= 16);
    }

    [Fact]
    public void A_custom_activation_made_from_an_FSharp_function_is_refused_and_nothing_is_written()
    {
        var opaque = Core.ActivationModule.custom("opaque", FSharpFunc<Core.Tensor, Core.Tensor>.FromConverter(t => Core.TensorModule.tanh(t)));
        var spec = Core.Architectures.mlp(Models.Blocks(1, 1), Models.Options([4], [opaque], 1, Core.Dtype.Float32));
        var path = Path.Combine(dir, "opaque.onnx");
        File.WriteAllText(path, "kept");
        var e = Assert.Throws<Core.SeagullException>(() => OnnxFile.Save(Models.Regressor(spec, 1), path));
        Assert.Equal("cannot export activation 'opaque' to ONNX: it is an F# function, which has no ONNX form; make it from a formula (Activation.ofExpression, or Activation.Custom in C#)", e.Message);
        Assert.Equal("kept", File.ReadAllText(path));
        Assert.Single(Directory.GetFiles(dir));
    }

    [Fact]
    public void Exporting_an_unfitted_regressor_or_to_an_unwritable_path_throws_and_writes_nothing()
    {
        var regressor = SwapInvariantRegressor.Create(uWidth: 1, wWidth: 1);
        Assert.Throws<InvalidOperationException>(() => regressor.ExportOnnx(Path.Combine(dir, "a.onnx")));
        regressor.Fit(Targets.Get("bead_pair").Generate(100, seed: 1), new FitOptions { Epochs = 1 });
        var folder = Directory.CreateDirectory(Path.Combine(dir, "folder")).FullName;
        Assert.Throws<IOException>(() => regressor.ExportOnnx(folder));
        File.WriteAllText(Path.Combine(dir, "file"), "");
        Assert.Throws<IOException>(() => regressor.ExportOnnx(Path.Combine(dir, "file", "m.onnx")));
        Assert.Equal(["file"], Directory.GetFiles(dir).Select(Path.GetFileName));
        Assert.Empty(Directory.GetFileSystemEntries(folder));
    }
}
