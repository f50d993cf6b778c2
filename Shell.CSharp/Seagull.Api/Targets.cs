using Core = global::Seagull.Core;

namespace Seagull.Api;

/// <summary>
/// A built-in target function f(u, v, w) with its formula and block widths. Inputs are drawn i.i.d.
/// uniform on [−1, 1]. Exchangeable targets satisfy f(u,v,w) = f(v,u,w); the control does not.
/// </summary>
/// <example>
/// <code>
/// Target spring = Targets.Get("spring");
/// Console.WriteLine($"{spring.Name}: {spring.Formula} (u,v ∈ R^{spring.UWidth}, w ∈ R^{spring.WWidth})");
/// RegressionData data = spring.Generate(rows: 1000, seed: 0);
/// </code>
/// </example>
public sealed class Target
{
    internal Core.Target Inner { get; }

    internal Target(Core.Target inner) => Inner = inner;

    /// <summary>Short name used on the command line (for example <c>coulomb</c>).</summary>
    /// <example><code>Targets.Get("coulomb").Name</code></example>
    public string Name => Inner.Name;

    /// <summary>The formula in plain text.</summary>
    /// <example><code>Console.WriteLine(target.Formula);</code></example>
    public string Formula => Inner.Formula;

    /// <summary>One sentence on what the target models.</summary>
    /// <example><code>Console.WriteLine(target.Description);</code></example>
    public string Description => Inner.Description;

    /// <summary>Width of u (and of v).</summary>
    /// <example><code>int d = target.UWidth;</code></example>
    public int UWidth => Core.SymmetryModule.u(Inner.Symmetry).Length;

    /// <summary>Width of w.</summary>
    /// <example><code>int k = target.WWidth;</code></example>
    public int WWidth => Core.SymmetryModule.w(Inner.Symmetry).Length;

    /// <summary>Number of inputs, 2·UWidth + WWidth.</summary>
    /// <example><code>var row = new double[target.InputWidth];</code></example>
    public int InputWidth => Inner.Symmetry.Width;

    /// <summary>True when f(u,v,w) = f(v,u,w) for all inputs (false for control targets).</summary>
    /// <example><code>var suite = Targets.All.Where(t => t.Exchangeable);</code></example>
    public bool Exchangeable => Inner.Exchangeable;

    /// <summary>f at one input row, columns [u | v | w].</summary>
    /// <exception cref="ArgumentException">The row's length is not <see cref="InputWidth"/>.</exception>
    /// <example><code>double y = Targets.Get("bead_pair").Evaluate([0.5, -0.5, 1.0]);</code></example>
    public double Evaluate(ReadOnlySpan<double> row)
    {
        if (row.Length != InputWidth)
            throw new ArgumentException($"target '{Name}' needs {InputWidth} inputs (u:{UWidth} v:{UWidth} w:{WWidth}), got {row.Length}", nameof(row));
        return Inner.Evaluate.Invoke(row.ToArray());
    }

    /// <summary>
    /// Draws <paramref name="rows"/> input rows uniform on [−1, 1] with the seed and evaluates the target:
    /// a data set with columns u1..uD, v1..vD, w1..wK and target "y". The same seed gives the same data.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">rows &lt; 1.</exception>
    /// <example>
    /// <code>
    /// var data = Targets.Get("angle").Generate(2000, seed: 1);
    /// double[,] x = data.ToInputArray(); double[] y = data.ToTargetArray();
    /// </code>
    /// </example>
    public RegressionData Generate(int rows, int seed = 0)
    {
        if (rows < 1) throw new ArgumentOutOfRangeException(nameof(rows), rows, $"rows must be ≥ 1, got {rows}");
        var ds = Guard.Argument(nameof(rows), () => Core.Targets.generate(Inner, Core.Random.key(seed), rows));
        return new RegressionData(ds, Name);
    }

    /// <summary>"name: formula".</summary>
    /// <example><code>Console.WriteLine(target);</code></example>
    public override string ToString() => $"{Name}: {Formula}";
}

/// <summary>The catalogue of built-in targets: the reference's six (u, v, w ∈ R³), others of other widths, and a non-exchangeable control.</summary>
/// <example>
/// <code>
/// foreach (var t in Targets.All)
///     Console.WriteLine($"{t.Name,-20} d={t.UWidth} k={t.WWidth} exchangeable={t.Exchangeable} {t.Formula}");
/// </code>
/// </example>
public static class Targets
{
    private static readonly IReadOnlyList<Target> all = ReadOnly.List(Core.Targets.all.Select(t => new Target(t)).ToArray());

    /// <summary>Every built-in target: the reference six, then the others, then the control.</summary>
    /// <example><code>int n = Targets.All.Count;</code></example>
    public static IReadOnlyList<Target> All => all;

    /// <summary>The exchangeable targets (all but the controls): the default suite of a comparison.</summary>
    /// <example><code>var names = Targets.Exchangeable.Select(t => t.Name);</code></example>
    public static IReadOnlyList<Target> Exchangeable { get; } = ReadOnly.List(all.Where(t => t.Exchangeable).ToArray());

    /// <summary>The target of that name (case-insensitive), if any.</summary>
    /// <example><code>if (Targets.TryGet("morse", out var t)) Console.WriteLine(t.Formula);</code></example>
    public static bool TryGet(string? name, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out Target? target)
    {
        var key = name?.Trim() ?? "";
        target = all.FirstOrDefault(t => string.Equals(t.Name, key, StringComparison.OrdinalIgnoreCase));
        return target is not null;
    }

    /// <summary>The target of that name (case-insensitive).</summary>
    /// <exception cref="ArgumentException">No built-in target has that name; the message lists the known names.</exception>
    /// <example><code>Target t = Targets.Get("coulomb");</code></example>
    public static Target Get(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (TryGet(name, out var t)) return t;
        throw new ArgumentException($"unknown target '{name.Trim()}'; known: {string.Join(", ", all.Select(x => x.Name))}", nameof(name));
    }
}
