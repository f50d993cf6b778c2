using System.CommandLine;
using Seagull.Api;

namespace Seagull.Cli.Commands;

/// <summary><c>seagull export</c>: a saved model written as an ONNX file that ONNX Runtime runs without Seagull.</summary>
internal static class ExportCommand
{
    /// <summary>What an exported file holds, as the report prints it.</summary>
    private sealed record Exported(string Task, NetworkDefinition Definition, IReadOnlyList<string> Inputs,
                                   (string Name, IReadOnlyList<string> Columns)[] Outputs, bool Image);

    public static Command Create(CliContext ctx)
    {
        var model = Options.Model();
        var output = new Option<string>("--out", "-o") { Description = "Where to write the ONNX file (written atomically).", HelpName = "MODEL.onnx", Required = true };
        var json = Options.Json("what was written (path, opset, inputs, outputs, task, network, exactly_invariant, bytes, pixel_scale)");
        var command = new Command("export",
            $"Write a saved model as an ONNX file (opset {OnnxFormat.Opset}) with the whole model inside: the input standardisation, the\n" +
            "network and the outputs in the targets' units — 'y' for a regressor, 'logits' and 'probabilities' for a\n" +
            "classifier. One float32 input 'x': rows × the model's input columns, in its units and order (listed in the\n" +
            $"file's metadata as seagull.inputs); an image classifier takes raw pixel values (0–{OnnxFormat.PixelScale}) and divides them by\n" +
            $"{OnnxFormat.PixelScale} inside, as seagull predict reads them. Run it with ONNX Runtime: see docs/onnx.md.");
        command.Options.Add(model);
        command.Options.Add(output);
        command.Options.Add(json);
        command.SetAction((parse, _) => ctx.Guarded(() =>
        {
            var outPath = parse.GetValue(output)!;
            // Checked here, before the API's own checks, whose words are about a model path.
            if (string.IsNullOrWhiteSpace(outPath)) throw new ArgumentException("--out is empty: give the path of the ONNX file to write");
            Options.RequireNotAnInput(outPath, ("--model", parse.GetValue(model)));
            Options.RequireOutputFolder(outPath);
            SwapInvariantRegressor.CheckSavePath(outPath);
            Exported e;
            switch (SwapInvariantRegressor.LoadAny(parse.GetValue(model)!))
            {
                case SwapInvariantClassifier c:
                    c.ExportOnnx(outPath);
                    e = new("classification", c.Definition, c.InputNames, [("logits", c.ClassNames), ("probabilities", c.ClassNames)], c.IsImageModel);
                    break;
                case var loaded:
                    var r = (SwapInvariantRegressor)loaded;
                    r.ExportOnnx(outPath);
                    e = new("regression", r.Definition, r.InputNames, [("y", r.TargetNames)], false);
                    break;
            }
            // The report goes to stderr when the file itself is stdout.
            var o = Options.IsStandardOutput(outPath) ? ctx.Err : ctx.Out;
            if (parse.GetValue(json)) o.WriteLine(Json(e, outPath));
            else Print(o, e, outPath);
            return Cli.Success;
        }));
        return command;
    }

    // Names as the file's metadata writes them: CSV quoting for a name that holds a comma or a quote.
    private static string Quoted(string name) =>
        name.Contains(',') || name.Contains('"') ? "\"" + name.Replace("\"", "\"\"") + "\"" : name;

    // A long list (an image's pixels) shows its first and last names only.
    private static string Listed(IReadOnlyList<string> names) =>
        names.Count <= 12 ? string.Join(", ", names.Select(Quoted))
            : string.Join(", ", names.Take(3).Select(Quoted)) + ", …, " + Quoted(names[^1]);

    private static void Print(TextWriter o, Exported e, string path)
    {
        var d = e.Definition;
        o.WriteLine($"network: {d.Description}");
        var units = e.Image
            ? $"raw pixel values 0–{OnnxFormat.PixelScale} (divided by {OnnxFormat.PixelScale} inside: metadata seagull.pixel_scale), in the model's column order"
            : "in the model's units and column order";
        o.WriteLine($"input: x: float32 [rows, {d.InputWidth}] ({Listed(e.Inputs)}), {units} (metadata seagull.inputs)");
        var columns = e.Outputs[0].Columns;
        var names = string.Join(", ", e.Outputs.Select(x => x.Name));
        var what = e.Task == "classification" ? $"classes {Listed(columns)}" : Listed(columns);
        o.WriteLine($"output: {names}: float32 [rows, {columns.Count}] ({what})");
        o.WriteLine($"ONNX file (opset {OnnxFormat.Opset}) written to {path}");
    }

    private static string Json(Exported e, string path) => Text.Json(w =>
    {
        w.WriteStartObject();
        w.WriteString("path", path);
        w.WriteNumber("opset", OnnxFormat.Opset);
        w.WriteStartArray("inputs");
        foreach (var n in e.Inputs) w.WriteStringValue(n);
        w.WriteEndArray();
        Text.Objects(w, "outputs", e.Outputs, (w, x) =>
        {
            w.WriteString("name", x.Name);
            w.WriteStartArray("columns");
            foreach (var n in x.Columns) w.WriteStringValue(n);
            w.WriteEndArray();
        });
        w.WriteString("task", e.Task);
        w.WriteString("network", e.Definition.Description);
        w.WriteBoolean("exactly_invariant", e.Definition.IsExactlyInvariant);
        // The size of a regular file; a device (/dev/stdout) has none to report.
        if (File.Exists(path) && !Options.IsStandardOutput(path) && !path.StartsWith("/dev/", StringComparison.Ordinal)) w.WriteNumber("bytes", new FileInfo(path).Length);
        else w.WriteNull("bytes");
        // What the graph divides raw pixels by (Seagull's readers' scale, seagull.pixel_scale); tables have none.
        if (e.Image) w.WriteNumber("pixel_scale", OnnxFormat.PixelScale); else w.WriteNull("pixel_scale");
        w.WriteEndObject();
    });
}
