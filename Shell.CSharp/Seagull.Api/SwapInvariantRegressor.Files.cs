using Core = global::Seagull.Core;

namespace Seagull.Api;

// Model files: checking a save path, saving and loading.
public sealed partial class SwapInvariantRegressor
{
    /// <summary>
    /// Checks that <see cref="Save"/> could write to <paramref name="path"/>, so that a long fit does not end in a
    /// path it cannot save to: the path names a file (not a folder), its nearest existing folder accepts new
    /// files, and no file stands where a folder is needed. Creates nothing.
    /// </summary>
    /// <exception cref="IOException">The path cannot be written (one-line reason naming the path).</exception>
    /// <example><code>SwapInvariantRegressor.CheckSavePath("models/spring.json"); regressor.Fit(data); regressor.Save("models/spring.json");</code></example>
    public static void CheckSavePath(string path)
    {
        if (string.IsNullOrWhiteSpace(path)) throw new ArgumentException("the model path is empty", nameof(path));
        Guard.Io(() => Core.AtomicFile.checkWritable(path));
    }

    /// <summary>
    /// Saves the fitted model as a versioned, checksummed JSON file (spec, column names, standardisation,
    /// parameters), written atomically. The folder is created if needed.
    /// </summary>
    /// <exception cref="InvalidOperationException">The regressor is not fitted.</exception>
    /// <exception cref="IOException">The file cannot be written.</exception>
    /// <exception cref="UnauthorizedAccessException">Writing there is not allowed.</exception>
    /// <example><code>regressor.Save("models/spring.json");</code></example>
    public void Save(string path)
    {
        if (string.IsNullOrWhiteSpace(path)) throw new ArgumentException("the model path is empty", nameof(path));
        var m = Fitted();
        Guard.Io(() => Core.ModelFile.save(path, m));
    }

    /// <summary>
    /// Writes the fitted regressor as an ONNX file (opset 21) that ONNX Runtime and other ONNX tools run with no Seagull:
    /// one float32 input <c>x</c> (rows × the input columns, in the model's units and column order), output <c>y</c> (rows × outputs, in the targets' units),
    /// the standardisation inside, and the column names in the metadata (<c>seagull.inputs</c>, <c>seagull.outputs</c>).
    /// Written atomically; see docs/onnx.md.
    /// </summary>
    /// <exception cref="InvalidOperationException">Not fitted.</exception>
    /// <exception cref="NotSupportedException">An activation has no ONNX form (a custom one made from an F# function); nothing is written.</exception>
    /// <exception cref="IOException">The file cannot be written; nothing is written.</exception>
    /// <example><code>regressor.ExportOnnx("model.onnx");</code></example>
    public void ExportOnnx(string path) => OnnxExport.Save(Fitted(), path);

    /// <summary>
    /// Loads a model file written by <see cref="Save"/>. Activations not built in are resolved by name among
    /// <paramref name="customActivations"/>; the file keeps each custom activation's values at a few points, so one
    /// with the right name but another formula is refused. A truncated, edited (checksum), newer-version or foreign
    /// file is refused.
    /// </summary>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">The file is corrupt, edited, of a newer format, or uses an unknown or different activation (one-line message).</exception>
    /// <exception cref="ArgumentException">A custom activation is null, or two different ones share a name.</exception>
    /// <example>
    /// <code>
    /// var seagull2 = Activation.Custom("seagull2", z => Expr.Log(1 + z * z));
    /// var regressor = SwapInvariantRegressor.Load("model.json", seagull2);
    /// </code>
    /// </example>
    public static SwapInvariantRegressor Load(string path, params Activation[] customActivations)
    {
        var loaded = LoadCore(path, customActivations);
        if (loaded.Task == Core.ModelTask.Classification)
            throw new InvalidDataException($"model file '{path}' holds a classifier; load it with SwapInvariantClassifier.Load");
        return new SwapInvariantRegressor(NetworkDefinition.FromSpec(loaded.Spec, 0, customActivations), loaded);
    }

    /// <summary>The core model in a file, checked (see <see cref="Load"/>).</summary>
    internal static Core.Model LoadCore(string path, Activation[] customActivations)
    {
        customActivations ??= [];
        if (customActivations.Any(a => a is null)) throw new ArgumentException("a custom activation is null", nameof(customActivations));
        customActivations = customActivations.Distinct(ReferenceEqualityComparer.Instance).Cast<Activation>().ToArray(); // the same one twice is fine
        if (customActivations.GroupBy(a => a.Name).FirstOrDefault(g => g.Count() > 1) is { } twice)
            throw new ArgumentException($"two custom activations are named '{twice.Key}'; a model file names one", nameof(customActivations));
        Guard.FileExists(path, nameof(path), "model file");
        var customs = Fs.List(customActivations.Select(a => a.Inner));
        return Guard.Data(() => Core.ModelFile.loadWith(customs, path));
    }

    /// <summary>
    /// Loads a model file of either kind: a <see cref="SwapInvariantRegressor"/> or a <see cref="SwapInvariantClassifier"/>,
    /// as the file says (for tools that take any model).
    /// </summary>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">The file is corrupt, edited, or of a newer format.</exception>
    /// <example><code>if (SwapInvariantRegressor.LoadAny("m.json") is SwapInvariantClassifier c) Console.WriteLine(c.ClassNames.Count);</code></example>
    public static object LoadAny(string path, params Activation[] customActivations)
    {
        var loaded = LoadCore(path, customActivations ?? []);
        var definition = NetworkDefinition.FromSpec(loaded.Spec, 0, customActivations);
        return loaded.Task == Core.ModelTask.Classification
            ? SwapInvariantClassifier.Loaded(definition, loaded)
            : new SwapInvariantRegressor(definition, loaded);
    }
}
