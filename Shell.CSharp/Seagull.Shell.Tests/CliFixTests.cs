using System.Text.Json;
using System.Text.RegularExpressions;
using Seagull.Api;
using Xunit;

namespace Seagull.Shell.Tests;

/// <summary>Errors that say how to fix them: the option or command meant, the CSV's separator, --y, the model file, the --out folder.</summary>
public class CliFixTests : IDisposable
{
    private static readonly string[] Commands = ["activations", "targets", "generate", "train", "predict", "evaluate", "check", "symmetrize", "compare"];

    private readonly TempFolder dir = new();
    private readonly string good, model;

    public CliFixTests()
    {
        good = dir.File("good.csv");
        Targets.Get("bead_pair").Generate(40, seed: 1).WriteCsv(good);
        model = dir.File("model.json");
        var regressor = SwapInvariantRegressor.Create(uWidth: 1, wWidth: 1, Architecture.Pooled);
        regressor.Fit(RegressionData.FromCsv(good, ColumnRoles.Parse("u1", "v1", "w1", "y")), new FitOptions { Epochs = 1 });
        regressor.Save(model);
    }

    public void Dispose() => dir.Dispose();

    private static void OneLine(CliRun run, int code, params string[] parts)
    {
        Assert.True(run.ExitCode == code, run.ToString());
        Assert.True(run.ErrLines.Length == 1, run.ToString());
        Assert.StartsWith("error: ", run.Err);
        foreach (var part in parts) Assert.True(run.Err.Contains(part, StringComparison.Ordinal), $"expected '{part}' in: {run.Err}");
        Assert.Equal("", run.Out);
    }

    /// <summary>Every long option of every command, read from its --help.</summary>
    public static TheoryData<string, string> EveryOption()
    {
        var all = new TheoryData<string, string>();
        foreach (var command in Commands)
        {
            var help = CliRun.Of(command, "--help").Out;
            var section = help[help.IndexOf("Options:", StringComparison.Ordinal)..];
            foreach (Match m in Regex.Matches(section, @"(?m)^  (?:-\S+, )*(--[a-z][a-z0-9-]*)"))
                all.Add(command, m.Groups[1].Value);
        }
        return all;
    }

    [Theory]
    [MemberData(nameof(EveryOption))]
    public void A_mistyped_option_of_any_command_is_named_with_the_one_it_meant(string command, string option)
    {
        var name = option[2..];
        // a letter left out, two letters swapped, a letter doubled (the only typo a one- or two-letter name has room for)
        var typos = name.Length >= 4
            ? new[] { "--" + name[..^1], "--" + name[1] + name[0] + name[2..] }
            : new[] { "--" + name + name[^1] };
        var real = EveryOption().Select(row => ((string)row[0], (string)row[1])).Where(r => r.Item1 == command).Select(r => r.Item2).ToHashSet();
        foreach (var typo in typos.Where(t => !real.Contains(t)))   // --image is an option of its own beside --images
        {
            // the value after it belongs to it: not a second error
            var run = CliRun.Of(command, typo, "10");
            OneLine(run, Cli.Cli.UsageError, $"error: unknown option '{typo}'; did you mean '{option}'? (see 'seagull {command} --help')");
        }
    }

    public static TheoryData<string> EveryCommand() => [.. Commands];

    [Theory]
    [MemberData(nameof(EveryCommand))]
    public void A_mistyped_command_is_named_with_the_one_it_meant(string command)
    {
        var typo = command[0] + command[2].ToString() + command[1] + command[3..];
        // the options after it were meant for it: only the command is reported
        OneLine(CliRun.Of(typo, "--epochs", "3"), Cli.Cli.UsageError, $"error: unknown command '{typo}'; did you mean '{command}'? (see 'seagull --help')");
    }

    [Fact]
    public void An_unrecognised_word_without_one_clear_meaning_is_reported_without_a_guess()
    {
        OneLine(CliRun.Of("bogus"), Cli.Cli.UsageError, "unknown command 'bogus'; the commands are activations, targets, generate, train, predict, evaluate, check, symmetrize, export, compare");
        // --x is one letter from each of --u, --v, --w and --y
        var run = CliRun.Of("train", "--data", good, "--x", "u1", "--u", "u1", "--v", "v1", "--out", dir.File("m.json"));
        OneLine(run, Cli.Cli.UsageError, "error: unknown option '--x' (see 'seagull train --help')");
        OneLine(CliRun.Of("train", "--target", "spring", "--out", dir.File("m.json"), "extra"), Cli.Cli.UsageError, "unexpected argument 'extra'; 'train' takes options only");
        // a case slip, one dash, and --name=value
        OneLine(CliRun.Of("train", "--Epochs", "3"), Cli.Cli.UsageError, "did you mean '--epochs'?");
        OneLine(CliRun.Of("train", "-epochs", "3"), Cli.Cli.UsageError, "did you mean '--epochs'?");
        OneLine(CliRun.Of("train", "--epoch=3"), Cli.Cli.UsageError, "unknown option '--epoch'; did you mean '--epochs'?");
        // the start of one option's name
        OneLine(CliRun.Of("train", "--valid", "0.2"), Cli.Cli.UsageError, "did you mean '--validation-fraction'?");
        Assert.False(File.Exists(dir.File("m.json")));
    }

    [Theory]
    [InlineData("semicolon", ";", "tr ';,' ',.' <")]
    [InlineData("tab", "\t", "tr '\\t,' ',.' <")]
    public void A_CSV_with_another_separator_is_named_so_with_how_to_convert_it(string kind, string separator, string command)
    {
        var data = dir.Write($"{kind}.csv", string.Join(separator, "sample_id", "u1", "v1", "w1", "y") + "\n" + string.Join(separator, "a", "1,5", "2", "3", "4") + "\n");
        var parts = new[] { $"looks {kind}-separated", "Seagull reads comma-separated files with a point as the decimal mark", command, "decimal commas" };
        OneLine(CliRun.Of("train", "--data", data, "--u", "u1", "--v", "v1", "--out", dir.File("m.json")), Cli.Cli.UserError, parts);
        OneLine(CliRun.Of("predict", "--model", model, "--data", data), Cli.Cli.UserError, parts);
        OneLine(CliRun.Of("evaluate", "--model", model, "--data", data), Cli.Cli.UserError, parts);
    }

    [Fact]
    public void No_target_column_names_the_option_that_gives_one()
    {
        var data = dir.Write("energy.csv", "u1,v1,energy\n1,2,3\n4,5,6\n7,8,9\n");
        OneLine(CliRun.Of("train", "--data", data, "--u", "u1", "--v", "v1", "--out", dir.File("m.json")), Cli.Cli.UserError,
                "no column is named 'y'; name the target column (--y on the command line", "available: 'u1', 'v1', 'energy'");
    }

    [Fact]
    public void A_file_that_is_not_a_model_is_named_for_what_it_is()
    {
        OneLine(CliRun.Of("predict", "--model", good, "--data", good), Cli.Cli.UserError, "is not a Seagull model file: it starts with 'u1,v1,w1,y'");
        var truncated = dir.Write("truncated.json", File.ReadAllText(model)[..300]);
        foreach (var command in new[] { "check", "predict", "evaluate" })
        {
            var args = command == "check" ? new[] { command, "--model", truncated } : [command, "--model", truncated, "--data", good];
            var run = CliRun.Of(args);
            OneLine(run, Cli.Cli.UserError, "is truncated or corrupt");
            Assert.DoesNotContain("LineNumber", run.Err);
            Assert.DoesNotContain("BytePositionInLine", run.Err);
        }
    }

    [Fact]
    public void An_output_file_in_a_missing_folder_is_refused_and_no_folder_made()
    {
        var missing = dir.File("no/such");
        var runs = new[]
        {
            CliRun.Of("train", "--target", "spring", "--samples", "100", "--epochs", "1", "--out", $"{missing}/m.json"),
            CliRun.Of("predict", "--model", model, "--data", good, "--out", $"{missing}/p.csv"),
            CliRun.Of("generate", "--target", "spring", "--out", $"{missing}/g.csv"),
        };
        foreach (var run in runs)
            OneLine(run, Cli.Cli.UserError, $"the folder '{missing}' does not exist; create it first (mkdir -p {missing}) or choose another path");
        Assert.False(Directory.Exists(dir.File("no")));
        // a file where the folder should be
        OneLine(CliRun.Of("generate", "--target", "spring", "--out", $"{good}/g.csv"), Cli.Cli.UserError, $"'{good}' is a file, not a folder");
        // in a folder that exists, as before
        Assert.Equal(0, CliRun.Of("generate", "--target", "spring", "--rows", "5", "--out", dir.File("g.csv")).ExitCode);
    }
}
