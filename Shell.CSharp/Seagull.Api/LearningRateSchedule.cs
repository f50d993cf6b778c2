using Core = global::Seagull;

namespace Seagull.Api;

/// <summary>How the learning rate changes over epochs: constant, step decay, or cosine decay.</summary>
/// <example>
/// <code>
/// var options = new FitOptions { Schedule = LearningRateSchedule.StepDecay(every: 50, gamma: 0.5) };
/// var cosine = new FitOptions { Epochs = 100, Schedule = LearningRateSchedule.Cosine(100) };
/// </code>
/// </example>
public sealed class LearningRateSchedule
{
    internal Core.Schedule Inner { get; }
    private readonly string text;

    private LearningRateSchedule(Core.Schedule inner, string text)
    {
        Inner = inner;
        this.text = text;
    }

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

    /// <summary>A short description, for example "constant".</summary>
    /// <example><code>Console.WriteLine(options.Schedule);</code></example>
    public override string ToString() => text;
}
