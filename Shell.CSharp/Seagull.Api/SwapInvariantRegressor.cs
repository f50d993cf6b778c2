using System.Diagnostics;
using Microsoft.FSharp.Core;
using Core = global::Seagull.Core;

namespace Seagull.Api;

/// <summary>
/// A neural-network regressor for targets with a known exchange symmetry f(u,v,w) = f(v,u,w). Inputs are
/// rows with columns ordered [u | v | w]; inputs and target are standardised with statistics of the
/// training part (stored with the model, u and v pooled so the symmetry survives standardisation).
/// With the split, pooled or symmetrized architecture, predictions satisfy Predict(u,v,w) == Predict(v,u,w)
/// bit for bit.
/// </summary>
/// <remarks>
/// <para>Thread safety: Predict, Evaluate, CheckInvariance and Save may run concurrently with each other and
/// with a Fit (they see the model as it was before the fit until the fit finishes). Two fits of one regressor
/// at once are refused with <see cref="InvalidOperationException"/>.</para>
/// <para>Errors: bad arguments raise <see cref="ArgumentException"/> (or a subclass) naming the argument; bad
/// CSV or model files raise <see cref="InvalidDataException"/> (missing ones <see cref="FileNotFoundException"/>)
/// with a one-line message naming file, line and column; a diverging fit raises <see cref="TrainingException"/>.
/// No core exception type leaves this class.</para>
/// </remarks>
/// <example>
/// <code>
/// var target = Targets.Get("spring");
/// var data = target.Generate(rows: 4000, seed: 0);
/// var net = new NetworkBuilder().Blocks(data)
///     .Architecture(Architecture.Symmetrized).Hidden(64, 64)
///     .Activations(Activation.Seagull, Activation.Tanh).Build();
/// var regressor = new SwapInvariantRegressor(net);
/// FitReport report = regressor.Fit(data.ToInputArray(), data.ToTargetArray(), new FitOptions { Epochs = 50, TestFraction = 0.2 });
/// double[] predictions = regressor.Predict(data.ToInputArray());
/// regressor.Save("spring.model.json");
/// var again = SwapInvariantRegressor.Load("spring.model.json");
/// </code>
/// </example>
public sealed partial class SwapInvariantRegressor
{
    private volatile Core.Model? model;
    private int fitting;

    /// <summary>An unfitted regressor for the given network.</summary>
    /// <example><code>var r = new SwapInvariantRegressor(new NetworkBuilder().Blocks(3, 3, 3).Build());</code></example>
    public SwapInvariantRegressor(NetworkDefinition definition)
    {
        Definition = definition ?? throw new ArgumentNullException(nameof(definition));
    }

    private SwapInvariantRegressor(NetworkDefinition definition, Core.Model model)
    {
        Definition = definition;
        this.model = model;
    }

    /// <summary>
    /// An unfitted regressor with the builder's defaults (hidden 64, 64; Seagull then tanh; float32) for
    /// the given block widths and architecture.
    /// </summary>
    /// <exception cref="ArgumentException">uWidth &lt; 1 or wWidth &lt; 0.</exception>
    /// <example><code>var r = SwapInvariantRegressor.Create(uWidth: 3, wWidth: 3, Architecture.Pooled);</code></example>
    public static SwapInvariantRegressor Create(int uWidth, int wWidth = 0, Architecture architecture = Architecture.Symmetrized, int seed = 0)
    {
        if (uWidth < 1) throw new ArgumentOutOfRangeException(nameof(uWidth), uWidth, $"u needs width ≥ 1, got {uWidth}");
        if (wWidth < 0) throw new ArgumentOutOfRangeException(nameof(wWidth), wWidth, $"w needs width ≥ 0, got {wWidth}");
        return new(new NetworkBuilder().Blocks(uWidth, uWidth, wWidth).Architecture(architecture).Seed(seed).Build());
    }

    /// <summary>The network this regressor fits.</summary>
    /// <example><code>Console.WriteLine(regressor.Definition.Description);</code></example>
    public NetworkDefinition Definition { get; private set; }

    /// <summary>True once a fit completed at least one epoch (or the regressor was loaded).</summary>
    /// <example><code>if (!regressor.IsFitted) regressor.Fit(x, y);</code></example>
    public bool IsFitted => model is not null;

    /// <summary>The input column names in [u | v | w] order (u1.., v1.., w1.. until fitted on named data).</summary>
    /// <example><code>Console.WriteLine(string.Join(",", regressor.InputNames));</code></example>
    public IReadOnlyList<string> InputNames =>
        ReadOnly.List(model?.InputNames.ToArray() ?? Core.SymmetryModule.defaultNames(Definition.Spec.Symmetry));

    /// <summary>The target columns' names, one per output (y, or y1, y2, … until fitted on named data).</summary>
    /// <example><code>Console.WriteLine(string.Join(",", regressor.TargetNames));</code></example>
    public IReadOnlyList<string> TargetNames => ReadOnly.List(model?.TargetNames.ToArray() ?? DefaultTargetNames(Definition.Outputs));

    private static string[] DefaultTargetNames(int outputs) =>
        outputs == 1 ? ["y"] : Enumerable.Range(1, outputs).Select(i => $"y{i}").ToArray();

    /// <summary>The target column's name ("y" until fitted on named data).</summary>
    /// <exception cref="InvalidOperationException">The network has several outputs (use <see cref="TargetNames"/>).</exception>
    /// <example><code>Console.WriteLine(regressor.TargetName);</code></example>
    public string TargetName => TargetNames.Count == 1 ? TargetNames[0]
        : throw new InvalidOperationException($"the network has {TargetNames.Count} outputs ({string.Join(", ", TargetNames)}); use TargetNames");

    /// <summary>Where the training data came from (a target name, a CSV file name, or "arrays"); empty until fitted.</summary>
    /// <example><code>Console.WriteLine(regressor.Source);</code></example>
    public string Source => model?.Source ?? "";

    /// <summary>The number of trainable parameters.</summary>
    /// <example><code>Console.WriteLine(regressor.ParameterCount);</code></example>
    public int ParameterCount => model is { } m ? Core.ParamsModule.count(m.Params) : Core.Network.parameterCount(Definition.Spec);

    private Core.Model Unfitted() =>
        new(Definition.Spec, InitialParams(), Core.StandardizationModule.identity(Definition.Spec.Symmetry, Definition.Outputs),
            Core.SymmetryModule.defaultNames(Definition.Spec.Symmetry), DefaultTargetNames(Definition.Outputs), "", Core.ModelTask.Regression);

    private Core.Params InitialParams() => Core.Network.init(Definition.Spec, Core.Random.key(Definition.Seed));

    private Core.Model Fitted() =>
        model ?? throw new InvalidOperationException("the regressor is not fitted yet; call Fit (or Load a saved model) first");

    // ---- fitting ----

    /// <summary>
    /// Fits the network to inputs <paramref name="x"/> (columns [u | v | w]) and targets <paramref name="y"/>,
    /// from freshly drawn parameters. Cancelling stops within one epoch: the fit then returns early with
    /// <see cref="FitReport.Cancelled"/> set and the regressor keeps the parameters of the last completed epoch
    /// (or, when no epoch completed, its previous state). Cancellation is not an error and throws nothing.
    /// </summary>
    /// <param name="x">Inputs, one row per sample, <see cref="NetworkDefinition.InputWidth"/> columns.</param>
    /// <param name="y">Targets, one per row.</param>
    /// <param name="options">Fit settings (default <c>new FitOptions()</c>).</param>
    /// <param name="progress">Told after each epoch, on the fitting thread.</param>
    /// <param name="cancellationToken">Stops the fit within one epoch.</param>
    /// <exception cref="ArgumentException">Shape mismatch, empty data, NaN or infinite values, or bad options; the message says which.</exception>
    /// <exception cref="TrainingException">The loss diverged.</exception>
    /// <exception cref="InvalidOperationException">Another fit of this regressor is running.</exception>
    /// <example><code>FitReport r = regressor.Fit(x, y, new FitOptions { Epochs = 100 });</code></example>
    public FitReport Fit(double[,] x, double[] y, FitOptions? options = null, IProgress<EpochReport>? progress = null,
                         CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(y);
        RegressionData.CheckArrays(x, y, Definition.UWidth, Definition.WWidth, "the network");
        var data = RegressionData.FromArrays(x, y, Definition.UWidth, Definition.WWidth);
        return FitData(data, options, progress, cancellationToken);
    }

    /// <summary>
    /// Fits a network with several outputs (<see cref="NetworkBuilder.Outputs"/>) to inputs <paramref name="x"/>
    /// and targets <paramref name="y"/>, one column per output (see <see cref="Fit(double[,], double[], FitOptions?, IProgress{EpochReport}?, CancellationToken)"/>).
    /// Each target column is standardised on its own.
    /// </summary>
    /// <param name="x">Inputs, one row per sample, <see cref="NetworkDefinition.InputWidth"/> columns.</param>
    /// <param name="y">Targets, one row per sample, <see cref="NetworkDefinition.Outputs"/> columns.</param>
    /// <param name="options">Fit settings (default <c>new FitOptions()</c>).</param>
    /// <param name="progress">Told after each epoch, on the fitting thread.</param>
    /// <param name="cancellationToken">Stops the fit within one epoch.</param>
    /// <exception cref="ArgumentException">Shape mismatch (also y's columns against the network's outputs), empty data, NaN or infinite values, or bad options.</exception>
    /// <exception cref="TrainingException">The loss diverged.</exception>
    /// <example><code>var r = new SwapInvariantRegressor(new NetworkBuilder().Blocks(3, 3, 3).Outputs(2).Build()); r.Fit(x, y2);</code></example>
    public FitReport Fit(double[,] x, double[,] y, FitOptions? options = null, IProgress<EpochReport>? progress = null,
                         CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(y);
        RegressionData.CheckArrays(x, null, Definition.UWidth, Definition.WWidth, "the network");
        return FitData(RegressionData.FromArrays(x, y, Definition.UWidth, Definition.WWidth), options, progress, cancellationToken);
    }

    /// <summary>Fits the network to a data set (see <see cref="Fit(double[,], double[], FitOptions?, IProgress{EpochReport}?, CancellationToken)"/>); the model keeps the data's column names.</summary>
    /// <exception cref="ArgumentException">The data's block widths differ from the network's, or bad options.</exception>
    /// <exception cref="TrainingException">The loss diverged.</exception>
    /// <example><code>regressor.Fit(Targets.Get("coulomb").Generate(5000));</code></example>
    public FitReport Fit(RegressionData data, FitOptions? options = null, IProgress<EpochReport>? progress = null,
                         CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(data);
        return FitData(data, options, progress, cancellationToken);
    }

    /// <summary>Fits the network to the columns of a CSV file (see <see cref="RegressionData.FromCsv"/>).</summary>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">The CSV is malformed or a cell is not a finite number (one-line message naming file, line and column).</exception>
    /// <exception cref="ArgumentException">The file's u/w widths differ from the network's, or bad options.</exception>
    /// <exception cref="TrainingException">The loss diverged.</exception>
    /// <example><code>regressor.Fit("data.csv", ColumnRoles.Parse("u1,u2,u3", "v1,v2,v3", "w1,w2,w3", "y"));</code></example>
    public FitReport Fit(string csvPath, ColumnRoles roles, FitOptions? options = null, IProgress<EpochReport>? progress = null,
                         CancellationToken cancellationToken = default)
    {
        if (string.IsNullOrWhiteSpace(csvPath)) throw new ArgumentException("the data file path is empty", nameof(csvPath));
        return FitData(RegressionData.FromCsv(csvPath, roles), options, progress, cancellationToken);
    }

    /// <summary>
    /// <see cref="Fit(double[,], double[], FitOptions?, IProgress{EpochReport}?, CancellationToken)"/> on a
    /// thread-pool thread. The task completes with the report (with <see cref="FitReport.Cancelled"/> set when cancelled).
    /// </summary>
    /// <example><code>FitReport r = await regressor.FitAsync(x, y, options, progress, token);</code></example>
    public Task<FitReport> FitAsync(double[,] x, double[] y, FitOptions? options = null, IProgress<EpochReport>? progress = null,
                                    CancellationToken cancellationToken = default) =>
        Task.Run(() => Fit(x, y, options, progress, cancellationToken), CancellationToken.None);

    /// <summary><see cref="Fit(double[,], double[,], FitOptions?, IProgress{EpochReport}?, CancellationToken)"/> on a thread-pool thread.</summary>
    /// <example><code>FitReport r = await regressor.FitAsync(x, y2);</code></example>
    public Task<FitReport> FitAsync(double[,] x, double[,] y, FitOptions? options = null, IProgress<EpochReport>? progress = null,
                                    CancellationToken cancellationToken = default) =>
        Task.Run(() => Fit(x, y, options, progress, cancellationToken), CancellationToken.None);

    /// <summary><see cref="Fit(RegressionData, FitOptions?, IProgress{EpochReport}?, CancellationToken)"/> on a thread-pool thread.</summary>
    /// <example><code>FitReport r = await regressor.FitAsync(data);</code></example>
    public Task<FitReport> FitAsync(RegressionData data, FitOptions? options = null, IProgress<EpochReport>? progress = null,
                                    CancellationToken cancellationToken = default) =>
        Task.Run(() => Fit(data, options, progress, cancellationToken), CancellationToken.None);

    /// <summary><see cref="Fit(string, ColumnRoles, FitOptions?, IProgress{EpochReport}?, CancellationToken)"/> on a thread-pool thread.</summary>
    /// <example><code>FitReport r = await regressor.FitAsync("data.csv", roles);</code></example>
    public Task<FitReport> FitAsync(string csvPath, ColumnRoles roles, FitOptions? options = null, IProgress<EpochReport>? progress = null,
                                    CancellationToken cancellationToken = default) =>
        Task.Run(() => Fit(csvPath, roles, options, progress, cancellationToken), CancellationToken.None);

    /// <summary>
    /// Fits by choosing the architecture (<c>--arch auto</c>): split, pooled and symmetrized (their default activations,
    /// at this regressor's hidden widths, outputs and precision) and symmetrized around the learnable Seagull
    /// (<c>symmetrized-learned</c>) are each trained on 80 % of the training rows and
    /// scored on the other 20 %; the best is trained on all of them and becomes <see cref="Definition"/>. The report's
    /// <see cref="FitReport.Auto"/> says which was chosen, every candidate's validation error and the total training time.
    /// </summary>
    /// <exception cref="ArgumentException">Bad data or options (as <see cref="Fit(RegressionData, FitOptions?, IProgress{EpochReport}?, CancellationToken)"/>).</exception>
    /// <exception cref="TrainingException">A fit diverged.</exception>
    /// <example><code>var report = regressor.FitAuto(data); Console.WriteLine($"chose {report.Auto!.Chosen}");</code></example>
    public FitReport FitAuto(RegressionData data, FitOptions? options = null, IProgress<EpochReport>? progress = null,
                             CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(data);
        return FitData(data, options, progress, cancellationToken, auto: true);
    }

    private FitReport FitData(RegressionData data, FitOptions? options, IProgress<EpochReport>? progress, CancellationToken cancellationToken,
                              bool auto = false)
    {
        options ??= new FitOptions();
        options.Validate();
        if (data.UWidth != Definition.UWidth || data.WWidth != Definition.WWidth)
            throw new ArgumentException(
                $"the data has blocks u:{data.UWidth} v:{data.UWidth} w:{data.WWidth} but the network expects u:{Definition.UWidth} v:{Definition.VWidth} w:{Definition.WWidth}",
                nameof(data));
        if (data.Targets != Definition.Outputs)
            throw new ArgumentException(
                $"the data has {data.Targets} target columns but the network has {Definition.Outputs} output{(Definition.Outputs == 1 ? "" : "s")}; build it with .Outputs({data.Targets})",
                nameof(data));
        var seed = options.Seed ?? Definition.Seed;
        var train = data;
        RegressionData? test = null;
        if (options.TestFraction is double testFraction)
        {
            if (data.Rows < 3) throw new ArgumentException($"holding out a test part needs at least 3 rows, the data has {data.Rows}", nameof(data));
            var parts = Core.DatasetModule.split(Core.Random.fold(Core.Random.key(seed), 3), testFraction, data.Inner);
            train = new RegressionData(parts.Item1, data.Source);
            test = new RegressionData(parts.Item2, data.Source);
            if (train.Rows < 2)
                throw new ArgumentException($"holding out a test fraction of {testFraction} leaves {train.Rows} of {data.Rows} rows to train on; at least 2 are needed", nameof(options));
        }
        // The core's rule, checked before anything starts: too few rows is the data's fault, too large a
        // validation part the options'.
        var rowsParam = options.ValidationFraction is null || train.Rows < 2 ? nameof(data) : nameof(options);
        Guard.Argument(rowsParam, () => Core.Regressor.requireFitRows(train.Rows, Fs.Option(options.ValidationFraction)));
        Guard.Argument(nameof(data), () => Core.Regressor.requireVaryingTarget(train.Inner));

        if (Interlocked.CompareExchange(ref fitting, 1, 0) != 0)
            throw new InvalidOperationException("a fit of this regressor is already running");
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
            AutoChoice? choice = null;
            var (fitted, result) = Guard.Training(() => Fs.Threaded(options.Threads, () =>
            {
                if (!auto) return Core.Regressor.fit(Definition.Spec, settings, train.Inner);
                var o = new Core.ArchitectureOptions(Fs.List(Definition.Hidden), Fs.List(Definition.Activations.Select(a => a.Inner)), Definition.Even.Inner,
                                                     Fs.ToPooling(Definition.Pooling), Definition.Outputs, Definition.Spec.Precision);
                var candidates = Core.Auto.candidates(Definition.Spec.Symmetry, o, Microsoft.FSharp.Collections.FSharpList<Tuple<string, Core.NetworkSpec>>.Empty);
                var (m, r, c) = Core.Auto.fit(candidates, settings, train.Inner);
                choice = new AutoChoice(c.Chosen, ReadOnly.List(c.Scores.Select(x => new AutoCandidateScore(x.Name, x.ValidationMse, x.Seconds)).ToArray()), c.TotalSeconds);
                return Tuple.Create(m, r);
            }));
            fitted = new Core.Model(fitted.Spec, fitted.Params, fitted.Standardization, fitted.InputNames, fitted.TargetNames, data.Source, fitted.Task);
            // measure, not evaluate: a held-out row the network cannot represent (an input that overflows once
            // standardised, or an output that does) makes the report's metrics NaN, and the model is kept.
            var trainMetrics = Guard.Argument(nameof(data), () => Core.Evaluation.measure(fitted, train.Inner));
            var testMetrics = test is null ? null : Guard.Argument(nameof(data), () => Core.Evaluation.measure(fitted, test!.Inner));
            // A fit that ends far worse than predicting the mean on held-out rows has diverged, whatever its loss says.
            if (testMetrics is { StandardizedMse: var worst } && double.IsFinite(worst) && worst > Core.Train.divergenceFactor)
                throw new TrainingException(
                    $"training diverged: the test error is {worst:G3} times the target's variance (R² far below 0); try a lower learning rate (now {options.LearningRate:G})");
            if (!(result.Cancelled && result.EpochsRun == 0))
            {
                model = fitted;
                if (auto) Definition = NetworkDefinition.FromSpec(fitted.Spec, Definition.Seed, Definition.Activations);
            }
            var targets = trainMetrics.Targets.Select((t, j) =>
            {
                var tested = testMetrics?.Targets[j];
                return new TargetReport(t.Name, t.Mse, t.StandardizedMse, tested?.Mse, tested?.StandardizedMse, tested?.R2,
                                        (tested ?? t).InvarianceError);
            }).ToArray();
            var one = targets.Length == 1 ? targets[0] : null;
            return new FitReport(
                TrainMse: one?.TrainMse ?? double.NaN,
                TrainMseStandardized: trainMetrics.StandardizedMse,
                TestMse: one is null ? null : one.TestMse,
                TestMseStandardized: testMetrics?.StandardizedMse,
                TestR2: one is null ? null : one.TestR2,
                InvarianceError: one?.InvarianceError ?? double.NaN,
                EpochsRun: result.EpochsRun,
                BestEpoch: result.BestEpoch,
                Steps: result.Steps,
                Seconds: result.Seconds,
                Parameters: Core.ParamsModule.count(fitted.Params),
                TrainRows: train.Rows,
                TestRows: test?.Rows ?? 0,
                Cancelled: result.Cancelled,
                History: ReadOnly.List(history),
                Targets: ReadOnly.List(targets),
                Auto: choice) { LearnedActivations = Fs.LearnedActivations(fitted) };
        }
        finally
        {
            Volatile.Write(ref fitting, 0);
        }
    }

    /// <summary>The network's description and whether it is fitted.</summary>
    /// <example><code>Console.WriteLine(regressor);</code></example>
    public override string ToString() => $"{Definition.Description} ({(IsFitted ? "fitted" : "not fitted")})";
}
