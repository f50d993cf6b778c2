using Core = global::Seagull.Core;

namespace Seagull.Api;

/// <summary>Writing a fitted model as an ONNX file, for <see cref="SwapInvariantRegressor.ExportOnnx"/> and
/// <see cref="SwapInvariantClassifier.ExportOnnx"/>: the path is checked, the whole graph built, then the file written
/// atomically, so that any error leaves nothing behind.</summary>
internal static class OnnxExport
{
    public static void Save(Core.Model model, string path)
    {
        if (string.IsNullOrWhiteSpace(path)) throw new ArgumentException("the ONNX path is empty", nameof(path));
        Guard.Io(() => Core.AtomicFile.checkWritable(path));
        byte[] bytes;
        try { bytes = Seagull.Onnx.OnnxFile.ToBytes(model); }
        catch (Core.SeagullException e) { throw new NotSupportedException(e.Message); }
        Guard.Io(() => Core.AtomicFile.writeAllBytes(path, bytes));
    }
}

/// <summary>What every file <c>ExportOnnx</c> writes has in common.</summary>
/// <example><code>Console.WriteLine($"opset {OnnxFormat.Opset}");</code></example>
public static class OnnxFormat
{
    /// <summary>The ONNX operator set of the exported graphs.</summary>
    /// <example><code>int opset = OnnxFormat.Opset;</code></example>
    public static int Opset => Core.ModelGraph.opset;

    /// <summary>What an image model's graph divides its raw pixel values by (the file's <c>seagull.pixel_scale</c>),
    /// as Seagull's image readers do.</summary>
    /// <example><code>float scale = OnnxFormat.PixelScale;   // 255</code></example>
    public static float PixelScale => Core.ModelGraph.imagePixelScale;
}
