// A C# suite of one's own on Seagull.Testing. Seagull.Core is only reached by alias: its Activation is not the API's.
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Seagull.Api;
using Seagull.Testing;
using Xunit;
using Core = Seagull.Core;

namespace PropertyReuseCSharp;

public class RatioTests
{
    // z²/(1 + z²), written as 1 − 1/(1 + z²): a number at every finite z.
    static readonly Activation Ratio = Activation.Custom("ratio", z => 1 - 1 / (1 + z * z));
    static readonly RunConfig Fixed = RunConfig.Default.WithReplay("(20240611,314159)").WithMaxTest(200);

    [Theory, InlineData(Precision.Float32), InlineData(Precision.Float64)]
    public void RatioIsExactlyEvenAndFinite(Precision precision)
    {
        ActivationCheck.ForValues(precision, xs => ActivationCheck.IsBitwiseEven(Ratio, precision, xs), Fixed);
        ActivationCheck.ForValues(precision, xs => ActivationCheck.IsFinite(Ratio, precision, xs), Fixed);
    }

    [Property(Arbitrary = new[] { typeof(Arbitraries) }, Replay = "(20240611,314159)")]
    public bool RatioIsBetweenZeroAndOne(double z) => ActivationCheck.Evaluate(Ratio, Precision.Float64, z)[0] is >= 0 and <= 1;

    [Property(Arbitrary = new[] { typeof(Arbitraries) }, Replay = "(20240611,314159)")]
    public Property RatioIsEvenAtEveryFloat32(float z) => ActivationCheck.IsBitwiseEven(Ratio, Precision.Float32, new double[] { z });

    [Property(Replay = "(20240611,314159)")]
    public Property RatioDerivativeMatchesFiniteDifferences() =>
        Prop.ForAll(SeagullArb.bounded(-5, 5), z => ActivationCheck.DerivativeMatchesFiniteDifferences(Ratio, new[] { z }));

    [Fact]
    public void RatioIsEvaluatedInFloat32() => Assert.Equal(0.5f, ActivationCheck.Evaluate(Ratio, 1f));

    [Fact]
    public void TheNaiveRatioFailsWithTheInputAndTheSeed()
    {
        var naive = Activation.Custom("naive_ratio", z => z * z / (1 + z * z));   // ∞/∞ = NaN once z² overflows
        var e = Assert.Throws<CounterexampleException>(() =>
            ActivationCheck.ForValues(Precision.Float64, xs => ActivationCheck.IsBitwiseEven(naive, Precision.Float64, xs), Fixed));
        Assert.Contains("naive_ratio (float64): σ(", e.Message);
        Assert.Contains("NaN is never even", e.Message);
        Assert.Contains("Replay = \"(20240611,314159)\"", e.Message);
        Assert.Single(e.Result.Counterexample);   // shrunk to a batch of one value
    }
}

public class NetworkTests
{
    static readonly NetworkDefinition Pooled =
        new NetworkBuilder().Blocks(u: 2, v: 2, w: 1).Architecture(Architecture.Pooled).Hidden(8, 4).Precision(Precision.Float64).Build();
    static readonly NetworkDefinition Mlp =
        new NetworkBuilder().Blocks(u: 2, v: 2, w: 1).Architecture(Architecture.Mlp).Hidden(8, 4).Precision(Precision.Float64).Build();

    [Property(Replay = "(20240611,314159)")]
    public Property PooledIsExactlyInvariant() => Prop.ForAll(SwapCheck.Inputs(Pooled), x => SwapCheck.Invariance(Pooled, x));

    [Fact]
    public void MlpIsNotAndTheFailureShrinksToOneRow()
    {
        var result = RunConfig.Default.WithReplay("(20240611,314159)").Run(Prop.ForAll(SwapCheck.Inputs(Mlp), x => SwapCheck.Invariance(Mlp, x)));
        Assert.False(result.Passed);
        Assert.Equal(1, ((double[,])result.Counterexample[0]).GetLength(0));
        Assert.Contains("row 0: u | v | w = ", result.Message);
    }

    // A function of one's own on plain arrays: invariant because it sees u and v only through u + v and |u − v|.
    static double[] Mine(double[,] x) =>
        Enumerable.Range(0, x.GetLength(0))
            .Select(r => Math.Tanh(x[r, 0] + x[r, 2]) + Math.Abs(x[r, 1] - x[r, 3]) * x[r, 4]).ToArray();

    [Property(Replay = "(20240611,314159)")]
    public Property MineIsExactlyInvariant() =>
        Prop.ForAll(SwapCheck.Inputs(SwapCheck.Blocks(2, 1)), x => SwapCheck.Invariance(SwapCheck.Blocks(2, 1), Mine, x));

    [Fact]
    public void AFittedModelIsExactlyInvariant()
    {
        var data = Targets.Get("spring").Generate(rows: 200, seed: 0);
        var regressor = new SwapInvariantRegressor(new NetworkBuilder().Blocks(u: 3, v: 3, w: 3).Architecture(Architecture.Symmetrized).Hidden(8).Build());
        regressor.Fit(data.ToInputArray(), data.ToTargetArray(), new FitOptions { Epochs = 2 });
        var symmetry = SwapCheck.SymmetryOf(regressor.Definition);
        Fixed.WithMaxTest(20).Check(Prop.ForAll(SwapCheck.Inputs(symmetry), x => SwapCheck.Invariance(symmetry, regressor.Predict, x)));
    }

    static readonly RunConfig Fixed = RunConfig.Default.WithReplay("(20240611,314159)");

    [Property(Replay = "(20240611,314159)", MaxTest = 20)]
    public Property PooledParameterGradientsMatchFiniteDifferences() =>
        Prop.ForAll(SwapCheck.Inputs(Pooled), x => GradientCheck.ParametersAgree(Pooled, x, 1e-6, seed: 0));

    [Fact]
    public void ParameterGradientsOfAFunctionOfOnesOwnMatchFiniteDifferences()
    {
        // f(p, x) = tanh(x · p) over the core's tensors: a function of its parameters like any architecture.
        var x = Core.TensorModule.ofArray(Core.Dtype.Float64, new[] { 3, 5 }, Core.Random.uniforms(Core.Random.key(1), 15, -2, 2));
        var p = Core.Params.NewLeaf(Core.TensorModule.ofArray(Core.Dtype.Float64, new[] { 5, 1 }, Core.Random.uniforms(Core.Random.key(2), 5, -1, 1)));
        Fixed.WithMaxTest(1).Check(GradientCheck.ParametersAgree(
            (q, t) => Core.TensorModule.tanh(Core.TensorModule.matmul(t, ((Core.Params.Leaf)q).Item)), p, x, 1e-6, 0));
    }
}
