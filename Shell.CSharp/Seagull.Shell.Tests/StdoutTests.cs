using System.Diagnostics;
using System.Text.Json;
using Xunit;

namespace Seagull.Shell.Tests;

/// <summary>
/// <c>--out /dev/stdout</c> on the real process (in-process runs have no file descriptor 1 of their own): stdout
/// holds the file alone, and the command's notes and report go to stderr.
/// </summary>
public class StdoutTests
{
    private static (int Code, string Out, string Err) Run(params string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardError = true, RedirectStandardOutput = true };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "seagull.dll"));
        foreach (var a in args) start.ArgumentList.Add(a);
        using var process = Process.Start(start)!;
        var err = process.StandardError.ReadToEndAsync();
        var output = process.StandardOutput.ReadToEnd();
        Assert.True(process.WaitForExit(120_000), "the tool did not finish");
        return (process.ExitCode, output, err.Result);
    }

    [Fact]
    public void Files_written_to_standard_output_are_not_mixed_with_notes()
    {
        if (!OperatingSystem.IsLinux()) return;   // /dev/stdout
        using var dir = new TempFolder();
        var generated = Run("generate", "--target", "bead_pair", "--rows", "40", "--seed", "1", "--out", "/dev/stdout");
        Assert.True(generated.Code == 0, generated.Err);
        Assert.Equal(41, generated.Out.TrimEnd('\n').Split('\n').Length);
        Assert.StartsWith("u1,v1,w1,", generated.Out);
        Assert.Contains("wrote 40 rows of bead_pair to /dev/stdout", generated.Err);
        var data = dir.Write("data.csv", generated.Out);

        var model = dir.File("m.json");
        var train = Run("train", "--data", data, "--u", "u1", "--v", "v1", "--w", "w1", "--hidden", "4,4", "--epochs", "2", "--out", "/dev/stdout");
        Assert.True(train.Code == 0, train.Err);
        using (var json = JsonDocument.Parse(train.Out)) Assert.Equal(JsonValueKind.Object, json.RootElement.ValueKind);
        Assert.Contains("model written to /dev/stdout", train.Err);
        File.WriteAllText(model, train.Out);

        var both = Run("train", "--data", data, "--u", "u1", "--v", "v1", "--w", "w1", "--epochs", "1", "--out", "/dev/stdout", "--json");
        Assert.NotEqual(0, both.Code);
        Assert.Contains("--out is standard output and --json prints there too", both.Err);
        Assert.Equal("", both.Out);

        var predicted = Run("predict", "--model", model, "--data", data, "--out", "/dev/stdout");
        Assert.True(predicted.Code == 0, predicted.Err);
        var lines = predicted.Out.TrimEnd('\n').Split('\n');
        Assert.Equal(41, lines.Length);
        Assert.EndsWith(",prediction", lines[0]);
        Assert.DoesNotContain("wrote", predicted.Out);
        Assert.Contains("wrote 40 predictions to /dev/stdout", predicted.Err);
    }

    [Fact]
    public async Task A_reader_that_stops_early_is_not_an_error()
    {
        if (!OperatingSystem.IsLinux()) return;
        // `seagull generate … --out /dev/stdout | head -1`: the pipe closes after one line
        var start = new ProcessStartInfo("dotnet") { RedirectStandardError = true, RedirectStandardOutput = true };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "seagull.dll"));
        foreach (var a in new[] { "generate", "--target", "spring", "--rows", "300000", "--out", "/dev/stdout" }) start.ArgumentList.Add(a);
        using var process = Process.Start(start)!;
        var err = process.StandardError.ReadToEndAsync();
        Assert.StartsWith("u1,u2,u3", process.StandardOutput.ReadLine());
        process.StandardOutput.Close();
        Assert.True(process.WaitForExit(120_000), "the tool did not finish");
        var errText = await err;
        Assert.True(process.ExitCode == 0, errText);
        Assert.DoesNotContain("error", errText);
    }
}
