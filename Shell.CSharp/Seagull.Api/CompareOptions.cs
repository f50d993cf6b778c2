using Core = global::Seagull.Core;

namespace Seagull.Api;

/// <summary>A user's CSV file as one more data set of a comparison.</summary>
/// <param name="Path">The CSV file.</param>
/// <param name="Roles">Which columns are u, v, w and y.</param>
/// <param name="DropMissing">Skip the rows with a missing value in a column used, as <see cref="RegressionData.FromCsv"/> does with <c>dropMissing</c>; <see cref="PreparedComparison.DroppedRows"/> counts them.</param>
/// <example><code>new CompareOptions { Data = new CompareData("pairs.csv", ColumnRoles.Parse("u1", "v1", "w1", "y"), DropMissing: true) }</code></example>
public sealed record CompareData(string Path, ColumnRoles Roles, bool DropMissing = false);

/// <summary>A data set already in memory as one more data set of a comparison (no CSV file needed).</summary>
/// <param name="Name">Its name in the reports (one word, like a target's).</param>
/// <param name="Data">The data (for example from <see cref="RegressionData.FromArrays(double[,], double[], int, int, IReadOnlyList{string}?, string?)"/>).</param>
/// <example><code>new CompareOptions { DataSet = new CompareDataSet("pairs", RegressionData.FromArrays(x, y, uWidth: 2)), Targets = [] }</code></example>
public sealed record CompareDataSet(string Name, RegressionData Data);

/// <summary>
/// What <see cref="Experiment.Run(CompareOptions, IProgress{CompareProgress}?, CancellationToken)"/> runs: the grid (targets × variants × seeds) and the training settings.
/// <see cref="Default"/> is the reference's protocol; <see cref="Quick"/> a small grid that runs in well under a minute.
/// </summary>
/// <example>
/// <code>
/// var options = CompareOptions.Quick with { Seeds = 1, Epochs = 5 };
/// var full = new CompareOptions { Targets = ["coulomb", "spring"], Variants = ["mlp-tanh", "symmetrized"], Seeds = 3 };
/// </code>
/// </example>
public sealed record CompareOptions
{
    private static readonly Core.CompareSettings coreDefaults = Core.Experiment.defaults;

    /// <summary>The reference's protocol: every exchangeable target, every variant, 5 seeds, 200 epochs, 8000/4000 samples, hidden 64, 64.</summary>
    /// <example><code>var o = CompareOptions.Default with { Jobs = 2 };</code></example>
    public static CompareOptions Default { get; } = FromCore(coreDefaults);

    /// <summary>A small grid (spring and gaussian_pair; mlp-tanh, mlp-seagull, symmetrized; 2 seeds; 15 epochs; 1000/500 samples; hidden 32, 32).</summary>
    /// <example><code>var o = CompareOptions.Quick;</code></example>
    public static CompareOptions Quick { get; } = FromCore(Core.Experiment.quick);

    private static CompareOptions FromCore(Core.CompareSettings s) => new()
    {
        Targets = ReadOnly.List(s.Targets.ToArray()),
        Variants = ReadOnly.List(s.Variants.ToArray()),
        Activation = s.Activation,
        Hidden = ReadOnly.List(s.Hidden.ToArray()),
        Seeds = s.Seeds,
        Epochs = s.Epochs,
        TrainSamples = s.TrainSamples,
        TestSamples = s.TestSamples,
        BatchSize = s.BatchSize,
        LearningRate = s.LearningRate,
        Penalty = s.Penalty,
        Jobs = s.Jobs,
        Precision = Fs.ToPrecision(s.Precision),
    };

    /// <summary>Built-in target names; empty = every exchangeable target (or only <see cref="Data"/> when it is set).</summary>
    /// <example><code>new CompareOptions { Targets = ["coulomb"] }</code></example>
    public IReadOnlyList<string> Targets { get; init; } = ReadOnly.List(coreDefaults.Targets.ToArray());

    /// <summary>Variant names (see <see cref="Experiment.Variants"/>); empty = every variant.</summary>
    /// <example><code>new CompareOptions { Variants = ["mlp-tanh", "mlp-seagull"] }</code></example>
    public IReadOnlyList<string> Variants { get; init; } = ReadOnly.List(coreDefaults.Variants.ToArray());

    /// <summary>
    /// The even activation the Seagull variants use (default "seagull"): a built-in name, or the name of one of
    /// <see cref="CustomActivations"/>.
    /// </summary>
    /// <example><code>new CompareOptions { Activation = "logcosh" }</code></example>
    public string Activation { get; init; } = coreDefaults.Activation;

    /// <summary>Activations of your own (<see cref="Api.Activation.Custom"/>) that <see cref="Activation"/> may name.</summary>
    /// <example>
    /// <code>
    /// var ratio = Api.Activation.Custom("ratio", z => z * z / (1 + z * z));
    /// var options = CompareOptions.Quick with { Activation = "ratio", CustomActivations = [ratio] };
    /// </code>
    /// </example>
    public IReadOnlyList<Activation> CustomActivations { get; init; } = [];

    /// <summary>Widths of the hidden layers (each ≥ 2).</summary>
    /// <example><code>new CompareOptions { Hidden = [32, 32] }</code></example>
    public IReadOnlyList<int> Hidden { get; init; } = ReadOnly.List(coreDefaults.Hidden.ToArray());

    /// <summary>
    /// The grid's hidden dimension: several network shapes (each the widths of the hidden layers), every cell trained
    /// with each, a column of the reports; empty (the default) = <see cref="Hidden"/> alone.
    /// </summary>
    /// <example><code>new CompareOptions { HiddenGrid = [[32, 32], [64, 64], [128, 128]] }</code></example>
    public IReadOnlyList<IReadOnlyList<int>> HiddenGrid { get; init; } = [];

    /// <summary>The grid's learning-rate dimension, a column of the reports; empty (the default) = <see cref="LearningRate"/> alone.</summary>
    /// <example><code>new CompareOptions { LearningRates = [1e-3, 3e-4] }</code></example>
    public IReadOnlyList<double> LearningRates { get; init; } = [];

    /// <summary>
    /// Run only this shard of the grid (its cells balanced by expected cost); its results go to <see cref="Resume"/>'s
    /// folder, which must be set, and <see cref="Experiment.Merge"/> puts the shards back together. Null: the whole grid.
    /// </summary>
    /// <example><code>new CompareOptions { Shard = CompareShard.Parse("2/8"), Resume = "sweep/shard-2" }</code></example>
    public CompareShard? Shard { get; init; }

    /// <summary>
    /// A folder that keeps every finished cell, each written atomically as it finishes: the cells of this
    /// configuration already there are not run again, so a killed run resumes where it stopped, and the result is
    /// made from the cells' files. A folder holding another configuration's cells is refused. Null: nothing kept.
    /// </summary>
    /// <example><code>new CompareOptions { Resume = "results/run1" }</code></example>
    public string? Resume { get; init; }

    /// <summary>The command line kept in <see cref="Resume"/>'s folder, for <c>seagull compare --resume</c> (the CLI sets it).</summary>
    /// <example><code>new CompareOptions { Resume = "out", Command = ["compare", "--quick"] }</code></example>
    public IReadOnlyList<string> Command { get; init; } = [];

    /// <summary>Number of seeds 0..Seeds−1 (≥ 1); each fixes the data sample and the initial parameters.</summary>
    /// <example><code>new CompareOptions { Seeds = 3 }</code></example>
    public int Seeds { get; init; } = coreDefaults.Seeds;

    /// <summary>Epochs per model (≥ 1).</summary>
    /// <example><code>new CompareOptions { Epochs = 50 }</code></example>
    public int Epochs { get; init; } = coreDefaults.Epochs;

    /// <summary>Training samples per data set (≥ 2).</summary>
    /// <example><code>new CompareOptions { TrainSamples = 2000 }</code></example>
    public int TrainSamples { get; init; } = coreDefaults.TrainSamples;

    /// <summary>Test samples per data set (≥ 1).</summary>
    /// <example><code>new CompareOptions { TestSamples = 1000 }</code></example>
    public int TestSamples { get; init; } = coreDefaults.TestSamples;

    /// <summary>Mini-batch size (≥ 1).</summary>
    /// <example><code>new CompareOptions { BatchSize = 64 }</code></example>
    public int BatchSize { get; init; } = coreDefaults.BatchSize;

    /// <summary>Adam's learning rate (&gt; 0).</summary>
    /// <example><code>new CompareOptions { LearningRate = 3e-3 }</code></example>
    public double LearningRate { get; init; } = coreDefaults.LearningRate;

    /// <summary>λ of the "penalty" variant.</summary>
    /// <example><code>new CompareOptions { Penalty = 0.1 }</code></example>
    public double Penalty { get; init; } = coreDefaults.Penalty;

    /// <summary>Grid cells run at once (≥ 1; default: the number of cores). Results never depend on it.</summary>
    /// <example><code>new CompareOptions { Jobs = 1 }</code></example>
    public int Jobs { get; init; } = coreDefaults.Jobs;

    /// <summary>The engine's precision.</summary>
    /// <example><code>new CompareOptions { Precision = Precision.Float64 }</code></example>
    public Precision Precision { get; init; } = Fs.ToPrecision(coreDefaults.Precision);

    /// <summary>A CSV data set to compare on as well, or null.</summary>
    /// <example><code>new CompareOptions { Data = new CompareData("d.csv", roles), Targets = [] }</code></example>
    public CompareData? Data { get; init; }

    /// <summary>A data set in memory to compare on as well (instead of <see cref="Data"/>), or null.</summary>
    /// <example><code>new CompareOptions { DataSet = new CompareDataSet("pairs", data), Targets = [] }</code></example>
    public CompareDataSet? DataSet { get; init; }

    // The record's ToString: lists as their items, not as "ReadOnlyCollection`1[…]".
    private bool PrintMembers(System.Text.StringBuilder builder)
    {
        static string Items<T>(IReadOnlyList<T>? xs) => xs is null ? "null" : "[" + string.Join(", ", xs) + "]";
        var inv = System.Globalization.CultureInfo.InvariantCulture;
        builder.Append($"Targets = {Items(Targets)}, Variants = {Items(Variants)}, Activation = {Activation}, CustomActivations = {Items(CustomActivations)}, Hidden = {Items(Hidden)}, ");
        builder.Append($"Seeds = {Seeds}, Epochs = {Epochs}, TrainSamples = {TrainSamples}, TestSamples = {TestSamples}, BatchSize = {BatchSize}, ");
        builder.Append(inv, $"LearningRate = {LearningRate}, Penalty = {Penalty}, Jobs = {Jobs}, Precision = {Precision}, Data = {Data}, DataSet = {DataSet}, ");
        builder.Append(inv, $"HiddenGrid = [{string.Join(", ", (HiddenGrid ?? []).Select(h => Items(h)))}], LearningRates = {Items(LearningRates ?? [])}, Shard = {Shard}, Resume = {Resume}, Command = {Items(Command ?? [])}");
        return true;
    }

    internal Core.CompareSettings ToCore()
    {
        const string p = "options";
        if (Targets is null || Targets.Any(t => t is null)) throw new ArgumentException("Targets is null or holds a null name", p);
        if (Variants is null || Variants.Any(v => v is null)) throw new ArgumentException("Variants is null or holds a null name", p);
        if (Hidden is null) throw new ArgumentException("Hidden is null", p);
        if (HiddenGrid is null || HiddenGrid.Any(h => h is null)) throw new ArgumentException("HiddenGrid is null or holds a null shape", p);
        if (LearningRates is null) throw new ArgumentException("LearningRates is null", p);
        foreach (var rate in LearningRates)
            if (!(double.IsFinite(rate) && rate > 0)) throw new ArgumentException($"learning rate must be a positive number, got {rate}", p);
        if (Shard is not null && Resume is null) throw new ArgumentException("a shard keeps its cells in a folder: set Resume (the shard's folder) with Shard", p);
        if (Resume is not null && string.IsNullOrWhiteSpace(Resume)) throw new ArgumentException("Resume: the folder name is empty", p);
        if (string.IsNullOrWhiteSpace(Activation)) throw new ArgumentException("Activation is empty", p);
        if (CustomActivations is null || CustomActivations.Any(a => a is null)) throw new ArgumentException("CustomActivations is null or holds a null activation", p);
        if (!Enum.IsDefined(Precision)) throw new ArgumentException($"Precision {Precision} is not defined", p);
        if (!(double.IsFinite(LearningRate) && LearningRate > 0)) throw new ArgumentException($"learning rate must be a positive number, got {LearningRate}", p);
        if (BatchSize < 1) throw new ArgumentException($"batch size must be ≥ 1, got {BatchSize}", p);
        if (!(double.IsFinite(Penalty) && Penalty >= 0)) throw new ArgumentException($"penalty must be ≥ 0, got {Penalty}", p);
        var data = Data is null
            ? Fs.None<Core.CsvSource>()
            : Fs.Some(new Core.CsvSource(Data.Path, (Data.Roles ?? throw new ArgumentException("Data.Roles is null", p)).ToCore(), new Core.CsvReadOptions(Data.DropMissing)));
        if (Data is not null && DataSet is not null)
            throw new ArgumentException("give a CSV file (Data) or a data set in memory (DataSet) to compare on, not both", p);
        var dataSet = DataSet is null
            ? Fs.None<Tuple<string, Core.Dataset>>()
            : Fs.Some(Tuple.Create(DataSet.Name ?? throw new ArgumentException("DataSet.Name is null", p),
                                   (DataSet.Data ?? throw new ArgumentException("DataSet.Data is null", p)).Inner));
        return new Core.CompareSettings(
            Fs.List(Targets), Fs.List(Variants), Activation, Fs.List(Hidden), Fs.List(HiddenGrid.Select(Fs.List)), Seeds, Epochs, TrainSamples, TestSamples,
            BatchSize, LearningRate, Fs.List(LearningRates), Penalty, Jobs, Fs.ToDtype(Precision), data, dataSet, Fs.List(CustomActivations.Select(a => a.Inner)));
    }
}

/// <summary>One shard of a sweep: shard <paramref name="Index"/> of <paramref name="Count"/>, counted from 0 so that a job array's task id is the index as is.</summary>
/// <param name="Index">The shard, 0 to Count − 1.</param>
/// <param name="Count">How many shards the grid is split into (≥ 1).</param>
/// <example><code>var shard = CompareShard.Parse(Environment.GetEnvironmentVariable("SLURM_ARRAY_TASK_ID") + "/8");</code></example>
public sealed record CompareShard(int Index, int Count)
{
    /// <summary>Reads "I/N" (0 ≤ I &lt; N).</summary>
    /// <exception cref="ArgumentException">Not of that form (one-line message).</exception>
    /// <example><code>CompareShard.Parse("0/3")</code></example>
    public static CompareShard Parse(string text)
    {
        var s = Guard.Argument(nameof(text), () => Core.Shards.parse("shard", text));
        return new CompareShard(s.Index, s.Count);
    }

    /// <summary>"I/N".</summary>
    /// <example><code>Console.WriteLine(shard);   // 0/3</code></example>
    public override string ToString() => $"{Index}/{Count}";

    internal Core.ShardSpec ToCore() => Index >= 0 && Count >= 1 && Index < Count
        ? new Core.ShardSpec(Index, Count)
        : throw new ArgumentException($"shard {Index}/{Count}: the index must be from 0 to {Count - 1} and the count at least 1", "options");
}
