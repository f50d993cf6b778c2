using System.Globalization;
using System.Text;
using Core = global::Seagull;

namespace Seagull.Api;

/// <summary>
/// Predictions for the rows of a CSV file, with the columns they were made from: the model's input
/// columns, the target column when the file has it, and a prediction column.
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
    private readonly double[][] columns;

    internal PredictionTable(IReadOnlyList<string> headers, double[][] columns)
    {
        Headers = headers;
        this.columns = columns;
    }

    /// <summary>The column names, the prediction column last.</summary>
    /// <example><code>Console.WriteLine(string.Join(",", table.Headers));</code></example>
    public IReadOnlyList<string> Headers { get; }

    /// <summary>Number of rows.</summary>
    /// <example><code>Console.WriteLine(table.Rows);</code></example>
    public int Rows => columns.Length == 0 ? 0 : columns[0].Length;

    /// <summary>The predictions, one per row (a copy).</summary>
    /// <example><code>double[] p = table.Predictions;</code></example>
    public double[] Predictions => (double[])columns[^1].Clone();

    /// <summary>A copy of the values of the column named <paramref name="header"/>.</summary>
    /// <exception cref="ArgumentException">No column has that name.</exception>
    /// <example><code>double[] u1 = table.Column("u1");</code></example>
    public double[] Column(string header)
    {
        for (var j = 0; j < Headers.Count; j++)
            if (Headers[j] == header) return (double[])columns[j].Clone();
        throw new ArgumentException($"no column '{header}'; columns: {string.Join(", ", Headers)}", nameof(header));
    }

    /// <summary>The table as CSV text: a header row, then numbers in round-trip form ("R", invariant culture).</summary>
    /// <example><code>File.WriteAllText("p.csv", table.ToCsv());</code></example>
    public string ToCsv()
    {
        var sb = new StringBuilder();
        sb.Append(string.Join(",", Headers.Select(Quote))).Append('\n');
        for (var i = 0; i < Rows; i++)
        {
            for (var j = 0; j < columns.Length; j++)
            {
                if (j > 0) sb.Append(',');
                sb.Append(columns[j][i].ToString("R", CultureInfo.InvariantCulture));
            }
            sb.Append('\n');
        }
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
        try { Core.Csv.writeColumns(path, Headers.ToArray(), columns); }
        catch (Core.SeagullException e) { throw new IOException(e.Message, e); }
    }
}
