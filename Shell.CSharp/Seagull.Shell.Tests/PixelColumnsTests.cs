using System.Globalization;
using Seagull.Api;
using Xunit;

namespace Seagull.Shell.Tests;

/// <summary>
/// An image classifier trained on a pixel CSV keeps the file's own pixel column names (so an ONNX export lists them
/// and a client finds them in the file), and predicting on a pixel CSV keeps the file's columns, as for tables.
/// </summary>
public class PixelColumnsTests
{
    private static void Ok(CliRun run) => Assert.True(run.ExitCode == 0, run.Err);

    // An id column first, pixels p1 … p64, the label last: the layout of the review (pixlab.csv).
    private static string Pixlab(TempFolder tmp, string name, bool id)
    {
        var images = ImageData.Synthetic(120, 8, 8, seed: 3);
        var x = images.ToPixelArray();
        var labels = images.Labels();
        var lines = new List<string> { (id ? "id," : "") + string.Join(",", Enumerable.Range(1, 64).Select(j => $"p{j}")) + ",label" };
        for (var i = 0; i < images.Count; i++)
            lines.Add((id ? $"row{i}," : "") + string.Join(",", Enumerable.Range(0, 64).Select(j => ((int)Math.Round(x[i, j] * 255)).ToString(CultureInfo.InvariantCulture))) + $",{images.ClassNames[labels[i]]}");
        return tmp.Write(name, string.Join("\n", lines) + "\n");
    }

    [Fact]
    public void A_pixel_csv_classifier_keeps_the_files_column_names_and_predict_keeps_its_columns()
    {
        using var tmp = new TempFolder();
        var csv = Pixlab(tmp, "pixlab.csv", id: false);
        var model = tmp.File("pl.json");
        Ok(CliRun.Of("train", "--data", csv, "--classify", "--image", "8x8", "--y", "label", "--epochs", "1", "--hidden", "8", "--out", model));
        var loaded = SwapInvariantClassifier.Load(model);
        Assert.Equal(Enumerable.Range(1, 64).Select(j => $"p{j}"), loaded.InputNames);

        // Predicting on a file with an id column too: the pixels are found by name, every column is kept.
        var withId = Pixlab(tmp, "new.csv", id: true);
        var predicted = tmp.File("predicted.csv");
        Ok(CliRun.Of("predict", "--model", model, "--data", withId, "--out", predicted));
        var header = File.ReadLines(withId).First();
        var output = File.ReadAllLines(predicted);
        Assert.Equal(header + ",prediction," + string.Join(",", loaded.ClassNames.Select(c => $"p_{c}")), output[0]);
        Assert.Equal(121, output.Length);
        Assert.StartsWith(File.ReadLines(withId).Skip(1).First() + ",", output[1]);
        // The probabilities are those of the images read as images.
        var p = loaded.PredictProbabilities(ImageData.FromCsv(csv, 8, 8));
        var first = output[1].Split(',').TakeLast(loaded.ClassNames.Count).Select(v => double.Parse(v, CultureInfo.InvariantCulture)).ToArray();
        Assert.Equal(Enumerable.Range(0, first.Length).Select(k => p[0, k]), first);
    }

    [Fact]
    public void A_model_named_pixel1_to_pixelN_still_reads_a_file_of_other_names_by_position()
    {
        using var tmp = new TempFolder();
        var csv = Pixlab(tmp, "pixlab.csv", id: false);
        // Fitted on images (not a CSV): the inputs are pixel1 … pixel64, as every image model was before.
        var net = new NetworkBuilder().Image(8, 8).Hidden(8).Build();
        var classifier = new SwapInvariantClassifier(net);
        classifier.Fit(ImageData.Synthetic(120, 8, 8, seed: 3), new FitOptions { Epochs = 1 });
        Assert.Equal("pixel1", classifier.InputNames[0]);
        var model = tmp.File("old.json");
        classifier.Save(model);
        var predicted = tmp.File("predicted.csv");
        Ok(CliRun.Of("predict", "--model", model, "--data", csv, "--out", predicted));
        Assert.StartsWith(File.ReadLines(csv).First() + ",prediction,", File.ReadLines(predicted).First());
        Assert.Equal(121, File.ReadAllLines(predicted).Length);
    }
}
