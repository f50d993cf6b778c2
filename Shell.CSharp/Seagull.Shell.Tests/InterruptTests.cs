using System.Diagnostics;
using Xunit;

namespace Seagull.Shell.Tests;

/// <summary>Ctrl+C on the real process: exit code 130, one line "error: cancelled", nothing half-written.</summary>
public class InterruptTests
{
    private static (int Code, string Err) RunAndInterrupt(string[] args, TimeSpan after)
    {
        var tool = Path.Combine(AppContext.BaseDirectory, "seagull.dll");
        var start = new ProcessStartInfo("dotnet") { RedirectStandardError = true, RedirectStandardOutput = true };
        start.ArgumentList.Add(tool);
        foreach (var a in args) start.ArgumentList.Add(a);
        using var process = Process.Start(start)!;
        var err = process.StandardError.ReadToEndAsync();
        var output = process.StandardOutput.ReadToEndAsync();
        Thread.Sleep(after);
        using (var kill = Process.Start("kill", ["-INT", process.Id.ToString()])) kill.WaitForExit();
        Assert.True(process.WaitForExit(60_000), "the process did not stop after Ctrl+C");
        output.Wait();
        return (process.ExitCode, err.Result);
    }

    [Fact]
    public void Ctrl_C_inside_one_long_step_still_says_cancelled_and_leaves_no_file()
    {
        if (OperatingSystem.IsWindows()) return; // SIGINT is a Unix signal; Windows delivers Ctrl+C differently
        using var dir = new TempFolder();
        var target = dir.File("big.csv");
        // Three million rows: seconds of drawing and writing, no cancellation point inside for the grace period.
        var (code, err) = RunAndInterrupt(["generate", "--target", "bead_pair", "--rows", "3000000", "--out", target], TimeSpan.FromSeconds(1));
        Assert.Equal(130, code);
        Assert.Equal("error: cancelled", err.Trim());
        Assert.False(File.Exists(target));
        Assert.Empty(Directory.GetFiles(dir.Path, "*.tmp"));
    }

    [Fact]
    public void Ctrl_C_during_training_says_cancelled_and_keeps_the_existing_model_file()
    {
        if (OperatingSystem.IsWindows()) return;
        using var dir = new TempFolder();
        var model = dir.Write("model.json", "the user's earlier file");
        var (code, err) = RunAndInterrupt(["train", "--target", "spring", "--epochs", "100000", "--samples", "500", "--out", model], TimeSpan.FromSeconds(3));
        Assert.Equal(130, code);
        Assert.EndsWith("error: cancelled", err.Trim());
        Assert.Equal("the user's earlier file", File.ReadAllText(model));
    }
}
