using Xunit;
using A = Seagull.Core.ActivationModule;

namespace Seagull.Onnx.Tests;

/// <summary>Classifiers: the logits and softmax probabilities of the exported graph against Seagull's, tables and images.</summary>
public class ClassifierTests
{
    [Theory]
    [InlineData("mlp", false)]
    [InlineData("split", true)]
    [InlineData("pooled", false)]
    [InlineData("symmetrized", true)]
    public void Logits_and_probabilities_agree_with_Seagull(string architecture, bool float64)
    {
        var s = Models.Blocks(2, 1);
        var spec = Core.Architectures.build(architecture).Invoke(s).Invoke(
            Models.Options([10, 6], [A.seagull, A.relu], 4, float64 ? Core.Dtype.Float64 : Core.Dtype.Float32));
        var model = Models.Classifier(spec, seed: 3);
        using var ort = Ort.Of(model);
        var x = Models.Inputs(model, 200, seed: 4);
        var outputs = ort.Run(x, s.Width);
        var logits = Core.Classifier.logits(model, Models.Doubles(x));
        var probabilities = Core.Classifier.probabilities(model, Models.Doubles(x));
        // Logits: as for a regressor (float64 inside: Seagull's rounded; float32: within 16 ulps of max(|logit|, 1)).
        Assert.True(Agreement.Ulps(outputs["logits"], logits, float64 ? 0 : 1) <= (float64 ? 1 : 16));
        // Probabilities: softmax in float64 from the logits, as Seagull computes it; in ulps of max(p, 2^-20).
        Assert.True(Agreement.Ulps(outputs["probabilities"], probabilities, Math.Pow(2, -20)) <= (float64 ? 1 : 16));
        // The class is the largest logit wherever the top two are not within rounding of each other.
        Assert.Equal(Core.Classifier.argmax(4, logits), Core.Classifier.argmax(4, Models.Doubles(outputs["logits"])));
    }

    [Fact]
    public void An_image_classifier_takes_the_flattened_pixel_row_and_stays_mirror_invariant()
    {
        // A 5×4 RGB image (odd width: a middle column that the mirror keeps), pixels named pixel1… as Seagull names them.
        var mirror = Core.SymmetryModule.mirror(Core.MirrorAxis.LeftRight, 5, 4, 3);
        var spec = Core.Architectures.symmetrized(mirror, Models.Options([12], [A.relu], 3, Core.Dtype.Float32));
        var model = Models.Classifier(spec, seed: 9);
        using var ort = Ort.Of(model);
        Assert.Equal(string.Join(",", Enumerable.Range(1, 60).Select(i => $"pixel{i}")), ort.Metadata["seagull.inputs"]);
        // The graph takes raw pixel values (0–255) and scales them as Seagull's readers do: float32 v / 255.
        var rng = new Random(2);
        var pixels = Enumerable.Range(0, 30 * 60).Select(_ => (float)rng.Next(256)).ToArray();
        var outputs = ort.Run(pixels, 60);
        var scaled = Models.Doubles(pixels.Select(v => v / 255f).ToArray());
        Assert.True(Agreement.Ulps(outputs["logits"], Core.Classifier.logits(model, scaled), 1) <= 16);
        Assert.True(Agreement.Bitwise(outputs["probabilities"], ort.Run("probabilities", Models.Swapped(model, pixels), 60)));
    }
}
