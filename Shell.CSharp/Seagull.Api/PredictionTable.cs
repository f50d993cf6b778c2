using System.Globalization;
using System.Text;
using Core = global::Seagull.Core;

namespace Seagull.Api;

/// <summary>
/// Predictions for the rows of a CSV file next to the file's own columns: every column of the file, in its
/// order and as written (ids and notes included), then a prediction column per output.
/// </summary>
/// <example>
/// <code>
/// PredictionTable table = regressor.PredictTable("new.csv");
/// table.WriteCsv("predictions.csv");   // atomic
/// Console.Write(table.ToCsv());
/// </code>
/// </example>
public sealed class PredictionTable
{
    private readonly string[][] fields;
    private readonly double[] predictions;   // row-major, rows × outputs
    private readonly int outputs;

    internal PredictionTable(IReadOnlyList<string> headers, string[][] fields, double[] predictions, int outputs)
    {
        Headers = headers;
        this.fields = fields;
        this.predictions = predictions;
        this.outputs = outputs;
    }

    /// <summary>The column names: the file's columns, the prediction columns last.</summary>
    /// <example><code>Console.WriteLine(string.Join(",", table.Headers));</code></example>
    public IReadOnlyList<string> Headers { get; }

    /// <summary>The names of the prediction columns, one per output ("prediction", or "prediction_NAME" per target for several).</summary>
    /// <example><code>Console.WriteLine(string.Join(",", table.PredictionColumns));</code></example>
    public IReadOnlyList<string> PredictionColumns => ReadOnly.List(Headers.Skip(Headers.Count - outputs).ToArray());

    /// <summary>The name of the prediction column ("prediction", or "prediction_1", … when the file has one).</summary>
    /// <exception cref="InvalidOperationException">The model has several outputs (use <see cref="PredictionColumns"/>).</exception>
    /// <example><code>Console.WriteLine(table.PredictionColumn);</code></example>
    public string PredictionColumn => outputs == 1 ? Headers[^1] : throw Several();

    /// <summary>Number of rows.</summary>
    /// <example><code>Console.WriteLine(table.Rows);</code></example>
    public int Rows => fields.Length;

    /// <summary>The predictions, one per row (a copy).</summary>
    /// <exception cref="InvalidOperationException">The model has several outputs (use <see cref="Column"/> with a prediction column).</exception>
    /// <example><code>double[] p = table.Predictions;</code></example>
    public double[] Predictions => outputs == 1 ? (double[])predictions.Clone() : throw Several();

    private InvalidOperationException Several() =>
        new($"the table has {outputs} prediction columns ({string.Join(", ", PredictionColumns)}); name one");

    private int PredictionIndex(int j) => j - (Headers.Count - outputs);

    private double Prediction(int row, int output) => predictions[row * outputs + output];

    /// <summary>The values of the column named <paramref name="header"/> as numbers (a copy).</summary>
    /// <exception cref="ArgumentException">No column has that name.</exception>
    /// <exception cref="FormatException">A cell of that column is not a number.</exception>
    /// <example><code>double[] u1 = table.Column("u1");</code></example>
    public double[] Column(string header)
    {
        var j = IndexOf(header);
        if (PredictionIndex(j) is var o && o >= 0) return Enumerable.Range(0, Rows).Select(i => Prediction(i, o)).ToArray();
        var values = new double[Rows];
        for (var i = 0; i < values.Length; i++)
        {
            if (!double.TryParse(fields[i][j], NumberStyles.Float, CultureInfo.InvariantCulture, out values[i]))
                throw new FormatException($"column '{header}', row {i + 1}: '{fields[i][j]}' is not a number");
        }
        return values;
    }

    /// <summary>The cells of the column named <paramref name="header"/> as written in the file (a copy).</summary>
    /// <exception cref="ArgumentException">No column has that name.</exception>
    /// <example><code>string[] ids = table.Text("id");</code></example>
    public string[] Text(string header)
    {
        var j = IndexOf(header);
        return PredictionIndex(j) is var o && o >= 0
            ? Enumerable.Range(0, Rows).Select(i => Prediction(i, o).ToString("R", CultureInfo.InvariantCulture)).ToArray()
            : fields.Select(row => row[j]).ToArray();
    }

    private int IndexOf(string header)
    {
        for (var j = 0; j < Headers.Count; j++)
            if (Headers[j] == header) return j;
        throw new ArgumentException($"no column '{header}'; columns: {string.Join(", ", Headers)}", nameof(header));
    }

    private string[][] Records() =>
        fields.Select((row, i) => row.Concat(Enumerable.Range(0, outputs).Select(o => Prediction(i, o).ToString("R", CultureInfo.InvariantCulture))).ToArray()).ToArray();

    /// <summary>The table as CSV text: a header row, the file's cells as written, predictions in round-trip form ("R", invariant culture).</summary>
    /// <example><code>File.WriteAllText("p.csv", table.ToCsv());</code></example>
    public string ToCsv()
    {
        var sb = new StringBuilder();
        sb.Append(string.Join(",", Headers.Select(Quote))).Append('\n');
        foreach (var record in Records())
            sb.Append(string.Join(",", record.Select(Quote))).Append('\n');
        return sb.ToString();
    }

    private static string Quote(string s) =>
        s.Length == 0 || s.Trim() != s || s.IndexOfAny([',', '"', '\r', '\n']) >= 0 ? "\"" + s.Replace("\"", "\"\"") + "\"" : s;

    /// <summary>Writes the table to a CSV file atomically (a temporary file renamed over the destination).</summary>
    /// <exception cref="IOException">The file cannot be written.</exception>
    /// <example><code>table.WriteCsv("out/predictions.csv");</code></example>
    public void WriteCsv(string path)
    {
        if (string.IsNullOrWhiteSpace(path)) throw new ArgumentException("the output path is empty", nameof(path));
        Guard.Io(() => Core.Csv.writeText(path, Headers.ToArray(), Records()));
    }
}
