using System.Text.Json;
using Seagull.Api;
using Xunit;

namespace Seagull.Shell.Tests;

/// <summary>Rows with missing values: refused with how to skip them, skipped and counted with --drop-missing (dropMissing in C#).</summary>
public class DropMissingTests : IDisposable
{
    private readonly TempFolder dir = new();
    private readonly string gaps, complete;

    public DropMissingTests()
    {
        complete = dir.File("complete.csv");
        Targets.Get("bead_pair").Generate(40, seed: 1).WriteCsv(complete);
        var lines = File.ReadAllLines(complete).ToList();
        // three rows with a missing value in a column used (u1 empty, v1 NA, y NaN)
        lines[3] = "," + lines[3][(lines[3].IndexOf(',') + 1)..];
        var fields = lines[5].Split(',');
        fields[1] = "NA";
        lines[5] = string.Join(",", fields);
        lines[7] = lines[7][..lines[7].LastIndexOf(',')] + ",NaN";
        gaps = dir.Write("gaps.csv", string.Join("\n", lines) + "\n");
    }

    public void Dispose() => dir.Dispose();

    private string[] Train(string data, params string[] more) =>
        ["train", "--data", data, "--u", "u1", "--v", "v1", "--w", "w1", "--epochs", "1", "--test-fraction", "0.25", "--out", dir.File("m.json"), .. more];

    [Fact]
    public void Train_refuses_a_missing_value_with_how_to_skip_it_and_skips_and_counts_with_drop_missing()
    {
        var refused = CliRun.Of(Train(gaps));
        Assert.Equal(1, refused.ExitCode);
        Assert.Equal($"error: '{gaps}' line 4, column 'u1': the cell is empty; a number is needed (to skip rows with missing values: --drop-missing on the command line, dropMissing: true in C#)", refused.Err.TrimEnd());

        var text = CliRun.Of(Train(gaps, "--drop-missing"));
        Assert.True(text.ExitCode == 0, text.ToString());
        Assert.Contains("data: gaps.csv, 28 training rows, 9 test rows (u:1 v:1 w:1), 3 rows with missing values dropped", text.Out);
        var json = CliRun.Of(Train(gaps, "--drop-missing", "--json"));
        using (var doc = JsonDocument.Parse(json.Out))
        {
            Assert.Equal(3, doc.RootElement.GetProperty("dropped_rows").GetInt32());
            Assert.Equal(37, doc.RootElement.GetProperty("train_rows").GetInt32() + doc.RootElement.GetProperty("test_rows").GetInt32());
        }
        // nothing to drop: said so
        Assert.Contains("(u:1 v:1 w:1), no rows with missing values, none dropped", CliRun.Of(Train(complete, "--drop-missing")).Out);
        // without the option the report says nothing of it
        Assert.DoesNotContain("missing", CliRun.Of(Train(complete)).Out);
    }

    [Fact]
    public void Drop_missing_still_refuses_text_that_is_not_a_number_and_too_few_rows()
    {
        var typo = dir.Write("typo.csv", File.ReadAllText(gaps).Replace(",NaN\n", ",1.5 kg\n"));
        var run = CliRun.Of(Train(typo, "--drop-missing"));
        Assert.Equal(1, run.ExitCode);
        Assert.Contains("column 'y': '1.5 kg' is not a number", run.Err);
        var few = dir.Write("few.csv", "u1,v1,w1,y\n1,2,3,4\n,2,3,4\nNA,1,2,3\n");
        run = CliRun.Of(Train(few, "--drop-missing"));
        Assert.Equal(1, run.ExitCode);
        Assert.Equal($"error: '{few}': only 1 row is left after dropping 2 of 3 rows with missing values; at least 2 are needed", run.Err.TrimEnd());
        Assert.False(File.Exists(dir.File("m.json")));
    }

    [Fact]
    public void Drop_missing_needs_data_to_drop_from()
    {
        var run = CliRun.Of("train", "--target", "spring", "--drop-missing", "--out", dir.File("m.json"));
        Assert.Equal(2, run.ExitCode);
        Assert.Contains("--drop-missing skips rows of --data; give --data FILE.csv too", run.Err);
        Assert.Equal(2, CliRun.Of("compare", "--quick", "--drop-missing", "--out", dir.File("cmp")).ExitCode);
    }

    [Fact]
    public void Compare_drops_and_counts_and_its_summary_records_how_the_file_was_read()
    {
        string[] compare = ["compare", "--data", gaps, "--u", "u1", "--v", "v1", "--w", "w1", "--variants", "mlp-tanh", "--seeds", "1", "--epochs", "1",
                            "--hidden", "4,4", "--jobs", "1", "--out", dir.File("cmp")];
        Assert.Contains("--drop-missing", CliRun.Of(compare).Err);
        var run = CliRun.Of([.. compare, "--drop-missing"]);
        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains($"data: {gaps}: 3 rows with missing values dropped", run.Err);
        Assert.Contains("\"data_drop_missing\": \"3 rows with missing values dropped (--drop-missing)\"", File.ReadAllText(dir.File("cmp/summary.json")));
    }

    [Fact]
    public void The_api_drops_and_counts_on_request()
    {
        var roles = ColumnRoles.Parse("u1", "v1", "w1");
        var e = Assert.Throws<InvalidDataException>(() => RegressionData.FromCsv(gaps, roles));
        Assert.Contains("dropMissing: true", e.Message);
        var data = RegressionData.FromCsv(gaps, roles, dropMissing: true);
        Assert.Equal(3, data.DroppedRows);
        Assert.Equal(37, data.Rows);
        Assert.Equal(0, data.Split(0.25).Train.DroppedRows);
        Assert.Equal(0, RegressionData.FromCsv(complete, roles, dropMissing: true).DroppedRows);
        var prepared = Experiment.Prepare(CompareOptions.Quick with { Targets = [], Data = new CompareData(gaps, roles, DropMissing: true) });
        Assert.Equal(3, prepared.DroppedRows);
    }
}
