using System.Text.Json;
using Seagull.Api;
using Xunit;

namespace Seagull.Shell.Tests;

/// <summary>compare --images: the report files, the exact designs' zero disagreement, repeatability and usage errors.</summary>
public class ImageCompareTests
{
    [Fact]
    public void Compare_on_images_writes_the_report_and_exact_designs_agree_with_their_mirror()
    {
        using var tmp = new TempFolder();
        var outDir = tmp.File("out");
        var args = new[] { "compare", "--images", "synthetic", "--variants", "mlp-relu,split,symmetrized,augment", "--hidden", "16,8",
                           "--epochs", "2", "--seeds", "2", "--out", outDir, "--json" };
        var run = CliRun.Of(args);
        Assert.True(run.ExitCode == 0, run.ToString());
        foreach (var name in new[] { "results.csv", "curves.csv", "summary.md", "summary.json", "accuracy.png", "curves.png" })
            Assert.True(File.Exists(Path.Combine(outDir, name)), name);
        using var doc = JsonDocument.Parse(run.Out);
        var rows = doc.RootElement.GetProperty("summary").EnumerateArray().ToDictionary(r => r.GetProperty("variant").GetString()!);
        Assert.Equal(4, rows.Count);
        foreach (var exact in new[] { "split", "symmetrized" })
        {
            Assert.True(rows[exact].GetProperty("exactlyInvariant").GetBoolean());
            Assert.Equal(0.0, rows[exact].GetProperty("disagreement").GetDouble());
            Assert.Equal(rows[exact].GetProperty("accuracy").GetDouble(), rows[exact].GetProperty("mirroredAccuracy").GetDouble());
        }
        Assert.False(rows["mlp-relu"].GetProperty("exactlyInvariant").GetBoolean());
        Assert.Equal(8, File.ReadAllLines(Path.Combine(outDir, "results.csv")).Length - 1);
        Assert.Equal(16, File.ReadAllLines(Path.Combine(outDir, "curves.csv")).Length - 1);   // 8 cells × 2 epochs
        // One thread per cell: the results do not depend on how many run at once.
        var again = CliRun.Of(args.Concat(new[] { "--jobs", "1" }).Select(a => a == outDir ? tmp.File("again") : a).ToArray());
        Assert.Equal(File.ReadAllText(Path.Combine(outDir, "results.csv")).Split('\n').Select(l => string.Join(",", l.Split(',').Take(9))),
                     File.ReadAllText(Path.Combine(tmp.File("again"), "results.csv")).Split('\n').Select(l => string.Join(",", l.Split(',').Take(9))));
    }

    [Fact]
    public void Image_compare_usage_errors_are_one_line()
    {
        using var tmp = new TempFolder();
        var run = CliRun.Of("compare", "--images", "synthetic", "--variants", "split", "--out", tmp.File("o"));
        Assert.Equal(1, run.ExitCode);
        Assert.Contains("baseline mlp-relu", run.Err);
        var folder = ImageFiles.Folder(ImageData.Synthetic(20, 8, 8), tmp.File("f"));
        run = CliRun.Of("compare", "--images", folder, "--out", tmp.File("o"));
        Assert.Equal(1, run.ExitCode);
        Assert.Contains("--test-images", run.Err);
        Assert.Equal(2, CliRun.Of("compare", "--images", "synthetic", "--targets", "coulomb").ExitCode);
        Assert.Equal(2, CliRun.Of("compare", "--patience", "3").ExitCode);
        Assert.False(Directory.Exists(tmp.File("o")));
    }
}
