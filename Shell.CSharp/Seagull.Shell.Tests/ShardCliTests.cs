using System.Diagnostics;
using Seagull.Api;
using Xunit;

namespace Seagull.Shell.Tests;

/// <summary>
/// compare --shard, merge and resume from the command line: the merged report is the unsharded one bit for bit in
/// every number computed from the data; only the measured seconds (results.csv's last column, the seconds of
/// summary.json, summary.md's seconds-per-model column) are each cell's own. Bad merges are refused in one line.
/// </summary>
public class ShardCliTests : IDisposable
{
    private readonly TempFolder dir = new();

    public void Dispose() => dir.Dispose();

    /// <summary>A grid of 12 cells in seconds, with a derived variant (trained in its source's cell).</summary>
    internal static readonly string[] Tiny =
        ["compare", "--targets", "bead_pair,spring", "--variants", "mlp-tanh,mlp-seagull,symmetrize-after", "--seeds", "2",
         "--epochs", "2", "--samples", "64", "--test-samples", "32", "--hidden", "4,4", "--jobs", "2"];

    internal static void Ok(CliRun run) => Assert.True(run.ExitCode == 0, run.ToString());

    private static CliRun Compare(string[] grid, params string[] more) => CliRun.Of([.. grid, .. more]);

    /// <summary>The report's files with the measured seconds taken out; the PNGs as they are (no plot shows seconds).</summary>
    internal static Dictionary<string, string> WithoutSeconds(string folder)
    {
        var files = new Dictionary<string, string>();
        foreach (var path in Directory.GetFiles(folder))
        {
            var name = Path.GetFileName(path);
            if (name == "sweep.json") continue;
            var lines = File.ReadAllLines(path);
            files[name] = name switch
            {
                "results.csv" => string.Join("\n", lines.Select(l => l[..l.LastIndexOf(',')])),
                "summary.json" => string.Join("\n", lines.Where(l => !l.Contains("econds\""))),
                "summary.md" => string.Join("\n", SecondsColumnOut(lines)),
                _ when name.EndsWith(".png") => Convert.ToBase64String(File.ReadAllBytes(path)),
                _ => File.ReadAllText(path),
            };
        }
        return files;
    }

    /// <summary>summary.md with the "seconds per model" column of its Time table blanked.</summary>
    private static IEnumerable<string> SecondsColumnOut(string[] lines)
    {
        var inTime = false;
        foreach (var line in lines)
        {
            if (line.StartsWith("## ")) inTime = line == "## Time";
            if (inTime && line.StartsWith("| ") && !line.StartsWith("| variant"))
            {
                var cells = line.Split(" | ");
                cells[1] = "…";
                yield return string.Join(" | ", cells);
            }
            else yield return line;
        }
    }

    internal static Dictionary<string, byte[]> Bytes(string folder) =>
        Directory.GetFiles(folder).ToDictionary(f => Path.GetFileName(f), File.ReadAllBytes);

    [Fact]
    public void Three_shards_merged_in_any_order_are_the_unsharded_report_and_merging_twice_gives_the_same_bytes()
    {
        var whole = dir.File("whole");
        Ok(Compare(Tiny, "--out", whole));
        for (var i = 0; i < 3; i++)
        {
            var shard = Compare(Tiny, "--shard", $"{i}/3", "--out", dir.File($"shard-{i}"));
            Ok(shard);
            Assert.Equal("", shard.Out);   // a shard writes no report: its folder holds its cells
            Assert.False(File.Exists(Path.Combine(dir.File($"shard-{i}"), "summary.md")));
        }
        var merged = CliRun.Of("merge", dir.File("shard-2"), dir.File("shard-0"), dir.File("shard-1"), "--out", dir.File("merged"));
        Ok(merged);
        Assert.Equal(File.ReadAllText(Path.Combine(dir.File("merged"), "summary.md")), merged.Out);
        Assert.Equal(WithoutSeconds(whole), WithoutSeconds(dir.File("merged")));
        Ok(CliRun.Of("merge", dir.File("shard-0"), dir.File("shard-1"), dir.File("shard-2"), "--out", dir.File("again")));
        Assert.Equal(Bytes(dir.File("merged")), Bytes(dir.File("again")));
    }

    [Fact]
    public void More_shards_than_cells_leaves_empty_shards_that_merge()
    {
        var grid = new[] { "compare", "--targets", "spring", "--variants", "mlp-tanh", "--seeds", "2", "--epochs", "1", "--samples", "32", "--test-samples", "16", "--hidden", "3" };
        for (var i = 0; i < 5; i++) Ok(Compare(grid, "--shard", $"{i}/5", "--out", dir.File($"s{i}")));
        Assert.False(Directory.Exists(Path.Combine(dir.File("s4"), "cells")));   // empty, and says so in its sweep.json
        Assert.Contains("\"shard\": \"4/5\"", File.ReadAllText(Path.Combine(dir.File("s4"), "sweep.json")));
        Ok(CliRun.Of(["merge", .. Enumerable.Range(0, 5).Select(i => dir.File($"s{i}")), "--out", dir.File("m")]));
        Assert.Equal(3, File.ReadAllLines(Path.Combine(dir.File("m"), "results.csv")).Length);
    }

    [Fact]
    public void A_missing_duplicated_or_foreign_shard_is_refused_in_one_line_naming_it_and_nothing_is_written()
    {
        for (var i = 0; i < 3; i++) Ok(Compare(Tiny, "--shard", $"{i}/3", "--out", dir.File($"shard-{i}")));
        // A shard of another configuration, and a copy of shard 2 that another build ran.
        Ok(Compare([.. Tiny.Select(a => a == "2" ? "3" : a)], "--shard", "2/3", "--out", dir.File("other-config")));
        CopyFolder(dir.File("shard-2"), dir.File("other-build"));
        var manifest = Path.Combine(dir.File("other-build"), "sweep.json");
        File.WriteAllText(manifest, File.ReadAllText(manifest).Replace("\"build\": \"", "\"build\": \"9.9.9; "));
        CopyFolder(dir.File("shard-0"), dir.File("copy-of-0"));
        Directory.Delete(Path.Combine(dir.File("copy-of-0"), "cells"), recursive: true);
        CopyFolder(dir.File("shard-1"), dir.File("unfinished-1"));
        File.Delete(Directory.GetFiles(Path.Combine(dir.File("unfinished-1"), "cells")).First());

        void Refused(string expected, params string[] shards)
        {
            var run = CliRun.Of(["merge", .. shards.Select(dir.File), "--out", dir.File("merged")]);
            Assert.True(run.ExitCode == 1, run.ToString());
            Assert.Single(run.ErrLines);
            Assert.StartsWith("error: ", run.ErrLines[0]);
            Assert.Contains(expected, run.Err);
            Assert.Equal("", run.Out);
            Assert.False(Directory.Exists(dir.File("merged")), "a refused merge writes nothing");
        }
        Refused("shard 2/3 is missing", "shard-0", "shard-1");
        Refused($"shard 0/3 is given twice: '{dir.File("copy-of-0")}' and '{dir.File("shard-0")}'", "shard-0", "copy-of-0", "shard-1", "shard-2");
        Refused($"shard 0/3 is given twice: '{dir.File("shard-0")}' and '{dir.File("shard-0")}'", "shard-0", "shard-0", "shard-1", "shard-2");
        Refused($"'{dir.File("other-config")}' is a shard of another configuration", "shard-0", "shard-1", "other-config");
        Refused($"'{dir.File("other-build")}' was run by another build of Seagull", "shard-0", "shard-1", "other-build");
        Refused($"shard 1/3 in '{dir.File("unfinished-1")}' is unfinished", "shard-0", "unfinished-1", "shard-2");
        Directory.CreateDirectory(dir.File("not-a-shard"));
        Refused($"'{dir.File("not-a-shard")}' is not a shard (no sweep.json)", "shard-0", "shard-1", "shard-2", "not-a-shard");
        Refused($"'{dir.File("nowhere")}' does not exist", "shard-0", "shard-1", "shard-2", "nowhere");
    }

    internal static void CopyFolder(string from, string to)
    {
        foreach (var file in Directory.GetFiles(from, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(to, Path.GetRelativePath(from, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
    }

    [Fact]
    public void The_same_command_into_the_same_folder_trains_nothing_again_and_another_configuration_is_refused()
    {
        var output = dir.File("run");
        Ok(Compare(Tiny, "--out", output));
        var first = Bytes(output);
        var again = Compare(Tiny, "--out", output);
        Ok(again);
        Assert.Contains("resuming: 8 finished, 0 to train", again.Err);
        Assert.Equal(first, Bytes(output));   // the report is made from the same cell files: the same bytes
        var other = Compare([.. Tiny.Select(a => a == "4,4" ? "5,5" : a)], "--out", output);
        Assert.Equal(1, other.ExitCode);
        Assert.Single(other.ErrLines);
        Assert.Contains($"error: '{output}' holds the cells of another configuration (hidden: 4,4 there, 5,5 here)", other.Err);
        Assert.Equal(first, Bytes(output));   // never mixed, never deleted
        var shard = Compare(Tiny, "--shard", "0/2", "--out", output);
        Assert.Contains("holds shard 0/1 of this configuration, not 0/2", shard.Err);
    }

    [Fact]
    public void A_run_killed_with_SIGKILL_keeps_its_finished_cells_and_resume_ends_with_the_same_report()
    {
        if (OperatingSystem.IsWindows()) return;
        var output = dir.File("killed");
        string[] Grid(int epochs) => ["compare", "--targets", "bead_pair", "--variants", "mlp-tanh", "--seeds", "8", "--epochs", epochs.ToString(),
                                      "--samples", "2000", "--test-samples", "200", "--hidden", "32,32", "--jobs", "1"];
        // Killed after two cells, while it still runs: doubling the epochs if the machine finished first.
        var epochs = 60;
        for (var attempt = 0; ; attempt++, epochs *= 2)
        {
            if (Directory.Exists(output)) Directory.Delete(output, recursive: true);
            if (KillAfterTwoCells([.. Grid(epochs), "--out", output])) break;
            Assert.True(attempt < 3, "every run finished before it could be killed");
        }
        var kept = Directory.GetFiles(Path.Combine(output, "cells")).Length;
        Assert.InRange(kept, 2, 7);
        var resumed = CliRun.Of("compare", "--resume", output);
        Ok(resumed);
        Assert.Contains($"resuming: {kept} finished, {8 - kept} to train", resumed.Err);
        Ok(Compare(Grid(epochs), "--out", dir.File("whole")));
        Assert.Equal(WithoutSeconds(dir.File("whole")), WithoutSeconds(output));
    }

    /// <summary>Starts the tool and kills it (SIGKILL) once two cells are saved; false when it finished first.</summary>
    private static bool KillAfterTwoCells(string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardError = true, RedirectStandardOutput = true };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "seagull.dll"));
        foreach (var a in args) start.ArgumentList.Add(a);
        var cells = Path.Combine(args[^1], "cells");
        using var process = Process.Start(start)!;
        var err = process.StandardError.ReadToEndAsync();
        var output = process.StandardOutput.ReadToEndAsync();
        try
        {
            var clock = Stopwatch.StartNew();
            while (!process.HasExited && clock.Elapsed < TimeSpan.FromSeconds(60))
            {
                if (Directory.Exists(cells) && Directory.GetFiles(cells, "unit-*.json").Length >= 2)
                {
                    process.Kill();   // SIGKILL: no handler runs, nothing is cleaned up
                    process.WaitForExit();
                    return true;
                }
                Thread.Sleep(10);
            }
            process.WaitForExit();
            Assert.True(process.ExitCode == 0, err.Result);
            return false;
        }
        finally
        {
            if (!process.HasExited) process.Kill(entireProcessTree: true);
            output.Wait();
        }
    }

    [Fact]
    public void Several_hidden_shapes_and_learning_rates_are_columns_of_the_reports()
    {
        var run = CliRun.Of("compare", "--targets", "spring", "--variants", "mlp-tanh,mlp-seagull", "--seeds", "1", "--epochs", "1",
                            "--samples", "32", "--test-samples", "16", "--hidden", "3", "4,4", "--lr", "1e-3,3e-3", "--out", dir.File("grid"));
        Ok(run);
        Assert.Contains("× 2 hidden shapes × 2 learning rates = 8 models", run.Err);
        var csv = File.ReadAllLines(Path.Combine(dir.File("grid"), "results.csv"));
        Assert.Equal("target,variant,hidden,lr,seed,test_mse,invariance_error,epochs_run,seconds", csv[0]);
        Assert.StartsWith("spring,mlp-tanh,\"4,4\",0.003,0,", csv[7]);
        Assert.Contains("| target | hidden | lr | mlp-tanh | mlp-seagull |", run.Out);
        // The same rates space-separated, as --hidden takes its shapes.
        var spaced = CliRun.Of("compare", "--targets", "spring", "--variants", "mlp-tanh", "--seeds", "1", "--epochs", "1", "--samples", "32",
                               "--test-samples", "16", "--hidden", "3", "--lr", "1e-3", "3e-3", "--out", dir.File("spaced"));
        Ok(spaced);
        Assert.Contains("× 2 learning rates = 2 models", spaced.Err);
    }

    [Fact]
    public void The_api_runs_a_shard_into_its_folder_and_merges_the_shards()
    {
        var options = CompareOptions.Quick with
        {
            Targets = ["spring"], Variants = ["mlp-tanh", "pooled"], Seeds = 2, Epochs = 1, TrainSamples = 32, TestSamples = 16,
            Hidden = [3], LearningRates = [1e-3, 2e-3], Jobs = 1,
        };
        Assert.Throws<ArgumentException>(() => Experiment.Prepare(options with { Shard = CompareShard.Parse("0/2") }));
        var shards = Enumerable.Range(0, 2).Select(i => dir.File($"api-{i}")).ToArray();
        var parts = shards.Select((f, i) => Experiment.Run(options with { Shard = new CompareShard(i, 2), Resume = f })).ToArray();
        Assert.Equal(8, parts.Sum(p => p.Cells.Count));
        var merged = Experiment.Merge(shards.Reverse());
        var whole = Experiment.Run(options);
        Assert.Equal(whole.Cells.Select(c => (c.Target, c.Variant, c.Seed, c.LearningRate, c.TestMse, c.InvarianceError)),
                     merged.Cells.Select(c => (c.Target, c.Variant, c.Seed, c.LearningRate, c.TestMse, c.InvarianceError)));
        Assert.Equal([1e-3, 2e-3], merged.Config.LearningRates);
        var e = Assert.Throws<InvalidDataException>(() => Experiment.Merge([shards[0]]));
        Assert.Contains("shard 1/2 is missing", e.Message);
    }
}
