// Serves a Seagull model exported to ONNX (`seagull export --model m.json --out m.onnx`) with ONNX Runtime only.
// Usage: OnnxServe MODEL.onnx DATA.csv
// DATA.csv has a header row and plain comma-separated numbers (no quoted fields); its columns are found by the names
// the model lists in its metadata (seagull.inputs), in any order, other columns ignored. Prints one CSV line per row:
// the model's outputs (y for a regressor; the class probabilities for a classifier), named as seagull.outputs names them.
using System.Globalization;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

if (args.Length != 2)
{
    Console.Error.WriteLine("usage: OnnxServe MODEL.onnx DATA.csv");
    return 2;
}
try
{
    using var session = new InferenceSession(args[0]);
    var metadata = session.ModelMetadata.CustomMetadataMap;
    var inputs = Names(metadata["seagull.inputs"]);
    var outputs = Names(metadata["seagull.outputs"]);
    var output = metadata["seagull.task"] == "classification" ? "probabilities" : "y";

    var lines = File.ReadAllLines(args[1]).Where(l => l.Length > 0).ToArray();
    var header = lines[0].Split(',');
    var columns = inputs.Select(name => Array.IndexOf(header, name) is var at and >= 0 ? at
        : throw new InvalidDataException($"'{args[1]}' has no column '{name}' (the model's inputs: {string.Join(", ", inputs)})")).ToArray();
    var rows = lines.Length - 1;
    var x = new DenseTensor<float>([rows, inputs.Length]);
    for (var i = 0; i < rows; i++)
    {
        var fields = lines[i + 1].Split(',');
        for (var j = 0; j < columns.Length; j++) x[i, j] = float.Parse(fields[columns[j]], CultureInfo.InvariantCulture);
    }

    using var results = session.Run([NamedOnnxValue.CreateFromTensor("x", x)]);
    var y = results.Single(r => r.Name == output).AsTensor<float>();
    Console.WriteLine($"# {metadata["seagull.network"]}: {rows} rows, output '{output}'");
    Console.WriteLine(string.Join(",", outputs));
    for (var i = 0; i < rows; i++)
        Console.WriteLine(string.Join(",", Enumerable.Range(0, outputs.Length).Select(k => y[i, k].ToString("R", CultureInfo.InvariantCulture))));
    return 0;
}
catch (Exception e) when (e is IOException or InvalidDataException or OnnxRuntimeException or FormatException or KeyNotFoundException)
{
    Console.Error.WriteLine($"error: {e.Message}");
    return 1;
}

// The comma-separated names of the metadata, a name with a comma in CSV quotes.
static string[] Names(string list)
{
    var names = new List<string>();
    var current = new System.Text.StringBuilder();
    var quoted = false;
    for (var i = 0; i < list.Length; i++)
    {
        var c = list[i];
        if (quoted && c == '"' && i + 1 < list.Length && list[i + 1] == '"') { current.Append('"'); i++; }
        else if (c == '"') quoted = !quoted;
        else if (c == ',' && !quoted) { names.Add(current.ToString()); current.Clear(); }
        else current.Append(c);
    }
    names.Add(current.ToString());
    return names.ToArray();
}
