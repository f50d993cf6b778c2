using System.CommandLine;
using Seagull.Api;

namespace Seagull.Cli.Commands;

/// <summary><c>seagull export</c>: a saved model written as an ONNX file that ONNX Runtime runs without Seagull.</summary>
internal static class ExportCommand
{
    public static Command Create(CliContext ctx)
    {
        var model = Options.Model();
        var output = new Option<string>("--out", "-o") { Description = "Where to write the ONNX file (written atomically).", HelpName = "MODEL.onnx", Required = true };
        var command = new Command("export",
            "Write a saved model as an ONNX file (opset 21) with the whole model inside: the input standardisation, the\n" +
            "network and the outputs in the targets' units — 'y' for a regressor, 'logits' and 'probabilities' for a\n" +
            "classifier. One float32 input 'x': rows × the model's input columns, in its units and order (listed in the\n" +
            "file's metadata as seagull.inputs). Run it with ONNX Runtime: see docs/onnx.md.");
        command.Options.Add(model);
        command.Options.Add(output);
        command.SetAction((parse, _) => ctx.Guarded(() =>
        {
            var outPath = parse.GetValue(output)!;
            Options.RequireNotAnInput(outPath, ("--model", parse.GetValue(model)));
            Options.RequireOutputFolder(outPath);
            SwapInvariantRegressor.CheckSavePath(outPath);
            var loaded = SwapInvariantRegressor.LoadAny(parse.GetValue(model)!);
            string outputs;
            NetworkDefinition definition;
            switch (loaded)
            {
                case SwapInvariantClassifier c:
                    c.ExportOnnx(outPath);
                    definition = c.Definition;
                    outputs = $"logits, probabilities: float32 [rows, {c.ClassNames.Count}] (classes {string.Join(", ", c.ClassNames)})";
                    break;
                default:
                    var r = (SwapInvariantRegressor)loaded;
                    r.ExportOnnx(outPath);
                    definition = r.Definition;
                    outputs = $"y: float32 [rows, {r.TargetNames.Count}] ({string.Join(", ", r.TargetNames)})";
                    break;
            }
            var o = Options.IsStandardOutput(outPath) ? ctx.Err : ctx.Out;
            o.WriteLine($"network: {definition.Description}");
            o.WriteLine($"input: x: float32 [rows, {definition.InputWidth}], in the model's units and column order (metadata seagull.inputs)");
            o.WriteLine($"output: {outputs}");
            o.WriteLine($"ONNX file (opset 21) written to {outPath}");
            return Cli.Success;
        }));
        return command;
    }
}
