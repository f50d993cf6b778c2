#:project ../../Shell.CSharp/Seagull.Api/Seagull.Api.csproj
// Writes examples/data/coulomb.csv from the built-in target "coulomb" (see README.md next to this file).
// Run from the repository root:  dotnet run examples/data/make.cs -- examples/data/coulomb.csv
using Seagull.Api;

var path = args.Length > 0 ? args[0] : "coulomb.csv";
var target = Targets.Get("coulomb");                       // 1/√(|u−w|²+0.1) + 1/√(|v−w|²+0.1)
var drawn = target.Generate(rows: 600, seed: 2024).ToInputArray();   // uniform on [−1, 1], seeded

// Round the inputs to 4 decimals, as a measurement file would have them, and evaluate the target on the
// rounded inputs so every row is exact. Only √ is involved: the file is the same bit for bit everywhere.
var (rows, width) = (drawn.GetLength(0), drawn.GetLength(1));
var x = new double[rows, width];
var y = new double[rows];
var row = new double[width];
for (var i = 0; i < rows; i++)
{
    for (var j = 0; j < width; j++) row[j] = x[i, j] = Math.Round(drawn[i, j], 4);
    y[i] = Math.Round(target.Evaluate(row), 6);
}

// Two unit charges at q1 and q2 (exchangeable) and the probe point where the potential is measured.
string[] names = ["q1_x", "q1_y", "q1_z", "q2_x", "q2_y", "q2_z", "probe_x", "probe_y", "probe_z"];
RegressionData.FromArrays(x, y, target.UWidth, target.WWidth, names, targetName: "potential").WriteCsv(path);
Console.WriteLine($"wrote {rows} rows to {path}");
