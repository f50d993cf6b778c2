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

    /// <summary>
    /// How the tool is started: with SIGINT's default disposition whatever the test runner's. A process started with
    /// SIGINT ignored (as a runner started in the background is: `dotnet test … &amp;` in a script) passes that on
    /// across exec, and .NET then installs no handler for it, so the child would never see the interrupt. GNU env
    /// (coreutils 8.31 and later, every current Linux) resets it and execs dotnet in the same process, the one
    /// the signal is sent to. A shell cannot: `sh -c 'trap - INT; exec …'` keeps a signal that was ignored on
    /// entry ignored, as POSIX allows. Elsewhere (macOS's env has no such option) dotnet is started directly and
    /// inherits the runner's disposition.
    /// </summary>
    private static ProcessStartInfo StartInfo()
    {
        if (!OperatingSystem.IsLinux()) return new ProcessStartInfo("dotnet");
        var start = new ProcessStartInfo("env");
        start.ArgumentList.Add("--default-signal=INT");
        start.ArgumentList.Add("dotnet");
        return start;
    }

    /// <summary>True when the running process <paramref name="pid"/> ignores SIGINT (Linux: its /proc status).</summary>
    private static bool IgnoresSigInt(int pid)
    {
        if (!OperatingSystem.IsLinux()) return false;
        string[] status;
        try { status = File.ReadAllLines($"/proc/{pid}/status"); }
        catch (IOException) { return false; } // it has just exited
        var ignored = status.Single(line => line.StartsWith("SigIgn:", StringComparison.Ordinal))["SigIgn:".Length..].Trim();
        return (Convert.ToUInt64(ignored, 16) & (1UL << (SigInt - 1))) != 0;
    }

    /// <summary>Runs the tool, sends SIGINT after <paramref name="after"/>; null when it had already finished.</summary>
    private static (int Code, string Err)? RunAndInterrupt(string[] args, TimeSpan after)
    {
        var tool = Path.Combine(AppContext.BaseDirectory, "seagull.dll");
        var start = StartInfo();
        start.RedirectStandardError = true;
        start.RedirectStandardOutput = true;
        start.ArgumentList.Add(tool);
        foreach (var a in args) start.ArgumentList.Add(a);
        using var process = Process.Start(start)!;
        try
        {
            var err = process.StandardError.ReadToEndAsync();
            var output = process.StandardOutput.ReadToEndAsync();
            if (process.WaitForExit(after))
            {
                // Finished before the interrupt: only a success means the machine was fast enough.
                process.WaitForExit();
                Assert.True(process.ExitCode == 0, $"the run failed before the interrupt (exit code {process.ExitCode}): {err.Result}");
                return null;
            }
            // Ctrl+C must reach the tool: say so now rather than wait for a process that never stops.
            Assert.False(IgnoresSigInt(process.Id), "the tool was started with SIGINT ignored");
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
    public void Ctrl_C_while_predicting_a_big_file_stops_within_a_chunk_and_keeps_the_existing_file()
    {
        if (OperatingSystem.IsWindows()) return;
        using var dir = new TempFolder();
        var model = dir.File("model.json");
        var trained = CliRun.Of("train", "--target", "bead_pair", "--epochs", "1", "--samples", "200", "--out", model);
        Assert.True(trained.ExitCode == 0, trained.ToString());
        var output = dir.File("predictions.csv");
        var data = dir.File("big.csv");
        // Hundreds of thousands of rows: seconds of reading, predicting and writing, a cancellation point at every row.
        var (code, err) = InterruptMidway(rows =>
        {
            var generated = CliRun.Of("generate", "--target", "bead_pair", "--rows", rows.ToString(), "--out", data);
            Assert.True(generated.ExitCode == 0, generated.ToString());
            // Afresh for every attempt: an attempt the machine finished before the interrupt replaced it.
            File.WriteAllText(output, "the user's earlier file");
            return ["predict", "--model", model, "--data", data, "--out", output];
        }, 500_000);
        Assert.Equal(130, code);
        Assert.Equal("error: cancelled", err.Trim());
        Assert.Equal("the user's earlier file", File.ReadAllText(output));
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
