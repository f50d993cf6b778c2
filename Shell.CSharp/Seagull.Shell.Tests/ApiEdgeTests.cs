using Seagull.Api;
using Xunit;

namespace Seagull.Shell.Tests;

/// <summary>The C# API at its edges: only documented exception types, naming the argument at fault, and no half-done state.</summary>
public class ApiEdgeTests
{
    private static SwapInvariantRegressor Fitted()
    {
        var r = new SwapInvariantRegressor(new NetworkBuilder().Blocks(1, 1, 1).Hidden(8, 8).Build());
        r.Fit(Targets.Get("bead_pair").Generate(300), new FitOptions { Epochs = 2 });
        return r;
    }

    [Fact]
    public void Inputs_that_overflow_the_model_are_argument_errors_on_every_prediction_path()
    {
        var r = Fitted();
        Assert.Equal("x", Assert.Throws<ArgumentException>(() => r.Predict(new double[,] { { 1e300, 0, 0 } })).ParamName);
        Assert.Equal("row", Assert.Throws<ArgumentException>(() => r.Predict(stackalloc double[] { 1e300, 0, 0 })).ParamName);
        Assert.Equal("x", Assert.Throws<ArgumentException>(() => r.Evaluate(new double[,] { { 1e300, 0, 0 } }, new[] { 1.0 })).ParamName);
        var data = RegressionData.FromArrays(new double[,] { { 1e300, 0, 0 } }, new[] { 1.0 }, uWidth: 1, wWidth: 1, inputNames: ["u1", "v1", "w1"]);
        Assert.Equal("data", Assert.Throws<ArgumentException>(() => r.Predict(data)).ParamName);
    }

    [Fact]
    public void A_fit_whose_test_part_the_model_cannot_take_keeps_the_model_and_reports_NaN()
    {
        // w ≈ 1e-30 everywhere but one row: standardised on the training part, that row overflows float32.
        var x = new double[40, 3];
        var y = new double[40];
        for (var i = 0; i < 40; i++) { x[i, 0] = i % 7; x[i, 1] = i % 5; x[i, 2] = 1e-30 * (i % 3); y[i] = i; }
        var outlierInTest = Enumerable.Range(0, 40).First(row =>
        {
            x[row, 2] = 1e10;
            try
            {
                var r = new SwapInvariantRegressor(new NetworkBuilder().Blocks(1, 1, 1).Hidden(4).Build());
                var report = r.Fit(x, y, new FitOptions { Epochs = 1, TestFraction = 0.5 });
                if (report.TestMse is not double test || !double.IsNaN(test)) return false;
                Assert.True(r.IsFitted);
                Assert.True(double.IsFinite(report.TrainMse));
                // the row itself is refused where a prediction is asked for
                Assert.Equal("x", Assert.Throws<ArgumentException>(() => r.Predict(new double[,] { { x[row, 0], x[row, 1], x[row, 2] } })).ParamName);
                return true;
            }
            finally { x[row, 2] = 1e-30 * (row % 3); }
        });
        Assert.InRange(outlierInTest, 0, 39);
    }

    [Fact]
    public void Sizes_and_counts_beyond_reach_are_refused_up_front()
    {
        var r = Fitted();
        Assert.Equal("samples", Assert.Throws<ArgumentException>(() => r.CheckInvariance(int.MaxValue)).ParamName);
        Assert.Equal("uWidth", Assert.Throws<ArgumentOutOfRangeException>(() =>
            RegressionData.FromArrays(new double[,] { { 1, 2 } }, new[] { 1.0 }, uWidth: int.MaxValue, wWidth: 4)).ParamName);
        Assert.Throws<ArgumentException>(() => Experiment.Plan(CompareOptions.Quick with { Seeds = int.MaxValue }));
    }

    [Fact]
    public void Too_little_data_to_fit_is_an_argument_error_before_training()
    {
        var r = new SwapInvariantRegressor(new NetworkBuilder().Blocks(1, 1, 1).Hidden(4).Build());
        var one = Targets.Get("bead_pair").Generate(1);
        Assert.Equal("data", Assert.Throws<ArgumentException>(() => r.Fit(one, new FitOptions { Epochs = 1 })).ParamName);
        var many = Targets.Get("bead_pair").Generate(200);
        Assert.Equal("options", Assert.Throws<ArgumentException>(() =>
            r.Fit(many, new FitOptions { Epochs = 1, ValidationFraction = 0.999, Patience = 2 })).ParamName);
        Assert.False(r.IsFitted);
    }

    [Fact]
    public void A_custom_formula_is_read_once_as_data_so_it_cannot_change_between_calls()
    {
        // Activation.Custom calls the formula once, on z, and keeps what it returns as a formula (the core's
        // Expression): a formula that would misbehave on later calls (return a captured value, switch shape) cannot.
        var calls = 0;
        var misbehave = false;
        var a = Activation.Custom("late", z => { calls++; return !misbehave ? z * z : z; });
        misbehave = true;
        Assert.Equal(1, calls);
        Assert.Equal(new[] { 1.0, 4, 9 }, a.Evaluate(new double[] { 1, 2, 3 }));
        Assert.Equal(1, calls);
        Assert.Equal("formula", Assert.Throws<ArgumentException>(() => Activation.Custom("nothing", _ => null!)).ParamName);
    }

    [Fact]
    public void Paths_names_and_cancellation_behave_as_documented()
    {
        Assert.Equal("path", Assert.Throws<ArgumentException>(() => SwapInvariantRegressor.CheckSavePath(" ")).ParamName);
        Assert.Equal("csvPath", Assert.Throws<ArgumentException>(() => new SwapInvariantRegressor(new NetworkBuilder().Blocks(1, 1, 1).Build())
            .Fit((string)null!, ColumnRoles.Parse("u1", "v1"))).ParamName);
        Assert.Equal("names", Assert.Throws<ArgumentException>(() => new NetworkBuilder().Activations(Array.Empty<string>())).ParamName);
        Assert.Throws<ArgumentException>(() => RegressionData.FromArrays(new double[,] { { 1, 2, 3 } }, new[] { 1.0 }, uWidth: 1, wWidth: 1,
            inputNames: ["u1", "v1", "w1"], targetName: "u1"));
        var s1 = Activation.Custom("sq", z => z * z);
        var s2 = Activation.Custom("sq", z => z * z * 2);
        using var dir = new TempFolder();
        Assert.Equal("customActivations", Assert.Throws<ArgumentException>(() => SwapInvariantRegressor.Load(dir.Write("m.json", "{}"), s1, s2)).ParamName);
        // the same activation twice (say, once per layer) is one activation
        var withCustom = new SwapInvariantRegressor(new NetworkBuilder().Blocks(1, 1, 1).Hidden(4, 4).Activations(s1, s1).Build());
        withCustom.Fit(Targets.Get("bead_pair").Generate(50), new FitOptions { Epochs = 1 });
        withCustom.Save(dir.File("custom.json"));
        Assert.True(SwapInvariantRegressor.Load(dir.File("custom.json"), s1, s1).IsFitted);
        using var cts = new CancellationTokenSource();
        cts.Cancel();
        var task = Experiment.RunAsync(CompareOptions.Quick, cancellationToken: cts.Token);
        Assert.ThrowsAny<OperationCanceledException>(() => task.GetAwaiter().GetResult());
        Assert.True(task.IsCanceled);
    }

    [Fact]
    public void Errors_carry_their_message_and_no_core_exception_and_a_builder_takes_its_widths_from_data()
    {
        using var dir = new TempFolder();
        var bad = Assert.Throws<InvalidDataException>(() => RegressionData.FromCsv(dir.Write("bad.csv", "u1,v1,y\n1,2,x\n"), ColumnRoles.Parse("u1", "v1")));
        Assert.Null(bad.InnerException);
        Assert.Contains("line 2", bad.Message);
        Assert.Null(Assert.Throws<ArgumentException>(() => Activation.Custom("lg", z => Expr.Log(z))).InnerException);

        var data = RegressionData.FromArrays(new double[,] { { 1, 2, 3, 4, 5 }, { 5, 4, 3, 2, 1 }, { 0, 1, 0, 1, 0 } }, new[] { 1.0, 2, 3 }, uWidth: 2, wWidth: 1);
        var net = new NetworkBuilder().Blocks(data).Architecture(Architecture.Split).Build();
        Assert.Equal((2, 1, 5), (net.UWidth, net.WWidth, net.InputWidth));
        Assert.Throws<ArgumentNullException>(() => new NetworkBuilder().Blocks((RegressionData)null!));
    }

    [Fact]
    public void A_constant_target_is_refused_before_fitting()
    {
        var data = RegressionData.FromArrays(new double[,] { { 1, 2, 3 }, { 2, 1, 3 }, { 0, 1, 2 }, { 5, 4, 3 } }, new[] { 2.5, 2.5, 2.5, 2.5 }, uWidth: 1, wWidth: 1);
        var regressor = SwapInvariantRegressor.Create(uWidth: 1, wWidth: 1);
        var e = Assert.Throws<ArgumentException>(() => regressor.Fit(data, new FitOptions { Epochs = 1 }));
        Assert.Equal("data", e.ParamName);
        Assert.Contains("a constant has nothing to learn", e.Message);
        Assert.False(regressor.IsFitted);
    }

    [Fact]
    public void Network_definitions_are_equal_when_their_settings_are()
    {
        var net = new NetworkBuilder().Blocks(2, 2, 1).Architecture(Architecture.Split).Hidden(8, 4).Activations(Activation.Seagull, Activation.Tanh).Seed(3).Build();
        Assert.Equal(net, net.ToBuilder().Build());
        Assert.Equal(net.GetHashCode(), net.ToBuilder().Build().GetHashCode());
        Assert.NotEqual(net, net.WithSeed(4));
        Assert.NotEqual(net, net.ToBuilder().Hidden(8, 5).Build());
        Assert.NotEqual(net, net.ToBuilder().Even(Activation.Get("logcosh")).Build());
        var mine = Activation.Custom("sq", z => z * z);
        var withMine = net.ToBuilder().Activations(mine, Activation.Tanh).Build();
        Assert.Equal(withMine, withMine.ToBuilder().Build());
        Assert.NotEqual(withMine, net.ToBuilder().Activations(Activation.Custom("sq", z => z * z), Activation.Tanh).Build());
        Assert.False(net.Equals(null));
    }
}
