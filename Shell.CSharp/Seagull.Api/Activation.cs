using Core = global::Seagull.Core;
using A = global::Seagull.Core.ActivationModule;

namespace Seagull.Api;

/// <summary>
/// An activation function σ: a name, a formula, a declared parity (checked, not trusted, by
/// <see cref="MeasureParity"/>), and the function with its derivative. The catalogue holds seventeen
/// built-in activations: fifteen fixed ones (fused kernels with analytic derivatives) and two learnable even ones,
/// <see cref="SeagullLearned"/> and <see cref="GaussianLearned"/>, whose shape α (one per neuron) is trained with the
/// weights; <see cref="Custom"/> makes one from any differentiable formula.
/// </summary>
/// <example>
/// <code>
/// var s = Activation.Seagull;                  // log(1 + z²), even
/// Console.WriteLine(s.Evaluate(2.0));          // 1.609…
/// Console.WriteLine(s.Derivative(2.0));        // 0.8 = 2z / (1 + z²)
/// var mine = Activation.Custom("seagull2", z => Expr.Log(1 + z * z) / 2);
/// Console.WriteLine(mine.MeasureParity());     // Even
/// </code>
/// </example>
public sealed class Activation : IEquatable<Activation>
{
    internal Core.Activation Inner { get; }
    private readonly Lazy<Parity> measured;

    internal Activation(Core.Activation core)
    {
        Inner = core;
        measured = new Lazy<Parity>(() => Fs.ToParity(A.parityOf(core)));
    }

    /// <summary>The activation's name, lower case for built-ins (for example <c>seagull</c>).</summary>
    /// <example><code>Activation.Seagull.Name == "seagull"</code></example>
    public string Name => Inner.Name;

    /// <summary>The formula in plain text (for example <c>log(1 + z²)</c>).</summary>
    /// <example><code>Console.WriteLine(Activation.Gelu.Formula);</code></example>
    public string Formula => Inner.Formula;

    /// <summary>The parity the activation declares. For a custom activation it is the parity measured when it was made.</summary>
    /// <example><code>Activation.Tanh.DeclaredParity == Parity.Odd</code></example>
    public Parity DeclaredParity => Fs.ToParity(Inner.Declared);

    /// <summary>True for the seventeen built-in activations, false for custom ones.</summary>
    /// <example><code>Activation.Relu.IsBuiltIn</code></example>
    public bool IsBuiltIn => A.isBuiltIn(Inner);

    /// <summary>
    /// True for a learnable activation (<see cref="SeagullLearned"/>, <see cref="GaussianLearned"/>): a layer with it
    /// carries one α per neuron, initialised at 1 and trained with the weights; <see cref="FitReport.LearnedActivations"/>
    /// reports where α ended. <see cref="Evaluate(double)"/> and <see cref="Derivative"/> are σ at α = 1.
    /// </summary>
    /// <example><code>Activation.SeagullLearned.IsLearnable // true</code></example>
    public bool IsLearnable => A.isLearnable(Inner);

    /// <summary>
    /// Measures parity on fixed probes |z| ∈ [1e-3, 50], bit for bit in float32 and in float64: even when
    /// σ(−z) = σ(z) and odd when σ(−z) = −σ(z) exactly at every probe, otherwise neither. Exactly, because the
    /// architectures' invariance guarantee is exact: a formula even only up to rounding, such as
    /// (z + 1)² − 2z, measures neither, and a split network with it is not exactly invariant.
    /// </summary>
    /// <example><code>Activation.Relu.MeasureParity() == Parity.Neither</code></example>
    public Parity MeasureParity() => measured.Value;

    /// <summary>σ(z), computed in float64.</summary>
    /// <example><code>Activation.Seagull.Evaluate(1.0) // log 2</code></example>
    /// <exception cref="InvalidOperationException">A custom activation's formula did not act elementwise.</exception>
    public double Evaluate(double z) => Guard.State(() => A.evaluate(Core.Dtype.Float64, Inner, new[] { z }))[0];

    /// <summary>σ at each value, computed in float64.</summary>
    /// <example><code>double[] y = Activation.Tanh.Evaluate(new[] { -1.0, 0.0, 1.0 });</code></example>
    /// <exception cref="InvalidOperationException">A custom activation's formula did not act elementwise.</exception>
    public double[] Evaluate(ReadOnlySpan<double> values)
    {
        var array = values.ToArray();
        return Guard.State(() => A.evaluate(Core.Dtype.Float64, Inner, array));
    }

    /// <summary>σ(z; α) of a learnable activation at a given α, computed in float64.</summary>
    /// <example><code>Activation.SeagullLearned.Evaluate(2.0, 0.5) // log(2) / 0.25</code></example>
    /// <exception cref="InvalidOperationException">The activation is not learnable (<see cref="IsLearnable"/> is false).</exception>
    public double Evaluate(double z, double alpha) => Guard.State(() => A.evaluateWith(Core.Dtype.Float64, Inner, alpha, new[] { z }))[0];

    /// <summary>σ′(z) in float64: the analytic derivative for built-ins, reverse-mode differentiation for custom ones.</summary>
    /// <example><code>Activation.Square.Derivative(3.0) // 6</code></example>
    /// <exception cref="InvalidOperationException">A custom activation's formula did not act elementwise.</exception>
    public double Derivative(double z) =>
        Guard.State(() => Core.TensorModule.toArray(A.derivative(Inner, Core.TensorModule.vector(Core.Dtype.Float64, new[] { z }))))[0];

    // ---- the catalogue ----

    // The core's catalogue, wrapped once: the named properties below are its entries.
    private static readonly IReadOnlyList<Activation> all = ReadOnly.List(A.catalogue.Select(a => new Activation(a)).ToArray());

    private static Activation Of(Core.Activation core) =>
        all.FirstOrDefault(a => a.Name == core.Name) ?? throw new InvalidOperationException($"'{core.Name}' is not in the core's catalogue");

    private static readonly Activation seagull = Of(A.seagull), square = Of(A.square), abs = Of(A.abs),
        gaussian = Of(A.gaussian), logcosh = Of(A.logcosh), cos = Of(A.cos), identity = Of(A.identity),
        tanh = Of(A.tanh), relu = Of(A.relu), leakyRelu = Of(A.leakyRelu), sigmoid = Of(A.sigmoid),
        softplus = Of(A.softplus), elu = Of(A.elu), silu = Of(A.silu), gelu = Of(A.gelu),
        seagullLearned = Of(A.seagullLearned), gaussianLearned = Of(A.gaussianLearned);

    /// <summary>Seagull, log(1 + z²): the even activation of Gao &amp; Zhang.</summary>
    /// <example><code>new NetworkBuilder().Blocks(3, 3, 3).Activations(Activation.Seagull, Activation.Tanh)</code></example>
    public static Activation Seagull => seagull;
    /// <summary>z² (even).</summary>
    /// <example><code>Activation.Square.Evaluate(3) // 9</code></example>
    public static Activation Square => square;
    /// <summary>|z| (even).</summary>
    /// <example><code>Activation.Abs.Evaluate(-2) // 2</code></example>
    public static Activation Abs => abs;
    /// <summary>exp(−z²) (even).</summary>
    /// <example><code>Activation.Gaussian.Evaluate(0) // 1</code></example>
    public static Activation Gaussian => gaussian;
    /// <summary>log cosh z, computed stably (even).</summary>
    /// <example><code>Activation.LogCosh.Evaluate(0) // 0</code></example>
    public static Activation LogCosh => logcosh;
    /// <summary>cos z (even).</summary>
    /// <example><code>Activation.Cos.Evaluate(0) // 1</code></example>
    public static Activation Cos => cos;
    /// <summary>
    /// Seagull with a learnable scale, log(1 + (αz)²) / α² (even, name <c>seagull-learned</c>): α per neuron, initialised
    /// at 1 (where it is <see cref="Seagull"/>) and trained with the weights. Even in z for every α; α = 0 is the limit z².
    /// </summary>
    /// <example><code>new NetworkBuilder().Blocks(3, 3, 3).Activations(Activation.SeagullLearned, Activation.Tanh)</code></example>
    public static Activation SeagullLearned => seagullLearned;
    /// <summary>The Gaussian with a learnable width, exp(−(αz)²) (even, name <c>gaussian-learned</c>): α per neuron, initialised at 1.</summary>
    /// <example><code>new NetworkBuilder().Architecture(Architecture.Split).Even(Activation.GaussianLearned)</code></example>
    public static Activation GaussianLearned => gaussianLearned;
    /// <summary>z (odd).</summary>
    /// <example><code>Activation.Identity.Evaluate(2) // 2</code></example>
    public static Activation Identity => identity;
    /// <summary>tanh z (odd).</summary>
    /// <example><code>Activation.Tanh.Evaluate(0) // 0</code></example>
    public static Activation Tanh => tanh;
    /// <summary>max(z, 0) (neither).</summary>
    /// <example><code>Activation.Relu.Evaluate(-1) // 0</code></example>
    public static Activation Relu => relu;
    /// <summary>max(z, 0.01·z) (neither).</summary>
    /// <example><code>Activation.LeakyRelu.Evaluate(-1) // -0.01</code></example>
    public static Activation LeakyRelu => leakyRelu;
    /// <summary>1 / (1 + exp(−z)) (neither).</summary>
    /// <example><code>Activation.Sigmoid.Evaluate(0) // 0.5</code></example>
    public static Activation Sigmoid => sigmoid;
    /// <summary>log(1 + exp z), computed stably (neither).</summary>
    /// <example><code>Activation.Softplus.Evaluate(0) // log 2</code></example>
    public static Activation Softplus => softplus;
    /// <summary>z if z &gt; 0 else exp(z) − 1 (neither).</summary>
    /// <example><code>Activation.Elu.Evaluate(1) // 1</code></example>
    public static Activation Elu => elu;
    /// <summary>z · sigmoid(z) (neither).</summary>
    /// <example><code>Activation.Silu.Evaluate(0) // 0</code></example>
    public static Activation Silu => silu;
    /// <summary>GELU, tanh approximation (neither).</summary>
    /// <example><code>Activation.Gelu.Evaluate(0) // 0</code></example>
    public static Activation Gelu => gelu;

    /// <summary>Every built-in activation, even ones first (the core's catalogue).</summary>
    /// <example><code>foreach (var a in Activation.All) Console.WriteLine($"{a.Name}: {a.DeclaredParity}");</code></example>
    public static IReadOnlyList<Activation> All => all;

    /// <summary>The built-in activation of that name (case-insensitive), if there is one.</summary>
    /// <example><code>if (Activation.TryGet("gelu", out var a)) Console.WriteLine(a.Formula);</code></example>
    public static bool TryGet(string? name, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out Activation? activation)
    {
        var key = name?.Trim() ?? "";
        activation = all.FirstOrDefault(a => string.Equals(a.Name, key, StringComparison.OrdinalIgnoreCase));
        return activation is not null;
    }

    /// <summary>The built-in activation of that name (case-insensitive).</summary>
    /// <exception cref="ArgumentException">No built-in activation has that name; the message lists the known names.</exception>
    /// <example><code>var a = Activation.Get("seagull");</code></example>
    public static Activation Get(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (TryGet(name, out var a)) return a;
        throw new ArgumentException($"unknown activation '{name.Trim()}'; known: {string.Join(", ", all.Select(x => x.Name))}", nameof(name));
    }

    /// <summary>
    /// A user-defined activation from a differentiable formula. Its derivative comes from reverse-mode
    /// differentiation and its <see cref="DeclaredParity"/> is measured, not trusted. The name must not be
    /// a built-in name (model files resolve built-in names first). To load a saved model that uses it, pass
    /// it to <see cref="SwapInvariantRegressor.Load"/>.
    /// </summary>
    /// <param name="name">A short name, stored in model files.</param>
    /// <param name="formula">The function of z, built from <see cref="Expr"/> operators and functions. It is called once, on z itself: what it returns is kept as the formula (so it is elementwise, and an ONNX export can write it out).</param>
    /// <param name="formulaText">Optional formula text for reports (default "custom").</param>
    /// <exception cref="ArgumentException">The name is empty, not one word (spaces, commas, '|', control characters) or a built-in name, or the formula returns null, or it is not a finite number at some input (NaN at any probe, such as log z or √z at z &lt; 0, or ±∞ for |z| ≤ 5, such as 1/z at 0).</exception>
    /// <example><code>var seagull2 = Activation.Custom("seagull2", z => Expr.Log(1 + z * z), "log(1 + z²)");</code></example>
    public static Activation Custom(string name, Func<Expr, Expr> formula, string? formulaText = null)
    {
        ArgumentNullException.ThrowIfNull(formula);
        Guard.Argument(nameof(name), () => A.checkName(name));
        // The formula is called once, on the argument z itself: what it returns is the formula as data, which the
        // engine evaluates and an ONNX export writes out.
        var expression = (formula(Expr.Argument) ?? throw new ArgumentException($"the formula of custom activation '{name.Trim()}' returned null", nameof(formula))).Node;
        var core = Guard.Argument(nameof(formula), () => A.ofExpression(name, expression));
        if (formulaText is not null)
            core = new Core.Activation(core.Name, core.Declared, formulaText, core.Kernel, core.Learnable, core.Expression, core.Apply);
        return new Activation(core);
    }

    /// <summary>Wraps a core activation: a built-in by name, a custom one from <paramref name="customs"/> by name, else a new wrapper.</summary>
    internal static Activation Wrap(Core.Activation core, IEnumerable<Activation>? customs = null)
    {
        if (A.isBuiltIn(core) && TryGet(core.Name, out var builtin)) return builtin;
        var known = customs?.FirstOrDefault(c => c.Name == core.Name);
        return known ?? new Activation(core);
    }

    /// <summary>Built-ins are equal by name; custom activations only to themselves.</summary>
    /// <example><code>Activation.Get("tanh").Equals(Activation.Tanh) // true</code></example>
    public bool Equals(Activation? other) =>
        other is not null && (ReferenceEquals(this, other) || ReferenceEquals(Inner, other.Inner) || (IsBuiltIn && other.IsBuiltIn && Name == other.Name));

    /// <summary>See <see cref="Equals(Activation)"/>.</summary>
    /// <example><code>object a = Activation.Tanh; a.Equals(Activation.Tanh) // true</code></example>
    public override bool Equals(object? obj) => Equals(obj as Activation);

    /// <summary>A hash consistent with <see cref="Equals(Activation)"/>.</summary>
    /// <example><code>var set = new HashSet&lt;Activation&gt; { Activation.Tanh };</code></example>
    public override int GetHashCode() => StringComparer.Ordinal.GetHashCode(Name);

    /// <summary>"name (parity): formula", for example "seagull (even): log(1 + z²)".</summary>
    /// <example><code>Console.WriteLine(Activation.Seagull);</code></example>
    public override string ToString() => $"{Name} ({DeclaredParity.ToString().ToLowerInvariant()}): {Formula}";
}
