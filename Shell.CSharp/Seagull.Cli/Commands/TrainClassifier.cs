using System.CommandLine;
using System.Text.RegularExpressions;
using Seagull.Api;

namespace Seagull.Cli.Commands;

/// <summary><c>seagull train --images …</c> or <c>--data … --classify</c>: fit a classifier and save it.</summary>
internal static partial class TrainClassifier
{
    internal sealed record Request(NetworkBuilder Net, FitOptions Fit, ImageOptions Images, string? TestImages, string? TestLabels,
                                   string? DataPath, DataOptions Data, string? ImageShape, string ModelPath, bool Json, bool ModelOnStdout);

    [GeneratedRegex(@"^\s*(\d+)\s*[x×X]\s*(\d+)\s*(?:[x×X]\s*(\d+))?\s*$")]
    private static partial Regex ShapePattern();

    /// <summary>W×H or W×H×C.</summary>
    public static (int Width, int Height, int Channels) ParseShape(string text, string option)
    {
        var m = ShapePattern().Match(text);
        if (!m.Success || !int.TryParse(m.Groups[1].Value, out var w) || !int.TryParse(m.Groups[2].Value, out var h)
            || (m.Groups[3].Success && !int.TryParse(m.Groups[3].Value, out _)))
            throw new ArgumentException($"{option} '{text}' is not an image size; write WxH or WxHxC, such as 28x28 or 32x32x3");
        var c = m.Groups[3].Success ? int.Parse(m.Groups[3].Value) : 1;
        if (w < 1 || h < 1 || c < 1) throw new ArgumentException($"{option} '{text}': width, height and channels must be ≥ 1");
        return (w, h, c);
    }

    public static int Run(CliContext ctx, ParseResult parse, Request r, CancellationToken cancel)
    {
        var flip = r.Images.FlipOf(parse);
        var fit = r.Fit;
        SwapInvariantClassifier classifier;
        string source;
        Func<IProgress<EpochReport>?, ClassifierFitReport> train;
        if (r.Images.Given(parse))
        {
            var images = parse.GetValue(r.Images.Images)!;
            Options.RequireNotAnInput(r.ModelPath, ("--images", images), ("--labels", parse.GetValue(r.Images.Labels)),
                                      ("--test-images", r.TestImages), ("--test-labels", r.TestLabels));
            var trainImages = r.Images.Read(parse, labelled: true);
            var testImages = r.TestImages is { } t
                ? ImageOptions.ReadPath(t, r.TestLabels, labelled: true, testPart: true, "--test-images", "--test-labels")
                : ImageOptions.HasTestPart(images) ? ImageOptions.ReadPath(images, null, true, testPart: true, "--images", "--labels") : null;
            if (testImages is not null) fit = fit with { TestFraction = null };
            classifier = new SwapInvariantClassifier(r.Net.Image(trainImages, flip).Build());
            source = $"{trainImages}" + (testImages is null ? "" : $"; test: {testImages.Count} images");
            train = progress => classifier.Fit(trainImages, fit, testImages, progress, cancel);
        }
        else if (r.ImageShape is { } shape)
        {
            var (w, h, c) = ParseShape(shape, "--image");
            var label = parse.GetValue(r.Data.Y) ?? "label";
            var trainImages = ImageData.FromCsv(r.DataPath!, w, h, c, label);
            classifier = new SwapInvariantClassifier(r.Net.Image(trainImages, flip).Build());
            source = $"{trainImages} from {Path.GetFileName(r.DataPath)}";
            train = progress => classifier.Fit(trainImages, fit, null, progress, cancel);
        }
        else
        {
            var roles = r.Data.Roles(parse);
            classifier = new SwapInvariantClassifier(r.Net.Blocks(roles.U.Count, roles.V.Count, roles.W.Count).Build());
            source = $"{Path.GetFileName(r.DataPath)} (u:{roles.U.Count} v:{roles.V.Count} w:{roles.W.Count})";
            var drop = parse.GetValue(r.Data.DropMissing);
            train = progress => classifier.Fit(r.DataPath!, roles, fit, drop, progress, cancel);
        }

        var bar = ctx.Interactive ? new ProgressLine(ctx.Err) : null;
        var onEpoch = bar is null ? null : new Reporter<EpochReport>(e =>
        {
            var remaining = TimeSpan.FromTicks(e.Elapsed.Ticks / e.Epoch * (e.Epochs - e.Epoch));
            bar.Draw($"{ProgressLine.Bar((double)e.Epoch / e.Epochs)} epoch {e.Epoch}/{e.Epochs}  loss {Text.Number(e.TrainLoss)}  {Text.Duration(e.Elapsed)} elapsed, ~{Text.Duration(remaining)} left",
                     force: e.Epoch == e.Epochs);
        });
        ClassifierFitReport report;
        try { report = train(onEpoch); }
        finally { bar?.Finish(); }
        if (report.Cancelled) throw new OperationCanceledException();
        cancel.ThrowIfCancellationRequested();
        classifier.Save(r.ModelPath);
        Print(r.ModelOnStdout ? ctx.Err : ctx.Out, r.Json, report, classifier, source, r.ModelPath, r.Images.Given(parse) || r.ImageShape is not null);
        return Cli.Success;
    }

    private static void Print(TextWriter o, bool json, ClassifierFitReport r, SwapInvariantClassifier c, string source, string path, bool images)
    {
        var test = r.Test;
        if (json)
        {
            o.WriteLine(Text.Json(w =>
            {
                w.WriteStartObject();
                Text.Number(w, "train_accuracy", r.TrainAccuracy);
                Text.Number(w, "test_accuracy", test?.Accuracy);
                Text.Number(w, "test_cross_entropy", test?.CrossEntropy);
                Text.Number(w, "mirrored_test_accuracy", test?.SwappedAccuracy);
                Text.Number(w, "disagreement", test?.Disagreement);
                Text.Number(w, "invariance_error", test?.InvarianceError);
                w.WriteNumber("epochs_run", r.EpochsRun);
                w.WriteNumber("best_epoch", r.BestEpoch);
                w.WriteNumber("seconds", r.Seconds);
                w.WriteNumber("parameters", r.Parameters);
                w.WriteStartArray("classes");
                foreach (var name in c.ClassNames) w.WriteStringValue(name);
                w.WriteEndArray();
                w.WriteNumber("train_rows", r.TrainRows);
                w.WriteNumber("test_rows", test?.Rows ?? 0);
                w.WriteString("network", c.Definition.Description);
                w.WriteBoolean("exactly_invariant", c.Definition.IsExactlyInvariant);
                TrainCommand.WriteLearned(w, r.LearnedActivations);
                w.WriteString("model", path);
                w.WriteEndObject();
            }));
            return;
        }
        var swap = images ? "mirror images" : "swapped rows";
        o.WriteLine($"network: {c.Definition.Description} ({r.Parameters} parameters; exactly invariant: {(c.Definition.IsExactlyInvariant ? "yes" : "no")})");
        o.WriteLine($"data: {source}; {r.TrainRows} training rows, {test?.Rows ?? 0} test rows, {c.ClassNames.Count} classes");
        o.WriteLine($"trained {r.EpochsRun} epochs in {r.Seconds:F2} s" + (r.BestEpoch != r.EpochsRun ? $" (kept epoch {r.BestEpoch}, the best on validation)" : ""));
        TrainCommand.PrintLearned(o, r.LearnedActivations);
        o.WriteLine($"train accuracy {ClassificationText.Percent(r.TrainAccuracy)}");
        if (test is not null)
        {
            o.WriteLine($"test accuracy {ClassificationText.Percent(test.Accuracy)} (on their {swap}: {ClassificationText.Percent(test.SwappedAccuracy)}), cross-entropy {Text.Number(test.CrossEntropy)}");
            o.WriteLine($"disagreement {ClassificationText.Percent(test.Disagreement)} of the test rows change class on their {swap}; invariance error {Text.Number(test.InvarianceError)} (max |logit(x) − logit(x̃)|)");
        }
    }
}
