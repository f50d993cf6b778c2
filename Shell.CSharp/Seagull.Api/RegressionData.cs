using System.Collections.ObjectModel;
using Core = global::Seagull.Core;

namespace Seagull.Api;

/// <summary>
/// An immutable, checked regression data set: rows of inputs ordered [u | v | w], one or more finite target
/// columns, column names, and block widths. Made from arrays, a CSV file, or a built-in <see cref="Target"/>.
/// </summary>
/// <example>
/// <code>
/// var data = RegressionData.FromCsv("pairs.csv", ColumnRoles.Parse("u1,u2", "v1,v2", "w1", "y"));
/// var (train, test) = data.Split(testFraction: 0.2, seed: 0);
/// double[,] x = train.ToInputArray();
/// double[] y = train.ToTargetArray();
/// </code>
/// </example>
public sealed class RegressionData
{
    internal Core.Dataset Inner { get; }

    /// <summary>Where the data came from (a target name or a CSV file name), stored in model files.</summary>
    internal string Source { get; }

    internal RegressionData(Core.Dataset dataset, string source, int droppedRows = 0)
    {
        Inner = dataset;
        Source = source;
        DroppedRows = droppedRows;
        InputNames = ReadOnly.List(dataset.InputNames.ToArray());
    }

    /// <summary>
    /// The rows of the CSV file that <see cref="FromCsv"/> left out for a missing value (with <c>dropMissing</c>);
    /// 0 for any other data, the parts of a <see cref="Split"/> and a <see cref="Swap"/> included.
    /// </summary>
    /// <example><code>var data = RegressionData.FromCsv("d.csv", roles, dropMissing: true); Console.WriteLine($"{data.DroppedRows} rows dropped");</code></example>
    public int DroppedRows { get; }

    /// <summary>Number of rows.</summary>
    /// <example><code>Console.WriteLine(data.Rows);</code></example>
    public int Rows => Inner.Rows;

    /// <summary>Width of u (and of v).</summary>
    /// <example><code>new NetworkBuilder().Blocks(data)</code></example>
    public int UWidth => Core.SymmetryModule.u(Inner.Symmetry).Length;

    /// <summary>Width of w.</summary>
    /// <example><code>int k = data.WWidth;</code></example>
    public int WWidth => Core.SymmetryModule.w(Inner.Symmetry).Length;

    /// <summary>Number of input columns, 2·UWidth + WWidth.</summary>
    /// <example><code>int width = data.InputWidth;</code></example>
    public int InputWidth => Inner.Symmetry.Width;

    /// <summary>The input column names in [u | v | w] order.</summary>
    /// <example><code>Console.WriteLine(string.Join(",", data.InputNames));</code></example>
    public IReadOnlyList<string> InputNames { get; }

    /// <summary>The number of target columns (1 for most data sets).</summary>
    /// <example><code>new NetworkBuilder().Blocks(data) // one output per target</code></example>
    public int Targets => Inner.TargetNames.Length;

    /// <summary>The target columns' names, in order.</summary>
    /// <example><code>Console.WriteLine(string.Join(",", data.TargetNames));</code></example>
    public IReadOnlyList<string> TargetNames => ReadOnly.List(Inner.TargetNames.ToArray());

    /// <summary>The target column's name.</summary>
    /// <exception cref="InvalidOperationException">The data has several target columns (use <see cref="TargetNames"/>).</exception>
    /// <example><code>Console.WriteLine(data.TargetName);</code></example>
    public string TargetName => Targets == 1 ? Inner.TargetNames[0] : throw Several("TargetNames");

    private InvalidOperationException Several(string instead) =>
        new($"the data has {Targets} target columns ({string.Join(", ", Inner.TargetNames)}); use {instead}");

    /// <summary>A copy of the inputs, Rows × InputWidth, columns [u | v | w].</summary>
    /// <example><code>double[,] x = data.ToInputArray();</code></example>
    public double[,] ToInputArray() => Fs.Matrix(Inner.X, Rows, InputWidth);

    /// <summary>A copy of the targets, one per row.</summary>
    /// <exception cref="InvalidOperationException">The data has several target columns (use <see cref="ToTargetMatrix"/>).</exception>
    /// <example><code>double[] y = data.ToTargetArray();</code></example>
    public double[] ToTargetArray() => Targets == 1 ? (double[])Inner.Y.Clone() : throw Several("ToTargetMatrix()");

    /// <summary>A copy of the targets, Rows × <see cref="Targets"/>.</summary>
    /// <example><code>double[,] y = data.ToTargetMatrix();</code></example>
    public double[,] ToTargetMatrix() => Fs.Matrix(Inner.Y, Rows, Targets);

    /// <summary>
    /// A checked data set from arrays. Column names default to u1..uD, v1..vD, w1..wK and "y".
    /// </summary>
    /// <param name="x">Inputs, one row per sample, columns [u | v | w].</param>
    /// <param name="y">Targets, one per row of x.</param>
    /// <param name="uWidth">Width of u (and of v), ≥ 1.</param>
    /// <param name="wWidth">Width of w, ≥ 0.</param>
    /// <param name="inputNames">Optional distinct names of the input columns.</param>
    /// <param name="targetName">Optional target name (default "y").</param>
    /// <exception cref="ArgumentException">Empty data, a shape mismatch, a NaN or infinite value, or bad names; the message says which.</exception>
    /// <example><code>var data = RegressionData.FromArrays(new double[,] { { 1, 2, 0.5 } }, new[] { 3.0 }, uWidth: 1, wWidth: 1);</code></example>
    public static RegressionData FromArrays(double[,] x, double[] y, int uWidth, int wWidth = 0,
                                            IReadOnlyList<string>? inputNames = null, string? targetName = null)
    {
        ArgumentNullException.ThrowIfNull(y);
        CheckArrays(x, y, uWidth, wWidth, "the data");
        return Create(x, y, [targetName ?? "y"], uWidth, wWidth, inputNames, targetName is null ? nameof(inputNames) : nameof(targetName));
    }

    /// <summary>
    /// A checked data set with several target columns from arrays. Column names default to u1..uD, v1..vD,
    /// w1..wK, and y1..yM (or "y" for one column).
    /// </summary>
    /// <param name="x">Inputs, one row per sample, columns [u | v | w].</param>
    /// <param name="y">Targets, one row per row of x, one column per target.</param>
    /// <param name="uWidth">Width of u (and of v), ≥ 1.</param>
    /// <param name="wWidth">Width of w, ≥ 0.</param>
    /// <param name="inputNames">Optional distinct names of the input columns.</param>
    /// <param name="targetNames">Optional distinct names of the target columns.</param>
    /// <exception cref="ArgumentException">Empty data, a shape mismatch, a NaN or infinite value, or bad names; the message says which.</exception>
    /// <example><code>var data = RegressionData.FromArrays(x, new double[,] { { 1, 2 }, { 3, 4 } }, uWidth: 1, targetNames: ["a", "b"]);</code></example>
    public static RegressionData FromArrays(double[,] x, double[,] y, int uWidth, int wWidth = 0,
                                            IReadOnlyList<string>? inputNames = null, IReadOnlyList<string>? targetNames = null)
    {
        ArgumentNullException.ThrowIfNull(y);
        CheckArrays(x, null, uWidth, wWidth, "the data");
        CheckTargets(y, x.GetLength(0));
        var names = targetNames?.ToArray()
            ?? (y.GetLength(1) == 1 ? ["y"] : Enumerable.Range(1, y.GetLength(1)).Select(i => $"y{i}").ToArray());
        if (names.Length != y.GetLength(1))
            throw new ArgumentException($"{names.Length} target names for {y.GetLength(1)} target columns", nameof(targetNames));
        return Create(x, Fs.RowMajor(y), names, uWidth, wWidth, inputNames, targetNames is null ? nameof(inputNames) : nameof(targetNames));
    }

    private static RegressionData Create(double[,] x, double[] y, string[] targetNames, int uWidth, int wWidth,
                                         IReadOnlyList<string>? inputNames, string namesParam)
    {
        var symmetry = Guard.Argument(nameof(uWidth), () => Core.SymmetryModule.blocks(uWidth, wWidth));
        var names = inputNames?.ToArray() ?? Core.SymmetryModule.defaultNames(symmetry);
        if (names.Length != x.GetLength(1))
            throw new ArgumentException($"{names.Length} input names for {x.GetLength(1)} input columns", nameof(inputNames));
        var ds = Guard.Argument(namesParam, () => Core.DatasetModule.create(symmetry, names, targetNames, Fs.RowMajor(x), y));
        return new RegressionData(ds, "arrays");
    }

    /// <summary>Checks a target matrix: as many rows as x, at least one column, finite values (naming y).</summary>
    internal static void CheckTargets(double[,] y, int rows)
    {
        if (y.GetLength(0) != rows) throw new ArgumentException($"y has {y.GetLength(0)} rows but x has {rows}", nameof(y));
        if (y.GetLength(1) == 0) throw new ArgumentException("y has no columns", nameof(y));
        for (var i = 0; i < y.GetLength(0); i++)
            for (var j = 0; j < y.GetLength(1); j++)
                if (!double.IsFinite(y[i, j])) throw new ArgumentException($"y[{i}, {j}] is {y[i, j]}; targets must be finite", nameof(y));
    }

    /// <summary>Checks the shapes and values of input and target arrays; every problem is an <see cref="ArgumentException"/> naming x or y.</summary>
    internal static void CheckArrays(double[,] x, double[]? y, int uWidth, int wWidth, string what)
    {
        ArgumentNullException.ThrowIfNull(x);
        if (uWidth < 1) throw new ArgumentOutOfRangeException(nameof(uWidth), uWidth, $"u needs width ≥ 1, got {uWidth}");
        if (wWidth < 0) throw new ArgumentOutOfRangeException(nameof(wWidth), wWidth, $"w needs width ≥ 0, got {wWidth}");
        int width;
        try { width = Core.SymmetryModule.blocks(uWidth, wWidth).Width; }   // the core's rule for the widths
        catch (Core.SeagullException e) { throw new ArgumentOutOfRangeException(nameof(uWidth), e.Message); }
        if (x.GetLength(1) != width)
            throw new ArgumentException(
                $"x has {x.GetLength(1)} columns but {what} expects {width} ([u:{uWidth} | v:{uWidth} | w:{wWidth}])", nameof(x));
        if (x.GetLength(0) == 0) throw new ArgumentException("x has no rows", nameof(x));
        CheckFinite(x);
        if (y is null) return;
        if (y.Length != x.GetLength(0))
            throw new ArgumentException($"y has {y.Length} values but x has {x.GetLength(0)} rows", nameof(y));
        for (var i = 0; i < y.Length; i++)
            if (!double.IsFinite(y[i])) throw new ArgumentException($"y[{i}] is {y[i]}; targets must be finite", nameof(y));
    }

    /// <summary>Throws <see cref="ArgumentException"/> naming x and the first NaN or infinite cell.</summary>
    internal static void CheckFinite(double[,] x)
    {
        for (var i = 0; i < x.GetLength(0); i++)
            for (var j = 0; j < x.GetLength(1); j++)
                if (!double.IsFinite(x[i, j]))
                    throw new ArgumentException($"x[{i}, {j}] is {x[i, j]}; inputs must be finite", nameof(x));
    }

    /// <summary>
    /// Loads a data set from a CSV file with a header row (RFC 4180, invariant-culture numbers). Columns not
    /// named in <paramref name="roles"/> are ignored. Needs at least 2 data rows.
    /// </summary>
    /// <param name="path">The CSV file.</param>
    /// <param name="roles">Which columns are u, v, w and the targets.</param>
    /// <param name="dropMissing">
    /// Skip the rows with a missing value in a column the roles use (an empty or blank cell, or NA, N/A, NaN, -NaN
    /// or null in any case) instead of refusing the file; <see cref="DroppedRows"/> counts them. Other text that is
    /// not a number is refused either way.
    /// </param>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">The file is malformed, a cell is not a finite number, a column is missing, or fewer than 2 rows are left; the one-line message names file, line and column.</exception>
    /// <example><code>var data = RegressionData.FromCsv("data.csv", ColumnRoles.Parse("u1", "v1", "w1"), dropMissing: true);</code></example>
    public static RegressionData FromCsv(string path, ColumnRoles roles, bool dropMissing = false)
    {
        ArgumentNullException.ThrowIfNull(roles);
        Guard.FileExists(path, nameof(path), "data file");
        var coreRoles = roles.ToCore();
        var loaded = Guard.Data(() => Core.Csv.loadWith(new Core.CsvReadOptions(dropMissing), path, coreRoles));
        return new RegressionData(loaded.Data, Path.GetFileName(path), loaded.DroppedRows);
    }

    /// <summary>
    /// Splits into a training and a test part by a seeded random permutation. The test part gets
    /// round(Rows × testFraction) rows (at least 1, leaving at least 1); each part keeps the original order.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">testFraction is not strictly between 0 and 1.</exception>
    /// <exception cref="ArgumentException">Fewer than 2 rows.</exception>
    /// <example><code>var (train, test) = data.Split(0.25, seed: 1);</code></example>
    public (RegressionData Train, RegressionData Test) Split(double testFraction, int seed = 0)
    {
        if (!(testFraction > 0 && testFraction < 1))
            throw new ArgumentOutOfRangeException(nameof(testFraction), testFraction, $"the test fraction must be strictly between 0 and 1, got {testFraction}");
        if (Rows < 2) throw new ArgumentException($"a train/test split needs at least 2 rows, the data set has {Rows}", nameof(testFraction));
        var parts = Guard.Argument(nameof(testFraction), () => Core.DatasetModule.split(Core.Random.key(seed), testFraction, Inner));
        return (new RegressionData(parts.Item1, Source), new RegressionData(parts.Item2, Source));
    }

    /// <summary>The data with u and v exchanged in every row (x̃ = (v, u, w)); targets unchanged.</summary>
    /// <example><code>var swapped = data.Swap();</code></example>
    public RegressionData Swap() => new(Core.DatasetModule.swap(Inner), Source);

    /// <summary>Writes the data (inputs, then the targets) to a CSV file atomically, numbers in round-trip form. The folder is created if needed.</summary>
    /// <exception cref="IOException">The file cannot be written.</exception>
    /// <example><code>data.WriteCsv("train.csv");</code></example>
    public void WriteCsv(string path)
    {
        if (string.IsNullOrWhiteSpace(path)) throw new ArgumentException("the output path is empty", nameof(path));
        Guard.Io(() => Core.Csv.write(path, Inner));
    }

    /// <summary>The data as CSV text (inputs, then the targets), numbers in round-trip form; the same text <see cref="WriteCsv"/> writes.</summary>
    /// <example><code>Console.Write(Targets.Get("spring").Generate(5).ToCsv());</code></example>
    public string ToCsv() => Core.Csv.toText(Inner);

    /// <summary>"N rows, u:D v:D w:K, target NAME" (or "targets A, B").</summary>
    /// <example><code>Console.WriteLine(data);</code></example>
    public override string ToString() =>
        $"{Rows} rows, u:{UWidth} v:{UWidth} w:{WWidth}, {(Targets == 1 ? "target" : "targets")} {string.Join(", ", Inner.TargetNames)}";
}
