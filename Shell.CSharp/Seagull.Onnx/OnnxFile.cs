using Google.Protobuf;
using Onnx;
using Core = global::Seagull.Core;

namespace Seagull.Onnx;

/// <summary>
/// Writes a Seagull model as an ONNX file: the core's translation of the model into a graph
/// (<c>ModelGraph.ofModel</c>, plain data) serialised as ONNX protobuf messages (onnx.proto3).
/// </summary>
public static class OnnxFile
{
    /// <summary>The ONNX IR version written: 10, the one of opset 21.</summary>
    public const long IrVersion = 10;

    /// <summary>The model as the bytes of an ONNX file.</summary>
    /// <exception cref="Core.SeagullException">The model has an activation with no ONNX form (one line naming it).</exception>
    /// <example><code>byte[] bytes = OnnxFile.ToBytes(Core.ModelFile.load("m.json"));</code></example>
    public static byte[] ToBytes(Core.Model model) => ToProto(Core.ModelGraph.ofModel(model)).ToByteArray();

    /// <summary>Writes the model to <paramref name="path"/> atomically (a temporary file renamed over the target): on any
    /// error nothing is written and an existing file is kept.</summary>
    /// <exception cref="Core.SeagullException">No ONNX form for an activation, or the path cannot be written (one line).</exception>
    /// <example><code>OnnxFile.Save(Core.ModelFile.load("m.json"), "m.onnx");</code></example>
    public static void Save(Core.Model model, string path)
    {
        Core.AtomicFile.checkWritable(path);
        var bytes = ToBytes(model); // translated in full before the file is begun
        Core.AtomicFile.writeAllBytes(path, bytes);
    }

    /// <summary>The ONNX model message of a graph description.</summary>
    internal static ModelProto ToProto(Core.GraphDescription graph)
    {
        var g = new GraphProto { Name = "seagull", DocString = graph.Description };
        g.Input.Add(Value(graph.Input, graph.InputWidth));
        foreach (var (name, width) in graph.Outputs) g.Output.Add(Value(name, width));
        foreach (var c in graph.Constants) g.Initializer.Add(Constant(c));
        foreach (var n in graph.Nodes) g.Node.Add(Node(n));
        var model = new ModelProto
        {
            IrVersion = IrVersion,
            ProducerName = "seagull",
            ProducerVersion = typeof(OnnxFile).Assembly.GetName().Version?.ToString(3) ?? "",
            DocString = graph.Description,
            Graph = g,
        };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = graph.Opset });
        foreach (var (key, value) in graph.Metadata) model.MetadataProps.Add(new StringStringEntryProto { Key = key, Value = value });
        return model;
    }

    // A float32 tensor of rows × width with the rows left free (the dimension named "rows").
    private static ValueInfoProto Value(string name, int width)
    {
        var shape = new TensorShapeProto();
        shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimParam = "rows" });
        shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimValue = width });
        return new ValueInfoProto
        {
            Name = name,
            Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)TensorProto.Types.DataType.Float, Shape = shape } },
        };
    }

    private static TensorProto Constant(Core.GraphConstant c)
    {
        var t = new TensorProto { Name = c.Name };
        t.Dims.AddRange(c.Shape.Select(d => (long)d));
        switch (c.Values)
        {
            case Core.GraphValues.RealValues { Item1.IsFloat32: true } r:
                t.DataType = (int)TensorProto.Types.DataType.Float;
                t.FloatData.AddRange(r.Item2.Select(v => (float)v));
                break;
            case Core.GraphValues.RealValues r:
                t.DataType = (int)TensorProto.Types.DataType.Double;
                t.DoubleData.AddRange(r.Item2);
                break;
            case Core.GraphValues.IntegerValues i:
                t.DataType = (int)TensorProto.Types.DataType.Int64;
                t.Int64Data.AddRange(i.Item);
                break;
        }
        return t;
    }

    private static NodeProto Node(Core.GraphNode n)
    {
        var node = new NodeProto { OpType = n.Operator, Name = n.Output };
        node.Input.AddRange(n.Inputs);
        node.Output.Add(n.Output);
        foreach (var (name, value) in n.Attributes)
            node.Attribute.Add(new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Int, I = value });
        return node;
    }
}
