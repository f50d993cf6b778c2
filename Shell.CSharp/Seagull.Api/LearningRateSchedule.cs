using Core = global::Seagull.Core;

namespace Seagull.Api;

/// <summary>How the learning rate changes over epochs: constant, step decay, or cosine decay.</summary>
/// <example>
/// <code>
/// var options = new FitOptions { Schedule = LearningRateSchedule.StepDecay(every: 50, gamma: 0.5) };
/// var cosine = new FitOptions { Epochs = 100, Schedule = LearningRateSchedule.CosineOverFit };
/// </code>
/// </example>
public sealed class LearningRateSchedule
{
    // The core schedule for a fit of the given number of epochs (only CosineOverFit depends on it).
    private readonly Func<int, Core.Schedule> forEpochs;
    private readonly string text;

    private LearningRateSchedule(Func<int, Core.Schedule> forEpochs, string text)
    {
        this.forEpochs = forEpochs;
        this.text = text;
    }

    private LearningRateSchedule(Core.Schedule inner, string text) : this(_ => inner, text) { }

    internal Core.Schedule For(int epochs) => forEpochs(epochs);

    /// <summary>The same rate every epoch (the default).</summary>
    /// <example><code>new FitOptions { Schedule = LearningRateSchedule.Constant }</code></example>
    public static LearningRateSchedule Constant { get; } = new(Core.Schedule.Constant, "constant");

    /// <summary>Multiplies the rate by <paramref name="gamma"/> every <paramref name="every"/> epochs.</summary>
    /// <exception cref="ArgumentOutOfRangeException">every &lt; 1, or gamma not in (0, 1].</exception>
    /// <example><code>LearningRateSchedule.StepDecay(50, 0.5)</code></example>
    public static LearningRateSchedule StepDecay(int every, double gamma)
    {
        if (every < 1) throw new ArgumentOutOfRangeException(nameof(every), every, $"every must be ≥ 1 epoch, got {every}");
        if (!(gamma > 0 && gamma <= 1)) throw new ArgumentOutOfRangeException(nameof(gamma), gamma, $"gamma must be in (0, 1], got {gamma}");
        return new(Core.Schedule.NewStepDecay(every, gamma), $"step decay ×{gamma} every {every} epochs");
    }

    /// <summary>Cosine decay from the base rate to 0 over <paramref name="epochs"/> epochs.</summary>
    /// <exception cref="ArgumentOutOfRangeException">epochs &lt; 1.</exception>
    /// <example><code>LearningRateSchedule.Cosine(200)</code></example>
    public static LearningRateSchedule Cosine(int epochs)
    {
        if (epochs < 1) throw new ArgumentOutOfRangeException(nameof(epochs), epochs, $"epochs must be ≥ 1, got {epochs}");
        return new(Core.Schedule.NewCosine(epochs), $"cosine over {epochs} epochs");
    }

    /// <summary>Cosine decay from the base rate towards 0 over the fit's own <see cref="FitOptions.Epochs"/> (the
    /// maximum; early stopping may end the fit sooner): the same as <see cref="Cosine"/> with that number, without
    /// writing it twice.</summary>
    /// <example><code>new FitOptions { Epochs = 300, Schedule = LearningRateSchedule.CosineOverFit }</code></example>
    public static LearningRateSchedule CosineOverFit { get; } = new(epochs => Core.Schedule.NewCosine(epochs), "cosine over the fit's epochs");

    /// <summary>A short description, for example "constant".</summary>
    /// <example><code>Console.WriteLine(options.Schedule);</code></example>
    public override string ToString() => text;
}
