using Xunit;
using A = Seagull.Core.ActivationModule;

namespace Seagull.Onnx.Tests;

/// <summary>The file's interface: one float32 input x with free rows, named outputs, the opset, and the metadata.</summary>
public class GraphTests
{
    private static Core.Model Regressor() =>
        Models.Make(Core.Architectures.pooled(Models.Blocks(2, 1), Models.Options([8], [A.seagull], 2, Core.Dtype.Float32)), 1,
            Core.ModelTask.Regression, ["q1", "q2", "p1", "p2", "temperature, K"]);

    [Fact]
    public void The_graph_has_one_float32_input_x_of_free_rows_and_named_outputs()
    {
        using var ort = Ort.Of(Regressor());
        var input = Assert.Single(ort.Session.InputMetadata);
        Assert.Equal("x", input.Key);
        Assert.Equal(typeof(float), input.Value.ElementType);
        Assert.Equal(new[] { -1, 5 }, input.Value.Dimensions);
        var output = Assert.Single(ort.Session.OutputMetadata);
        Assert.Equal("y", output.Key);
        Assert.Equal(new[] { -1, 2 }, output.Value.Dimensions);
        using var classifier = Ort.Of(Models.Classifier(Core.Architectures.mlp(Models.Blocks(1, 0), Models.Options([4], [A.tanh], 3, Core.Dtype.Float32)), 2));
        Assert.Equal(new[] { "logits", "probabilities" }, classifier.Session.OutputMetadata.Keys.ToArray());
    }

    [Fact]
    public void The_metadata_lists_the_columns_in_order_and_the_opset_is_21()
    {
        var model = Regressor();
        using var ort = Ort.Of(model);
        // A name with a comma is quoted as in CSV.
        Assert.Equal("q1,q2,p1,p2,\"temperature, K\"", ort.Metadata["seagull.inputs"]);
        Assert.Equal("y1,y2", ort.Metadata["seagull.outputs"]);
        Assert.Equal("regression", ort.Metadata["seagull.task"]);
        Assert.Equal("true", ort.Metadata["seagull.exactly_invariant"]);
        Assert.Equal(Core.Network.describe(model.Spec), ort.Metadata["seagull.network"]);
        var proto = OnnxFile.ToProto(Core.ModelGraph.ofModel(model));
        Assert.Equal(21, Assert.Single(proto.OpsetImport).Version);
        Assert.Equal(OnnxFile.IrVersion, proto.IrVersion);
    }

    [Fact]
    public void A_row_predicts_the_same_alone_as_in_a_batch()
    {
        var model = Regressor();
        using var ort = Ort.Of(model);
        var x = Models.Inputs(model, 7, seed: 3);
        var batch = ort.Run("y", x, 5);
        for (var i = 0; i < 7; i++)
            Assert.Equal(batch.Skip(2 * i).Take(2).ToArray(), ort.Run("y", x.Skip(5 * i).Take(5).ToArray(), 5));
    }

    [Fact]
    public void The_weights_of_a_network_applied_to_x_and_to_its_swap_are_stored_once()
    {
        var graph = Core.ModelGraph.ofModel(Regressor());
        var names = graph.Constants.Select(c => c.Name).ToArray();
        Assert.Equal(names.Distinct().Count(), names.Length);
        Assert.Single(names, n => n == "inner/weight");
        Assert.Equal(2, graph.Nodes.Count(n => n.Operator == "MatMul" && n.Inputs.Contains("inner/weight")));
    }
}
