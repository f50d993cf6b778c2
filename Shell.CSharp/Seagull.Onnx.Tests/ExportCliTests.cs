using Seagull.Api;
using Xunit;

namespace Seagull.Onnx.Tests;

/// <summary><c>seagull export</c>: a file ONNX Runtime runs; bad input is one line on stderr, exit 1, nothing written.</summary>
public sealed class ExportCliTests : IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("seagull-onnx-cli-").FullName;
    private readonly string model, corrupt, custom;

    public ExportCliTests()
    {
        model = Path.Combine(dir, "model.json");
        var regressor = SwapInvariantRegressor.Create(uWidth: 1, wWidth: 1, Architecture.Split);
        regressor.Fit(Targets.Get("bead_pair").Generate(100, seed: 1), new FitOptions { Epochs = 1 });
        regressor.Save(model);
        corrupt = Path.Combine(dir, "corrupt.json");
        File.WriteAllText(corrupt, File.ReadAllText(model)[..200]);
        // A model with a custom activation: the CLI cannot know its formula, so it cannot load it.
        custom = Path.Combine(dir, "custom.json");
        var softsign = Activation.Custom("softsign", z => z / (1 + Expr.Abs(z)));
        var withCustom = new SwapInvariantRegressor(new NetworkBuilder().Blocks(1, 1, 1).Architecture(Architecture.Mlp).Hidden(4).Activations(softsign).Build());
        withCustom.Fit(Targets.Get("bead_pair").Generate(100, seed: 1), new FitOptions { Epochs = 1 });
        withCustom.Save(custom);
    }

    public void Dispose() => Directory.Delete(dir, recursive: true);

    private static (int Code, string Out, string Err) Run(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var code = Seagull.Cli.Cli.Run(args, stdout, stderr);
        return (code, stdout.ToString(), stderr.ToString());
    }

    [Fact]
    public void Export_writes_a_file_that_ONNX_Runtime_runs_and_says_what_it_holds()
    {
        var path = Path.Combine(dir, "model.onnx");
        var (code, stdout, stderr) = Run("export", "--model", model, "--out", path);
        Assert.True(code == 0, stderr);
        Assert.Equal("", stderr);
        Assert.Equal(4, stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
        Assert.StartsWith("network: 3→split(", stdout);
        Assert.Contains("input: x: float32 [rows, 3]", stdout);
        Assert.Contains("output: y: float32 [rows, 1] (y)", stdout);
        Assert.Contains($"ONNX file (opset 21) written to {path}", stdout);
        var loaded = SwapInvariantRegressor.Load(model);
        using var ort = new Ort(File.ReadAllBytes(path));
        float[] x = [0.5f, -1.25f, 2f];
        Assert.Equal((float)loaded.Predict(x.Select(v => (double)v).ToArray()), ort.Run("y", x, 3)[0], 4);
        Assert.Equal("u1,v1,w1", ort.Metadata["seagull.inputs"]);
    }

    public static TheoryData<string, string, string> BadInput() => new()
    {
        { "corrupt model file", "{corrupt}", "{dir}/x.onnx" },
        { "missing model file", "{dir}/none.json", "{dir}/x.onnx" },
        { "a custom activation the CLI has no formula for", "{custom}", "{dir}/x.onnx" },
        { "--out is a folder", "{model}", "{dir}" },
        { "--out under a file", "{model}", "{model}/x.onnx" },
        { "--out in a missing folder", "{model}", "{dir}/none/x.onnx" },
        { "--out is the model file", "{model}", "{model}" },
    };

    [Theory]
    [MemberData(nameof(BadInput))]
    public void Bad_input_is_one_line_on_stderr_exit_1_and_nothing_written(string why, string modelArg, string outArg)
    {
        string Expand(string a) => a.Replace("{dir}", dir).Replace("{model}", model).Replace("{corrupt}", corrupt).Replace("{custom}", custom);
        var before = Directory.GetFileSystemEntries(dir).Order().ToArray();
        var modelBytes = File.ReadAllBytes(model);
        var (code, stdout, stderr) = Run("export", "--model", Expand(modelArg), "--out", Expand(outArg));
        Assert.True(code == 1, $"{why}: exit {code}\n{stderr}");
        var lines = stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.True(lines.Length == 1, $"{why}: {stderr}");
        Assert.StartsWith("error: ", lines[0]);
        Assert.Equal("", stdout);
        Assert.Equal(before, Directory.GetFileSystemEntries(dir).Order().ToArray());
        Assert.Equal(modelBytes, File.ReadAllBytes(model));
    }

    [Fact]
    public void The_messages_name_the_problem()
    {
        Assert.Contains("corrupt", Run("export", "--model", corrupt, "--out", Path.Combine(dir, "x.onnx")).Err);
        Assert.Contains("softsign", Run("export", "--model", custom, "--out", Path.Combine(dir, "x.onnx")).Err);
        Assert.Contains("is a file, not a folder", Run("export", "--model", model, "--out", Path.Combine(model, "x.onnx")).Err);
    }
}
