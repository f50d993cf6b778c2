using Core = global::Seagull.Core;

namespace Seagull.Api;

/// <summary>
/// Settings of a fit. Defaults follow the reference: 200 epochs, batch 128, Adam at 1e-3, constant rate,
/// the network definition's seed, no augmentation, no penalty, 20 % of the rows held out to test, no validation part.
/// </summary>
/// <example>
/// <code>
/// var options = new FitOptions
/// {
///     Epochs = 100,
///     LearningRate = 3e-3,
///     TestFraction = 0.2,          // held out, reported as FitReport.TestMse
///     ValidationFraction = 0.1,    // from the training part, for early stopping
///     Patience = 20,
/// };
/// </code>
/// </example>
public sealed record FitOptions
{
    /// <summary>Maximum number of passes over the training data (≥ 1; default 200).</summary>
    /// <example><code>new FitOptions { Epochs = 50 }</code></example>
    public int Epochs { get; init; } = 200;

    /// <summary>Rows per mini-batch (≥ 1; default 128).</summary>
    /// <example><code>new FitOptions { BatchSize = 64 }</code></example>
    public int BatchSize { get; init; } = 128;

    /// <summary>The base learning rate (&gt; 0; default 1e-3).</summary>
    /// <example><code>new FitOptions { LearningRate = 1e-2 }</code></example>
    public double LearningRate { get; init; } = 1e-3;

    /// <summary>The optimisation rule (default <see cref="Api.Optimizer.Adam"/>).</summary>
    /// <example><code>new FitOptions { Optimizer = Optimizer.Sgd }</code></example>
    public Optimizer Optimizer { get; init; } = Optimizer.Adam;

    /// <summary>Momentum of <see cref="Api.Optimizer.Sgd"/> (in [0, 1); default 0.9). Ignored by Adam.</summary>
    /// <example><code>new FitOptions { Optimizer = Optimizer.Sgd, Momentum = 0.5 }</code></example>
    public double Momentum { get; init; } = 0.9;

    /// <summary>The learning-rate schedule (default <see cref="LearningRateSchedule.Constant"/>).</summary>
    /// <example><code>new FitOptions { Schedule = LearningRateSchedule.CosineOverFit }</code></example>
    public LearningRateSchedule Schedule { get; init; } = LearningRateSchedule.Constant;

    /// <summary>
    /// Seeds the initial parameters, the mini-batch order and the held-out splits; null (the default) uses
    /// <see cref="NetworkDefinition.Seed"/>.
    /// </summary>
    /// <example><code>new FitOptions { Seed = 3 }</code></example>
    public int? Seed { get; init; }

    /// <summary>Train on x and on x̃ = (v, u, w) (twice the data): approximate invariance for any network.</summary>
    /// <example><code>new FitOptions { Augment = true }</code></example>
    public bool Augment { get; init; }

    /// <summary>λ ≥ 0 of the symmetry penalty λ·mean((g(x) − g(x̃))²) added to the loss; 0 (default) for none.</summary>
    /// <example><code>new FitOptions { Penalty = 0.1 }</code></example>
    public double Penalty { get; init; }

    /// <summary>
    /// Fraction in (0, 1) of the data held out before training and never trained on; its error is reported
    /// as <see cref="FitReport.TestMse"/>. Default 0.2, as on the command line; null holds nothing out.
    /// </summary>
    /// <example><code>new FitOptions { TestFraction = null }   // train on every row</code></example>
    public double? TestFraction { get; init; } = Core.Regressor.defaultTestFraction;

    /// <summary>
    /// Fraction in (0, 1) of the training part held out to watch the validation loss; the parameters of the
    /// best validation epoch are kept. Null (default) for none.
    /// </summary>
    /// <example><code>new FitOptions { ValidationFraction = 0.1, Patience = 10 }</code></example>
    public double? ValidationFraction { get; init; }

    /// <summary>What a classifier's early stopping watches on the validation part (default the accuracy); a regressor
    /// always watches the validation loss.</summary>
    /// <example><code>new FitOptions { ValidationFraction = 0.1, Patience = 5, StopOn = StoppingMeasure.Loss }</code></example>
    public StoppingMeasure StopOn { get; init; } = StoppingMeasure.Accuracy;

    /// <summary>Stop after this many epochs (≥ 1) without a better validation loss; needs <see cref="ValidationFraction"/>.</summary>
    /// <example><code>new FitOptions { ValidationFraction = 0.1, Patience = 10 }</code></example>
    public int? Patience { get; init; }

    /// <summary>
    /// Threads one fit's matrix products (and Adam's update of large tensors) may use (≥ 1; default: every core).
    /// Work is split over output tiles, never over a sum, so the result has the same bits for any count; small
    /// products stay on one thread.
    /// </summary>
    /// <example><code>new FitOptions { Threads = 1 }   // leave the other cores to other work</code></example>
    public int Threads { get; init; } = Environment.ProcessorCount;

    /// <summary>Checks every setting; throws <see cref="ArgumentException"/> naming the parameter "options" and the setting (the core's rule, in its words).</summary>
    /// <example><code>new FitOptions { Epochs = 0 }.Validate(); // throws</code></example>
    public void Validate()
    {
        const string p = "options";
        if (!Enum.IsDefined(Optimizer)) throw new ArgumentException($"Optimizer {Optimizer} is not defined", p);
        if (Schedule is null) throw new ArgumentException("Schedule is null; use LearningRateSchedule.Constant", p);
        // The test part is this API's: the core is handed the data without it.
        if (TestFraction is double t && !(t > 0 && t < 1)) throw new ArgumentException($"TestFraction must be strictly between 0 and 1, got {t}", p);
        if (Threads < 1) throw new ArgumentException($"Threads must be ≥ 1, got {Threads}", p);
        var settings = ToCore(0, Microsoft.FSharp.Core.FuncConvert.FromAction<Core.EpochReport>(_ => { }), CancellationToken.None);
        Guard.Argument(p, () => Core.Regressor.validate(settings));
    }

    /// <summary>The core's fit settings: these options with the seed, the epoch callback and the cancellation token.</summary>
    internal Core.FitSettings ToCore(int seed, Microsoft.FSharp.Core.FSharpFunc<Core.EpochReport, Microsoft.FSharp.Core.Unit> progress,
                                     CancellationToken cancellationToken)
    {
        var optimizer = Optimizer == Optimizer.Sgd
            ? Core.OptimizerKind.NewSgd(LearningRate, Momentum)
            : Core.Optimizer.withLearningRate(LearningRate, Core.Optimizer.adamDefault);
        var d = Core.Train.defaults;
        var training = new Core.TrainOptions(Epochs, BatchSize, optimizer, Schedule.For(Epochs), seed, d.Penalty, d.RandomSwaps, d.Validation,
                                             Fs.Option(Patience), d.ValidationScore, d.Monitor, progress, cancellationToken);
        var r = Core.Regressor.defaults;
        return new Core.FitSettings(training, r.Loss, Augment, Penalty, Fs.Option(ValidationFraction), r.Monitor);
    }
}
