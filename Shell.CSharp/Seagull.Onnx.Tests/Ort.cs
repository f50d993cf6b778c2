using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace Seagull.Onnx.Tests;

/// <summary>Runs an ONNX model in ONNX Runtime: one float32 input x of rows × width, every output as a flat float32 array.</summary>
public sealed class Ort : IDisposable
{
    private readonly InferenceSession session;

    public Ort(byte[] model)
    {
        // One thread: the runs are deterministic whatever the machine.
        using var options = new SessionOptions { IntraOpNumThreads = 1, InterOpNumThreads = 1 };
        session = new InferenceSession(model, options);
    }

    public static Ort Of(Core.Model model) => new(OnnxFile.ToBytes(model));

    public InferenceSession Session => session;

    public IReadOnlyDictionary<string, string> Metadata => session.ModelMetadata.CustomMetadataMap;

    public Dictionary<string, float[]> Run(float[] x, int width)
    {
        var input = new DenseTensor<float>(x, [x.Length / width, width]);
        using var results = session.Run([NamedOnnxValue.CreateFromTensor("x", input)]);
        return results.ToDictionary(r => r.Name, r => r.AsEnumerable<float>().ToArray());
    }

    public float[] Run(string output, float[] x, int width) => Run(x, width)[output];

    public void Dispose() => session.Dispose();
}
