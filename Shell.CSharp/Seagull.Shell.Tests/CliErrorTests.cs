using Seagull.Api;
using Xunit;

namespace Seagull.Shell.Tests;

/// <summary>Bad input: exit 1 with one line 'error: …' on stderr; usage errors: exit 2.</summary>
public class CliErrorTests : IDisposable
{
    private readonly TempFolder dir = new();
    private readonly string good, model, corrupt, nan, malformed, missingColumn;

    public CliErrorTests()
    {
        good = dir.File("good.csv");
        Targets.Get("bead_pair").Generate(40, seed: 1).WriteCsv(good);
        File.Copy(good, dir.File("bead_pair.csv"));
        dir.Write("tworows.csv", string.Join("\n", File.ReadAllLines(good).Take(3)) + "\n");
        var lines = File.ReadAllLines(good);
        nan = dir.Write("nan.csv", string.Join("\n", lines.Select((l, i) => i == 3 ? "NaN" + l[l.IndexOf(',')..] : l)) + "\n");
        malformed = dir.Write("malformed.csv", string.Join("\n", lines.Take(5)) + "\n1,\"2,3\n");
        missingColumn = dir.Write("missing.csv", "u1,w1,y\n1,2,3\n4,5,6\n");
        model = dir.File("model.json");
        var regressor = SwapInvariantRegressor.Create(uWidth: 1, wWidth: 1, Architecture.Pooled);
        regressor.Fit(RegressionData.FromCsv(good, ColumnRoles.Parse("u1", "v1", "w1", "y")), new FitOptions { Epochs = 1 });
        regressor.Save(model);
        corrupt = dir.Write("corrupt.json", File.ReadAllText(model)[..200]);
    }

    public void Dispose() => dir.Dispose();

    public static TheoryData<string, string[]> UserErrors() => new()
    {
        { "unknown target", ["train", "--target", "nope", "--out", "{dir}/x.json"] },
        { "unknown activation", ["train", "--target", "spring", "--activations", "seagull,nope", "--out", "{dir}/x.json"] },
        { "unknown even activation", ["train", "--target", "spring", "--arch", "split", "--even", "nope", "--out", "{dir}/x.json"] },
        { "malformed CSV", ["train", "--data", "{malformed}", "--u", "u1", "--v", "v1", "--out", "{dir}/x.json"] },
        { "NaN cell in training data", ["train", "--data", "{nan}", "--u", "u1", "--v", "v1", "--w", "w1", "--out", "{dir}/x.json"] },
        { "NaN cell in evaluation data", ["evaluate", "--model", "{model}", "--data", "{nan}"] },
        { "u/v width mismatch", ["train", "--data", "{good}", "--u", "u1,w1", "--v", "v1", "--out", "{dir}/x.json"] },
        { "unknown column", ["train", "--data", "{good}", "--u", "u1", "--v", "nope", "--out", "{dir}/x.json"] },
        { "missing data file", ["train", "--data", "{dir}/none.csv", "--u", "u1", "--v", "v1", "--out", "{dir}/x.json"] },
        { "missing model file", ["predict", "--model", "{dir}/none.json", "--data", "{good}"] },
        { "corrupt model file", ["check", "--model", "{corrupt}"] },
        { "corrupt model file to evaluate", ["evaluate", "--model", "{corrupt}", "--data", "{good}"] },
        { "model columns missing from data", ["predict", "--model", "{model}", "--data", "{missing}"] },
        { "no target column", ["evaluate", "--model", "{model}", "--data", "{good}", "--y", "energy"] },
        { "bad --hidden list", ["train", "--target", "spring", "--hidden", "64,x", "--out", "{dir}/x.json"] },
        { "empty --hidden item", ["train", "--target", "spring", "--hidden", "64,,64", "--out", "{dir}/x.json"] },
        { "zero --hidden width", ["train", "--target", "spring", "--hidden", "0", "--out", "{dir}/x.json"] },
        { "activation count mismatch", ["train", "--target", "spring", "--hidden", "8,8,8", "--activations", "seagull,tanh", "--out", "{dir}/x.json"] },
        { "zero epochs", ["train", "--target", "spring", "--epochs", "0", "--out", "{dir}/x.json"] },
        { "--out is a folder", ["train", "--target", "spring", "--out", "{dir}"] },
        { "compare unknown target", ["compare", "--targets", "spring,nope", "--out", "{dir}/cmp"] },
        { "compare unknown variant", ["compare", "--variants", "mlp-tanh,nope", "--out", "{dir}/cmp"] },
        { "compare target twice", ["compare", "--targets", "spring,Spring", "--out", "{dir}/cmp"] },
        { "compare variant twice", ["compare", "--variants", "mlp-tanh,split,split", "--out", "{dir}/cmp"] },
        { "compare data named like a built-in target", ["compare", "--targets", "bead_pair", "--data", "{dir}/bead_pair.csv", "--u", "u1", "--v", "v1", "--w", "w1", "--out", "{dir}/cmp"] },
        { "predict over its model file", ["predict", "--model", "{model}", "--data", "{good}", "--out", "{model}"] },
        { "predict over its data file", ["predict", "--model", "{model}", "--data", "{good}", "--out", "{good}"] },
        { "train over its data file", ["train", "--data", "{good}", "--u", "u1", "--v", "v1", "--w", "w1", "--out", "{good}"] },
        { "--out is a folder for predict", ["predict", "--model", "{model}", "--data", "{good}", "--out", "{dir}"] },
        { "evaluate with a model input as the target", ["evaluate", "--model", "{model}", "--data", "{good}", "--y", "u1"] },
        { "evaluate with a blank --y", ["evaluate", "--model", "{model}", "--data", "{good}", "--y", " "] },
        { "a test part that leaves one row to train on", ["train", "--target", "bead_pair", "--samples", "100", "--test-fraction", "0.99", "--out", "{dir}/x.json"] },
        { "a validation part that leaves one row to fit on", ["train", "--target", "bead_pair", "--samples", "100", "--patience", "2", "--validation-fraction", "0.99", "--out", "{dir}/x.json"] },
        { "hidden layer too large", ["train", "--target", "spring", "--hidden", "50000,50000", "--out", "{dir}/x.json"] },
        { "compare empty activation", ["compare", "--activation", " ", "--out", "{dir}/cmp"] },
        { "compare zero batch", ["compare", "--batch", "0", "--out", "{dir}/cmp"] },
        { "compare on a 2-row CSV", ["compare", "--data", "{tworows}", "--u", "u1", "--v", "v1", "--w", "w1", "--out", "{dir}/cmp"] },
        { "compare zero seeds", ["compare", "--seeds", "0", "--out", "{dir}/cmp"] },
        { "compare unknown activation", ["compare", "--activation", "nope", "--out", "{dir}/cmp"] },
        { "compare unwritable --out", ["compare", "--quick", "--out", "{good}/cmp"] },
        { "compare bad CSV", ["compare", "--data", "{nan}", "--u", "u1", "--v", "v1", "--w", "w1", "--out", "{dir}/cmp"] },
        { "compare shard out of range", ["compare", "--quick", "--shard", "3/3", "--out", "{dir}/cmp"] },
        { "compare shard not I/N", ["compare", "--quick", "--shard", "1", "--out", "{dir}/cmp"] },
        { "compare bad --lr item", ["compare", "--quick", "--lr", "1e-3,abc", "--out", "{dir}/cmp"] },
        { "compare decimal comma --lr", ["compare", "--quick", "--lr", "0,001", "--out", "{dir}/cmp"] },
        { "compare --lr twice", ["compare", "--quick", "--lr", "1e-3", "1e-3", "--out", "{dir}/cmp"] },
        { "compare bad --hidden shape", ["compare", "--quick", "--hidden", "32,32", "64,x", "--out", "{dir}/cmp"] },
        { "compare --hidden shape twice", ["compare", "--quick", "--hidden", "8,8", "8,8", "--out", "{dir}/cmp"] },
        { "compare --resume of no sweep", ["compare", "--resume", "{dir}"] },
        { "merge a folder that is no shard", ["merge", "{dir}", "--out", "{dir}/cmp"] },
        { "merge a folder that does not exist", ["merge", "{dir}/none", "--out", "{dir}/cmp"] },
    };

    private string[] Expand(string[] args) =>
        args.Select(a => a.Replace("{dir}", dir.Path).Replace("{good}", good).Replace("{model}", model).Replace("{corrupt}", corrupt)
                          .Replace("{nan}", nan).Replace("{malformed}", malformed).Replace("{missing}", missingColumn).Replace("{tworows}", dir.File("tworows.csv"))).ToArray();

    [Theory]
    [MemberData(nameof(UserErrors))]
    public void A_user_error_exits_1_with_one_line(string why, string[] args)
    {
        var run = CliRun.Of(Expand(args));
        Assert.True(run.ExitCode == 1, $"{why}: {run}");
        Assert.True(run.ErrLines.Length == 1, $"{why}: {run}");
        Assert.StartsWith("error: ", run.ErrLines[0]);
        Assert.DoesNotContain("   at ", run.Err);
        Assert.Equal("", run.Out);
        Assert.False(File.Exists(Path.Combine(dir.Path, "x.json")), why);
        Assert.False(Directory.Exists(Path.Combine(dir.Path, "cmp")), $"{why}: compare must fail before creating its output");
    }

    [Fact]
    public void Messages_name_the_problem()
    {
        Assert.Contains("unknown target 'nope'", CliRun.Of(Expand(["train", "--target", "nope", "--out", "{dir}/x.json"])).Err);
        Assert.Contains("unknown activation 'nope'", CliRun.Of(Expand(["train", "--target", "spring", "--activations", "nope", "--out", "{dir}/x.json"])).Err);
        Assert.Contains("nan.csv' line 4", CliRun.Of(Expand(["evaluate", "--model", "{model}", "--data", "{nan}"])).Err);
        Assert.Contains("--hidden", CliRun.Of(Expand(["train", "--target", "spring", "--hidden", "64,x", "--out", "{dir}/x.json"])).Err);
        Assert.Contains("same count", CliRun.Of(Expand(["train", "--data", "{good}", "--u", "u1,w1", "--v", "v1", "--out", "{dir}/x.json"])).Err);
        Assert.Contains("does not exist", CliRun.Of(Expand(["predict", "--model", "{dir}/none.json", "--data", "{good}"])).Err);
        Assert.Contains("corrupt", CliRun.Of(Expand(["check", "--model", "{corrupt}"])).Err);
    }

    public static TheoryData<string, string[]> UsageErrors() => new()
    {
        { "no command", [] },
        { "unknown command", ["bogus"] },
        { "unknown option", ["train", "--target", "spring", "--out", "x.json", "--bogus"] },
        { "missing --out", ["train", "--target", "spring"] },
        { "neither --target nor --data", ["train", "--out", "x.json"] },
        { "both --target and --data", ["train", "--target", "spring", "--data", "d.csv", "--u", "a", "--v", "b", "--out", "x.json"] },
        { "--data without --u", ["train", "--data", "d.csv", "--out", "x.json"] },
        { "--u without --data", ["train", "--target", "spring", "--u", "a", "--out", "x.json"] },
        { "non-numeric --epochs", ["train", "--target", "spring", "--epochs", "many", "--out", "x.json"] },
        { "unknown --arch", ["train", "--target", "spring", "--arch", "cnn", "--out", "x.json"] },
        { "unknown --precision", ["compare", "--precision", "float16"] },
        { "missing --model", ["check"] },
        { "missing --data", ["predict", "--model", "m.json"] },
        { "missing --model and --data", ["evaluate"] },
        { "decimal comma in --lr", ["train", "--target", "spring", "--lr", "1,5", "--out", "x.json"] },
        { "decimal comma in --penalty", ["compare", "--penalty", "1,0"] },
        { "nan --lr", ["train", "--target", "spring", "--lr", "nan", "--out", "x.json"] },
        { "inf --lr", ["train", "--target", "spring", "--lr", "inf", "--out", "x.json"] },
        { "Infinity --penalty", ["compare", "--penalty", "Infinity"] },
        { "two bad numbers", ["train", "--target", "spring", "--epochs", "abc", "--lr", "xyz", "--out", "x.json"] },
        { "non-numeric --jobs", ["compare", "--jobs", "x"] },
        { "--shard with --images", ["compare", "--images", "synthetic", "--shard", "0/2"] },
        { "--resume with grid options", ["compare", "--resume", "x", "--epochs", "3"] },
        { "merge without folders", ["merge", "--out", "x"] },
        { "merge without --out", ["merge", "a", "b"] },
    };

    [Theory]
    [MemberData(nameof(UsageErrors))]
    public void A_usage_error_exits_2(string why, string[] args)
    {
        var run = CliRun.Of(args);
        Assert.True(run.ExitCode == 2, $"{why}: {run}");
        Assert.True(run.ErrLines.Length == 1, $"{why}: {run}");
        Assert.StartsWith("error: ", run.ErrLines[0]);
        Assert.DoesNotContain("System.", run.Err);
        Assert.Equal("", run.Out);
    }

    [Fact]
    public void A_compare_that_fails_in_training_leaves_no_empty_output_folder()
    {
        var run = CliRun.Of(Expand(["compare", "--quick", "--lr", "1e30", "--out", "{dir}/cmp/a/b"]));
        Assert.Equal(1, run.ExitCode);
        Assert.StartsWith("error: training diverged", run.ErrLines[^1]);
        Assert.False(Directory.Exists(dir.File("cmp")));
        // a folder that was there before is the user's and stays
        Directory.CreateDirectory(dir.File("mine"));
        Assert.Equal(1, CliRun.Of(Expand(["compare", "--quick", "--lr", "1e30", "--out", "{dir}/mine"])).ExitCode);
        Assert.True(Directory.Exists(dir.File("mine")));
    }

    [Fact]
    public void Evaluate_finds_the_target_by_name_or_position()
    {
        var byName = CliRun.Of(Expand(["evaluate", "--model", "{model}", "--data", "{good}", "--json"]));
        var byPosition = CliRun.Of(Expand(["evaluate", "--model", "{model}", "--data", "{good}", "--y", "3", "--json"]));
        Assert.Equal(0, byName.ExitCode);
        Assert.Equal(byName.Out, byPosition.Out);
        Assert.Contains("one of the model's inputs", CliRun.Of(Expand(["evaluate", "--model", "{model}", "--data", "{good}", "--y", "u1"])).Err);
    }

    [Fact]
    public void An_output_that_names_an_input_is_refused_and_the_input_kept()
    {
        var modelBytes = File.ReadAllBytes(model);
        var dataBytes = File.ReadAllBytes(good);
        var run = CliRun.Of(Expand(["predict", "--model", "{model}", "--data", "{good}", "--out", "{model}"]));
        Assert.Contains("is the --model file", run.Err);
        Assert.Contains("is the --data file", CliRun.Of(Expand(["train", "--data", "{good}", "--u", "u1", "--v", "v1", "--w", "w1", "--out", "{good}"])).Err);
        // the same file through a symbolic link is the same file
        var link = dir.File("link.csv");
        File.CreateSymbolicLink(link, good);
        Assert.Contains("is the --data file", CliRun.Of(Expand(["predict", "--model", "{model}", "--data", "{good}", "--out", link])).Err);
        Assert.Equal(modelBytes, File.ReadAllBytes(model));
        Assert.Equal(dataBytes, File.ReadAllBytes(good));
    }
}
