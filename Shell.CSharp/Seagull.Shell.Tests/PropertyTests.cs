using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Seagull.Api;

namespace Seagull.Shell.Tests;

/// <summary>A small random network and data set for the properties.</summary>
public sealed record NetCase(Architecture Architecture, int U, int W, int Hidden1, int Hidden2, int FirstActivation,
                             int EvenActivation, Precision Precision, Pooling Pooling, int Seed, int Rows)
{
    /// <summary>The activations drawn from: all of them, in both precisions.</summary>
    private static readonly Activation[] All = Activation.All.ToArray();

    private static readonly Activation[] Evens = All.Where(a => a.DeclaredParity == Parity.Even).ToArray();

    public NetworkDefinition Definition() =>
        new NetworkBuilder()
            .Blocks(U, U, W)
            .Architecture(Architecture)
            .Hidden(Hidden1, Hidden2)
            .Activations(All[FirstActivation % All.Length], Activation.Tanh)
            .Even(Evens[EvenActivation % Evens.Length])
            .Pooling(Pooling)
            .Precision(Precision)
            .Seed(Seed)
            .Build();

    /// <summary>Inputs uniform on [−2, 2] and a target symmetric in u and v.</summary>
    public (double[,] X, double[] Y) Data(int seed)
    {
        var random = new System.Random(seed);
        var width = 2 * U + W;
        var x = new double[Rows, width];
        var y = new double[Rows];
        for (var i = 0; i < Rows; i++)
        {
            for (var j = 0; j < width; j++) x[i, j] = random.NextDouble() * 4 - 2;
            for (var j = 0; j < U; j++) y[i] += x[i, j] * x[i, U + j] + Math.Abs(x[i, j] - x[i, U + j]);
            for (var j = 0; j < W; j++) y[i] += x[i, 2 * U + j];
        }
        return (x, y);
    }

    public static double[,] Swap(double[,] x, int u)
    {
        var s = (double[,])x.Clone();
        for (var i = 0; i < x.GetLength(0); i++)
            for (var j = 0; j < u; j++)
                (s[i, j], s[i, u + j]) = (x[i, u + j], x[i, j]);
        return s;
    }
}

public static class NetCases
{
    private static Gen<NetCase> Cases(params Architecture[] architectures) =>
        from arch in Gen.Elements(architectures)
        from u in Gen.Choose(1, 3)
        from w in Gen.Choose(0, 2)
        from h1 in Gen.Choose(2, 8)
        from h2 in Gen.Choose(1, 6)
        from first in Gen.Choose(0, 14)
        from even in Gen.Choose(0, 5)
        from precision in Gen.Elements(Precision.Float32, Precision.Float64)
        from pooling in Gen.Elements(Pooling.Sum, Pooling.SumAbsDiff)
        from seed in Gen.Choose(0, 1000)
        from rows in Gen.Choose(8, 40)
        select new NetCase(arch, u, w, h1, h2, first, even, precision, pooling, seed, rows);

    public static Arbitrary<NetCase> AnyNetwork() =>
        Cases(Architecture.Mlp, Architecture.Split, Architecture.Pooled, Architecture.Symmetrized).ToArbitrary();
}

public static class InvariantCases
{
    public static Arbitrary<NetCase> InvariantNetwork() =>
        (from arch in Gen.Elements(Architecture.Split, Architecture.Pooled, Architecture.Symmetrized)
         from c in NetCases.AnyNetwork().Generator
         select c with { Architecture = arch }).ToArbitrary();
}

/// <summary>Properties of the C# surface, with fixed replay seeds so every run draws the same cases.</summary>
public class PropertyTests
{
    private static bool BitwiseEqual(double[] a, double[] b) =>
        a.Length == b.Length && a.Zip(b).All(p => BitConverter.DoubleToInt64Bits(p.First) == BitConverter.DoubleToInt64Bits(p.Second));

    [Property(MaxTest = 40, Arbitrary = [typeof(NetCases)], Replay = "(20241,90211)")]
    public bool Fit_save_load_predict_gives_bitwise_the_same_predictions(NetCase c)
    {
        using var dir = new TempFolder();
        var (x, y) = c.Data(c.Seed);
        var regressor = new SwapInvariantRegressor(c.Definition());
        regressor.Fit(x, y, new FitOptions { Epochs = 2, BatchSize = 8 });
        var path = dir.File("model.json");
        regressor.Save(path);
        var loaded = SwapInvariantRegressor.Load(path);
        var (fresh, _) = c.Data(c.Seed + 1);
        return BitwiseEqual(regressor.Predict(x), loaded.Predict(x))
               && BitwiseEqual(regressor.Predict(fresh), loaded.Predict(fresh))
               && loaded.Definition.Description == regressor.Definition.Description;
    }

    [Property(MaxTest = 100, Arbitrary = [typeof(InvariantCases)], Replay = "(7321,1093)")]
    public bool Split_pooled_and_symmetrized_are_exactly_invariant_through_the_CSharp_surface(NetCase c)
    {
        var (x, y) = c.Data(c.Seed);
        var regressor = new SwapInvariantRegressor(c.Definition());
        Assert(regressor.Definition.IsExactlyInvariant);
        regressor.Fit(x, y, new FitOptions { Epochs = 1, BatchSize = 16 });
        var (probe, _) = c.Data(c.Seed + 17);
        var swapped = NetCase.Swap(probe, c.U);
        var row = Enumerable.Range(0, probe.GetLength(1)).Select(j => probe[0, j]).ToArray();
        var rowSwapped = Enumerable.Range(0, probe.GetLength(1)).Select(j => swapped[0, j]).ToArray();
        return BitwiseEqual(regressor.Predict(probe), regressor.Predict(swapped))
               && BitConverter.DoubleToInt64Bits(regressor.Predict(row)) == BitConverter.DoubleToInt64Bits(regressor.Predict(rowSwapped))
               && regressor.Evaluate(probe, y.Take(probe.GetLength(0)).ToArray()).InvarianceError == 0.0
               && regressor.CheckInvariance(samples: 50).ExactlyInvariant;
    }

    [Property(MaxTest = 20, Arbitrary = [typeof(NetCases)], Replay = "(555,777)")]
    public bool A_pre_cancelled_fit_leaves_the_regressor_as_it_was(NetCase c)
    {
        var (x, y) = c.Data(c.Seed);
        var regressor = new SwapInvariantRegressor(c.Definition());
        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();

        var first = regressor.Fit(x, y, new FitOptions { Epochs = 3 }, cancellationToken: cancelled.Token);
        if (!first.Cancelled || first.EpochsRun != 0 || regressor.IsFitted) return false;

        regressor.Fit(x, y, new FitOptions { Epochs = 1 });
        var before = regressor.Predict(x);
        var second = regressor.Fit(x, y, new FitOptions { Epochs = 3, Seed = c.Seed + 1 }, cancellationToken: cancelled.Token);
        return second.Cancelled && second.EpochsRun == 0 && regressor.IsFitted && BitwiseEqual(before, regressor.Predict(x));
    }

    [Property(MaxTest = 20, Arbitrary = [typeof(NetCases)], Replay = "(9091,4243)")]
    public bool A_fit_cancelled_during_epoch_two_keeps_the_model_of_epoch_one(NetCase c)
    {
        var (x, y) = c.Data(c.Seed);
        using var source = new CancellationTokenSource();
        var regressor = new SwapInvariantRegressor(c.Definition());
        var report = regressor.Fit(x, y, new FitOptions { Epochs = 50, BatchSize = 4 },
                                   new SyncProgress<EpochReport>(r => { if (r.Epoch == 1) source.Cancel(); }), source.Token);
        var reference = new SwapInvariantRegressor(c.Definition());
        reference.Fit(x, y, new FitOptions { Epochs = 1, BatchSize = 4 });
        return report.Cancelled && report.EpochsRun == 1 && regressor.IsFitted
               && BitwiseEqual(reference.Predict(x), regressor.Predict(x))
               && regressor.Predict(x).All(double.IsFinite);
    }

    private static void Assert(bool condition)
    {
        if (!condition) throw new InvalidOperationException("precondition failed");
    }
}
