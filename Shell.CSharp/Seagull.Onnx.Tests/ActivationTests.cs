using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Xunit;
using Xunit.Abstractions;
using A = Seagull.Core.ActivationModule;

namespace Seagull.Onnx.Tests;

/// <summary>One activation on its own: a network σ(x·I) of two neurons (identity weights, no bias, no standardisation),
/// so that ONNX Runtime's y is σ(z) exactly as the graph computes it, compared with Seagull's network on the same z.</summary>
public static class ActivationModels
{
    /// <summary>A custom activation made from a formula (what C#'s Activation.Custom makes): log(1 + z²)/2 + sin z · e^(−z²)
    /// − √(1 + |z|) + relu, tanh, sigmoid, a scalar divided by an expression.</summary>
    public static readonly Core.Activation Custom = Seagull.Api.Activation.Custom("mixture",
        z => Seagull.Api.Expr.Log(1 + z * z) / 2 + Seagull.Api.Expr.Sin(z) * Seagull.Api.Expr.Exp(-Seagull.Api.Expr.Square(z))
             - Seagull.Api.Expr.Sqrt(1 + Seagull.Api.Expr.Abs(z)) + Seagull.Api.Expr.Relu(z) * 0.25 + Seagull.Api.Expr.Tanh(z)
             + 3 * Seagull.Api.Expr.Sigmoid(z - 1) + 1 / (2 + Seagull.Api.Expr.Cos(z)) - z + 0.5).Inner;

    public static IEnumerable<Core.Activation> All => A.catalogue.Append(Custom);

    private static readonly Dictionary<(string, bool), (Core.Model Model, Ort Ort)> sessions = new();

    /// <summary>The model of an activation in a precision and its ONNX Runtime session (made once).</summary>
    public static (Core.Model Model, Ort Ort) Of(Core.Activation a, bool float64)
    {
        lock (sessions)
        {
            if (sessions.TryGetValue((a.Name, float64), out var known)) return known;
            var dtype = float64 ? Core.Dtype.Float64 : Core.Dtype.Float32;
            var spec = Models.Spec(Models.Blocks(1, 0), Core.Layer.NewDense(2, a, false), dtype);
            var leaves = new List<Tuple<string, Core.Params>> { Tuple.Create("weight", Core.Params.NewLeaf(Core.TensorModule.ofArray(dtype, [2, 2], [1.0, 0.0, 0.0, 1.0]))) };
            // α of a learnable shape: one ordinary, one small (where the series and Kahan's rule take over).
            if (A.isLearnable(a)) leaves.Add(Tuple.Create("alpha", Core.Params.NewLeaf(Core.TensorModule.ofArray(dtype, [2], [1.7, -0.003]))));
            var p = Core.Params.NewGroup(Models.List(leaves.ToArray()));
            var s = Core.StandardizationModule.identity(spec.Symmetry, 2);
            var model = new Core.Model(spec, p, s, ["u1", "v1"], ["y1", "y2"], "test", Core.ModelTask.Regression);
            var made = (model, Ort.Of(model));
            sessions[(a.Name, float64)] = made;
            return made;
        }
    }

    /// <summary>σ at pairs of z: ONNX Runtime's and Seagull's network's.</summary>
    public static (float[] Ort, double[] Seagull) Both(Core.Activation a, bool float64, float[] z)
    {
        var (model, ort) = Of(a, float64);
        var y = ort.Run("y", z, 2);
        var x = Core.TensorModule.ofArray(model.Spec.Precision, [z.Length / 2, 2], Models.Doubles(z));
        return (y, Core.TensorModule.toArray(Core.Network.apply(model.Spec, model.Params, x)));
    }
}

/// <summary>z values for activations: pairs of float32 numbers, small, ordinary and huge (to 1e30), both signs.</summary>
public static class ActivationInputs
{
    public static Arbitrary<float[]> Pairs() =>
        (from n in Gen.Choose(1, 16)
         from values in Gen.ArrayOf(Gen.OneOf(
             Gen.Choose(-8000, 8000).Select(i => i / 1000f),
             from e in Gen.Choose(-30, 30) from m in Gen.Choose(1000, 9999) from sign in Gen.Elements(-1f, 1f)
             select sign * m * MathF.Pow(10, e - 3)), 2 * n)
         select values).ToArbitrary();
}

/// <summary>
/// Every built-in activation and a custom formula, exported, against Seagull's own kernels. Bounds in float32 ulps of
/// |σ(z)|: a float64 network computes in float64 in the graph, so ONNX Runtime's float32 output is Seagull's value rounded
/// (measured: exactly that, 0 ulps; 1 allowed); a float32 one within 16 ulps (measured on the grid at most 7.7: GELU; tanh 6,
/// softplus 4), where the float32 kernels' exp/log/tanh differ from ONNX Runtime's by an ulp or two before the formula amplifies it. Functions whose value is a
/// difference of nearly equal terms near their zeros — log cosh z = |z| + log1p(e^(−2|z|)) − log 2 near 0, GELU's
/// ½z(1 + tanh(…)) for z ≪ 0, the custom sum — are measured in ulps of max(|σ(z)|, 1): there Seagull's own value carries
/// the cancellation's absolute error, and the relative error of a tiny result means nothing.
/// </summary>
public class ActivationTests(ITestOutputHelper output)
{
    public const double Float64Bound = 1.0, Float32Bound = 16.0;

    private static readonly HashSet<string> Cancelling = ["logcosh", "gelu", "mixture"];

    public static double Floor(Core.Activation a) => Cancelling.Contains(a.Name) ? 1 : 0;

    public static TheoryData<string, bool> Cases()
    {
        var data = new TheoryData<string, bool>();
        foreach (var a in ActivationModels.All)
            foreach (var float64 in new[] { false, true })
                data.Add(a.Name, float64);
        return data;
    }

    private static Core.Activation Named(string name) => ActivationModels.All.Single(a => a.Name == name);

    private static double Ulps(Core.Activation a, bool float64, float[] z)
    {
        var (ort, seagull) = ActivationModels.Both(a, float64, z);
        return Agreement.Ulps(ort, seagull, Floor(a));
    }

    [Property(MaxTest = 200, Arbitrary = [typeof(ActivationInputs)], Replay = "(4711,1701)")]
    public bool Every_activation_agrees_with_Seagull_within_its_bound_at_any_z(float[] z) =>
        ActivationModels.All.All(a => Ulps(a, true, z) <= Float64Bound && Ulps(a, false, z) <= Float32Bound);

    [Theory]
    [MemberData(nameof(Cases))]
    public void The_largest_disagreement_on_a_grid_of_z_is_within_the_bound(string name, bool float64)
    {
        // ±1e-30 … ±1e30 logarithmically, and −10 … 10 finely: 4802 values.
        var z = Enumerable.Range(-1200, 1201).SelectMany(e => new[] { MathF.Pow(10, e / 40f), -MathF.Pow(10, e / 40f) })
            .Concat(Enumerable.Range(-1200, 2400).Select(i => i / 120f)).ToArray();
        var a = Named(name);
        var ulps = Ulps(a, float64, z);
        output.WriteLine($"{name} {(float64 ? "float64" : "float32")}: max {ulps:G3} ulps");
        Assert.True(ulps <= (float64 ? Float64Bound : Float32Bound), $"{name}: {ulps} ulps");
    }

    [Theory]
    [InlineData("seagull")]
    [InlineData("softplus")]
    [InlineData("logcosh")]
    [InlineData("seagull-learned")]
    public void The_stable_forms_stay_finite_where_the_naive_formula_overflows(string name)
    {
        // z² overflows float32 from 1.9e19 and e^z from 89: the naive log(1 + z²), log(1 + e^z), log cosh z give ∞.
        float[] z = [1e20f, -1e20f, 3e38f, -3e38f, 100f, -100f, 1e30f, 7e19f];
        foreach (var float64 in new[] { false, true })
        {
            var (ort, seagull) = ActivationModels.Both(Named(name), float64, z);
            Assert.All(ort, v => Assert.True(float.IsFinite(v), $"{name}: {string.Join(", ", ort)}"));
            Assert.True(Agreement.Ulps(ort, seagull) <= (float64 ? Float64Bound : Float32Bound), $"{name}: {string.Join(", ", ort)} vs {string.Join(", ", seagull)}");
        }
    }
}
