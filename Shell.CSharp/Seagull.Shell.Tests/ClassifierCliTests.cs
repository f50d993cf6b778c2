using System.Text.Json;
using Seagull.Api;
using Xunit;

namespace Seagull.Shell.Tests;

/// <summary>seagull train / evaluate / predict on images and labelled tables, end to end, and their errors.</summary>
public class ClassifierCliTests
{
    private static void Ok(CliRun run) => Assert.True(run.ExitCode == 0, run.ToString());

    private static void OneLineError(CliRun run, string expected, params string[] unwritten)
    {
        Assert.True(run.ExitCode == 1, run.ToString());
        Assert.Single(run.ErrLines);
        Assert.Contains(expected, run.Err);
        Assert.DoesNotContain("   at ", run.Err);
        foreach (var path in unwritten) Assert.False(File.Exists(path), $"{path} was written");
    }

    [Theory]
    [InlineData("split", 16)]
    [InlineData("pooled", 15)]
    [InlineData("symmetrized", 15)]
    public void Train_on_idx_images_reports_json_and_exact_designs_give_disagreement_zero(string arch, int width)
    {
        using var tmp = new TempFolder();
        var (images, labels) = ImageFiles.Idx(ImageData.Synthetic(800, width, 12, seed: 1), tmp.Path, "train");
        var (testImages, testLabels) = ImageFiles.Idx(ImageData.Synthetic(300, width, 12, seed: 2), tmp.Path, "t10k");
        var model = tmp.File("m.json");
        var run = CliRun.Of("train", "--images", images, "--labels", labels, "--test-images", testImages, "--test-labels", testLabels,
                            "--arch", arch, "--hidden", "32,16", "--epochs", "4", "--out", model, "--json");
        Ok(run);
        using var doc = JsonDocument.Parse(run.Out);
        var r = doc.RootElement;
        foreach (var name in new[] { "train_accuracy", "test_accuracy", "test_cross_entropy", "disagreement", "invariance_error", "epochs_run", "seconds", "parameters", "classes" })
            Assert.True(r.TryGetProperty(name, out _), name);
        Assert.Equal(0.0, r.GetProperty("disagreement").GetDouble());
        Assert.Equal(0.0, r.GetProperty("invariance_error").GetDouble());
        Assert.Equal(300, r.GetProperty("test_rows").GetInt32());
        // IDX files hold label numbers only: the classes are "0" .. "K−1".
        Assert.Equal(new[] { "0", "1", "2", "3" }, r.GetProperty("classes").EnumerateArray().Select(c => c.GetString()!));

        var eval = CliRun.Of("evaluate", "--model", model, "--images", testImages, "--labels", testLabels, "--json");
        Ok(eval);
        using var e = JsonDocument.Parse(eval.Out);
        Assert.Equal(r.GetProperty("test_accuracy").GetDouble(), e.RootElement.GetProperty("accuracy").GetDouble());
        Assert.Equal(300, e.RootElement.GetProperty("rows").GetInt32());
        Assert.Equal(4, e.RootElement.GetProperty("confusion").GetArrayLength());
        Assert.Equal(0.0, e.RootElement.GetProperty("disagreement").GetDouble());
        Assert.Equal(300, e.RootElement.GetProperty("per_class").EnumerateArray().Sum(c => c.GetProperty("rows").GetInt32()));
    }

    [Fact]
    public void Train_on_a_png_folder_then_predict_a_folder_names_each_image_by_its_path()
    {
        using var tmp = new TempFolder();
        var folder = ImageFiles.Folder(ImageData.Synthetic(240, 10, 10, seed: 3), tmp.File("train"));
        var model = tmp.File("m.json");
        var train = CliRun.Of("train", "--images", folder, "--hidden", "16", "--epochs", "2", "--out", model);
        Ok(train);
        Assert.StartsWith("network: 100→symmetrize(", train.Out);
        Assert.Contains("exactly invariant: yes", train.Out);
        Assert.Contains("48 test rows", train.Out);   // --test-fraction 0.2 of 240
        var output = tmp.File("p.csv");
        Ok(CliRun.Of("predict", "--model", model, "--images", folder, "--out", output));
        var lines = File.ReadAllLines(output);
        Assert.Equal("image,prediction,p_bar,p_cross,p_ring,p_square", lines[0]);
        Assert.Equal(241, lines.Length);
        Assert.Matches(@"^(bar|cross|ring|square)/img\d{4}\.png,(bar|cross|ring|square),", lines[1]);
    }

    [Fact]
    public void Pixel_csv_and_labelled_table_csv_train_with_classify()
    {
        using var tmp = new TempFolder();
        var csv = ImageFiles.Csv(ImageData.Synthetic(300, 8, 8, seed: 6), tmp.File("pixels.csv"));
        var model = tmp.File("m.json");
        Ok(CliRun.Of("train", "--data", csv, "--classify", "--image", "8x8", "--y", "label", "--epochs", "2", "--hidden", "16", "--out", model));
        var eval = CliRun.Of("evaluate", "--model", model, "--data", csv, "--json");
        Ok(eval);
        Assert.Equal(300, JsonDocument.Parse(eval.Out).RootElement.GetProperty("rows").GetInt32());
        var predicted = tmp.File("pp.csv");
        Ok(CliRun.Of("predict", "--model", model, "--data", csv, "--out", predicted));
        // The file's columns as written (pixel1 … pixel64, label), then the prediction and the probabilities.
        Assert.Equal(File.ReadLines(csv).First() + ",prediction,p_bar,p_cross,p_ring,p_square", File.ReadLines(predicted).First());

        var rng = new Random(7);
        var rows = Enumerable.Range(0, 200).Select(i =>
        {
            double a = rng.NextDouble(), b = rng.NextDouble(), c = rng.NextDouble();
            return $"{i},{a:R},{b:R},{c:R},{(a + b > 1 ? "big" : "small")}";
        });
        var table = tmp.Write("t.csv", "id,u1,v1,w1,kind\n" + string.Join("\n", rows) + "\n");
        var tableModel = tmp.File("t.json");
        var run = CliRun.Of("train", "--data", table, "--classify", "--u", "u1", "--v", "v1", "--w", "w1", "--y", "kind", "--epochs", "3", "--out", tableModel, "--json");
        Ok(run);
        Assert.Equal(new[] { "big", "small" }, JsonDocument.Parse(run.Out).RootElement.GetProperty("classes").EnumerateArray().Select(c => c.GetString()));
        var tablePredictions = tmp.File("tp.csv");
        Ok(CliRun.Of("predict", "--model", tableModel, "--data", table, "--out", tablePredictions));
        var header = File.ReadLines(tablePredictions).First();
        Assert.Equal("id,u1,v1,w1,kind,prediction,p_big,p_small", header);
        Ok(CliRun.Of("evaluate", "--model", tableModel, "--data", table, "--y", "kind"));
    }

    [Fact]
    public void Bad_image_input_is_one_line_exit_1_and_nothing_written()
    {
        using var tmp = new TempFolder();
        var model = tmp.File("m.json");
        var (images, labels) = ImageFiles.Idx(ImageData.Synthetic(50, 8, 8), tmp.Path, "train");
        var (_, fewer) = ImageFiles.Idx(ImageData.Synthetic(40, 8, 8), tmp.Path, "other");
        OneLineError(CliRun.Of("train", "--images", images, "--labels", fewer, "--out", model), "other-labels-idx1-ubyte", model);
        OneLineError(CliRun.Of("train", "--images", images, "--out", model), "--labels", model);
        OneLineError(CliRun.Of("train", "--images", tmp.File("missing"), "--out", model), "missing", model);
        var truncated = tmp.File("cut-images-idx3-ubyte");
        File.WriteAllBytes(truncated, File.ReadAllBytes(images)[..200]);
        OneLineError(CliRun.Of("train", "--images", truncated, "--labels", labels, "--out", model), "cut-images-idx3-ubyte", model);

        var flat = Directory.CreateDirectory(tmp.File("flat")).FullName;
        File.WriteAllBytes(Path.Combine(flat, "a.png"), []);
        OneLineError(CliRun.Of("train", "--images", flat, "--out", model), "flat", model);
        var folder = ImageFiles.Folder(ImageData.Synthetic(20, 8, 8), tmp.File("classes"));
        File.WriteAllText(Path.Combine(folder, "bar", "notes.txt"), "not an image");
        OneLineError(CliRun.Of("train", "--images", folder, "--out", model), "notes.txt", model);

        var csv = ImageFiles.Csv(ImageData.Synthetic(30, 8, 8), tmp.File("p.csv"));
        OneLineError(CliRun.Of("train", "--data", csv, "--classify", "--image", "9x8", "--out", model), "p.csv", model);
        Assert.Equal(2, CliRun.Of("train", "--data", csv, "--image", "8x8", "--out", model).ExitCode);   // --image needs --classify
        OneLineError(CliRun.Of("train", "--data", csv, "--classify", "--image", "8by8", "--out", model), "not an image size", model);

        // A regression model does not take images.
        var regression = tmp.File("r.json");
        Ok(CliRun.Of("train", "--target", "coulomb", "--samples", "200", "--epochs", "1", "--out", regression));
        OneLineError(CliRun.Of("evaluate", "--model", regression, "--images", images, "--labels", labels), "regression model");
    }
}
