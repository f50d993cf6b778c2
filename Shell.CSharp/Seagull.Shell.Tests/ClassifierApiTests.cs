using Seagull.Api;
using Xunit;

namespace Seagull.Shell.Tests;

/// <summary>SwapInvariantClassifier and ImageData from C#.</summary>
public class ClassifierApiTests
{
    private static readonly FitOptions Quick = new() { Epochs = 8, Seed = 0 };

    private static NetworkDefinition Net(ImageData images, Architecture architecture, params Activation[] activations) =>
        (activations.Length > 0 ? new NetworkBuilder().Activations(activations) : new NetworkBuilder())
            .Image(images).Architecture(architecture).Hidden(32, 16).Build();

    [Theory]
    [InlineData(16, 16)]
    [InlineData(15, 12)]
    public void Exactly_invariant_classifiers_never_change_their_answer_on_mirror_images(int width, int height)
    {
        var train = ImageData.Synthetic(1200, width, height, seed: 1);
        var test = ImageData.Synthetic(400, width, height, seed: 2);
        foreach (var architecture in new[] { Architecture.Split, Architecture.Pooled, Architecture.Symmetrized })
        {
            var c = new SwapInvariantClassifier(Net(train, architecture));
            var fit = c.Fit(train, Quick, test);
            Assert.NotNull(fit.Test);
            Assert.Equal(0.0, fit.Test!.Disagreement);
            Assert.Equal(0.0, fit.Test.InvarianceError);
            Assert.Equal(fit.Test.Accuracy, fit.Test.SwappedAccuracy);
            Assert.True(fit.Test.Accuracy > 0.4, $"{architecture}: {fit.Test.Accuracy}");
            // The mirror images themselves get the same classes and the same probabilities, bit for bit.
            Assert.Equal(c.Predict(test), c.Predict(test.Mirrored()));
            Assert.Equal(c.PredictProbabilities(test), c.PredictProbabilities(test.Mirrored()));
        }
        var plain = new SwapInvariantClassifier(Net(train, Architecture.Mlp, Activation.Relu));
        var plainFit = plain.Fit(train, Quick, test);
        Assert.True(plainFit.Test!.Disagreement > 0, "a plain MLP should change some answers under the mirror");
    }

    [Fact]
    public void A_table_classifier_takes_int_or_string_labels_and_reports_every_metric()
    {
        var rng = new Random(3);
        var n = 600;
        var x = new double[n, 4];
        var names = new string[n];
        var ints = new int[n];
        for (var i = 0; i < n; i++)
        {
            for (var j = 0; j < 4; j++) x[i, j] = rng.NextDouble() * 2 - 1;
            // Depends on the unordered pair {u, v} (u = columns 0–1, v = columns 2–3).
            var close = Math.Abs(x[i, 0] - x[i, 2]) + Math.Abs(x[i, 1] - x[i, 3]) < 0.9;
            names[i] = close ? "near" : "far";
            ints[i] = close ? 1 : 0;
        }
        var net = new NetworkBuilder().Blocks(2, 2, 0).Hidden(32, 32).Build();
        var byName = new SwapInvariantClassifier(net);
        var fit = byName.Fit(x, names, new FitOptions { Epochs = 60, TestFraction = 0.25 });
        Assert.Equal(new[] { "far", "near" }, byName.ClassNames);
        Assert.Equal(2, byName.Definition.Outputs);
        Assert.True(fit.Test!.Accuracy > 0.8, $"{fit.Test.Accuracy}");
        Assert.Equal(fit.Test.Rows, fit.Test.PerClass.Sum(c => c.Rows));
        Assert.Equal(fit.Test.Rows, Enumerable.Range(0, 2).Sum(t => Enumerable.Range(0, 2).Sum(p => fit.Test.Confusion[t, p])));
        var p = byName.PredictProbabilities(x);
        for (var i = 0; i < n; i++) Assert.Equal(1.0, p[i, 0] + p[i, 1], 12);
        var predicted = byName.Predict(x);
        Assert.All(predicted, s => Assert.Contains(s, new[] { "far", "near" }));
        var report = byName.Evaluate(x, names);
        Assert.Equal(predicted.Zip(names).Count(t => t.First == t.Second) / (double)n, report.Accuracy, 12);

        var byIndex = new SwapInvariantClassifier(net);
        byIndex.Fit(x, ints, new FitOptions { Epochs = 2 });
        Assert.Equal(new[] { "0", "1" }, byIndex.ClassNames);
        Assert.Equal(byIndex.Evaluate(x, ints).Accuracy, byIndex.Evaluate(x, ints.Select(i => i.ToString()).ToArray()).Accuracy);
    }

    [Fact]
    public void A_saved_classifier_loads_with_its_classes_and_predicts_the_same_bits()
    {
        using var tmp = new TempFolder();
        var train = ImageData.Synthetic(300, 8, 8, seed: 4);
        var c = new SwapInvariantClassifier(Net(train, Architecture.Symmetrized));
        c.Fit(train, new FitOptions { Epochs = 2 });
        var path = tmp.File("c.json");
        c.Save(path);
        var back = SwapInvariantClassifier.Load(path);
        Assert.Equal(c.ClassNames, back.ClassNames);
        Assert.True(back.IsImageModel);
        Assert.Equal(c.PredictProbabilities(train), back.PredictProbabilities(train));
        Assert.IsType<SwapInvariantClassifier>(SwapInvariantRegressor.LoadAny(path));
        var e = Assert.Throws<InvalidDataException>(() => SwapInvariantRegressor.Load(path));
        Assert.Contains("holds a classifier", e.Message);
    }

    [Fact]
    public void One_thread_or_two_give_the_same_bits()
    {
        // 28×28 inputs and a 256-wide first layer: products large enough to be split across threads.
        var train = ImageData.Synthetic(512, 28, 28, seed: 9);
        var net = new NetworkBuilder().Image(train).Architecture(Architecture.Symmetrized).Hidden(256, 128).Build();
        double[,] Fit(int threads)
        {
            var c = new SwapInvariantClassifier(net);
            c.Fit(train, new FitOptions { Epochs = 2, Threads = threads });
            return c.PredictProbabilities(train);
        }
        Assert.Equal(Fit(1), Fit(2));
        Assert.Equal("options", Assert.Throws<ArgumentException>(() => new SwapInvariantClassifier(net).Fit(train, new FitOptions { Threads = 0 })).ParamName);
    }

    [Fact]
    public void Bad_arguments_are_named()
    {
        var train = ImageData.Synthetic(100, 8, 8);
        var c = new SwapInvariantClassifier(Net(train, Architecture.Mlp));
        Assert.Equal("labels", Assert.Throws<ArgumentException>(() => c.Fit(new double[3, 128], new[] { 0, 1 })).ParamName);
        Assert.Equal("labels", Assert.Throws<ArgumentException>(() => c.Fit(new double[2, 128], new[] { 0, -1 })).ParamName);
        Assert.Equal("labels", Assert.Throws<ArgumentException>(() => c.Fit(new double[2, 128], new[] { "a", "a" })).ParamName);
        Assert.Equal("train", Assert.Throws<ArgumentException>(() => c.Fit(ImageData.Synthetic(100, 9, 8))).ParamName);
        Assert.Throws<InvalidOperationException>(() => c.Predict(train));
        var table = new SwapInvariantClassifier(new NetworkBuilder().Blocks(1, 1).Build());
        Assert.Equal("train", Assert.Throws<ArgumentException>(() => table.Fit(train)).ParamName);
    }

    [Fact]
    public void Image_files_read_back_as_written()
    {
        using var tmp = new TempFolder();
        var images = ImageData.Synthetic(40, 9, 8, seed: 5);
        var (idx, labels) = ImageFiles.Idx(images, tmp.Path, "train");
        var fromIdx = ImageData.FromIdx(idx, labels);
        Assert.Equal((9, 8, 1, 40), (fromIdx.Width, fromIdx.Height, fromIdx.Channels, fromIdx.Count));
        Assert.Equal(images.Labels(), fromIdx.Labels());
        var folder = ImageData.FromFolder(ImageFiles.Folder(images, tmp.File("folder")));
        Assert.Equal(images.ClassNames.OrderBy(n => n, StringComparer.Ordinal), folder.ClassNames);
        Assert.Equal(40, folder.Count);
        Assert.StartsWith(folder.ClassNames[folder.Labels()[0]] + "/", folder.Names[0]);
        var csv = ImageData.FromCsv(ImageFiles.Csv(images, tmp.File("p.csv")), 9, 8);
        Assert.Equal(fromIdx.ToPixelArray(), csv.ToPixelArray());
        var e = Assert.Throws<InvalidDataException>(() => ImageData.FromCsv(tmp.File("p.csv"), 8, 8));
        Assert.Contains("p.csv", e.Message);
    }
}
