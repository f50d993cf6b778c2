// Your own data: load a CSV, say which columns are u, v and w by name, fit, save the model, load it back,
// predict and evaluate.
// Usage: dotnet run --project examples/OwnData -c Release [-- EPOCHS [FILE.csv]]   (default 300 epochs, data/coulomb.csv)
using Seagull.Api;

var epochs = args.Length > 0 ? int.Parse(args[0]) : 300;
var csvPath = args.Length > 1 ? args[1] : Path.Combine(AppContext.BaseDirectory, "data", "coulomb.csv");

// The potential at a probe point from two unit charges q1 and q2. Exchanging the charges changes
// nothing, so they are u and v (column j of u pairs with column j of v); the probe is w. Other columns
// of the file, if any, are ignored.
var roles = new ColumnRoles(
    u: ["q1_x", "q1_y", "q1_z"],
    v: ["q2_x", "q2_y", "q2_z"],
    w: ["probe_x", "probe_y", "probe_z"],
    y: "potential");
var data = RegressionData.FromCsv(csvPath, roles);
var (train, test) = data.Split(testFraction: 0.2, seed: 0);
Console.WriteLine($"{Path.GetFileName(csvPath)}: {data}; {train.Rows} for training, {test.Rows} for testing");

// Symmetrized: the network averaged over both orderings of the charges, so invariant by construction.
var net = new NetworkBuilder()
    .Blocks(data)                                     // u, v and w widths of the data
    .Architecture(Architecture.Symmetrized)
    .Hidden(64, 64)
    .Activations(Activation.Seagull, Activation.Tanh)
    .Build();
var regressor = new SwapInvariantRegressor(net);
// 480 rows are few: small batches give more steps per epoch, and a cosine schedule anneals the rate to 0.
var report = regressor.Fit(train, new FitOptions
{
    Epochs = epochs,
    BatchSize = 32,
    LearningRate = 3e-3,
    Schedule = LearningRateSchedule.CosineOverFit,
});
Console.WriteLine($"{net.Description}: {report.EpochsRun} epochs in {report.Seconds:F2} s");

// The model file keeps the column names and the standardisation, so it works on raw data on its own.
var modelPath = Path.Combine(Path.GetTempPath(), "seagull-examples", "coulomb.model.json");
regressor.Save(modelPath);
var loaded = SwapInvariantRegressor.Load(modelPath);
Console.WriteLine($"saved and loaded {modelPath}: inputs {string.Join(",", loaded.InputNames)} → {loaded.TargetName}");

var x = test.ToInputArray();
var y = test.ToTargetArray();
var predicted = loaded.Predict(x);
Console.WriteLine($"loaded model predicts as the fitted one: {predicted.SequenceEqual(regressor.Predict(x))}");
Console.WriteLine("potential  predicted");
for (var i = 0; i < 5; i++) Console.WriteLine($"{y[i],9:F4}  {predicted[i],9:F4}");

// One new row, with the charges given in both orders: the same prediction, bit for bit. (The file was made
// from the built-in target "coulomb", so the true value is known here.)
double[] row = [0.5, 0.2, -0.1, -0.4, 0.6, 0.3, 0.1, -0.5, 0.4];
double[] swapped = [.. row[3..6], .. row[0..3], .. row[6..]];
var (p1, p2) = (loaded.Predict(row), loaded.Predict(swapped));
Console.WriteLine($"q1,q2 → {p1:F6}  q2,q1 → {p2:F6}  equal: {p1 == p2}  (true {Targets.Get("coulomb").Evaluate(row):F6})");

var evaluation = loaded.Evaluate(test);
Console.WriteLine($"test MSE {evaluation.Mse:F5}  RMSE {evaluation.Rmse:F4}  R² {evaluation.R2:F4}  invariance error {evaluation.InvarianceError:G3}");
