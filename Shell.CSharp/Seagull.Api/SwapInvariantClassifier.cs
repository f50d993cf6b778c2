using System.Diagnostics;
using Core = global::Seagull.Core;

namespace Seagull.Api;

/// <summary>
/// A neural-network classifier for data with a known exchange symmetry: rows [u | v | w] whose class does not
/// change when u and v change places, or images whose class does not change under a mirror (the network built
/// with <see cref="NetworkBuilder.Image(int, int, int, Flip)"/>). Softmax cross-entropy on one logit per class.
/// With the split, pooled or symmetrized architecture, the logits of x and of its swap or mirror are equal bit
/// for bit, so the predicted class never changes.
/// </summary>
/// <remarks>Errors as <see cref="SwapInvariantRegressor"/>'s: <see cref="ArgumentException"/> for bad arguments,
/// <see cref="InvalidDataException"/> for bad files, <see cref="TrainingException"/> for a diverging fit.</remarks>
/// <example>
/// <code>
/// var (train, test) = ImageData.FashionMnist();
/// var classifier = new SwapInvariantClassifier(new NetworkBuilder().Image(train).Hidden(256, 128).Build());
/// classifier.Fit(train, new FitOptions { Epochs = 30 }, test);
/// string[] classes = classifier.Predict(test);
/// ClassificationReport report = classifier.Evaluate(test);   // report.Disagreement == 0
/// classifier.Save("fashion.json");
/// </code>
/// </example>
public sealed class SwapInvariantClassifier
{
    private volatile Core.Model? model;
    private int fitting;

    /// <summary>An unfitted classifier for the given network; its outputs are set to the number of classes at the fit.</summary>
    /// <example><code>var c = new SwapInvariantClassifier(new NetworkBuilder().Blocks(3, 3, 3).Build());</code></example>
    public SwapInvariantClassifier(NetworkDefinition definition)
    {
        Definition = definition ?? throw new ArgumentNullException(nameof(definition));
    }

    private SwapInvariantClassifier(NetworkDefinition definition, Core.Model model)
    {
        Definition = definition;
        this.model = model;
    }

    /// <summary>The network (after a fit: with one output per class).</summary>
    /// <example><code>Console.WriteLine(classifier.Definition.Description);</code></example>
    public NetworkDefinition Definition { get; private set; }

    /// <summary>True once a fit completed an epoch, or the classifier was loaded.</summary>
    /// <example><code>if (!classifier.IsFitted) classifier.Fit(x, labels);</code></example>
    public bool IsFitted => model is not null;

    /// <summary>The input column names in the network's order: a table's columns, a pixel CSV's own pixel columns, or
    /// pixel1 … pixelN (images from other files, or until fitted).</summary>
    /// <example><code>Console.WriteLine(string.Join(",", classifier.InputNames));</code></example>
    public IReadOnlyList<string> InputNames =>
        ReadOnly.List(model?.InputNames.ToArray() ?? Core.SymmetryModule.defaultNames(Definition.Spec.Symmetry));

    /// <summary>The class names in logit order (empty until fitted).</summary>
    /// <example><code>Console.WriteLine(string.Join(", ", classifier.ClassNames));</code></example>
    public IReadOnlyList<string> ClassNames => ReadOnly.List(model?.TargetNames.ToArray() ?? []);

    /// <summary>True when the network takes images (built with <see cref="NetworkBuilder.Image(int, int, int, Flip)"/>): its symmetry is their mirror.</summary>
    /// <example><code>if (classifier.IsImageModel) classifier.Predict(images);</code></example>
    public bool IsImageModel => Definition.Spec.Symmetry.Shape.IsMirror;

    /// <summary>The number of trainable parameters.</summary>
    /// <example><code>Console.WriteLine(classifier.ParameterCount);</code></example>
    public int ParameterCount => model is { } m ? Core.ParamsModule.count(m.Params) : Core.Network.parameterCount(Definition.Spec);

    private Core.Model Fitted() =>
        model ?? throw new InvalidOperationException("the classifier is not fitted yet; call Fit (or Load a saved model) first");

    // ---- fitting ----

    /// <summary>Fits to rows <paramref name="x"/> (the network's input columns) with integer class labels 0..K−1 (class names "0".."K−1").</summary>
    /// <exception cref="ArgumentException">Shapes differ, a label is negative, fewer than 2 classes, NaN inputs, or bad options.</exception>
    /// <exception cref="TrainingException">The loss diverged.</exception>
    /// <example><code>classifier.Fit(x, new[] { 0, 1, 1, 0 });</code></example>
    public ClassifierFitReport Fit(double[,] x, int[] labels, FitOptions? options = null, IProgress<EpochReport>? progress = null,
                                   CancellationToken cancellationToken = default) =>
        FitData(TableData(Fs.RowMajor(x), x?.GetLength(0) ?? 0, labels, nameof(x)), options, null, progress, cancellationToken);

    /// <summary>Fits to float32 rows with integer labels (see <see cref="Fit(double[,], int[], FitOptions?, IProgress{EpochReport}?, CancellationToken)"/>).</summary>
    /// <example><code>classifier.Fit(images.ToPixelArray(), images.Labels());</code></example>
    public ClassifierFitReport Fit(float[,] x, int[] labels, FitOptions? options = null, IProgress<EpochReport>? progress = null,
                                   CancellationToken cancellationToken = default) =>
        FitData(TableData(RowMajor(x), x?.GetLength(0) ?? 0, labels, nameof(x)), options, null, progress, cancellationToken);

    /// <summary>Fits to rows with class names as labels (classes in ordinal order of their names).</summary>
    /// <example><code>classifier.Fit(x, new[] { "cat", "dog", "dog", "cat" });</code></example>
    public ClassifierFitReport Fit(double[,] x, string[] labels, FitOptions? options = null, IProgress<EpochReport>? progress = null,
                                   CancellationToken cancellationToken = default) =>
        FitData(TableData(Fs.RowMajor(x), x?.GetLength(0) ?? 0, labels, nameof(x)), options, null, progress, cancellationToken);

    /// <summary>Fits to float32 rows with class names as labels.</summary>
    /// <example><code>classifier.Fit(pixels, names);</code></example>
    public ClassifierFitReport Fit(float[,] x, string[] labels, FitOptions? options = null, IProgress<EpochReport>? progress = null,
                                   CancellationToken cancellationToken = default) =>
        FitData(TableData(RowMajor(x), x?.GetLength(0) ?? 0, labels, nameof(x)), options, null, progress, cancellationToken);

    /// <summary>
    /// Fits to labelled images. With <paramref name="test"/>, the report's test metrics are on it (and
    /// <see cref="FitOptions.TestFraction"/> is not used); otherwise that fraction of the images is held out.
    /// </summary>
    /// <exception cref="ArgumentException">The images are unlabelled, or their size differs from the network's input.</exception>
    /// <example><code>classifier.Fit(train, new FitOptions { Epochs = 30, ValidationFraction = 0.1, Patience = 5 }, test);</code></example>
    public ClassifierFitReport Fit(ImageData train, FitOptions? options = null, ImageData? test = null,
                                   IProgress<EpochReport>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(train);
        if (!train.IsLabelled) throw new ArgumentException("the training images have no labels", nameof(train));
        if (test is { IsLabelled: false }) throw new ArgumentException("the test images have no labels", nameof(test));
        var flip = FlipOf(nameof(train));
        var data = ImageDataset(train, flip, nameof(train));
        var testData = test is null ? null : ImageDataset(test, flip, nameof(test));
        return FitData((data, train.Source), options, testData, progress, cancellationToken);
    }

    /// <summary>
    /// Fits to the columns of a CSV file: u, v, w by <paramref name="roles"/> and the class labels (integers or
    /// names) in its one target column. With <paramref name="dropMissing"/>, rows with a missing value are skipped.
    /// </summary>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">The CSV is malformed, or fewer than 2 classes (one line naming file, line and column).</exception>
    /// <example><code>classifier.Fit("pairs.csv", ColumnRoles.Parse("u1,u2", "v1,v2", "", "label"));</code></example>
    public ClassifierFitReport Fit(string csvPath, ColumnRoles roles, FitOptions? options = null, bool dropMissing = false,
                                   IProgress<EpochReport>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(roles);
        Guard.FileExists(csvPath, nameof(csvPath), "data file");
        var (data, _) = Guard.Data(() => Core.Classifier.ofCsv(new Core.CsvReadOptions(dropMissing), csvPath, roles.ToCore()));
        if (!data.Symmetry.Equals(Definition.Spec.Symmetry))
            throw new ArgumentException($"the file's columns are {data.Symmetry} but the network expects {Definition.Spec.Symmetry}", nameof(roles));
        return FitData((data, Path.GetFileName(csvPath)), options, null, progress, cancellationToken);
    }

    private Flip FlipOf(string param) =>
        Definition.Spec.Symmetry.Shape is Core.SymmetryShape.Mirror m
            ? (m.axis.IsLeftRight ? Flip.Horizontal : Flip.Vertical)
            : throw new ArgumentException("the network takes table rows, not images; build it with NetworkBuilder.Image(...)", param);

    private Core.Dataset ImageDataset(ImageData images, Flip flip, string param)
    {
        if (images.Width * images.Height * images.Channels != Definition.InputWidth)
            throw new ArgumentException(
                $"the images are {images.Width}×{images.Height}×{images.Channels} but the network takes {Definition.InputWidth} inputs ({Definition.Spec.Symmetry})", param);
        var data = images.ToDataset(flip);
        return Guard.Argument(param, () => data.Symmetry.Equals(Definition.Spec.Symmetry)
            ? data
            : throw new ArgumentException($"the images' symmetry ({data.Symmetry}) is not the network's ({Definition.Spec.Symmetry})", param));
    }

    private static double[] RowMajor(float[,] x)
    {
        ArgumentNullException.ThrowIfNull(x);
        var flat = new double[x.Length];
        var i = 0;
        foreach (var v in x) flat[i++] = v;
        return flat;
    }

    private (Core.Dataset, string) TableData(double[] x, int rows, int[] labels, string param)
    {
        ArgumentNullException.ThrowIfNull(labels);
        if (labels.Length != rows) throw new ArgumentException($"{rows} rows but {labels.Length} labels", nameof(labels));
        if (labels.Length == 0) throw new ArgumentException("there are no rows to fit on", param);
        if (labels.Min() < 0) throw new ArgumentException($"label {labels.Min()} is negative; labels are class indices 0, 1, …", nameof(labels));
        var classes = Math.Max(2, labels.Max() + 1);
        var names = Enumerable.Range(0, classes).Select(c => c.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        return (Table(x, rows, names, labels, param), "arrays");
    }

    private (Core.Dataset, string) TableData(double[] x, int rows, string[] labels, string param)
    {
        ArgumentNullException.ThrowIfNull(labels);
        if (labels.Length != rows) throw new ArgumentException($"{rows} rows but {labels.Length} labels", nameof(labels));
        if (labels.Any(string.IsNullOrEmpty)) throw new ArgumentException("a label is null or empty", nameof(labels));
        var names = labels.Distinct().OrderBy(n => n, StringComparer.Ordinal).ToArray();
        if (names.Length < 2) throw new ArgumentException($"classification needs at least 2 classes, the labels have {names.Length}", nameof(labels));
        var index = names.Select((n, i) => (n, i)).ToDictionary(p => p.n, p => p.i);
        return (Table(x, rows, names, labels.Select(l => index[l]).ToArray(), param), "arrays");
    }

    private Core.Dataset Table(double[] x, int rows, string[] classNames, int[] labels, string param)
    {
        var symmetry = Definition.Spec.Symmetry;
        if (rows > 0 && x.Length / rows != symmetry.Width)
            throw new ArgumentException($"x has {x.Length / rows} columns but the network takes {symmetry.Width} ({symmetry})", param);
        return Guard.Argument(param, () => Core.Classifier.dataset(symmetry, Core.SymmetryModule.defaultNames(symmetry), classNames, x, labels));
    }

    private ClassifierFitReport FitData((Core.Dataset Data, string Source) input, FitOptions? options, Core.Dataset? testSet,
                                        IProgress<EpochReport>? progress, CancellationToken cancellationToken)
    {
        options ??= new FitOptions();
        options.Validate();
        var (data, source) = input;
        var classes = data.TargetNames.Length;
        var definition = Definition;
        if (definition.Outputs != classes)
        {
            if (definition.Architecture == Architecture.Custom)
                throw new ArgumentException($"the data has {classes} classes but the custom network has {definition.Outputs} outputs", nameof(input));
            definition = definition.ToBuilder().Outputs(classes).Build();
        }
        var seed = options.Seed ?? definition.Seed;
        var train = data;
        var test = testSet is null ? null : Guard.Argument("test", () => Core.Classifier.align(data.TargetNames, testSet));
        if (test is null && options.TestFraction is double testFraction)
        {
            if (data.Rows < 3) throw new ArgumentException($"holding out a test part needs at least 3 rows, the data has {data.Rows}", nameof(input));
            var parts = Core.DatasetModule.split(Core.Random.fold(Core.Random.key(seed), 3), testFraction, data);
            (train, test) = (parts.Item1, parts.Item2);
        }
        Guard.Argument(nameof(options), () => Core.Regressor.requireFitRows(train.Rows, Fs.Option(options.ValidationFraction)));
        if (Interlocked.CompareExchange(ref fitting, 1, 0) != 0)
            throw new InvalidOperationException("a fit of this classifier is already running");
        try
        {
            var clock = Stopwatch.StartNew();
            var history = new List<EpochReport>();
            var onEpoch = Fs.Action<Core.EpochReport>(r =>
            {
                var report = new EpochReport(r.Epoch, options.Epochs, r.TrainLoss, Fs.Value(r.ValidationLoss), clock.Elapsed);
                history.Add(report);
                progress?.Report(report);
            });
            var settings = options.ToCore(seed, onEpoch, cancellationToken);
            var stopOn = options.StopOn == StoppingMeasure.Loss ? Core.StopOn.ValidationLoss : Core.StopOn.ValidationAccuracy;
            var (fitted, result) = Guard.Training(() => Fs.Threaded(options.Threads, () => Core.Classifier.fit(definition.Spec, settings, stopOn, train)));
            fitted = new Core.Model(fitted.Spec, fitted.Params, fitted.Standardization, fitted.InputNames, fitted.TargetNames, source, fitted.Task);
            var trainAccuracy = Fs.Threaded(options.Threads, () => Core.ClassEvaluation.accuracy(fitted, train));
            var testMetrics = test is null ? null : ClassificationReport.Of(Fs.Threaded(options.Threads, () => Core.ClassEvaluation.evaluate(fitted, test)));
            if (!(result.Cancelled && result.EpochsRun == 0))
            {
                model = fitted;
                Definition = definition;
            }
            return new ClassifierFitReport(trainAccuracy, testMetrics, result.EpochsRun, result.BestEpoch, result.Seconds,
                Core.ParamsModule.count(fitted.Params), train.Rows, result.Cancelled, ReadOnly.List(history)) { LearnedActivations = Fs.LearnedActivations(fitted) };
        }
        finally
        {
            Volatile.Write(ref fitting, 0);
        }
    }

    // ---- using a fitted classifier ----

    private double[] Inputs(double[] x, int rows, string param)
    {
        var width = Fitted().Spec.Symmetry.Width;
        if (rows > 0 && x.Length / rows != width) throw new ArgumentException($"x has {x.Length / rows} columns but the model takes {width}", param);
        return x;
    }

    private void CheckImageSize(ImageData images)
    {
        ArgumentNullException.ThrowIfNull(images);
        var m = Fitted();
        if (images.Width * images.Height * images.Channels != m.Spec.Symmetry.Width)
            throw new ArgumentException($"the images are {images.Width}×{images.Height}×{images.Channels} but the model takes {m.Spec.Symmetry.Width} inputs ({m.Spec.Symmetry})", nameof(images));
    }

    private double[] ImageInputs(ImageData images)
    {
        CheckImageSize(images);
        return Array.ConvertAll(images.Inner.Pixels, v => (double)v);
    }

    private string[] Names(double[] x)
    {
        var m = Fitted();
        return Guard.Argument("x", () => Core.Classifier.predict(m, x)).Select(c => m.TargetNames[c]).ToArray();
    }

    private double[,] Probabilities(double[] x, int rows)
    {
        var m = Fitted();
        var p = Guard.Argument("x", () => Core.Classifier.probabilities(m, x));
        return Fs.Matrix(p, rows, m.TargetNames.Length);
    }

    /// <summary>The predicted class name of every row.</summary>
    /// <exception cref="InvalidOperationException">Not fitted.</exception>
    /// <example><code>string[] classes = classifier.Predict(x);</code></example>
    public string[] Predict(double[,] x) => Names(Inputs(Fs.RowMajor(x), x.GetLength(0), nameof(x)));

    /// <summary>The predicted class name of every float32 row.</summary>
    /// <example><code>string[] classes = classifier.Predict(pixels);</code></example>
    public string[] Predict(float[,] x) => Names(Inputs(RowMajor(x), x.GetLength(0), nameof(x)));

    /// <summary>The predicted class name of every image.</summary>
    /// <example><code>string[] classes = classifier.Predict(test);</code></example>
    public string[] Predict(ImageData images) => Names(ImageInputs(images));

    /// <summary>Class probabilities (softmax of the logits): one row per input row, one column per class (<see cref="ClassNames"/>).</summary>
    /// <example><code>double[,] p = classifier.PredictProbabilities(x);</code></example>
    public double[,] PredictProbabilities(double[,] x) => Probabilities(Inputs(Fs.RowMajor(x), x.GetLength(0), nameof(x)), x.GetLength(0));

    /// <summary>Class probabilities of float32 rows.</summary>
    /// <example><code>double[,] p = classifier.PredictProbabilities(pixels);</code></example>
    public double[,] PredictProbabilities(float[,] x) => Probabilities(Inputs(RowMajor(x), x.GetLength(0), nameof(x)), x.GetLength(0));

    /// <summary>Class probabilities of every image.</summary>
    /// <example><code>double[,] p = classifier.PredictProbabilities(test);</code></example>
    public double[,] PredictProbabilities(ImageData images) => Probabilities(ImageInputs(images), images.Count);

    /// <summary>Accuracy, cross-entropy, per-class accuracy, the confusion matrix and, under the swap, the disagreement of labelled rows.</summary>
    /// <exception cref="ArgumentException">A label is not one of the model's classes (as its index), or the shapes differ.</exception>
    /// <example><code>var r = classifier.Evaluate(x, labels);</code></example>
    public ClassificationReport Evaluate(double[,] x, int[] labels) => EvaluateNames(Fs.RowMajor(x), x.GetLength(0), labels?.Select(ClassName).ToArray()!);

    /// <summary>Evaluates rows labelled by class name.</summary>
    /// <example><code>var r = classifier.Evaluate(x, new[] { "cat", "dog" });</code></example>
    public ClassificationReport Evaluate(double[,] x, string[] labels) => EvaluateNames(Fs.RowMajor(x), x.GetLength(0), labels);

    /// <summary>Evaluates labelled images (their classes must be among the model's).</summary>
    /// <example><code>var r = classifier.Evaluate(test);</code></example>
    public ClassificationReport Evaluate(ImageData images)
    {
        var x = ImageInputs(images);
        if (!images.IsLabelled) throw new ArgumentException("the images have no labels", nameof(images));
        return EvaluateNames(x, images.Count, images.Labels().Select(l => images.ClassNames[l]).ToArray());
    }

    private string ClassName(int label)
    {
        var names = Fitted().TargetNames;
        return label >= 0 && label < names.Length ? names[label]
            : throw new ArgumentException($"label {label} is not one of the model's {names.Length} classes (0..{names.Length - 1})", "labels");
    }

    private ClassificationReport EvaluateNames(double[] x, int rows, string[] labels)
    {
        ArgumentNullException.ThrowIfNull(labels);
        var m = Fitted();
        Inputs(x, rows, "x");
        if (labels.Length != rows) throw new ArgumentException($"{rows} rows but {labels.Length} labels", nameof(labels));
        var index = m.TargetNames.Select((n, i) => (n, i)).ToDictionary(p => p.n, p => p.i);
        var ints = labels.Select(l => index.TryGetValue(l ?? "", out var i) ? i
            : throw new ArgumentException($"'{l}' is not one of the model's classes ({string.Join(", ", m.TargetNames)})", nameof(labels))).ToArray();
        var data = Guard.Argument("x", () => Core.Classifier.dataset(m.Spec.Symmetry, m.InputNames, m.TargetNames, x, ints));
        return ClassificationReport.Of(Guard.Argument("x", () => Core.ClassEvaluation.evaluate(m, data)));
    }

    /// <summary>
    /// Accuracy and the rest (see <see cref="Evaluate(double[,], int[])"/>) on the labelled rows of a CSV file: for a
    /// table model its input columns by name, for an image model its pixel columns; labels (class names) in
    /// <paramref name="labelColumn"/> (a header name or 0-based position).
    /// </summary>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">A column is missing, a value is not a number, or a label is not one of the model's classes (one line).</exception>
    /// <example><code>var r = classifier.Evaluate("test.csv", "label");</code></example>
    public ClassificationReport Evaluate(string csvPath, string labelColumn = "label", bool dropMissing = false)
    {
        var m = Fitted();
        Guard.FileExists(csvPath, nameof(csvPath), "data file");
        if (string.IsNullOrWhiteSpace(labelColumn)) throw new ArgumentException("the label column is empty", nameof(labelColumn));
        var (data, _) = Guard.Data(() => Core.Classifier.labelledCsv(m.Spec.Symmetry, m.InputNames, m.TargetNames, new Core.CsvReadOptions(dropMissing), csvPath, labelColumn));
        return ClassificationReport.Of(Guard.Data(() => Core.ClassEvaluation.evaluate(m, data)));
    }

    /// <summary>
    /// Writes the predictions for every row of a CSV file to <paramref name="outputPath"/>, atomically: the file's
    /// every column as written, then <c>prediction</c> (the class name) and one <c>p_&lt;class&gt;</c> probability
    /// column per class. A table model reads its input columns by name; an image model's pixel CSV (values 0–255)
    /// gives its pixels by the model's column names, or, when the file lacks them, as every column but a
    /// <c>label</c> column, by position. Returns the number of rows.
    /// </summary>
    /// <exception cref="InvalidDataException">A column is missing or a value is not a number (one line naming file, line and column).</exception>
    /// <example><code>classifier.PredictCsv("new.csv", "predicted.csv");</code></example>
    public long PredictCsv(string inputPath, string outputPath, CancellationToken cancellationToken = default)
    {
        var m = Fitted();
        Guard.FileExists(inputPath, nameof(inputPath), "data file");
        if (string.IsNullOrWhiteSpace(outputPath)) throw new ArgumentException("the output path is empty", nameof(outputPath));
        return Guard.Data(() => Core.ClassPredictions.predictCsv(m, inputPath, outputPath, cancellationToken));
    }

    /// <summary>
    /// Writes <c>image,prediction,p_&lt;class&gt;…</c> for every image (its <see cref="ImageData.Names"/>: the path
    /// relative to the folder read, or the index in the file) to <paramref name="outputPath"/>, atomically.
    /// </summary>
    /// <exception cref="ArgumentException">The images' size is not the model's.</exception>
    /// <example><code>classifier.PredictToCsv(ImageData.FromFolder("new", labelled: false), "predicted.csv");</code></example>
    public void PredictToCsv(ImageData images, string outputPath)
    {
        ArgumentNullException.ThrowIfNull(images);
        var m = Fitted();
        if (string.IsNullOrWhiteSpace(outputPath)) throw new ArgumentException("the output path is empty", nameof(outputPath));
        CheckImageSize(images);
        Guard.Io(() => Core.ClassPredictions.writeImagesFile(m, images.Inner, outputPath));
    }

    /// <summary>
    /// The classifier whose logits are the mean of this fitted one's on x and on x̃ (for images: on the image and its
    /// mirror image): exactly invariant, with no retraining.
    /// </summary>
    /// <exception cref="InvalidOperationException">Not fitted.</exception>
    /// <example><code>var exact = classifier.Symmetrized(); Console.WriteLine(exact.Evaluate(test).Disagreement);   // 0</code></example>
    public SwapInvariantClassifier Symmetrized()
    {
        var m = Core.Regressor.symmetrize(Fitted());
        return new SwapInvariantClassifier(NetworkDefinition.FromSpec(m.Spec, Definition.Seed, Definition.Activations), m);
    }

    /// <summary>The logits of random inputs against those of their swaps (see <see cref="SwapInvariantRegressor.CheckInvariance"/>).</summary>
    /// <exception cref="InvalidOperationException">Not fitted.</exception>
    /// <example><code>Console.WriteLine(classifier.CheckInvariance().ExactlyInvariant);</code></example>
    public InvarianceReport CheckInvariance(int samples = 1000, int seed = 0) => SwapInvariantRegressor.Check(Fitted(), Definition, samples, seed);

    // ---- files ----

    /// <summary>Saves the fitted classifier (network, classes, standardisation, parameters) as a checksummed JSON model file, atomically.</summary>
    /// <exception cref="InvalidOperationException">Not fitted.</exception>
    /// <exception cref="IOException">The file cannot be written.</exception>
    /// <example><code>classifier.Save("fashion.json");</code></example>
    public void Save(string path)
    {
        if (string.IsNullOrWhiteSpace(path)) throw new ArgumentException("the model path is empty", nameof(path));
        var m = Fitted();
        Guard.Io(() => Core.ModelFile.save(path, m));
    }

    /// <summary>
    /// Writes the fitted classifier as an ONNX file (opset 21) that ONNX Runtime and other ONNX tools run with no Seagull:
    /// one float32 input <c>x</c> (rows × the input columns, in the model's units and column order), outputs <c>logits</c> and <c>probabilities</c> (softmax), rows × classes,
    /// the standardisation inside, and the column names in the metadata (<c>seagull.inputs</c>, <c>seagull.outputs</c>).
    /// An image model's file takes raw pixel values (0–255, as image files and pixel CSVs hold them, not the [0, 1]
    /// values of <see cref="ImageData.ToPixelArray"/>) and divides them by 255 inside, as Seagull's readers do
    /// (metadata <c>seagull.pixel_scale</c>). Written atomically; see docs/onnx.md.
    /// </summary>
    /// <exception cref="InvalidOperationException">Not fitted.</exception>
    /// <exception cref="NotSupportedException">An activation has no ONNX form (a custom one made from an F# function); nothing is written.</exception>
    /// <exception cref="IOException">The file cannot be written; nothing is written.</exception>
    /// <example><code>classifier.ExportOnnx("model.onnx");</code></example>
    public void ExportOnnx(string path) => OnnxExport.Save(Fitted(), path);

    /// <summary>Loads a classifier's model file written by <see cref="Save"/>.</summary>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">The file is corrupt, edited, or a regression model (one-line message).</exception>
    /// <example><code>var classifier = SwapInvariantClassifier.Load("fashion.json");</code></example>
    public static SwapInvariantClassifier Load(string path, params Activation[] customActivations)
    {
        var loaded = SwapInvariantRegressor.LoadCore(path, customActivations ?? []);
        if (loaded.Task != Core.ModelTask.Classification)
            throw new InvalidDataException($"model file '{path}' holds a regression model; load it with SwapInvariantRegressor.Load");
        return new SwapInvariantClassifier(NetworkDefinition.FromSpec(loaded.Spec, 0, customActivations), loaded);
    }

    internal static SwapInvariantClassifier Loaded(NetworkDefinition definition, Core.Model model) => new(definition, model);

    /// <summary>The network's description and whether it is fitted.</summary>
    /// <example><code>Console.WriteLine(classifier);</code></example>
    public override string ToString() => $"{Definition.Description} ({(IsFitted ? $"fitted, {ClassNames.Count} classes" : "not fitted")})";
}
