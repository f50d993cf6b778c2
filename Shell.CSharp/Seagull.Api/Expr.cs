using Core = global::Seagull.Core;
using E = global::Seagull.Core.Expression;
using F = global::Seagull.Core.ExpressionFunction;

namespace Seagull.Api;

/// <summary>
/// A differentiable expression: the argument z of a custom activation and everything computed from it.
/// It records the formula as data (the core's <c>Expression</c>), which the engine evaluates and differentiates
/// automatically (reverse mode) and which an ONNX export writes out — a custom activation needs only its formula.
/// </summary>
/// <example>
/// <code>
/// var seagull2 = Activation.Custom("seagull2", z => Expr.Log(1 + z * z));
/// var bump = Activation.Custom("bump", z => Expr.Exp(-Expr.Square(z)) / 2);
/// </code>
/// </example>
public sealed class Expr
{
    internal Core.Expression Node { get; }

    internal Expr(Core.Expression node) => Node = node;

    /// <summary>The argument z.</summary>
    internal static Expr Argument { get; } = new(E.Z);

    private static Core.Expression Of(Expr e, string name) =>
        (e ?? throw new ArgumentNullException(name, "an expression in a custom activation's formula is null")).Node;

    /// <summary>a + b.</summary>
    /// <example><code>z => z + z</code></example>
    public static Expr operator +(Expr a, Expr b) => new(E.NewAdd(Of(a, nameof(a)), Of(b, nameof(b))));
    /// <summary>a + s.</summary>
    /// <example><code>z => z + 1</code></example>
    public static Expr operator +(Expr a, double s) => new(E.NewAddScalar(s, Of(a, nameof(a))));
    /// <summary>s + a.</summary>
    /// <example><code>z => 1 + z * z</code></example>
    public static Expr operator +(double s, Expr a) => new(E.NewAddScalar(s, Of(a, nameof(a))));
    /// <summary>a − b.</summary>
    /// <example><code>z => Expr.Exp(z) - Expr.Exp(-z)</code></example>
    public static Expr operator -(Expr a, Expr b) => new(E.NewSubtract(Of(a, nameof(a)), Of(b, nameof(b))));
    /// <summary>a − s.</summary>
    /// <example><code>z => Expr.Exp(z) - 1</code></example>
    public static Expr operator -(Expr a, double s) => new(E.NewAddScalar(-s, Of(a, nameof(a))));
    /// <summary>s − a.</summary>
    /// <example><code>z => 1 - Expr.Cos(z)</code></example>
    public static Expr operator -(double s, Expr a) => new(E.NewAddScalar(s, E.NewNegate(Of(a, nameof(a)))));
    /// <summary>−a.</summary>
    /// <example><code>z => Expr.Exp(-z * z)</code></example>
    public static Expr operator -(Expr a) => new(E.NewNegate(Of(a, nameof(a))));
    /// <summary>a · b elementwise.</summary>
    /// <example><code>z => z * z</code></example>
    public static Expr operator *(Expr a, Expr b) => new(E.NewMultiply(Of(a, nameof(a)), Of(b, nameof(b))));
    /// <summary>a · s.</summary>
    /// <example><code>z => z * 0.5</code></example>
    public static Expr operator *(Expr a, double s) => new(E.NewScale(s, Of(a, nameof(a))));
    /// <summary>s · a.</summary>
    /// <example><code>z => 0.5 * z</code></example>
    public static Expr operator *(double s, Expr a) => new(E.NewScale(s, Of(a, nameof(a))));
    /// <summary>a / b elementwise.</summary>
    /// <example><code>z => z / (1 + Expr.Abs(z))</code></example>
    public static Expr operator /(Expr a, Expr b) => new(E.NewDivide(Of(a, nameof(a)), Of(b, nameof(b))));
    /// <summary>a / s.</summary>
    /// <example><code>z => Expr.Square(z) / 2</code></example>
    public static Expr operator /(Expr a, double s) => new(E.NewScale(1.0 / s, Of(a, nameof(a))));
    /// <summary>s / a elementwise.</summary>
    /// <example><code>z => 1 / (1 + z * z)</code></example>
    public static Expr operator /(double s, Expr a) => new(E.NewScalarDivide(s, Of(a, nameof(a))));

    /// <summary>Natural logarithm.</summary>
    /// <example><code>z => Expr.Log(1 + z * z)</code></example>
    public static Expr Log(Expr a) => Apply(F.Log, a);
    /// <summary>Exponential.</summary>
    /// <example><code>z => Expr.Exp(-z * z)</code></example>
    public static Expr Exp(Expr a) => Apply(F.Exp, a);
    /// <summary>Square root.</summary>
    /// <example><code>z => Expr.Sqrt(1 + z * z)</code></example>
    public static Expr Sqrt(Expr a) => Apply(F.Sqrt, a);
    /// <summary>Sine.</summary>
    /// <example><code>z => Expr.Sin(z)</code></example>
    public static Expr Sin(Expr a) => Apply(F.Sin, a);
    /// <summary>Cosine.</summary>
    /// <example><code>z => Expr.Cos(z)</code></example>
    public static Expr Cos(Expr a) => Apply(F.Cos, a);
    /// <summary>Hyperbolic tangent.</summary>
    /// <example><code>z => Expr.Tanh(z) * Expr.Tanh(z)</code></example>
    public static Expr Tanh(Expr a) => Apply(F.Tanh, a);
    /// <summary>Absolute value (derivative sign z, 0 at 0).</summary>
    /// <example><code>z => Expr.Abs(z)</code></example>
    public static Expr Abs(Expr a) => Apply(F.Abs, a);
    /// <summary>a².</summary>
    /// <example><code>z => Expr.Square(z)</code></example>
    public static Expr Square(Expr a) => Apply(F.Square, a);
    /// <summary>Logistic sigmoid 1 / (1 + exp(−a)).</summary>
    /// <example><code>z => z * Expr.Sigmoid(z)</code></example>
    public static Expr Sigmoid(Expr a) => Apply(F.Sigmoid, a);
    /// <summary>max(a, 0).</summary>
    /// <example><code>z => Expr.Relu(z) + Expr.Relu(-z)</code></example>
    public static Expr Relu(Expr a) => Apply(F.Relu, a);

    private static Expr Apply(F function, Expr a) => new(E.NewFunction(function, Of(a, nameof(a))));

    /// <summary>The formula, for debugging.</summary>
    /// <example><code>Console.WriteLine(z);</code></example>
    public override string ToString() => Node.ToString();
}
