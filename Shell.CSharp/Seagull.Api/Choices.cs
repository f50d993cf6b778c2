namespace Seagull.Api;

/// <summary>How an activation σ behaves under z ↦ −z.</summary>
/// <example><code>if (Activation.Seagull.MeasureParity() == Parity.Even) Console.WriteLine("even");</code></example>
public enum Parity
{
    /// <summary>σ(−z) = σ(z): Seagull, square, abs, gaussian, logcosh, cos.</summary>
    Even,
    /// <summary>σ(−z) = −σ(z): identity, tanh.</summary>
    Odd,
    /// <summary>Neither even nor odd: relu, sigmoid, softplus, elu, silu, gelu, leakyrelu.</summary>
    Neither,
}

/// <summary>How a network meets the swap symmetry x = (u, v, w) ↦ x̃ = (v, u, w).</summary>
/// <example><code>new NetworkBuilder().Blocks(u: 3, v: 3, w: 3).Architecture(Architecture.Pooled).Build();</code></example>
public enum Architecture
{
    /// <summary>A plain MLP, one activation per hidden layer (Seagull first = the paper's design). Not invariant.</summary>
    Mlp,
    /// <summary>First layer [σ(A(u+v) + Cw + β) ; σₑ(B(u−v))] with σₑ even and bias-free, then an MLP. Exactly invariant when σₑ is even.</summary>
    Split,
    /// <summary>First layer a = σ(Wx+β), ã = σ(Wx̃+β); the next layer sees a + ã (and |a − ã|). Exactly invariant for any σ.</summary>
    Pooled,
    /// <summary>(g(x) + g(x̃)) / 2 around an MLP g. Exactly invariant.</summary>
    Symmetrized,
    /// <summary>A layer tree that none of the named architectures makes (built with the F# core); loaded models can have one.</summary>
    Custom,
}

/// <summary>What the pooled architecture's second layer sees.</summary>
/// <example><code>new NetworkBuilder().Blocks(3, 3, 3).Architecture(Architecture.Pooled).Pooling(Pooling.Sum).Build();</code></example>
public enum Pooling
{
    /// <summary>a + ã.</summary>
    Sum,
    /// <summary>a + ã and |a − ã| side by side.</summary>
    SumAbsDiff,
}

/// <summary>The floating-point precision the network computes in.</summary>
/// <example><code>new NetworkBuilder().Blocks(3, 3, 3).Precision(Precision.Float64).Build();</code></example>
public enum Precision
{
    /// <summary>32-bit floats (fast; the default).</summary>
    Float32,
    /// <summary>64-bit floats.</summary>
    Float64,
}

/// <summary>The optimisation rule of a fit.</summary>
/// <example><code>var options = new FitOptions { Optimizer = Optimizer.Sgd, LearningRate = 0.01 };</code></example>
public enum Optimizer
{
    /// <summary>Adam with PyTorch's defaults (β 0.9/0.999, ε 1e-8).</summary>
    Adam,
    /// <summary>Stochastic gradient descent with heavy-ball momentum (<see cref="FitOptions.Momentum"/>).</summary>
    Sgd,
}

/// <summary>Which mirror of an image is its symmetry.</summary>
/// <example><code>new NetworkBuilder().Image(28, 28, flip: Flip.Horizontal)</code></example>
public enum Flip
{
    /// <summary>Left-right: column c ↔ W−1−c.</summary>
    Horizontal,
    /// <summary>Top-bottom: row r ↔ H−1−r.</summary>
    Vertical,
}

/// <summary>What early stopping of a classifier watches on its validation part.</summary>
/// <example><code>new FitOptions { ValidationFraction = 0.1, Patience = 5, StopOn = StoppingMeasure.Accuracy }</code></example>
public enum StoppingMeasure
{
    /// <summary>The highest validation accuracy.</summary>
    Accuracy,
    /// <summary>The lowest validation cross-entropy (for regression: the validation loss).</summary>
    Loss,
}
