using Core = global::Seagull.Core;

namespace Seagull.Api;

// Using a fitted regressor: predictions, evaluation and the invariance check.
public sealed partial class SwapInvariantRegressor
{
    /// <summary>Predictions in the target's units, one per row of <paramref name="x"/> (columns [u | v | w]).</summary>
    /// <exception cref="ArgumentException">x has the wrong number of columns or holds NaN or infinite values, or the network cannot represent a row's prediction (NaN or ∞ for inputs far outside the training data; the message names the row).</exception>
    /// <exception cref="InvalidOperationException">The regressor is not fitted.</exception>
    /// <example><code>double[] p = regressor.Predict(new double[,] { { 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9 } });</code></example>
    /// <exception cref="InvalidOperationException">The model has several outputs (use <see cref="PredictOutputs"/>).</exception>
    public double[] Predict(double[,] x)
    {
        ArgumentNullException.ThrowIfNull(x);
        var m = OneOutput();
        if (x.GetLength(0) == 0 && x.GetLength(1) == Definition.InputWidth) return [];
        RegressionData.CheckArrays(x, null, Definition.UWidth, Definition.WWidth, "the model");
        return Guard.Argument(nameof(x), () => Core.Regressor.predict(m, Fs.RowMajor(x)));
    }

    /// <summary>Predictions in the targets' units, one row per row of <paramref name="x"/> and one column per output (<see cref="TargetNames"/>).</summary>
    /// <exception cref="ArgumentException">x has the wrong number of columns or holds NaN or infinite values, or the network cannot represent a row's prediction.</exception>
    /// <exception cref="InvalidOperationException">The regressor is not fitted.</exception>
    /// <example><code>double[,] p = regressor.PredictOutputs(x);   // p[i, j]: output j of row i</code></example>
    public double[,] PredictOutputs(double[,] x)
    {
        ArgumentNullException.ThrowIfNull(x);
        var m = Fitted();
        var outputs = m.TargetNames.Length;
        if (x.GetLength(0) == 0 && x.GetLength(1) == Definition.InputWidth) return new double[0, outputs];
        RegressionData.CheckArrays(x, null, Definition.UWidth, Definition.WWidth, "the model");
        var flat = Guard.Argument(nameof(x), () => Core.Regressor.predict(m, Fs.RowMajor(x)));
        return Fs.Matrix(flat, x.GetLength(0), outputs);
    }

    private Core.Model OneOutput(string instead = "PredictOutputs")
    {
        var m = Fitted();
        if (m.TargetNames.Length != 1)
            throw new InvalidOperationException($"the model has {m.TargetNames.Length} outputs ({string.Join(", ", m.TargetNames)}); use {instead}");
        return m;
    }

    /// <summary>The prediction for one input row (columns [u | v | w]).</summary>
    /// <exception cref="ArgumentException">The row has the wrong length or holds NaN or infinite values, or the network cannot represent a row's prediction (NaN or ∞ for inputs far outside the training data; the message names the row).</exception>
    /// <exception cref="InvalidOperationException">The regressor is not fitted.</exception>
    /// <example><code>double p = regressor.Predict(stackalloc double[] { 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9 });</code></example>
    /// <exception cref="InvalidOperationException">The model has several outputs (use <see cref="PredictOutputs"/>).</exception>
    public double Predict(ReadOnlySpan<double> row)
    {
        var m = OneOutput();
        if (row.Length != Definition.InputWidth)
            throw new ArgumentException($"the row has {row.Length} values but the model expects {Definition.InputWidth} ([u:{Definition.UWidth} | v:{Definition.VWidth} | w:{Definition.WWidth}])", nameof(row));
        for (var j = 0; j < row.Length; j++)
            if (!double.IsFinite(row[j])) throw new ArgumentException($"row[{j}] is {row[j]}; inputs must be finite", nameof(row));
        var values = row.ToArray();
        return Guard.Argument(nameof(row), () => Core.Regressor.predict(m, values))[0];
    }

    /// <summary>Predictions for the rows of a CSV file, whose columns are found by the names stored in the model.</summary>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">A model column is missing or a cell is not a finite number.</exception>
    /// <exception cref="InvalidOperationException">The regressor is not fitted.</exception>
    /// <exception cref="InvalidOperationException">The model has several outputs (use <see cref="PredictTable"/>).</exception>
    /// <example><code>double[] p = regressor.Predict("new.csv");</code></example>
    public double[] Predict(string csvPath)
    {
        OneOutput();
        return PredictTable(csvPath).Predictions;
    }

    /// <summary>
    /// Predictions for the rows of a CSV file next to every column of the file (ids and other columns kept,
    /// as written), with a "prediction" column last (for several outputs, one "prediction_NAME" column per target).
    /// The whole table is held in memory: for a big file, <see cref="PredictCsv(string, string, CancellationToken)"/>
    /// writes the same text while it reads.
    /// </summary>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">A model column is missing or a cell is not a finite number.</exception>
    /// <exception cref="InvalidOperationException">The regressor is not fitted.</exception>
    /// <example><code>regressor.PredictTable("new.csv").WriteCsv("predicted.csv");</code></example>
    public PredictionTable PredictTable(string csvPath)
    {
        var m = Fitted();
        Guard.FileExists(csvPath, nameof(csvPath), "data file");
        var inputs = Guard.Data(() => Core.Csv.loadForModel(csvPath, m.InputNames, Fs.List<Core.ColumnRef>([])));
        var predictions = Guard.Data(() => Core.Regressor.predict(m, inputs.Inputs));
        var headers = inputs.Header.Concat(Core.Csv.predictionColumns(inputs.Header, m.TargetNames)).ToArray();
        return new PredictionTable(ReadOnly.List(headers), inputs.Fields, predictions, m.TargetNames.Length);
    }

    /// <summary>
    /// Predicts the rows of the CSV file <paramref name="inputPath"/> and writes them to <paramref name="outputPath"/>
    /// while reading: the text <see cref="PredictTable"/> then <see cref="PredictionTable.WriteCsv"/> would write (every
    /// column of the file as written, then the prediction columns in round-trip form), to the byte, in memory that does
    /// not grow with the file (4096 rows at a time). The file is written atomically: after an error or a cancellation
    /// there is no new file, and an existing one is left as it was.
    /// </summary>
    /// <returns>The number of rows predicted.</returns>
    /// <exception cref="FileNotFoundException">The input file does not exist.</exception>
    /// <exception cref="InvalidDataException">A model column is missing, a cell is not a finite number (the message names the file, the line and the column), or the network cannot represent a row's prediction (the message names the row).</exception>
    /// <exception cref="IOException">The output file cannot be written.</exception>
    /// <exception cref="ArgumentException">A path is empty, or the output path is the input file.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancel"/> was set (looked at before every row).</exception>
    /// <exception cref="InvalidOperationException">The regressor is not fitted.</exception>
    /// <example>
    /// <code>
    /// long rows = regressor.PredictCsv("new.csv", "predicted.csv");
    /// Console.WriteLine($"{rows} predictions");
    /// </code>
    /// </example>
    public long PredictCsv(string inputPath, string outputPath, CancellationToken cancel = default)
    {
        var m = Fitted();
        Guard.FileExists(inputPath, nameof(inputPath), "data file");
        if (string.IsNullOrWhiteSpace(outputPath)) throw new ArgumentException("the output path is empty", nameof(outputPath));
        if (string.Equals(Path.GetFullPath(outputPath), Path.GetFullPath(inputPath), StringComparison.Ordinal))
            throw new ArgumentException($"the output '{outputPath}' is the input file; writing it would replace the data being read", nameof(outputPath));
        // The header is read and checked before the output file is begun; the reader's and the network's errors
        // concern the data, the writing's the output file.
        using var rows = Guard.Data(() => Core.Csv.openForModel(inputPath, m.InputNames, Fs.List<Core.ColumnRef>([])));
        long n = 0;
        Guard.Io(() => Core.AtomicFile.writeText(outputPath, Fs.Action<TextWriter>(w => n = Guard.Data(() => Core.Regressor.writePredictions(m, rows, w, cancel)))));
        return n;
    }

    /// <summary>
    /// Predicts the rows of the CSV file <paramref name="inputPath"/> and writes them to <paramref name="output"/>
    /// chunk by chunk (4096 rows at a time) as they are predicted: the text of <see cref="PredictionTable.ToCsv"/>,
    /// in memory that does not grow with the file. Nothing is written before the first chunk is predicted; an error
    /// or a cancellation later leaves the chunks before it written.
    /// </summary>
    /// <returns>The number of rows predicted.</returns>
    /// <exception cref="FileNotFoundException">The input file does not exist.</exception>
    /// <exception cref="InvalidDataException">A model column is missing, a cell is not a finite number (the message names the file, the line and the column), or the network cannot represent a row's prediction (the message names the row).</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancel"/> was set (looked at before every row).</exception>
    /// <exception cref="InvalidOperationException">The regressor is not fitted.</exception>
    /// <example><code>regressor.PredictCsv("new.csv", Console.Out);</code></example>
    public long PredictCsv(string inputPath, TextWriter output, CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(output);
        var m = Fitted();
        Guard.FileExists(inputPath, nameof(inputPath), "data file");
        using var rows = Guard.Data(() => Core.Csv.openForModel(inputPath, m.InputNames, Fs.List<Core.ColumnRef>([])));
        return Guard.Data(() => Core.Regressor.writePredictions(m, rows, output, cancel));
    }

    /// <summary>MSE, RMSE, R² and invariance error of the model on inputs x and targets y (target units).</summary>
    /// <exception cref="ArgumentException">Shape mismatch, empty data, or NaN/infinite values, or the network cannot represent a row's prediction (NaN or ∞ for inputs far outside the training data; the message names the row).</exception>
    /// <exception cref="InvalidOperationException">The regressor is not fitted.</exception>
    /// <example><code>Evaluation e = regressor.Evaluate(testX, testY);</code></example>
    /// <exception cref="InvalidOperationException">The model has several outputs (pass y with one column per output).</exception>
    public Evaluation Evaluate(double[,] x, double[] y)
    {
        ArgumentNullException.ThrowIfNull(y);
        var m = OneOutput("Evaluate(x, y) with y of one column per output (double[,])");
        RegressionData.CheckArrays(x, y, Definition.UWidth, Definition.WWidth, "the model");
        return EvaluateArrays(m, x, y);
    }

    /// <summary>Metrics of the model on inputs x and targets y with one column per output (target units).</summary>
    /// <exception cref="ArgumentException">Shape mismatch (y's columns against the model's outputs), empty data, or NaN/infinite values, or the network cannot represent a row's prediction.</exception>
    /// <exception cref="InvalidOperationException">The regressor is not fitted.</exception>
    /// <example><code>Evaluation e = regressor.Evaluate(testX, testY2); Console.WriteLine(e.Targets[1].R2);</code></example>
    public Evaluation Evaluate(double[,] x, double[,] y)
    {
        ArgumentNullException.ThrowIfNull(y);
        var m = Fitted();
        RegressionData.CheckArrays(x, null, Definition.UWidth, Definition.WWidth, "the model");
        RegressionData.CheckTargets(y, x.GetLength(0));
        if (y.GetLength(1) != m.TargetNames.Length)
            throw new ArgumentException($"y has {y.GetLength(1)} columns but the model has {m.TargetNames.Length} outputs", nameof(y));
        return EvaluateArrays(m, x, Fs.RowMajor(y));
    }

    private static Evaluation EvaluateArrays(Core.Model m, double[,] x, double[] y)
    {
        var data = Guard.Argument(nameof(x), () => Core.DatasetModule.create(m.Spec.Symmetry, m.InputNames, m.TargetNames, Fs.RowMajor(x), y));
        return ToEvaluation(Guard.Argument(nameof(x), () => Core.Evaluation.evaluate(m, data)));
    }

    /// <summary>Predictions in the target's units for the rows of a data set with the same block widths.</summary>
    /// <exception cref="ArgumentException">The data's block widths differ from the model's, or the network cannot represent a row's prediction (NaN or ∞ for inputs far outside the training data; the message names the row).</exception>
    /// <exception cref="InvalidOperationException">The regressor is not fitted.</exception>
    /// <example><code>double[] p = regressor.Predict(test);</code></example>
    /// <exception cref="InvalidOperationException">The model has several outputs (use <see cref="PredictOutputs"/> on <see cref="RegressionData.ToInputArray"/>).</exception>
    public double[] Predict(RegressionData data)
    {
        ArgumentNullException.ThrowIfNull(data);
        var m = OneOutput();
        if (data.UWidth != Definition.UWidth || data.WWidth != Definition.WWidth)
            throw new ArgumentException($"the data has blocks u:{data.UWidth} w:{data.WWidth} but the model expects u:{Definition.UWidth} w:{Definition.WWidth}", nameof(data));
        return Guard.Argument(nameof(data), () => Core.Regressor.predict(m, data.Inner.X));
    }

    /// <summary>Metrics of the model on a data set with the same block widths.</summary>
    /// <exception cref="ArgumentException">The data's block widths differ from the model's, or the network cannot represent a row's prediction (NaN or ∞ for inputs far outside the training data; the message names the row).</exception>
    /// <exception cref="InvalidOperationException">The regressor is not fitted.</exception>
    /// <example><code>Evaluation e = regressor.Evaluate(test);</code></example>
    public Evaluation Evaluate(RegressionData data)
    {
        ArgumentNullException.ThrowIfNull(data);
        var m = Fitted();
        if (data.UWidth != Definition.UWidth || data.WWidth != Definition.WWidth)
            throw new ArgumentException($"the data has blocks u:{data.UWidth} w:{data.WWidth} but the model expects u:{Definition.UWidth} w:{Definition.WWidth}", nameof(data));
        if (data.Targets != m.TargetNames.Length)
            throw new ArgumentException($"the data has {data.Targets} target columns but the model has {m.TargetNames.Length} outputs", nameof(data));
        return ToEvaluation(Guard.Argument(nameof(data), () => Core.Evaluation.evaluate(m, data.Inner)));
    }

    /// <summary>
    /// Metrics of the model on a CSV file: input columns are found by the model's stored names, the targets by
    /// <paramref name="targetColumn"/> (default: the model's target names; for several outputs a comma-separated
    /// list, one column per output, as on the command line). The file is read 4096 rows at a time; of a row only its
    /// target values are kept (R² needs their mean before their spread), so memory grows by 8 bytes per row and target.
    /// </summary>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">A column is missing (the targets included), a target is one of the model's inputs, or a cell is not a finite number.</exception>
    /// <exception cref="ArgumentException">The target column name is blank, or names a different number of columns than the model has outputs.</exception>
    /// <exception cref="InvalidOperationException">The regressor is not fitted.</exception>
    /// <example><code>Evaluation e = regressor.Evaluate("test.csv", targetColumn: "energy");</code></example>
    public Evaluation Evaluate(string csvPath, string? targetColumn = null) => Evaluate(csvPath, targetColumn, CancellationToken.None);

    /// <summary><see cref="Evaluate(string, string?)"/>, stopping when <paramref name="cancel"/> is set (looked at before every row).</summary>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">A column is missing (the targets included), a target is one of the model's inputs, or a cell is not a finite number.</exception>
    /// <exception cref="ArgumentException">The target column name is blank, or names a different number of columns than the model has outputs.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancel"/> was set.</exception>
    /// <exception cref="InvalidOperationException">The regressor is not fitted.</exception>
    /// <example><code>Evaluation e = regressor.Evaluate("big.csv", null, cancellation.Token);</code></example>
    public Evaluation Evaluate(string csvPath, string? targetColumn, CancellationToken cancel)
    {
        var m = Fitted();
        Guard.FileExists(csvPath, nameof(csvPath), "data file");
        if (targetColumn is not null && string.IsNullOrWhiteSpace(targetColumn))
            throw new ArgumentException("the target column name is blank", nameof(targetColumn));
        var targets = targetColumn is null ? m.TargetNames : ColumnRoles.SplitList(targetColumn, nameof(targetColumn));
        var references = targetColumn is null
            ? targets.Select(Core.ColumnRef.NewName).ToArray()
            : targets.Select(t => Guard.Data(() => Core.ColumnRefModule.parse(t))).ToArray();
        using var rows = Guard.Data(() => Core.Csv.openForModel(csvPath, m.InputNames, Fs.List(references)));
        if (!rows.HasTargets)
            throw new InvalidDataException($"'{csvPath}' line 1 (header): no target column {string.Join(", ", targets.Select(t => $"'{t}'"))} to compare the predictions with; name the target column");
        // After the names are found: a missing column is named before a count is blamed.
        if (targets.Length != m.TargetNames.Length)
            throw new ArgumentException(
                $"{Count(targets.Length, "target column")} for a model of {Count(m.TargetNames.Length, "output")} ({string.Join(", ", m.TargetNames)})", nameof(targetColumn));
        return ToEvaluation(Guard.Data(() => Core.Evaluation.evaluateRows(m, rows, cancel)));
    }

    private static string Count(int n, string what) => n == 1 ? $"1 {what}" : $"{n} {what}s";

    private static Evaluation ToEvaluation(Core.Metrics x)
    {
        var targets = x.Targets.Select(t => new TargetEvaluation(t.Name, t.Mse, t.StandardizedMse, t.Rmse, t.R2, t.InvarianceError)).ToArray();
        var one = targets.Length == 1 ? targets[0] : null;
        return new Evaluation(one?.Mse ?? double.NaN, one?.Rmse ?? double.NaN, one?.R2 ?? double.NaN, one?.InvarianceError ?? double.NaN,
                              x.N, x.StandardizedMse, ReadOnly.List(targets));
    }

    /// <summary>
    /// Measures swap invariance on <paramref name="samples"/> random inputs (normal, seeded): the largest
    /// |f(x) − f(x̃)|, whether f(x) = f(x̃) bitwise on every sample, what the architecture guarantees, and the
    /// declared and measured parity of every activation. An unfitted regressor is checked with its initial parameters.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">samples &lt; 1.</exception>
    /// <example><code>var r = regressor.CheckInvariance(samples: 2000); Console.WriteLine(r.ExactlyInvariant);</code></example>
    public InvarianceReport CheckInvariance(int samples = 1000, int seed = 0) => Check(model ?? Unfitted(), Definition, samples, seed);

    /// <summary>The invariance check of a core model (a regressor's or a classifier's).</summary>
    internal static InvarianceReport Check(Core.Model m, NetworkDefinition definition, int samples, int seed)
    {
        if (samples < 1) throw new ArgumentOutOfRangeException(nameof(samples), samples, $"samples must be ≥ 1, got {samples}");
        var check = Guard.Argument(nameof(samples), () => Core.Evaluation.check(m, samples, seed));
        var activations = check.Activations
            .Select(a => new ActivationParity(a.Layer, a.Name, Fs.ToParity(a.Declared), Fs.ToParity(a.Measured)))
            .ToArray();
        return new InvarianceReport(check.InvarianceError, check.ExactlyInvariant, check.ArchitectureGuarantees, check.Samples,
                                    definition.Architecture, definition.Description, ReadOnly.List(activations));
    }

    /// <summary>
    /// The regressor (g(x) + g(x̃)) / 2 around this fitted one, g: exactly invariant, with no retraining (the same
    /// parameters, standardisation and names). On average it is also more accurate when g is nearly invariant
    /// already: our PyTorch reference measured 0.83× the test error of Seagull-first MLPs, better on 45 of 45 seeds.
    /// </summary>
    /// <exception cref="InvalidOperationException">Not fitted.</exception>
    /// <example><code>var exact = regressor.Symmetrized(); exact.Save("exact.json");</code></example>
    public SwapInvariantRegressor Symmetrized()
    {
        var m = Core.Regressor.symmetrize(Fitted());
        return new SwapInvariantRegressor(NetworkDefinition.FromSpec(m.Spec, Definition.Seed, Definition.Activations), m);
    }
}
