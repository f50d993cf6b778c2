using System.Globalization;
using System.IO.Compression;
using Seagull.Api;
using Xunit;
using Xunit.Abstractions;

namespace Seagull.Onnx.Tests;

/// <summary>
/// Image classifiers trained with the CLI on raw 0–255 pixels (a pixel CSV, an IDX file), exported and run in ONNX
/// Runtime on the same raw values: the graph scales them as Seagull's readers do, so its probabilities are
/// `seagull predict`'s on the same file, and the exact designs stay mirror invariant bit for bit.
/// </summary>
public sealed class ImageExportTests(ITestOutputHelper log) : IDisposable
{
    private const int Side = 8, Count = 160;
    private readonly string dir = Directory.CreateTempSubdirectory("seagull-onnx-images-").FullName;

    public void Dispose() => Directory.Delete(dir, recursive: true);

    private static (int Code, string Out, string Err) Run(params string[] args) => ExportCliTests.Run(args);

    private static string Ok((int Code, string Out, string Err) run)
    {
        Assert.True(run.Code == 0, run.Err);
        return run.Out;
    }

    /// <summary>Raw pixel values (0–255: the synthetic images' bytes) and their labels. A few CSV cells get a half, a
    /// value the CSV reader parses as a number rather than as a byte.</summary>
    private static (byte[] Bytes, int[] Labels) Raw(int seed)
    {
        var images = ImageData.Synthetic(Count, Side, Side, seed);
        var bytes = images.ToPixelArray().Cast<float>().Select(v => (byte)Math.Round(v * 255)).ToArray();
        return (bytes, images.Labels());
    }

    private static string Cell(byte b, int i) => i % 37 == 5 && b < 255 ? $"{b}.5" : $"{b}";

    private string PixelCsv(byte[] bytes, int[] labels)
    {
        var path = Path.Combine(dir, "pixlab.csv");
        var n = Side * Side;
        var lines = new List<string> { string.Join(",", Enumerable.Range(1, n).Select(j => $"p{j}")) + ",label" };
        for (var i = 0; i < labels.Length; i++)
            lines.Add(string.Join(",", Enumerable.Range(0, n).Select(j => Cell(bytes[i * n + j], i * n + j))) + $",{labels[i]}");
        File.WriteAllLines(path, lines);
        return path;
    }

    private (string Images, string Labels) Idx(byte[] bytes, int[] labels)
    {
        static byte[] BigEndian(int v) => [(byte)(v >> 24), (byte)(v >> 16), (byte)(v >> 8), (byte)v];
        var images = Path.Combine(dir, "images-idx3-ubyte.gz");
        using (var gz = new GZipStream(File.Create(images), CompressionLevel.Fastest))
        {
            foreach (var v in new[] { 0x803, labels.Length, Side, Side }) gz.Write(BigEndian(v));
            gz.Write(bytes);
        }
        var labelPath = Path.Combine(dir, "labels-idx1-ubyte");
        File.WriteAllBytes(labelPath, [.. BigEndian(0x801), .. BigEndian(labels.Length), .. labels.Select(l => (byte)l)]);
        return (images, labelPath);
    }

    /// <summary>The p_ columns of `seagull predict`'s CSV, row by row.</summary>
    private static double[] Probabilities(string csv, int classes)
    {
        var lines = csv.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        return lines.Skip(1).SelectMany(l => l.Split(',').TakeLast(classes).Select(v => double.Parse(v, CultureInfo.InvariantCulture))).ToArray();
    }

    [Theory]
    [InlineData("csv", "symmetrized")]
    [InlineData("csv", "split")]
    [InlineData("csv", "mlp")]
    [InlineData("idx", "symmetrized")]
    [InlineData("idx", "pooled")]
    public void An_exported_image_classifier_takes_raw_pixels_and_gives_seagull_predict_probabilities(string source, string arch)
    {
        var (bytes, labels) = Raw(seed: 4);
        var model = Path.Combine(dir, "pl.json");
        var onnx = Path.Combine(dir, "pl.onnx");
        string[] data;
        float[] raw;
        if (source == "csv")
        {
            var csv = PixelCsv(bytes, labels);
            Ok(Run("train", "--data", csv, "--classify", "--image", "8x8", "--y", "label", "--arch", arch, "--hidden", "16", "--epochs", "2", "--out", model));
            data = ["--data", csv];
            // What a client reads from the file: the cells as float32 (x.5 values are exact).
            raw = File.ReadLines(csv).Skip(1).SelectMany(l => l.Split(',').SkipLast(1).Select(v => float.Parse(v, CultureInfo.InvariantCulture))).ToArray();
        }
        else
        {
            var (images, labelFile) = Idx(bytes, labels);
            Ok(Run("train", "--images", images, "--labels", labelFile, "--arch", arch, "--hidden", "16", "--epochs", "2", "--out", model));
            data = ["--images", images];
            raw = bytes.Select(b => (float)b).ToArray();
        }
        Ok(Run("export", "--model", model, "--out", onnx));
        var loaded = Core.ModelFile.load(model);
        var classes = loaded.TargetNames.Length;
        var expected = Probabilities(Ok(Run(["predict", "--model", model, .. data])), classes);

        using var ort = new Ort(File.ReadAllBytes(onnx));
        Assert.Equal("255", ort.Metadata["seagull.pixel_scale"]);
        var pixelNames = Enumerable.Range(1, Side * Side).Select(j => source == "csv" ? $"p{j}" : $"pixel{j}");
        Assert.Equal(string.Join(",", pixelNames), ort.Metadata["seagull.inputs"]);
        var p = ort.Run("probabilities", raw, Side * Side);
        var ulps = Agreement.Ulps(p, expected, Math.Pow(2, -20));
        log.WriteLine($"{source} {arch}: largest difference {ulps:F2} float32 ulps of max(p, 2^-20), max |Δp| {p.Zip(expected).Max(t => Math.Abs(t.First - t.Second)):G3}");
        Assert.True(ulps <= 16, $"{ulps} ulps");
        // The class the graph picks is Seagull's.
        var predicted = Core.Classifier.argmax(classes, expected);
        Assert.Equal(predicted, Core.Classifier.argmax(classes, p.Select(v => (double)v).ToArray()));
        if (arch != "mlp")
            Assert.True(Agreement.Bitwise(p, ort.Run("probabilities", Models.Swapped(loaded, raw), Side * Side)), "the mirror images' probabilities differ");
    }

    [Fact]
    public void A_table_classifier_has_no_pixel_scale()
    {
        var spec = Core.Architectures.build("mlp").Invoke(Models.Blocks(2, 1)).Invoke(
            Models.Options([6], [Core.ActivationModule.relu], 3, Core.Dtype.Float64));
        using var ort = Ort.Of(Models.Classifier(spec, seed: 1));
        Assert.False(ort.Metadata.ContainsKey("seagull.pixel_scale"));
    }
}
