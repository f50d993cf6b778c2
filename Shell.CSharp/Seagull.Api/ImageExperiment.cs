using Core = global::Seagull.Core;

namespace Seagull.Api;

/// <summary>The settings of an image comparison (<see cref="ImageExperiment.Run"/>): the reference protocol by default.</summary>
/// <example><code>var options = new ImageCompareOptions { Seeds = 3, Epochs = 30, Patience = 5 };</code></example>
public sealed record ImageCompareOptions
{
    /// <summary>Variants (default: all of <see cref="ImageExperiment.Variants"/>); must include the baseline.</summary>
    public IReadOnlyList<string> Variants { get; init; } = [];
    /// <summary>Hidden widths (default 256, 128).</summary>
    public IReadOnlyList<int> Hidden { get; init; } = [256, 128];
    /// <summary>Seeds 0 … Seeds−1 (default 3).</summary>
    public int Seeds { get; init; } = 3;
    /// <summary>Epochs (default 30).</summary>
    public int Epochs { get; init; } = 30;
    /// <summary>Mini-batch size (default 128).</summary>
    public int BatchSize { get; init; } = 128;
    /// <summary>Adam's learning rate (default 1e-3).</summary>
    public double LearningRate { get; init; } = 1e-3;
    /// <summary>Early stopping on validation accuracy after this many epochs without a better one (default none: every epoch runs).</summary>
    public int? Patience { get; init; }
    /// <summary>The share of the training images held out for early stopping (default 0.1; used with <see cref="Patience"/>).</summary>
    public double ValidationFraction { get; init; } = 0.1;
    /// <summary>Models trained at once, each single-threaded (default: the number of cores).</summary>
    public int Jobs { get; init; } = Environment.ProcessorCount;
    /// <summary>The mirror that is the symmetry (default left-right).</summary>
    public Flip Flip { get; init; } = Flip.Horizontal;
    /// <summary>Precision (default float32).</summary>
    public Precision Precision { get; init; } = Precision.Float32;
}

/// <summary>One variant of an image comparison over its seeds.</summary>
/// <example><code>foreach (var v in result.Summary) Console.WriteLine($"{v.Variant}: {v.Accuracy:P2} / mirrored {v.MirroredAccuracy:P2}");</code></example>
public sealed record ImageVariantSummary(string Variant, bool ExactlyInvariant, double Accuracy, double AccuracyStd, double MirroredAccuracy,
                                         double Disagreement, double InvarianceError, int Wins, int Seeds, double MeanDifference, double SecondsPerEpoch);

/// <summary>A finished image comparison: every cell, the summary, and its report texts.</summary>
/// <example><code>Console.Write(result.ToMarkdown());</code></example>
public sealed class ImageCompareResult
{
    internal Core.ImageCompareSettings Settings { get; }
    internal Microsoft.FSharp.Collections.FSharpList<Core.ImageCellResult> Cells { get; }

    internal ImageCompareResult(Core.ImageCompareSettings settings, Microsoft.FSharp.Collections.FSharpList<Core.ImageCellResult> cells)
    {
        Settings = settings;
        Cells = cells;
        var rows = Core.ImageComparison.summarize(settings, cells);
        Summary = ReadOnly.List(rows.Select(r => new ImageVariantSummary(r.Variant, r.ExactlyInvariant, r.Accuracy, r.AccuracyStd, r.MirroredAccuracy,
            r.Disagreement, r.InvarianceError, r.Wins, r.Seeds, r.MeanDifference, r.SecondsPerEpoch)).ToArray());
        markdown = Core.ImageReports.summaryMarkdown(settings, rows);
        json = Core.ImageReports.summaryJson(settings, rows, cells);
    }

    private readonly string markdown, json;

    /// <summary>One row per variant, in the order run.</summary>
    public IReadOnlyList<ImageVariantSummary> Summary { get; }

    /// <summary>summary.md's text.</summary>
    public string ToMarkdown() => markdown;

    /// <summary>summary.json's text.</summary>
    public string ToJson() => json;
}

/// <summary>
/// Compares classification variants on images over seeds — plain MLPs, Seagull first, the exactly invariant
/// designs and augmentation — on the test images and on their mirror images.
/// </summary>
/// <example>
/// <code>
/// var (train, test) = ImageData.FashionMnist();
/// var result = ImageExperiment.Run(train, test, new ImageCompareOptions { Seeds = 3 });
/// Console.Write(result.ToMarkdown());
/// </code>
/// </example>
public static class ImageExperiment
{
    /// <summary>The variants' names, the baseline first.</summary>
    public static IReadOnlyList<string> Variants => ReadOnly.List(Core.ImageComparison.names.ToArray());

    /// <summary>The variant every other one is compared with.</summary>
    public static string Baseline => Core.ImageComparison.baseline;

    private static Core.ImageCompareSettings Settings(ImageData train, ImageData test, string source, ImageCompareOptions o) =>
        new(train.Inner, test.Inner, source, Fs.ToAxis(o.Flip), Fs.List(o.Variants), Fs.List(o.Hidden), o.Seeds, o.Epochs, o.BatchSize,
            o.LearningRate, Fs.Option(o.Patience), o.ValidationFraction, o.Jobs, Fs.ToDtype(o.Precision));

    /// <summary>Checks the options and data before anything is trained.</summary>
    /// <exception cref="ArgumentException">A bad setting or variant name, or unlabelled images (one-line reason).</exception>
    public static void Validate(ImageData train, ImageData test, ImageCompareOptions options)
    {
        ArgumentNullException.ThrowIfNull(train);
        ArgumentNullException.ThrowIfNull(test);
        ArgumentNullException.ThrowIfNull(options);
        Guard.Argument(nameof(options), () => Core.ImageComparison.validate(Settings(train, test, train.Source, options)));
    }

    /// <summary>Runs every variant × seed; <paramref name="progress"/> is told (done, total) after each model.</summary>
    /// <exception cref="ArgumentException">A bad setting (see <see cref="Validate"/>).</exception>
    /// <exception cref="OperationCanceledException">Cancelled.</exception>
    public static ImageCompareResult Run(ImageData train, ImageData test, ImageCompareOptions? options = null,
                                         IProgress<(int Done, int Total, string Last)>? progress = null, CancellationToken cancellationToken = default)
    {
        options ??= new ImageCompareOptions();
        Validate(train, test, options);
        var settings = Settings(train, test, train.Source, options);
        var report = Microsoft.FSharp.Core.FuncConvert.FromAction<int, int, Core.ImageCellResult>((done, total, cell) =>
            progress?.Report((done, total, $"{cell.Variant} seed {cell.Seed}: test accuracy {cell.Accuracy:P2}, mirrored {cell.MirroredAccuracy:P2}")));
        var cells = Guard.Training(() => Core.ImageComparison.run(settings, report, cancellationToken));
        return new ImageCompareResult(settings, cells);
    }
}
