using System.Globalization;
using System.Text;
using Seagull.Api;
using Xunit;

namespace Seagull.Shell.Tests;

/// <summary>
/// <see cref="SwapInvariantRegressor.PredictCsv(string, string, CancellationToken)"/> and the streamed
/// <c>Evaluate(csvPath)</c>: the text and the metrics of the in-memory path, errors naming the file, the line and the
/// column, and no file after an error or a cancellation; the CLI's predict and evaluate on top of them.
/// </summary>
public class StreamingTests
{
    private static string Fixture(string name) => Path.Combine(AppContext.BaseDirectory, "Fixtures", name);

    private static string R(double x) => x.ToString("R", CultureInfo.InvariantCulture);

    private static readonly string[] Notes = ["plain", "with, comma", "say \"hi\"", "two\nlines", "  padded  ", "", "É café"];

    private static string Quoted(string s) =>
        s.Length == 0 || s.Trim() != s || s.IndexOfAny([',', '"', '\r', '\n']) >= 0 ? "\"" + s.Replace("\"", "\"\"") + "\"" : s;

    /// <summary>A CSV file for a model with inputs <paramref name="names"/>: an id and a note around them (text that
    /// needs quotes, numbers spelt several ways), then the <paramref name="extra"/> columns of text.</summary>
    private static string DataFile(TempFolder dir, string name, int rows, IReadOnlyList<string> names, params string[] extra)
    {
        var rng = new Random(rows);
        var text = new StringBuilder();
        text.Append(string.Join(",", new[] { "id", names[0], "note" }.Concat(names.Skip(1)).Concat(extra).Select(Quoted))).Append('\n');
        string Number()
        {
            var v = rng.NextDouble() * 4 - 2;
            return rng.Next(4) switch { 0 => R(v), 1 => v.ToString("E4", CultureInfo.InvariantCulture), 2 => $" {R(v)} ", _ => $"\"{R(v)}\"" };
        }
        for (var i = 0; i < rows; i++)
        {
            var fields = new List<string> { Quoted($"row {i}, {Notes[i % Notes.Length]}"), Number(), Quoted(Notes[rng.Next(Notes.Length)]) };
            fields.AddRange(names.Skip(1).Select(_ => Number()));
            fields.AddRange(extra.Select(_ => Quoted(Notes[rng.Next(Notes.Length)])));
            text.Append(string.Join(",", fields)).Append(i % 3 == 0 ? "\r\n" : "\n");
        }
        return dir.Write(name, text.ToString());
    }

    /// <summary>One record a line, no quotes: row i is on line i + 2.</summary>
    private static string PlainFile(TempFolder dir, string name, int rows, IReadOnlyList<string> names, Func<int, double[], string>? target = null)
    {
        var rng = new Random(rows + 1);
        var lines = new List<string> { string.Join(",", names) + (target is null ? "" : ",y") };
        for (var i = 0; i < rows; i++)
        {
            var x = names.Select(_ => rng.NextDouble() * 2 - 1).ToArray();
            lines.Add(string.Join(",", x.Select(R)) + (target is null ? "" : "," + target(i, x)));
        }
        return dir.Write(name, string.Join("\n", lines) + "\n");
    }

    private static SwapInvariantRegressor OneOutput() => SwapInvariantRegressor.Load(Fixture("format1/mlp.json"));

    private static SwapInvariantRegressor TwoOutputs() => SwapInvariantRegressor.Load(Fixture("custom-tree.json"));

    [Theory]
    [InlineData(1, 1)]
    [InlineData(1, 5000)]
    [InlineData(2, 3)]
    [InlineData(2, 4097)]
    public void PredictCsv_writes_the_bytes_of_the_in_memory_table(int outputs, int rows)
    {
        using var dir = new TempFolder();
        var regressor = outputs == 1 ? OneOutput() : TwoOutputs();
        var names = regressor.InputNames;
        // "prediction" (and "prediction_p") are already columns of the file: the new ones are renamed
        var input = DataFile(dir, "new.csv", rows, names, outputs == 1 ? ["prediction", "prediction_1"] : ["prediction_p"]);
        var table = regressor.PredictTable(input);
        var expected = dir.File("table.csv");
        table.WriteCsv(expected);
        Assert.Equal(Encoding.UTF8.GetBytes(table.ToCsv()), File.ReadAllBytes(expected));

        var streamed = dir.File("streamed.csv");
        Assert.Equal((long)rows, regressor.PredictCsv(input, streamed));
        Assert.Equal(File.ReadAllBytes(expected), File.ReadAllBytes(streamed));
        var text = new StringWriter();
        Assert.Equal((long)rows, regressor.PredictCsv(input, text));
        Assert.Equal(table.ToCsv(), text.ToString());
        Assert.Equal(outputs == 1 ? "prediction_2" : "prediction_p_1", table.Headers[names.Count + 2 + (outputs == 1 ? 2 : 1)]);
    }

    [Fact]
    public void PredictCsv_errors_name_the_file_line_and_column_and_leave_no_file()
    {
        using var dir = new TempFolder();
        var regressor = OneOutput();
        var names = regressor.InputNames;
        var lines = File.ReadAllLines(PlainFile(dir, "clean.csv", 6000, names));
        lines[4999] = string.Join(",", lines[4999].Split(',').Select((f, j) => j == 1 ? "1,5" : f)); // line 5000: a comma for a point
        var bad = dir.Write("bad.csv", string.Join("\n", lines) + "\n");
        var output = dir.Write("out.csv", "the user's earlier file");
        var e = Assert.Throws<InvalidDataException>(() => regressor.PredictCsv(bad, output));
        Assert.StartsWith($"'{bad}' line 5000 has 10 fields, the header has 9", e.Message);
        Assert.Equal("the user's earlier file", File.ReadAllText(output));
        lines[4999] = string.Join(",", lines[4999].Split(',').Where((_, j) => j != 2).Select((f, j) => j == 1 ? "1.5e" : f));
        bad = dir.Write("bad.csv", string.Join("\n", lines) + "\n");
        e = Assert.Throws<InvalidDataException>(() => regressor.PredictCsv(bad, dir.File("new.csv")));
        Assert.StartsWith($"'{bad}' line 5000, column 'u2': '1.5e' is not a number", e.Message);
        Assert.Equal(e.Message, Assert.Throws<InvalidDataException>(() => regressor.PredictTable(bad)).Message);
        Assert.False(File.Exists(dir.File("new.csv")));
        Assert.Empty(Directory.GetFiles(dir.Path, "*.tmp"));
        // the other arguments
        var good = PlainFile(dir, "good.csv", 10, names);
        Assert.Throws<FileNotFoundException>(() => regressor.PredictCsv(dir.File("missing.csv"), output));
        Assert.Equal("outputPath", Assert.Throws<ArgumentException>(() => regressor.PredictCsv(good, good)).ParamName);
        Assert.Equal("outputPath", Assert.Throws<ArgumentException>(() => regressor.PredictCsv(good, " ")).ParamName);
        Assert.Contains("names a folder", Assert.Throws<IOException>(() => regressor.PredictCsv(good, dir.Path + "/")).Message);
        Assert.Contains("is a folder", Assert.Throws<IOException>(() => regressor.PredictCsv(good, dir.Path)).Message);
        Assert.Throws<ArgumentNullException>(() => regressor.PredictCsv(good, (TextWriter)null!));
        Assert.Throws<InvalidOperationException>(() => SwapInvariantRegressor.Create(3, 3).PredictCsv(good, output));
    }

    [Fact]
    public void PredictCsv_cancelled_leaves_no_file()
    {
        using var dir = new TempFolder();
        var regressor = OneOutput();
        var input = PlainFile(dir, "new.csv", 100, regressor.InputNames);
        using var cancel = new CancellationTokenSource();
        cancel.Cancel();
        Assert.ThrowsAny<OperationCanceledException>(() => regressor.PredictCsv(input, dir.File("out.csv"), cancel.Token));
        Assert.False(File.Exists(dir.File("out.csv")));
        var text = new StringWriter();
        Assert.ThrowsAny<OperationCanceledException>(() => regressor.PredictCsv(input, text, cancel.Token));
        Assert.Equal("", text.ToString());
        var withTarget = PlainFile(dir, "test.csv", 100, regressor.InputNames, (i, _) => R(i));
        Assert.ThrowsAny<OperationCanceledException>(() => regressor.Evaluate(withTarget, null, cancel.Token));
        Assert.Equal([input, withTarget], Directory.GetFiles(dir.Path).Order());
    }

    [Fact]
    public void Evaluate_on_a_csv_file_has_the_bits_of_Evaluate_on_arrays()
    {
        using var dir = new TempFolder();
        var regressor = OneOutput();
        var names = regressor.InputNames;
        var noise = new Random(5);
        var path = PlainFile(dir, "test.csv", 9000, names, (i, x) => R(Math.Sin(x[0] + x[4]) + noise.NextDouble()));
        var table = regressor.PredictTable(path);
        var x = new double[table.Rows, names.Count];
        for (var j = 0; j < names.Count; j++)
        {
            var column = table.Column(names[j]);
            for (var i = 0; i < table.Rows; i++) x[i, j] = column[i];
        }
        var expected = regressor.Evaluate(x, table.Column("y"));
        var streamed = regressor.Evaluate(path);
        Assert.Equal(9000, streamed.N);
        foreach (var (a, b) in new[] { (expected.Mse, streamed.Mse), (expected.Rmse, streamed.Rmse), (expected.R2, streamed.R2),
                                       (expected.InvarianceError, streamed.InvarianceError), (expected.MseStandardized, streamed.MseStandardized) })
            Assert.Equal(BitConverter.DoubleToInt64Bits(a), BitConverter.DoubleToInt64Bits(b));
        // a file without the target column: one line naming it
        var noTarget = PlainFile(dir, "no-y.csv", 10, names);
        Assert.Equal($"'{noTarget}' line 1 (header): no target column 'y' to compare the predictions with; name the target column",
                     Assert.Throws<InvalidDataException>(() => regressor.Evaluate(noTarget)).Message);
    }

    [Fact]
    public void The_CLI_streams_predictions_to_a_file_and_to_stdout_and_an_error_leaves_no_file()
    {
        using var dir = new TempFolder();
        var model = Fixture("format1/mlp.json");
        var input = DataFile(dir, "new.csv", 4500, OneOutput().InputNames, "prediction");
        var output = dir.File("p.csv");
        var toFile = CliRun.Of("predict", "--model", model, "--data", input, "--out", output);
        Assert.True(toFile.ExitCode == 0, toFile.ToString());
        Assert.Equal($"wrote 4500 predictions to {output}", toFile.Err.Trim());
        var toStdout = CliRun.Of("predict", "--model", model, "--data", input);
        Assert.True(toStdout.ExitCode == 0, toStdout.ToString());
        Assert.Equal(File.ReadAllText(output), toStdout.Out);
        Assert.Equal(OneOutput().PredictTable(input).ToCsv(), toStdout.Out);

        var lines = File.ReadAllLines(PlainFile(dir, "plain.csv", 5000, OneOutput().InputNames));
        lines[4321] = string.Join(",", lines[4321].Split(',').Select((f, j) => j == 1 ? "" : f));
        var bad = dir.Write("bad.csv", string.Join("\n", lines) + "\n");
        var failed = CliRun.Of("predict", "--model", model, "--data", bad, "--out", dir.File("bad-p.csv"));
        Assert.Equal(1, failed.ExitCode);
        Assert.Equal($"error: '{bad}' line 4322, column 'u2': the cell is empty; a number is needed", failed.Err.Trim());
        Assert.False(File.Exists(dir.File("bad-p.csv")));
        Assert.Empty(Directory.GetFiles(dir.Path, "*.tmp"));
        // on stdout, the chunks before the error are out already; nothing after it
        var failedOut = CliRun.Of("predict", "--model", model, "--data", bad);
        Assert.Equal(1, failedOut.ExitCode);
        Assert.Equal(4096 + 1, failedOut.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
    }
}
