using Core = global::Seagull.Core;

namespace Seagull.Api;

/// <summary>
/// Images with class labels (or without, for prediction): pixels scaled to [0, 1], each image row-major with
/// channels last. Read from IDX files (the MNIST family, gzip or not), from a folder with one subfolder per class
/// (PNG, JPEG or BMP; torchvision's ImageFolder layout), or from a CSV of pixel columns (Kaggle's Fashion-MNIST
/// CSVs). Immutable.
/// </summary>
/// <example>
/// <code>
/// var (train, test) = ImageData.FashionMnist();
/// var net = new NetworkBuilder().Image(train).Hidden(256, 128).Build();
/// var classifier = new SwapInvariantClassifier(net);
/// classifier.Fit(train, new FitOptions { Epochs = 30 });
/// Console.WriteLine(classifier.Evaluate(test).Accuracy);
/// </code>
/// </example>
public sealed class ImageData
{
    internal Core.ImageSet Inner { get; }

    // A pixel CSV's own column names (empty for other sources): a classifier fitted on these images keeps them as its
    // input names, so its model file and ONNX export (seagull.inputs) name the columns as the file does.
    private readonly string[] pixelColumns;

    internal ImageData(Core.ImageSet inner, string source, string[]? pixelColumns = null)
    {
        Inner = inner;
        Source = source;
        this.pixelColumns = pixelColumns ?? [];
    }

    /// <summary>Image width in pixels.</summary>
    /// <example><code>int w = images.Width;</code></example>
    public int Width => Inner.Width;

    /// <summary>Image height in pixels.</summary>
    /// <example><code>int h = images.Height;</code></example>
    public int Height => Inner.Height;

    /// <summary>Channels per pixel: 1 (grayscale) or 3 (RGB).</summary>
    /// <example><code>int c = images.Channels;</code></example>
    public int Channels => Inner.Channels;

    /// <summary>The number of images.</summary>
    /// <example><code>Console.WriteLine(images.Count);</code></example>
    public int Count => Inner.Count;

    /// <summary>True when every image has a class label.</summary>
    /// <example><code>if (images.IsLabelled) classifier.Fit(images);</code></example>
    public bool IsLabelled => Inner.Labels is not null;

    /// <summary>The class names in class-index order (empty for unlabelled images).</summary>
    /// <example><code>Console.WriteLine(string.Join(", ", images.ClassNames));</code></example>
    public IReadOnlyList<string> ClassNames => ReadOnly.List(Inner.ClassNames.ToArray());

    /// <summary>One name per image: its path relative to the folder read (forward slashes), or its 0-based index in a file.</summary>
    /// <example><code>Console.WriteLine(images.Names[0]);</code></example>
    public IReadOnlyList<string> Names => ReadOnly.List(Inner.Names.ToArray());

    /// <summary>The class index of every image.</summary>
    /// <exception cref="InvalidOperationException">The images have no labels.</exception>
    /// <example><code>int[] y = images.Labels();</code></example>
    public int[] Labels() => Inner.Labels is { } l ? l.Value.ToArray() : throw new InvalidOperationException("these images have no labels");

    /// <summary>Where the images came from (a path, or a data set's name).</summary>
    /// <example><code>Console.WriteLine(images.Source);</code></example>
    public string Source { get; }

    /// <summary>The pixels of every image, one row per image (Width·Height·Channels values in [0, 1]).</summary>
    /// <example><code>float[,] x = images.ToPixelArray();</code></example>
    public float[,] ToPixelArray()
    {
        var width = Width * Height * Channels;
        var x = new float[Count, width];
        Buffer.BlockCopy(Inner.Pixels, 0, x, 0, Inner.Pixels.Length * sizeof(float));
        return x;
    }

    /// <summary>Reads MNIST-family IDX files: images (idx3, unsigned bytes) and, optionally, labels (idx1); gzip or not.</summary>
    /// <exception cref="FileNotFoundException">A file does not exist.</exception>
    /// <exception cref="InvalidDataException">A file is truncated or not IDX, or the counts differ (one line naming the file).</exception>
    /// <example><code>var test = ImageData.FromIdx("t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz");</code></example>
    public static ImageData FromIdx(string imagesPath, string? labelsPath = null)
    {
        Guard.FileExists(imagesPath, nameof(imagesPath), "image file");
        if (labelsPath is not null) Guard.FileExists(labelsPath, nameof(labelsPath), "label file");
        var set = Guard.Data(() => Core.Images.readIdx(imagesPath,
            labelsPath is null ? Microsoft.FSharp.Core.FSharpOption<string>.None : Fs.Some(labelsPath)));
        return new ImageData(set, Path.GetFileName(imagesPath));
    }

    /// <summary>
    /// Reads a folder of images. Labelled: one subfolder per class (its name is the class; classes in ordinal order).
    /// Unlabelled: every image under the folder.
    /// </summary>
    /// <exception cref="DirectoryNotFoundException">The folder does not exist.</exception>
    /// <exception cref="InvalidDataException">No class subfolders, an empty class, images of different sizes, a file that is not an image (one line naming it).</exception>
    /// <example><code>var photos = ImageData.FromFolder("photos/train");</code></example>
    public static ImageData FromFolder(string path, bool labelled = true)
    {
        if (string.IsNullOrWhiteSpace(path)) throw new ArgumentException("the image folder path is empty", nameof(path));
        if (!Directory.Exists(path)) throw new DirectoryNotFoundException($"image folder '{path}' does not exist");
        var set = Guard.Data(() => Core.Images.readFolder(path, labelled));
        return new ImageData(set, Path.GetFileName(Path.TrimEndingDirectorySeparator(path)));
    }

    /// <summary>
    /// Reads a CSV of pixel columns (a header row; every column but <paramref name="labelColumn"/> a pixel, 0–255),
    /// as Kaggle's Fashion-MNIST CSVs come (<c>label,pixel1,…,pixel784</c>). Labels are numbers or names.
    /// </summary>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">The pixel count differs from width·height·channels, or a value is not a number in [0, 255] (one line naming row and column).</exception>
    /// <example><code>var train = ImageData.FromCsv("fashion-mnist_train.csv", 28, 28, labelColumn: "label");</code></example>
    public static ImageData FromCsv(string path, int width, int height, int channels = 1, string? labelColumn = "label")
    {
        Guard.FileExists(path, nameof(path), "data file");
        var (set, columns) = Guard.Data(() => Core.Images.readCsvWithColumns(path, width, height, channels,
            labelColumn is null ? Microsoft.FSharp.Core.FSharpOption<string>.None : Fs.Some(labelColumn)));
        return new ImageData(set, Path.GetFileName(path), columns);
    }

    /// <summary>Fashion-MNIST (60000 training and 10000 test images, ten classes) from Debian's <c>dataset-fashion-mnist</c>.</summary>
    /// <exception cref="InvalidDataException">It is not installed (the message says how to install it).</exception>
    /// <example><code>var (train, test) = ImageData.FashionMnist();</code></example>
    public static (ImageData Train, ImageData Test) FashionMnist()
    {
        var (train, test) = Guard.Data(() => Core.Images.fashionMnist());
        return (new ImageData(train, "fashion-mnist"), new ImageData(test, "fashion-mnist"));
    }

    /// <summary>A small built-in set of synthetic images whose class does not change under a left-right flip, for demos and tests.</summary>
    /// <example><code>var demo = ImageData.Synthetic(2000, 16, 16, seed: 0);</code></example>
    public static ImageData Synthetic(int count, int width = 16, int height = 16, int seed = 0)
    {
        if (count < 1) throw new ArgumentOutOfRangeException(nameof(count), count, $"synthetic images: the count must be ≥ 1, got {count}");
        var set = Guard.Argument(nameof(width), () => Core.Images.synthetic(seed, count, width, height));
        return new ImageData(set, "synthetic");
    }

    /// <summary>The same images mirrored (left-right for <see cref="Flip.Horizontal"/>), labels kept.</summary>
    /// <example><code>var mirrored = test.Mirrored();</code></example>
    public ImageData Mirrored(Flip flip = Flip.Horizontal) => new(Core.Images.mirror(Fs.ToAxis(flip), Inner), Source, pixelColumns);

    /// <summary>The core's classification data set of these images under a flip.</summary>
    internal Core.Dataset ToDataset(Flip flip) => Guard.Data(() => Core.Classifier.ofImagesNamed(Fs.ToAxis(flip), pixelColumns, Inner));

    /// <summary>Size, channels, count and classes.</summary>
    /// <example><code>Console.WriteLine(images);</code></example>
    public override string ToString() =>
        $"{Count} images of {Width}×{Height}{(Channels == 1 ? "" : $"×{Channels}")}" + (IsLabelled ? $", {ClassNames.Count} classes" : ", unlabelled");
}
