using Core = global::Seagull.Core;

namespace Seagull.Api;

/// <summary>The accuracy of a classifier on the rows of one true class.</summary>
/// <param name="Name">The class.</param>
/// <param name="Rows">Rows whose true class this is.</param>
/// <param name="Correct">Of those, the rows predicted as this class.</param>
/// <param name="Accuracy">Correct / Rows (NaN for a class with no rows).</param>
/// <example><code>foreach (var c in report.PerClass) Console.WriteLine($"{c.Name}: {c.Accuracy:P1}");</code></example>
public sealed record ClassAccuracy(string Name, int Rows, int Correct, double Accuracy);

/// <summary>How well a classifier does on labelled data, and what the swap (for images: the mirror) does to its answers.</summary>
/// <param name="Accuracy">The fraction of rows whose predicted class is the true one.</param>
/// <param name="CrossEntropy">The mean of −log p(true class).</param>
/// <param name="SwappedAccuracy">The accuracy on the swapped rows (the mirror images), with the same labels.</param>
/// <param name="Disagreement">The fraction of rows whose predicted class changes under the swap (0 for an exactly invariant model).</param>
/// <param name="InvarianceError">The largest |logit(x) − logit(x̃)| over rows and classes.</param>
/// <param name="Rows">The number of rows.</param>
/// <param name="PerClass">The accuracy of every class, in class order.</param>
/// <param name="Confusion">Confusion[t, p]: rows of true class t predicted as p.</param>
/// <param name="ClassNames">The classes, in index order.</param>
/// <example><code>var r = classifier.Evaluate(test); Console.WriteLine($"{r.Accuracy:P2}, mirrored {r.SwappedAccuracy:P2}");</code></example>
public sealed record ClassificationReport(
    double Accuracy, double CrossEntropy, double SwappedAccuracy, double Disagreement, double InvarianceError, int Rows,
    IReadOnlyList<ClassAccuracy> PerClass, int[,] Confusion, IReadOnlyList<string> ClassNames)
{
    internal static ClassificationReport Of(Core.ClassificationMetrics m)
    {
        var classes = m.ClassNames.Length;
        var confusion = new int[classes, classes];
        for (var t = 0; t < classes; t++)
            for (var p = 0; p < classes; p++)
                confusion[t, p] = m.Confusion[t][p];
        return new ClassificationReport(m.Accuracy, m.CrossEntropy, m.SwappedAccuracy, m.Disagreement, m.InvarianceError, m.Rows,
            ReadOnly.List(m.PerClass.Select(c => new ClassAccuracy(c.Name, c.Rows, c.Correct, c.Accuracy)).ToArray()),
            confusion, ReadOnly.List(m.ClassNames.ToArray()));
    }
}

/// <summary>What a classifier's fit did.</summary>
/// <param name="TrainAccuracy">Accuracy on the rows trained on.</param>
/// <param name="Test">The report on the held-out test rows (<see cref="FitOptions.TestFraction"/> or a test set given), else null.</param>
/// <param name="EpochsRun">Epochs run (early stopping or cancellation can end sooner).</param>
/// <param name="BestEpoch">The epoch whose parameters were kept.</param>
/// <param name="Seconds">Wall time of the training loop.</param>
/// <param name="Parameters">Trainable parameters.</param>
/// <param name="TrainRows">Rows trained on (with the validation part).</param>
/// <param name="Cancelled">The fit was cancelled.</param>
/// <param name="History">One report per epoch.</param>
/// <example><code>var fit = classifier.Fit(train); Console.WriteLine($"{fit.Test?.Accuracy:P2} after {fit.EpochsRun} epochs");</code></example>
public sealed record ClassifierFitReport(
    double TrainAccuracy, ClassificationReport? Test, int EpochsRun, int BestEpoch, double Seconds, int Parameters, int TrainRows,
    bool Cancelled, IReadOnlyList<EpochReport> History)
{
    /// <summary>Where the learnable activations' α ended, one entry per layer that has one; empty without one (see <see cref="FitReport.LearnedActivations"/>).</summary>
    /// <example><code>foreach (var l in fit.LearnedActivations) Console.WriteLine($"{l.Layer}: |α| {l.AlphaMin:G3}–{l.AlphaMax:G3}");</code></example>
    public IReadOnlyList<LearnedActivationReport> LearnedActivations { get; init; } = [];
}
