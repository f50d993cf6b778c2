// A custom activation from a formula: its derivative comes from automatic differentiation and its
// parity is measured, not trusted. Even activations are what make the split architecture invariant.
// Usage: dotnet run --project examples/CustomActivation -c Release [-- EPOCHS]   (default 100 epochs)
using Seagull.Api;

var epochs = args.Length > 0 ? int.Parse(args[0]) : 100;

// √(1 + z²) − 1: even, smooth, and growing like |z| (a "pseudo-Huber" cousin of Seagull's log(1 + z²)).
var pseudoHuber = Activation.Custom("pseudo_huber", z => Expr.Sqrt(1 + z * z) - 1, "√(1 + z²) − 1");
// Two for contrast: softsign is odd, a swish-like z·sigmoid(2z) is neither even nor odd.
var softsign = Activation.Custom("softsign", z => z / (1 + Expr.Abs(z)), "z / (1 + |z|)");
var swish2 = Activation.Custom("swish2", z => z * Expr.Sigmoid(2 * z), "z·sigmoid(2z)");

Console.WriteLine("activation      σ(−1.5)   σ(1.5)    σ′(1.5)   parity");
foreach (var a in new[] { pseudoHuber, softsign, swish2, Activation.Seagull })
    Console.WriteLine($"{a.Name,-14} {a.Evaluate(-1.5),8:F4} {a.Evaluate(1.5),8:F4} {a.Derivative(1.5),8:F4}   {a.MeasureParity()}");

// The split architecture feeds u − v through a bias-free activation σₑ: σₑ(B(u − v)) = σₑ(B(v − u)) holds
// only when σₑ is even. The builder accepts any σₑ, but only an even one earns the guarantee.
var target = Targets.Get("bead_pair");           // ((u − v)² − 0.5)² + w(u + v), u, v, w ∈ R
var builder = new NetworkBuilder()
    .Blocks(u: target.UWidth, v: target.UWidth, w: target.WWidth)
    .Architecture(Architecture.Split)
    .Hidden(32, 32)
    .Activations(pseudoHuber, Activation.Tanh);   // a custom activation can serve in any layer too

var oddBranch = builder.Even(softsign).Build();
var unfitted = new SwapInvariantRegressor(oddBranch).CheckInvariance(samples: 1000);
Console.WriteLine($"u−v branch softsign:     guaranteed {oddBranch.IsExactlyInvariant}, invariance error {unfitted.InvarianceError:G3} (before fitting)");

var net = builder.Even(pseudoHuber).Build();
var regressor = new SwapInvariantRegressor(net);
var report = regressor.Fit(target.Generate(rows: 2000, seed: 0), new FitOptions { Epochs = epochs, TestFraction = 0.2, LearningRate = 3e-3 });
var check = regressor.CheckInvariance(samples: 1000);
Console.WriteLine($"u−v branch pseudo_huber: guaranteed {net.IsExactlyInvariant}, invariance error {check.InvarianceError:G3}, exactly invariant: {check.ExactlyInvariant}");
Console.WriteLine($"{net.Description}: {report.EpochsRun} epochs in {report.Seconds:F2} s, test MSE {report.TestMse:F5}  R² {report.TestR2:F4}");

// A model file stores a custom activation by name only: give it back when loading.
var path = Path.Combine(Path.GetTempPath(), "seagull-examples", "bead_pair.model.json");
regressor.Save(path);
var loaded = SwapInvariantRegressor.Load(path, pseudoHuber);
Console.WriteLine($"reloaded: {loaded.Definition.Description}");
