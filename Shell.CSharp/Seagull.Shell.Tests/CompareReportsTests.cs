using Seagull.Api;
using Seagull.Reports;
using Xunit;

namespace Seagull.Shell.Tests;

/// <summary>Seagull.Reports' entry for C#: a comparison's report files and plots, and one-line errors for a bad folder.</summary>
public class CompareReportsTests
{
    private static CompareResult Tiny() =>
        Experiment.Run(CompareOptions.Quick with { Targets = ["bead_pair"], Variants = ["mlp-tanh", "symmetrized"], Seeds = 1, Epochs = 1, TrainSamples = 64, TestSamples = 32, Jobs = 2 });

    [Fact]
    public void Write_puts_the_reports_and_the_plots_into_the_folder()
    {
        using var dir = new TempFolder();
        var folder = Path.Combine(dir.Path, "new", "run");   // made if missing
        var result = Tiny();
        var files = CompareReports.Write(folder, result);
        Assert.Equal(["activations.png", "curves-bead_pair.png", "curves.csv", "mse.png", "results.csv", "summary.json", "summary.md"],
                     files.Select(Path.GetFileName).Order());
        Assert.All(files, f => Assert.True(new FileInfo(f).Length > 0, f));
        Assert.Equal(result.ToMarkdown(), File.ReadAllText(Path.Combine(folder, "summary.md")));
    }

    [Fact]
    public void A_bad_folder_or_no_result_is_a_one_line_error()
    {
        var result = Tiny();
        using var dir = new TempFolder();
        Assert.Throws<ArgumentNullException>(() => CompareReports.Write(dir.Path, (CompareResult)null!));
        Assert.Throws<ArgumentException>(() => CompareReports.Write(" ", result));
        var file = dir.Write("taken", "a file, not a folder");
        var e = Assert.Throws<IOException>(() => CompareReports.Write(file, result));
        Assert.DoesNotContain('\n', e.Message);
    }
}
