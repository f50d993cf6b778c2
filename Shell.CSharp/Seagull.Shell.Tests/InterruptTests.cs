using System.Diagnostics;
using Xunit;

namespace Seagull.Shell.Tests;

/// <summary>Ctrl+C on the real process: exit code 130, one line "error: cancelled", nothing half-written.</summary>
public class InterruptTests
{
    // SIGINT through libc: no `kill` program needed on the machine (minimal images may lack one).
    private const int SigInt = 2;

    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "kill")]
    private static extern int Kill(int pid, int signal);

    /// <summary>Runs the tool, sends SIGINT after <paramref name="after"/>; null when it had already finished.</summary>
    private static (int Code, string Err)? RunAndInterrupt(string[] args, TimeSpan after)
    {
        var tool = Path.Combine(AppContext.BaseDirectory, "seagull.dll");
        var start = new ProcessStartInfo("dotnet") { RedirectStandardError = true, RedirectStandardOutput = true };
        start.ArgumentList.Add(tool);
        foreach (var a in args) start.ArgumentList.Add(a);
        using var process = Process.Start(start)!;
        try
        {
            var err = process.StandardError.ReadToEndAsync();
            var output = process.StandardOutput.ReadToEndAsync();
            if (process.WaitForExit(after)) return null;
            Assert.Equal(0, Kill(process.Id, SigInt));
            Assert.True(process.WaitForExit(60_000), "the process did not stop after Ctrl+C");
            output.Wait();
            return (process.ExitCode, err.Result);
        }
        finally
        {
            if (!process.HasExited) process.Kill(entireProcessTree: true);
        }
    }

    /// <summary>
    /// Interrupts <paramref name="args"/>(n) 1.5 s in (well after start-up), doubling n while the machine is fast enough to finish
    /// the work anyway (before the interrupt, or within the grace period after it, exit code 0): the interrupt
    /// must land in the middle of work that outlasts it.
    /// </summary>
    private static (int Code, string Err) InterruptMidway(Func<int, string[]> args, int n)
    {
        for (var attempt = 0; attempt < 3; attempt++, n *= 2)
            if (RunAndInterrupt(args(n), TimeSpan.FromSeconds(1.5)) is { Code: not 0 } result) return result;
        throw new InvalidOperationException($"every run finished despite the interrupt, up to n = {n}");
    }

    [Fact]
    public void Ctrl_C_inside_one_long_step_still_says_cancelled_and_leaves_no_file()
    {
        if (OperatingSystem.IsWindows()) return; // SIGINT is a Unix signal; Windows delivers Ctrl+C differently
        using var dir = new TempFolder();
        var target = dir.File("big.csv");
        // Millions of rows: seconds of drawing and writing, no cancellation point inside for the grace period.
        var (code, err) = InterruptMidway(rows =>
        {
            File.Delete(target); // a faster machine's finished attempt
            return ["generate", "--target", "bead_pair", "--rows", rows.ToString(), "--out", target];
        }, 4_000_000);
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
        var (code, err) = InterruptMidway(epochs => ["train", "--target", "spring", "--epochs", epochs.ToString(), "--samples", "500", "--out", model], 100_000);
        Assert.Equal(130, code);
        Assert.EndsWith("error: cancelled", err.Trim());
        Assert.Equal("the user's earlier file", File.ReadAllText(model));
    }

    [Fact]
    public void Ctrl_C_during_a_comparison_leaves_no_empty_output_folders()
    {
        if (OperatingSystem.IsWindows()) return;
        using var dir = new TempFolder();
        var output = Path.Combine(dir.Path, "runs", "first");
        var (code, err) = InterruptMidway(epochs => ["compare", "--targets", "bead_pair", "--variants", "mlp-tanh", "--seeds", "1",
                                                     "--epochs", epochs.ToString(), "--samples", "500", "--out", output], 100_000);
        Assert.Equal(130, code);
        Assert.EndsWith("error: cancelled", err.Trim());
        Assert.False(Directory.Exists(Path.Combine(dir.Path, "runs")), "the folders the run made should be gone");
    }
}
