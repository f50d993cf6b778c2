// Fit an exactly swap-invariant network to a built-in target and report test error and invariance.
// Usage: dotnet run --project examples/QuickStart -c Release [-- EPOCHS]   (default 100 epochs)
using Seagull.Api;

var epochs = args.Length > 0 ? int.Parse(args[0]) : 100;

// spring: f(u, v, w) = (|u − v| − 1)² + w·(u + v) with u, v, w ∈ R³. Swapping u and v leaves it unchanged.
var target = Targets.Get("spring");
var data = target.Generate(rows: 3000, seed: 0);

// Seagull log(1 + z²) in the first layer, and the network averaged over both orderings of u and v:
// (g(u,v,w) + g(v,u,w)) / 2 is invariant by construction, whatever g learns.
var net = new NetworkBuilder()
    .Blocks(u: target.UWidth, v: target.UWidth, w: target.WWidth)
    .Architecture(Architecture.Symmetrized)
    .Hidden(64, 64)
    .Activations(Activation.Seagull, Activation.Tanh)
    .Build();

var regressor = new SwapInvariantRegressor(net);
// TestFraction holds 20 % of the rows out of training; the report's test MSE is measured on them.
var report = regressor.Fit(data, new FitOptions { Epochs = epochs, TestFraction = 0.2 });
var check = regressor.CheckInvariance(samples: 1000, seed: 0);   // f(x) vs f(x̃) on random inputs, bitwise

Console.WriteLine(net.Description);
Console.WriteLine($"trained {report.EpochsRun} epochs in {report.Seconds:F2} s");
Console.WriteLine($"test MSE {report.TestMse:F5}  R² {report.TestR2:F4}  invariance error {report.InvarianceError:G3}  exactly invariant: {check.ExactlyInvariant}");
