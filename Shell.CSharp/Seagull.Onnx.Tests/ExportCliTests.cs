using Seagull.Api;
using Xunit;

namespace Seagull.Onnx.Tests;

/// <summary><c>seagull export</c>: a file ONNX Runtime runs; bad input is one line on stderr, exit 1, nothing written.</summary>
public sealed class ExportCliTests : IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("seagull-onnx-cli-").FullName;
    private readonly string model, corrupt, custom, appended;

    public ExportCliTests()
    {
        model = Path.Combine(dir, "model.json");
        var regressor = SwapInvariantRegressor.Create(uWidth: 1, wWidth: 1, Architecture.Split);
        regressor.Fit(Targets.Get("bead_pair").Generate(100, seed: 1), new FitOptions { Epochs = 1 });
        regressor.Save(model);
        corrupt = Path.Combine(dir, "corrupt.json");
        File.WriteAllText(corrupt, File.ReadAllText(model)[..200]);
        appended = Path.Combine(dir, "appended.json");
        File.WriteAllText(appended, File.ReadAllText(model) + "{\"extra\": 1}\n");
        // A model with a custom activation: the CLI cannot know its formula, so it cannot load it.
        custom = Path.Combine(dir, "custom.json");
        var softsign = Activation.Custom("softsign", z => z / (1 + Expr.Abs(z)));
        var withCustom = new SwapInvariantRegressor(new NetworkBuilder().Blocks(1, 1, 1).Architecture(Architecture.Mlp).Hidden(4).Activations(softsign).Build());
        withCustom.Fit(Targets.Get("bead_pair").Generate(100, seed: 1), new FitOptions { Epochs = 1 });
        withCustom.Save(custom);
    }

    public void Dispose() => Directory.Delete(dir, recursive: true);

    /// <summary>Runs the CLI in this process: exit code, stdout and stderr (also used by the image export tests).</summary>
    internal static (int Code, string Out, string Err) Run(params string[] args)
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
        { "--out is empty", "{model}", "" },
        { "--out is a system file", "{model}", "/proc/self/status" },
        { "--out is a new file under /proc", "{model}", "/proc/x.onnx" },
        { "extra JSON after the model", "{appended}", "{dir}/x.onnx" },
    };

    [Theory]
    [MemberData(nameof(BadInput))]
    public void Bad_input_is_one_line_on_stderr_exit_1_and_nothing_written(string why, string modelArg, string outArg)
    {
        string Expand(string a) => a.Replace("{dir}", dir).Replace("{model}", model).Replace("{corrupt}", corrupt).Replace("{custom}", custom).Replace("{appended}", appended);
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
    public void Names_with_commas_are_quoted_as_in_the_metadata()
    {
        var x = new double[60, 3];
        var y = new double[60, 2];
        var rng = new Random(1);
        for (var i = 0; i < 60; i++)
        {
            for (var j = 0; j < 3; j++) x[i, j] = rng.NextDouble();
            y[i, 0] = x[i, 0] + x[i, 1];
            y[i, 1] = x[i, 2];
        }
        var data = RegressionData.FromArrays(x, y, uWidth: 1, wWidth: 1, targetNames: ["energy, J", "force"]);
        var r = new SwapInvariantRegressor(new NetworkBuilder().Blocks(data).Hidden(4).Outputs(2).Build());
        r.Fit(data, new FitOptions { Epochs = 1 });
        var named = Path.Combine(dir, "named.json");
        r.Save(named);
        var path = Path.Combine(dir, "named.onnx");
        var (code, stdout, stderr) = Run("export", "--model", named, "--out", path);
        Assert.True(code == 0, stderr);
        Assert.Contains("output: y: float32 [rows, 2] (\"energy, J\", force)", stdout);
        Assert.Contains("input: x: float32 [rows, 3] (u1, v1, w1), in the model's units", stdout);
        using var ort = new Ort(File.ReadAllBytes(path));
        Assert.Equal("\"energy, J\",force", ort.Metadata["seagull.outputs"]);
    }

    [Fact]
    public void Json_is_one_object_saying_what_was_written()
    {
        var path = Path.Combine(dir, "model.onnx");
        var (code, stdout, stderr) = Run("export", "--model", model, "--out", path, "--json");
        Assert.True(code == 0, stderr);
        Assert.Equal("", stderr);
        using var doc = System.Text.Json.JsonDocument.Parse(stdout);
        var root = doc.RootElement;
        Assert.Equal(path, root.GetProperty("path").GetString());
        Assert.Equal(21, root.GetProperty("opset").GetInt32());
        Assert.Equal(["u1", "v1", "w1"], root.GetProperty("inputs").EnumerateArray().Select(e => e.GetString()!));
        var output = Assert.Single(root.GetProperty("outputs").EnumerateArray());
        Assert.Equal("y", output.GetProperty("name").GetString());
        Assert.Equal(["y"], output.GetProperty("columns").EnumerateArray().Select(e => e.GetString()!));
        Assert.Equal("regression", root.GetProperty("task").GetString());
        Assert.StartsWith("3→split(", root.GetProperty("network").GetString());
        Assert.True(root.GetProperty("exactly_invariant").GetBoolean());
        Assert.Equal(new FileInfo(path).Length, root.GetProperty("bytes").GetInt64());
        Assert.Equal(System.Text.Json.JsonValueKind.Null, root.GetProperty("pixel_scale").ValueKind);
    }

    [Fact]
    public void The_messages_say_what_is_wrong_with_the_path_or_the_file()
    {
        string Err(string m, string o) => Run("export", "--model", m, "--out", o).Err;
        Assert.Equal("error: --out is empty: give the path of the ONNX file to write\n", Err(model, ""));
        Assert.Contains("cannot write '/proc/self/status': it is a system file under /proc, which takes no output", Err(model, "/proc/self/status"));
        Assert.Contains("cannot write '/proc/x.onnx': there is no such device, and no file can be created in /proc", Err(model, "/proc/x.onnx"));
        var err = Err(appended, Path.Combine(dir, "x.onnx"));
        Assert.Contains("there is trailing data after the model", err);
        Assert.DoesNotContain("truncated", err);
        Assert.Contains("truncated", Err(corrupt, Path.Combine(dir, "x.onnx")));
    }

    [Fact]
    public void The_messages_name_the_problem()
    {
        Assert.Contains("corrupt", Run("export", "--model", corrupt, "--out", Path.Combine(dir, "x.onnx")).Err);
        Assert.Contains("softsign", Run("export", "--model", custom, "--out", Path.Combine(dir, "x.onnx")).Err);
        Assert.Contains("is a file, not a folder", Run("export", "--model", model, "--out", Path.Combine(model, "x.onnx")).Err);
    }
}
