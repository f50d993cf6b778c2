namespace Seagull.Api;

/// <summary>
/// Training could not go on: the loss became NaN or infinite (divergence), or the core refused the
/// training setup. The message is one line meant for a person, for example
/// "training diverged at epoch 3 (loss is NaN); try a lower learning rate (now 10)".
/// </summary>
/// <example>
/// <code>
/// try { regressor.Fit(x, y, new FitOptions { LearningRate = 10 }); }
/// catch (TrainingException e) { Console.Error.WriteLine(e.Message); }
/// </code>
/// </example>
public sealed class TrainingException : Exception
{
    /// <summary>A training error with a one-line message.</summary>
    /// <example><code>throw new TrainingException("training diverged at epoch 3");</code></example>
    public TrainingException(string message) : base(message) { }

    /// <summary>A training error with a one-line message and the error that caused it.</summary>
    /// <example><code>throw new TrainingException("training diverged", inner);</code></example>
    public TrainingException(string message, Exception innerException) : base(message, innerException) { }
}
