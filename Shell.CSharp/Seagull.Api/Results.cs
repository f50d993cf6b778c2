namespace Seagull.Api;

/// <summary>What one finished epoch reports to an <see cref="IProgress{T}"/>.</summary>
/// <param name="Epoch">The epoch just finished, from 1.</param>
/// <param name="Epochs">The maximum number of epochs of the fit.</param>
/// <param name="TrainLoss">Mean training loss over the epoch's mini-batches (standardised target units).</param>
/// <param name="ValidationLoss">Loss on the validation part, when <see cref="FitOptions.ValidationFraction"/> is set.</param>
/// <param name="Elapsed">Time since the fit started.</param>
/// <example>
/// <code>
/// var progress = new Progress&lt;EpochReport&gt;(r => Console.WriteLine($"{r.Epoch}/{r.Epochs} loss {r.TrainLoss:G4}"));
/// regressor.Fit(x, y, progress: progress);
/// </code>
/// </example>
public sealed record EpochReport(int Epoch, int Epochs, double TrainLoss, double? ValidationLoss, TimeSpan Elapsed);

/// <summary>One target column's errors after a fit, in that target's own units.</summary>
/// <param name="Name">The target column's name.</param>
/// <param name="TrainMse">MSE on the training part.</param>
/// <param name="TrainMseStandardized">TrainMse / (the training target's standard deviation)².</param>
/// <param name="TestMse">MSE on the test part, or null without one.</param>
/// <param name="TestMseStandardized">TestMse in standardised units, or null.</param>
/// <param name="TestR2">R² on the test part, or null.</param>
/// <param name="InvarianceError">max |f(u,v,w) − f(v,u,w)| of this output over the test part (else the training part).</param>
/// <example><code>foreach (var t in report.Targets) Console.WriteLine($"{t.Name}: test MSE {t.TestMse:G4}");</code></example>
public sealed record TargetReport(string Name, double TrainMse, double TrainMseStandardized, double? TestMse, double? TestMseStandardized,
                                  double? TestR2, double InvarianceError);

/// <summary>
/// The outcome of a fit. Errors are in the target's own units unless named "Standardized" (divided by the
/// training target's variance, the unit of the comparison reports, where 1 means "no better than the mean").
/// With several target columns, the standardised errors are means over the targets, the ones in target units
/// (TrainMse, TestMse, TestR2, InvarianceError) are NaN (null where nullable), and <see cref="Targets"/> has each target's.
/// </summary>
/// <param name="TrainMse">MSE on the training part after the fit.</param>
/// <param name="TrainMseStandardized">TrainMse / (training target standard deviation)².</param>
/// <param name="TestMse">MSE on the held-out test part (<see cref="FitOptions.TestFraction"/>), or null; NaN when the network
/// cannot represent its prediction for some test row (inputs far outside the training data; Predict would refuse that row).</param>
/// <param name="TestMseStandardized">TestMse in standardised units, or null.</param>
/// <param name="TestR2">R² on the test part, or null.</param>
/// <param name="InvarianceError">max |f(u,v,w) − f(v,u,w)| over the test part (else the training part), target units; 0 for an exactly invariant network.</param>
/// <param name="EpochsRun">Epochs completed (fewer than asked after early stopping or cancellation).</param>
/// <param name="BestEpoch">The epoch whose parameters were kept (best validation loss, else the last).</param>
/// <param name="Steps">Optimizer steps taken.</param>
/// <param name="Seconds">Wall time of the training loop alone.</param>
/// <param name="Parameters">Number of trainable parameters.</param>
/// <param name="TrainRows">Rows of the training part: the data less the test part (a validation part, when asked for, is taken from these).</param>
/// <param name="TestRows">Rows of the test part (0 without one).</param>
/// <param name="Cancelled">True when the cancellation token stopped the fit early. Cancelled before the first epoch
/// ended (<c>EpochsRun == 0</c>), the errors above are those of the initial network and the regressor stays unfitted.</param>
/// <param name="History">One report per completed epoch.</param>
/// <param name="Targets">Each target column's errors (one entry for a one-target fit).</param>
/// <param name="Auto">With <see cref="SwapInvariantRegressor.FitAuto"/>: the architecture chosen and every candidate's validation error; else null.</param>
/// <example>
/// <code>
/// FitReport r = regressor.Fit(x, y, new FitOptions { TestFraction = 0.2 });
/// Console.WriteLine($"test MSE {r.TestMse:G4} after {r.EpochsRun} epochs in {r.Seconds:F1} s");
/// </code>
/// </example>
public sealed record FitReport(
    double TrainMse,
    double TrainMseStandardized,
    double? TestMse,
    double? TestMseStandardized,
    double? TestR2,
    double InvarianceError,
    int EpochsRun,
    int BestEpoch,
    int Steps,
    double Seconds,
    int Parameters,
    int TrainRows,
    int TestRows,
    bool Cancelled,
    IReadOnlyList<EpochReport> History,
    IReadOnlyList<TargetReport> Targets,
    AutoChoice? Auto = null)
{
    /// <summary>
    /// Where the learnable activations' α ended, one entry per layer that has one (<see cref="Activation.SeagullLearned"/>,
    /// <see cref="Activation.GaussianLearned"/>), in the network's parameter order; empty for a network without one.
    /// </summary>
    /// <example><code>foreach (var l in report.LearnedActivations) Console.WriteLine($"{l.Layer}: median |α| {l.AlphaMedian:G3}");</code></example>
    public IReadOnlyList<LearnedActivationReport> LearnedActivations { get; init; } = [];
}

/// <summary>
/// One layer's learned α, over its neurons: the distribution of |α| (σ depends on α² only, so α's sign carries nothing).
/// </summary>
/// <param name="Layer">The dense layer's path in the network, such as "layer1", "inner/layer1" or "difference" (split's u−v branch).</param>
/// <param name="Activation">The learnable activation's name, such as <c>seagull-learned</c>.</param>
/// <param name="Neurons">The number of neurons, one α each.</param>
/// <param name="AlphaMin">The smallest |α|.</param>
/// <param name="AlphaMedian">The median |α| (the mean of the middle two for an even number of neurons).</param>
/// <param name="AlphaMax">The largest |α|.</param>
/// <example><code>LearnedActivationReport first = report.LearnedActivations[0];</code></example>
public sealed record LearnedActivationReport(string Layer, string Activation, int Neurons, double AlphaMin, double AlphaMedian, double AlphaMax);

/// <summary>One candidate of <see cref="SwapInvariantRegressor.FitAuto"/>: its error on the validation part and its trial fit's seconds.</summary>
/// <param name="Architecture">The candidate's name (split, pooled, symmetrized).</param>
/// <param name="ValidationMse">Standardised MSE on the validation part (+∞ when it gave no finite error).</param>
/// <param name="Seconds">The trial fit's training time.</param>
/// <example><code>foreach (var c in report.Auto!.Candidates) Console.WriteLine($"{c.Architecture}: {c.ValidationMse:G4}");</code></example>
public sealed record AutoCandidateScore(string Architecture, double ValidationMse, double Seconds);

/// <summary>What <see cref="SwapInvariantRegressor.FitAuto"/> chose, the candidates' validation errors, and the training time of all fits together.</summary>
/// <param name="Chosen">The architecture trained on all of the training rows.</param>
/// <param name="Candidates">Every candidate's score, in the order tried.</param>
/// <param name="TotalSeconds">The trial fits' and the final fit's training time.</param>
/// <example><code>Console.WriteLine($"chose {report.Auto!.Chosen} in {report.Auto.TotalSeconds:F1} s");</code></example>
public sealed record AutoChoice(string Chosen, IReadOnlyList<AutoCandidateScore> Candidates, double TotalSeconds);

/// <summary>Accuracy of a fitted model on one target column, in that target's own units.</summary>
/// <param name="Name">The target column's name.</param>
/// <param name="Mse">Mean squared error.</param>
/// <param name="MseStandardized">Mse / (the training target's standard deviation)².</param>
/// <param name="Rmse">Root mean squared error.</param>
/// <param name="R2">Coefficient of determination (NaN when the targets are all equal).</param>
/// <param name="InvarianceError">max over rows of |f(u,v,w) − f(v,u,w)| of this output.</param>
/// <example><code>foreach (var t in evaluation.Targets) Console.WriteLine($"{t.Name}: R² {t.R2:F3}");</code></example>
public sealed record TargetEvaluation(string Name, double Mse, double MseStandardized, double Rmse, double R2, double InvarianceError);

/// <summary>
/// Accuracy of a fitted model on data with targets, in the target's own units. With several target columns the
/// numbers in target units are NaN and <see cref="Targets"/> has each target's; <see cref="MseStandardized"/> is their mean.
/// </summary>
/// <param name="Mse">Mean squared error.</param>
/// <param name="Rmse">Root mean squared error.</param>
/// <param name="R2">Coefficient of determination (NaN when the targets are all equal).</param>
/// <param name="InvarianceError">max over rows of |f(u,v,w) − f(v,u,w)|.</param>
/// <param name="N">Number of rows.</param>
/// <param name="MseStandardized">The mean over targets of the MSE divided by the training target's variance.</param>
/// <param name="Targets">Each target column's accuracy (one entry for a one-target model).</param>
/// <example><code>Evaluation e = regressor.Evaluate(x, y); Console.WriteLine($"RMSE {e.Rmse:G4}, R² {e.R2:F3}");</code></example>
public sealed record Evaluation(double Mse, double Rmse, double R2, double InvarianceError, int N, double MseStandardized,
                                IReadOnlyList<TargetEvaluation> Targets);

/// <summary>One activation of a model, with the parity it declares and the parity measured numerically.</summary>
/// <param name="Layer">Where it acts: the dense layer's path in the network, such as "layer1", "inner/layer2", "sum" or "difference" (split's u−v branch).</param>
/// <param name="Name">The activation's name.</param>
/// <param name="Declared">The parity it declares.</param>
/// <param name="Measured">The parity measured by <see cref="Activation.MeasureParity"/>.</param>
/// <example><code>foreach (var a in report.Activations) Console.WriteLine($"{a.Layer}: {a.Name} {a.Measured}");</code></example>
public sealed record ActivationParity(string Layer, string Name, Parity Declared, Parity Measured);

/// <summary>The result of checking a model's swap symmetry on random inputs.</summary>
/// <param name="InvarianceError">max |f(x) − f(x̃)| over the samples, in target units.</param>
/// <param name="ExactlyInvariant">True only when f(x) and f(x̃) are bitwise equal on every sample.</param>
/// <param name="ArchitectureGuarantees">What the architecture promises (split only with an even u−v activation).</param>
/// <param name="Samples">Number of random inputs (normal, standardised scale 2, seeded).</param>
/// <param name="Architecture">The model's architecture.</param>
/// <param name="Description">The network in one line.</param>
/// <param name="Activations">Every activation of the model with declared and measured parity.</param>
/// <example>
/// <code>
/// InvarianceReport r = regressor.CheckInvariance(samples: 1000, seed: 0);
/// Console.WriteLine(r.ExactlyInvariant ? "exactly invariant" : $"error {r.InvarianceError:G3}");
/// </code>
/// </example>
public sealed record InvarianceReport(
    double InvarianceError,
    bool ExactlyInvariant,
    bool ArchitectureGuarantees,
    int Samples,
    Architecture Architecture,
    string Description,
    IReadOnlyList<ActivationParity> Activations);
