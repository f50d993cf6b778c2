using System.CommandLine;
using System.CommandLine.Parsing;
using System.Text.Json;
using Seagull.Api;

namespace Seagull.Cli;

/// <summary>
/// --images PATH [--labels PATH] and --flip: image data for classification. PATH is a folder (one subfolder per
/// class, or any images for predict), an IDX image file (the MNIST family, gzip or not; labels from --labels),
/// or the name fashion-mnist (Debian's dataset-fashion-mnist: its training part, or with --test its test part).
/// </summary>
internal sealed class ImageOptions
{
    public Option<string?> Images { get; } = new("--images") { Description = "Images: a folder with one subfolder per class (PNG, JPEG, BMP), an IDX image file (gzip or not) with --labels, 'fashion-mnist' (Debian's dataset-fashion-mnist) or 'synthetic' (a small built-in flip-invariant set).", HelpName = "PATH" };
    public Option<string?> Labels { get; } = new("--labels") { Description = "The IDX label file of an IDX --images file.", HelpName = "PATH" };
    public Option<string> Flip { get; } = new Option<string>("--flip") { Description = "The mirror that is the symmetry: horizontal (left-right) or vertical (top-bottom).", DefaultValueFactory = _ => "horizontal" }
        .AcceptOnlyFromAmong("horizontal", "vertical");

    public bool Given(ParseResult parse) => parse.GetValue(Images) is not null;

    public Flip FlipOf(ParseResult parse) => parse.GetValue(Flip) == "vertical" ? Api.Flip.Vertical : Api.Flip.Horizontal;

    /// <summary>Reads --images (and --labels): labelled for training and evaluation, not for prediction.</summary>
    public ImageData Read(ParseResult parse, bool labelled, bool testPart = false) =>
        ReadPath(parse.GetValue(Images)!, parse.GetValue(Labels), labelled, testPart, "--images", "--labels");

    public static bool IsSynthetic(string path) => path.Trim().Equals("synthetic", StringComparison.OrdinalIgnoreCase);

    /// <summary>A name that stands for a training and a test part: fashion-mnist or synthetic.</summary>
    public static bool HasTestPart(string path) => IsFashionMnist(path) || IsSynthetic(path);

    public static bool IsFashionMnist(string path) => path.Trim().Equals("fashion-mnist", StringComparison.OrdinalIgnoreCase);

    public static ImageData ReadPath(string path, string? labels, bool labelled, bool testPart, string option, string labelsOption)
    {
        if (IsSynthetic(path))
        {
            if (labels is not null) throw new ArgumentException($"{labelsOption} does not apply to {option} synthetic, which has its own labels");
            // The built-in demo set: 16×16 shapes whose class does not change under a left-right flip.
            return testPart ? ImageData.Synthetic(1000, 16, 16, seed: 1) : ImageData.Synthetic(4000, 16, 16, seed: 0);
        }
        if (IsFashionMnist(path))
        {
            if (labels is not null) throw new ArgumentException($"{labelsOption} does not apply to {option} fashion-mnist, which has its own labels");
            var (train, test) = ImageData.FashionMnist();
            return testPart ? test : train;
        }
        if (Directory.Exists(path))
        {
            if (labels is not null) throw new ArgumentException($"{labelsOption} applies to IDX image files; the folder '{path}' takes its labels from its class subfolders");
            return ImageData.FromFolder(path, labelled);
        }
        if (!File.Exists(path)) throw new FileNotFoundException($"{option} '{path}': no such file or folder");
        if (path.EndsWith(".csv", StringComparison.OrdinalIgnoreCase))
            throw new ArgumentException($"{option} '{path}' is a CSV file; give it as --data {path} --classify --image WxH [--y label]");
        if (labelled && labels is null)
            throw new ArgumentException($"{option} '{path}' is an image file without labels; give its IDX label file with {labelsOption}");
        return ImageData.FromIdx(path, labels);
    }

    public void AddTo(Command command)
    {
        command.Options.Add(Images);
        command.Options.Add(Labels);
        command.Options.Add(Flip);
    }
}

/// <summary>What the classification commands print.</summary>
internal static class ClassificationText
{
    public static void Metrics(Utf8JsonWriter w, ClassificationReport r)
    {
        Text.Number(w, "accuracy", r.Accuracy);
        Text.Number(w, "cross_entropy", r.CrossEntropy);
        Text.Number(w, "mirrored_accuracy", r.SwappedAccuracy);
        Text.Number(w, "disagreement", r.Disagreement);
        Text.Number(w, "invariance_error", r.InvarianceError);
        w.WriteNumber("rows", r.Rows);
        Text.Objects(w, "per_class", r.PerClass, (w, c) =>
        {
            w.WriteString("class", c.Name);
            w.WriteNumber("rows", c.Rows);
            w.WriteNumber("correct", c.Correct);
            Text.Number(w, "accuracy", c.Accuracy);
        });
        w.WriteStartArray("confusion");
        for (var t = 0; t < r.ClassNames.Count; t++)
        {
            w.WriteStartArray();
            for (var p = 0; p < r.ClassNames.Count; p++) w.WriteNumberValue(r.Confusion[t, p]);
            w.WriteEndArray();
        }
        w.WriteEndArray();
    }

    public static string Percent(double x) => double.IsNaN(x) ? "n/a" : (100 * x).ToString("F2", System.Globalization.CultureInfo.InvariantCulture) + " %";

    public static void Lines(TextWriter o, ClassificationReport r, string swapName)
    {
        o.WriteLine($"rows             {r.Rows}");
        o.WriteLine($"accuracy         {Percent(r.Accuracy)} (on the {swapName}: {Percent(r.SwappedAccuracy)})");
        o.WriteLine($"cross_entropy    {Text.Number(r.CrossEntropy)}");
        o.WriteLine($"disagreement     {Percent(r.Disagreement)} of the rows change class under the {swapName.TrimEnd('s')}");
        o.WriteLine($"invariance_error {Text.Number(r.InvarianceError)} (max |logit(x) − logit(x̃)|)");
        var width = Math.Max(5, r.ClassNames.Max(n => n.Length));
        o.WriteLine("per class:");
        foreach (var c in r.PerClass)
            o.WriteLine($"  {c.Name.PadRight(width)}  {Percent(c.Accuracy),8}  ({c.Correct}/{c.Rows})");
        o.WriteLine("confusion (rows: true class, columns: predicted, in the order above):");
        for (var t = 0; t < r.ClassNames.Count; t++)
            o.WriteLine("  " + string.Join(" ", Enumerable.Range(0, r.ClassNames.Count).Select(p => r.Confusion[t, p].ToString().PadLeft(5))));
    }
}
