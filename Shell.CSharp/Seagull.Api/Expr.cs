using Core = global::Seagull.Core;
using T = global::Seagull.Core.TensorModule;

namespace Seagull.Api;

/// <summary>
/// A differentiable expression: the argument z of a custom activation and everything computed from it.
/// It wraps the core's tensor, so every formula built from these operators and functions is differentiated
/// automatically (reverse mode) — a custom activation needs only its formula.
/// </summary>
/// <example>
/// <code>
/// var seagull2 = Activation.Custom("seagull2", z => Expr.Log(1 + z * z));
/// var bump = Activation.Custom("bump", z => Expr.Exp(-Expr.Square(z)) / 2);
/// </code>
/// </example>
public sealed class Expr
{
    internal Core.Tensor Tensor { get; }

    internal Expr(Core.Tensor tensor) => Tensor = tensor;

    private static Core.Tensor Of(Expr e, string name) =>
        (e ?? throw new ArgumentNullException(name, "an expression in a custom activation's formula is null")).Tensor;

    /// <summary>a + b.</summary>
    /// <example><code>z => z + z</code></example>
    public static Expr operator +(Expr a, Expr b) => new(T.add(Of(a, nameof(a)), Of(b, nameof(b))));
    /// <summary>a + s.</summary>
    /// <example><code>z => z + 1</code></example>
    public static Expr operator +(Expr a, double s) => new(T.addScalar(s, Of(a, nameof(a))));
    /// <summary>s + a.</summary>
    /// <example><code>z => 1 + z * z</code></example>
    public static Expr operator +(double s, Expr a) => new(T.addScalar(s, Of(a, nameof(a))));
    /// <summary>a − b.</summary>
    /// <example><code>z => Expr.Exp(z) - Expr.Exp(-z)</code></example>
    public static Expr operator -(Expr a, Expr b) => new(T.sub(Of(a, nameof(a)), Of(b, nameof(b))));
    /// <summary>a − s.</summary>
    /// <example><code>z => Expr.Exp(z) - 1</code></example>
    public static Expr operator -(Expr a, double s) => new(T.addScalar(-s, Of(a, nameof(a))));
    /// <summary>s − a.</summary>
    /// <example><code>z => 1 - Expr.Cos(z)</code></example>
    public static Expr operator -(double s, Expr a) => new(T.addScalar(s, T.neg(Of(a, nameof(a)))));
    /// <summary>−a.</summary>
    /// <example><code>z => Expr.Exp(-z * z)</code></example>
    public static Expr operator -(Expr a) => new(T.neg(Of(a, nameof(a))));
    /// <summary>a · b elementwise.</summary>
    /// <example><code>z => z * z</code></example>
    public static Expr operator *(Expr a, Expr b) => new(T.mul(Of(a, nameof(a)), Of(b, nameof(b))));
    /// <summary>a · s.</summary>
    /// <example><code>z => z * 0.5</code></example>
    public static Expr operator *(Expr a, double s) => new(T.scale(s, Of(a, nameof(a))));
    /// <summary>s · a.</summary>
    /// <example><code>z => 0.5 * z</code></example>
    public static Expr operator *(double s, Expr a) => new(T.scale(s, Of(a, nameof(a))));
    /// <summary>a / b elementwise.</summary>
    /// <example><code>z => z / (1 + Expr.Abs(z))</code></example>
    public static Expr operator /(Expr a, Expr b) => new(T.div(Of(a, nameof(a)), Of(b, nameof(b))));
    /// <summary>a / s.</summary>
    /// <example><code>z => Expr.Square(z) / 2</code></example>
    public static Expr operator /(Expr a, double s) => new(T.scale(1.0 / s, Of(a, nameof(a))));
    /// <summary>s / a elementwise.</summary>
    /// <example><code>z => 1 / (1 + z * z)</code></example>
    public static Expr operator /(double s, Expr a)
    {
        var t = Of(a, nameof(a));
        return new(T.div(T.full(t.Dtype, Array.Empty<int>(), s), t));
    }

    /// <summary>Natural logarithm.</summary>
    /// <example><code>z => Expr.Log(1 + z * z)</code></example>
    public static Expr Log(Expr a) => new(T.log(Of(a, nameof(a))));
    /// <summary>Exponential.</summary>
    /// <example><code>z => Expr.Exp(-z * z)</code></example>
    public static Expr Exp(Expr a) => new(T.exp(Of(a, nameof(a))));
    /// <summary>Square root.</summary>
    /// <example><code>z => Expr.Sqrt(1 + z * z)</code></example>
    public static Expr Sqrt(Expr a) => new(T.sqrt(Of(a, nameof(a))));
    /// <summary>Sine.</summary>
    /// <example><code>z => Expr.Sin(z)</code></example>
    public static Expr Sin(Expr a) => new(T.sin(Of(a, nameof(a))));
    /// <summary>Cosine.</summary>
    /// <example><code>z => Expr.Cos(z)</code></example>
    public static Expr Cos(Expr a) => new(T.cos(Of(a, nameof(a))));
    /// <summary>Hyperbolic tangent.</summary>
    /// <example><code>z => Expr.Tanh(z) * Expr.Tanh(z)</code></example>
    public static Expr Tanh(Expr a) => new(T.tanh(Of(a, nameof(a))));
    /// <summary>Absolute value (derivative sign z, 0 at 0).</summary>
    /// <example><code>z => Expr.Abs(z)</code></example>
    public static Expr Abs(Expr a) => new(T.abs(Of(a, nameof(a))));
    /// <summary>a².</summary>
    /// <example><code>z => Expr.Square(z)</code></example>
    public static Expr Square(Expr a) => new(T.square(Of(a, nameof(a))));
    /// <summary>Logistic sigmoid 1 / (1 + exp(−a)).</summary>
    /// <example><code>z => z * Expr.Sigmoid(z)</code></example>
    public static Expr Sigmoid(Expr a) => new(T.sigmoid(Of(a, nameof(a))));
    /// <summary>max(a, 0).</summary>
    /// <example><code>z => Expr.Relu(z) + Expr.Relu(-z)</code></example>
    public static Expr Relu(Expr a) => new(T.relu(Of(a, nameof(a))));

    /// <summary>The expression's values, for debugging.</summary>
    /// <example><code>Console.WriteLine(z);</code></example>
    public override string ToString() => Tensor.ToString();
}
