using Seagull.Api;
using Xunit;

namespace Seagull.Shell.Tests;

/// <summary>
/// What a user sees around sweeps from the command line: --resume works in the folder it is given, a damaged cell
/// file or a merge into the wrong --out is refused in one line that says what to do, and the help and messages say
/// what runs.
/// </summary>
public class SweepCliTests : IDisposable
{
    private readonly TempFolder dir = new();

    public void Dispose() => dir.Dispose();

    private static readonly string[] Tiny = ShardCliTests.Tiny;

    private static void Ok(CliRun run) => ShardCliTests.Ok(run);

    private static void Refused(CliRun run, string expected, int code = 1)
    {
        Assert.True(run.ExitCode == code, run.ToString());
        Assert.Single(run.ErrLines);
        Assert.StartsWith("error: ", run.ErrLines[0]);
        Assert.Contains(expected, run.Err);
        Assert.Equal("", run.Out);
    }

    [Fact]
    public void Resume_works_in_the_folder_given_not_where_the_sweep_was_made()
    {
        var original = dir.File("original");
        Ok(CliRun.Of([.. Tiny, "--out", original]));
        var before = ShardCliTests.Bytes(original);
        var cells = Directory.GetFiles(Path.Combine(original, "cells")).Select(f => Path.GetFileName(f)!).ToArray();
        foreach (var name in new[] { "copy", "moved" })
        {
            ShardCliTests.CopyFolder(original, dir.File(name));
            foreach (var f in Directory.GetFiles(dir.File(name))) if (!f.EndsWith("sweep.json")) File.Delete(f);
            File.Delete(Path.Combine(dir.File(name), "cells", cells[1]));
            File.Delete(Path.Combine(dir.File(name), "cells", cells[4]));
        }
        var resumed = CliRun.Of("compare", "--resume", dir.File("copy"));
        Ok(resumed);
        Assert.Contains($"resuming: {cells.Length - 2} finished, 2 to train", resumed.Err);
        Assert.Equal(ShardCliTests.WithoutSeconds(original), ShardCliTests.WithoutSeconds(dir.File("copy")));
        Assert.Equal(before, ShardCliTests.Bytes(original));   // the original untouched
        Assert.Equal(cells, Directory.GetFiles(Path.Combine(original, "cells")).Select(Path.GetFileName).ToArray());
        // With the original gone, nothing is made where it was.
        Directory.Delete(original, recursive: true);
        Ok(CliRun.Of("compare", "--resume", dir.File("moved")));
        Assert.False(Directory.Exists(original));
        Assert.Equal(cells.Length, Directory.GetFiles(Path.Combine(dir.File("moved"), "cells")).Length);
        Assert.DoesNotContain("--out", File.ReadAllText(Path.Combine(dir.File("moved"), "sweep.json")));
    }

    [Fact]
    public void A_damaged_cell_file_is_named_with_what_to_do_and_nothing_is_written()
    {
        var output = dir.File("run");
        Ok(CliRun.Of([.. Tiny, "--out", output]));
        var cell = Path.Combine(output, "cells", "unit-000003.json");
        foreach (var damage in new[] { "{\"format\": \"seagull-cell\", \"configId\": \"x\", \"unit\": 3, \"results\": [ {\"target\": \"spri", "{\"format\": \"seagull-cell\"}" })
        {
            File.WriteAllText(cell, damage);
            var before = ShardCliTests.Bytes(output);
            Refused(CliRun.Of([.. Tiny, "--out", output]), $"error: '{cell}' is damaged (");
            var run = CliRun.Of("compare", "--resume", output);
            Refused(run, "); delete it and run the same command again: that cell will be trained again");
            Assert.DoesNotContain("dictionary", run.Err);
            Assert.DoesNotContain("0x0A", run.Err);
            Assert.Equal(before, ShardCliTests.Bytes(output));
        }
        File.Delete(cell);
        var again = CliRun.Of("compare", "--resume", output);
        Ok(again);
        Assert.Contains("to train", again.Err);
    }

    [Fact]
    public void Merge_refuses_an_out_that_is_a_shard_another_sweep_or_a_folder_of_other_files_and_merges_again_into_its_own()
    {
        var shards = Enumerable.Range(0, 3).Select(i => dir.File($"sweep/shard-{i}")).ToArray();
        for (var i = 0; i < 3; i++)
        {
            var run = CliRun.Of([.. Tiny.Take(Tiny.Length - 2), "--jobs", i == 2 ? "2" : "1", "--shard", $"{i}/3", "--out", shards[i]]);
            Ok(run);
            Assert.EndsWith($"put the shards together with: seagull merge {dir.File("sweep/shard-*")} --out {dir.File("sweep/merged")}", run.ErrLines[^1]);
        }
        Ok(CliRun.Of([.. Tiny, "--out", dir.File("whole")]));
        Directory.CreateDirectory(dir.File("mine"));
        File.WriteAllText(dir.File("mine/notes.txt"), "keep me");
        void MergeRefused(string outDir, string expected)
        {
            var before = Directory.Exists(outDir) ? ShardCliTests.Bytes(outDir) : null;
            Refused(CliRun.Of([.. new[] { "merge" }.Concat(shards), "--out", outDir]), expected);
            if (before is null) Assert.False(Directory.Exists(outDir));
            else Assert.Equal(before, ShardCliTests.Bytes(outDir));
        }
        MergeRefused(shards[1], "is one of the shards to merge");
        MergeRefused(shards[1] + "/", "is one of the shards to merge");
        MergeRefused(dir.File("whole"), "holds a sweep (sweep.json or cells/)");
        MergeRefused(dir.File("mine"), "holds other files ('notes.txt')");
        var merged = dir.File("sweep/merged");
        Ok(CliRun.Of([.. new[] { "merge" }.Concat(shards), "--out", merged]));
        var first = ShardCliTests.Bytes(merged);
        Ok(CliRun.Of([.. new[] { "merge" }.Concat(shards.Reverse()), "--out", merged]));   // again into its own folder
        Assert.Equal(first, ShardCliTests.Bytes(merged));
        // Shards run with 1, 1 and 2 jobs: the report names the largest.
        Assert.Contains("\"jobs\": 2,", File.ReadAllText(Path.Combine(merged, "summary.json")));
        Assert.Contains(", 2 jobs", File.ReadAllText(Path.Combine(merged, "summary.md")));
        File.WriteAllText(dir.File("afile"), "");
        Refused(CliRun.Of("merge", shards[0], dir.File("afile"), "--out", dir.File("x")), $"'{dir.File("afile")}' is a file, not a folder");
        Refused(CliRun.Of("merge", "--out", dir.File("x")), "merge needs the shards' folders: seagull merge DIR… --out DIR", code: 2);
        if (!OperatingSystem.IsWindows())
            Refused(CliRun.Of([.. new[] { "merge" }.Concat(shards), "--out", "/proc/seagull-no-such"]), "cannot write to output folder '/proc/seagull-no-such'");
        Assert.False(Directory.Exists(dir.File("x")));
    }

    [Fact]
    public void Another_build_is_called_a_build_without_json_escapes_and_resume_is_not_told_to_give_an_out()
    {
        var shards = Enumerable.Range(0, 2).Select(i => dir.File($"shard-{i}")).ToArray();
        for (var i = 0; i < 2; i++) Ok(CliRun.Of([.. Tiny, "--shard", $"{i}/2", "--out", shards[i]]));
        var manifest = Path.Combine(shards[1], "sweep.json");
        File.WriteAllText(manifest, File.ReadAllText(manifest)
            .Replace("\"build\": \"", "\"build\": \"0.0.9+abc; ").Replace("\"softwareVersion\": \"", "\"softwareVersion\": \"0.0.9+abc"));
        var merge = CliRun.Of("merge", shards[0], shards[1], "--out", dir.File("m"));
        Refused(merge, $"'{shards[1]}' was run by another build of Seagull than '{shards[0]}' (0.0.9+abc; ");
        Assert.Contains("its numbers would not repeat bit for bit", merge.Err);
        Assert.DoesNotContain("\\u", merge.Err);
        Assert.DoesNotContain("configuration", merge.Err);
        var resume = CliRun.Of("compare", "--resume", shards[1]);
        Refused(resume, "holds cells run by another build of Seagull (0.0.9+abc; ");
        Assert.DoesNotContain("--out", resume.Err);
        Assert.DoesNotContain("\\u", resume.Err);
    }

    [Fact]
    public void Another_order_of_rates_or_shapes_is_shown_as_the_lists()
    {
        string[] grid = ["compare", "--targets", "spring", "--variants", "mlp-tanh", "--seeds", "1", "--epochs", "1", "--samples", "32", "--test-samples", "16"];
        var output = dir.File("grid");
        Ok(CliRun.Of([.. grid, "--hidden", "3", "4,4", "--lr", "1e-2,3e-3", "--out", output]));
        Refused(CliRun.Of([.. grid, "--hidden", "3", "4,4", "--lr", "3e-3,1e-2", "--out", output]),
                "(lr: 0.01,0.003 there, 0.003,0.01 here, the same values in another order: the order is part of the grid)");
        Refused(CliRun.Of([.. grid, "--hidden", "4,4", "3", "--lr", "1e-2,3e-3", "--out", output]),
                "(hidden: 3 4,4 there, 4,4 3 here, the same values in another order: the order is part of the grid)");
    }

    [Fact]
    public void The_help_names_the_quick_grid_that_runs()
    {
        var help = CliRun.Of("compare", "--help");
        Ok(help);
        var text = string.Join(" ", help.Out.Split((char[])['\n', ' '], StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains($"{string.Join(",", CompareOptions.Quick.Targets)} with --quick", text);
        Assert.Contains($"{string.Join(",", CompareOptions.Quick.Variants)} with --quick", text);
    }

    [Theory]
    [InlineData("--hidden", "--hidden needs a value (such as --hidden 64,64) before the next option", "--quick", "--hidden", "--out", "bad/h")]
    [InlineData("--lr", "--lr needs a value (such as --lr 1e-3) before the next option", "--quick", "--lr", "--out", "bad/h")]
    public void A_missing_option_value_is_a_usage_error(string _, string expected, params string[] args)
    {
        Refused(CliRun.Of(["compare", .. args]), expected, code: 2);
    }

    [Fact]
    public void Shards_widths_and_rates_are_refused_with_their_reasons()
    {
        Refused(CliRun.Of("compare", "--quick", "--shard", "-1/2", "--out", dir.File("a")), "I must be ≥ 0");
        Refused(CliRun.Of("compare", "--quick", "--shard", "99999999999/99999999999", "--out", dir.File("a")), "a number too large");
        Refused(CliRun.Of("compare", "--quick", "--hidden", "1", "--out", dir.File("a")), "error: --hidden: widths must be ≥ 2, got 1");
        Refused(CliRun.Of("compare", "--quick", "--lr", "1e-320", "--out", dir.File("a")), "error: --lr: '1e-320' is below 1e-12, too small to train anything");
        Assert.False(Directory.Exists(dir.File("a")));
    }

    [Fact]
    public void The_mse_plot_of_a_grid_of_settings_has_room_below_for_its_slanted_names()
    {
        string[] grid = ["compare", "--targets", "spring", "--variants", "mlp-tanh", "--seeds", "1", "--epochs", "1", "--samples", "32", "--test-samples", "16"];
        Ok(CliRun.Of([.. grid, "--hidden", "3", "4,4", "--lr", "1e-2,3e-3", "--out", dir.File("grid")]));
        Ok(CliRun.Of([.. grid, "--out", dir.File("one")]));
        static int Height(string png) { var b = File.ReadAllBytes(png); return (b[20] << 24) | (b[21] << 16) | (b[22] << 8) | b[23]; }
        Assert.Equal(640, Height(Path.Combine(dir.File("grid"), "mse.png")));
        Assert.Equal(560, Height(Path.Combine(dir.File("one"), "mse.png")));
    }
}
