using Microsoft.FSharp.Collections;
using Microsoft.FSharp.Core;
using Core = global::Seagull.Core;

namespace Seagull.Api;

/// <summary>Conversions between the F# core's types and plain .NET ones. Internal: nothing F# leaves this library.</summary>
internal static class Fs
{
    public static FSharpList<T> List<T>(IEnumerable<T> items) => ListModule.OfSeq(items);

    public static FSharpOption<T> Some<T>(T value) => FSharpOption<T>.Some(value);

    public static FSharpOption<T> None<T>() => FSharpOption<T>.None;

    public static FSharpOption<T> Option<T>(T? value) where T : struct =>
        value.HasValue ? FSharpOption<T>.Some(value.Value) : FSharpOption<T>.None;

    public static T? Value<T>(FSharpOption<T>? option) where T : struct =>
        FSharpOption<T>.get_IsSome(option) ? option!.Value : null;

    public static T? ValueRef<T>(FSharpOption<T>? option) where T : class =>
        FSharpOption<T>.get_IsSome(option) ? option!.Value : null;

    public static FSharpFunc<TIn, Unit> Action<TIn>(Action<TIn> action) => FuncConvert.FromAction(action);

    public static FSharpFunc<TIn, TOut> Func<TIn, TOut>(Func<TIn, TOut> func) => FuncConvert.FromFunc(func);

    /// <summary>Runs <paramref name="body"/> with its matrix products allowed <paramref name="threads"/> threads.</summary>
    public static T Threaded<T>(int threads, Func<T> body) => Core.Threads.run(threads, FuncConvert.FromFunc<Unit, T>(_ => body()));

    public static Parity ToParity(Core.Parity parity) =>
        parity.IsEven ? Api.Parity.Even : parity.IsOdd ? Api.Parity.Odd
        : parity.IsNeither ? Api.Parity.Neither
        : throw new InvalidOperationException($"the core has a parity '{parity}' that this API does not know");

    public static Core.Dtype ToDtype(Precision precision) =>
        precision == Precision.Float64 ? Core.Dtype.Float64 : Core.Dtype.Float32;

    public static Precision ToPrecision(Core.Dtype dtype) =>
        dtype.IsFloat64 ? Api.Precision.Float64 : Api.Precision.Float32;

    /// <summary>Where a fitted model's learnable activations' α ended, per layer (empty without one).</summary>
    public static IReadOnlyList<LearnedActivationReport> LearnedActivations(Core.Model model) =>
        ReadOnly.List(Core.Network.learnedActivations(model.Spec, model.Params)
            .Select(l => new LearnedActivationReport(l.LayerPath, l.ActivationName, l.Neurons, l.AlphaMin, l.AlphaMedian, l.AlphaMax))
            .ToArray());

    /// <summary>The core's constructor of a named architecture.</summary>
    public static Core.NetworkSpec Build(Architecture architecture, Core.Symmetry symmetry, Core.ArchitectureOptions options) => architecture switch
    {
        Api.Architecture.Mlp => Core.Architectures.mlp(symmetry, options),
        Api.Architecture.Split => Core.Architectures.split(symmetry, options),
        Api.Architecture.Pooled => Core.Architectures.pooled(symmetry, options),
        Api.Architecture.Symmetrized => Core.Architectures.symmetrized(symmetry, options),
        _ => throw new ArgumentOutOfRangeException(nameof(architecture), architecture, "not an architecture the builder makes"),
    };

    /// <summary>The architecture of a core name from <c>Architectures.recognise</c>; an unknown name is a bug, not a guess.</summary>
    public static Architecture ToArchitecture(string name) => name switch
    {
        "mlp" => Api.Architecture.Mlp,
        "split" => Api.Architecture.Split,
        "pooled" => Api.Architecture.Pooled,
        "symmetrized" => Api.Architecture.Symmetrized,
        _ => throw new InvalidOperationException($"the core named an architecture '{name}' that this API does not know"),
    };

    public static Core.MirrorAxis ToAxis(Flip flip) => flip switch
    {
        Flip.Horizontal => Core.MirrorAxis.LeftRight,
        Flip.Vertical => Core.MirrorAxis.TopBottom,
        _ => throw new ArgumentOutOfRangeException(nameof(flip), flip, "not a Flip"),
    };

    public static Core.Pooling ToPooling(Pooling pooling) => pooling switch
    {
        Api.Pooling.Sum => Core.Pooling.PoolSum,
        Api.Pooling.SumAbsDiff => Core.Pooling.PoolSumAbsDiff,
        _ => throw new ArgumentOutOfRangeException(nameof(pooling), pooling, "unknown pooling"),
    };

    public static Pooling ToPooling(Core.Pooling pooling) =>
        pooling.IsPoolSum ? Api.Pooling.Sum
        : pooling.IsPoolSumAbsDiff ? Api.Pooling.SumAbsDiff
        : throw new InvalidOperationException($"the core has a pooling '{pooling}' that this API does not know");

    /// <summary>Row-major copy of a 2-D array.</summary>
    public static double[] RowMajor(double[,] x)
    {
        var rows = x.GetLength(0);
        var cols = x.GetLength(1);
        var flat = new double[rows * cols];
        if (flat.Length > 0) Buffer.BlockCopy(x, 0, flat, 0, flat.Length * sizeof(double));
        return flat;
    }

    /// <summary>A 2-D array from row-major values.</summary>
    public static double[,] Matrix(double[] flat, int rows, int cols)
    {
        var x = new double[rows, cols];
        if (flat.Length > 0) Buffer.BlockCopy(flat, 0, x, 0, flat.Length * sizeof(double));
        return x;
    }
}

/// <summary>
/// Translates the core's one-line <c>SeagullException</c>s into the standard .NET exception a C# caller expects.
/// The message is the whole story (a user error, not a bug), so no core exception rides along as InnerException.
/// </summary>
internal static class Guard
{
    /// <summary>Runs a core call whose user errors concern data or files: they become <see cref="InvalidDataException"/>.</summary>
    public static T Data<T>(Func<T> call)
    {
        try { return call(); }
        catch (Core.SeagullException e) { throw new InvalidDataException(e.Message); }
    }

    /// <summary>Runs a core call whose user errors concern an argument: they become <see cref="ArgumentException"/> naming it.</summary>
    public static T Argument<T>(string paramName, Func<T> call)
    {
        try { return call(); }
        catch (Core.SeagullException e) { throw new ArgumentException(e.Message, paramName); }
    }

    /// <summary><see cref="Argument{T}"/> for a call with no result (a check).</summary>
    public static void Argument(string paramName, Action call) => Argument(paramName, () => { call(); return true; });

    /// <summary>Runs a core call that writes files: its user errors become <see cref="IOException"/>.</summary>
    public static T Io<T>(Func<T> call)
    {
        try { return call(); }
        catch (Core.SeagullException e) { throw new IOException(e.Message); }
    }

    /// <summary><see cref="Io{T}"/> for a call with no result.</summary>
    public static void Io(Action call) => Io(() => { call(); return true; });

    /// <summary>Runs a core call whose user errors concern an object's own state (a custom formula that
    /// misbehaves): they become <see cref="InvalidOperationException"/>.</summary>
    public static T State<T>(Func<T> call)
    {
        try { return call(); }
        catch (Core.SeagullException e) { throw new InvalidOperationException(e.Message); }
    }

    /// <summary>Runs a training call: the core's errors (divergence) become <see cref="TrainingException"/>.</summary>
    public static T Training<T>(Func<T> call)
    {
        try { return call(); }
        catch (Core.SeagullException e) { throw new TrainingException(e.Message); }
    }

    /// <summary>Throws <see cref="FileNotFoundException"/> with a one-line message when <paramref name="path"/> is not a file.</summary>
    public static void FileExists(string? path, string paramName, string what)
    {
        if (string.IsNullOrWhiteSpace(path)) throw new ArgumentException($"the {what} path is empty", paramName);
        if (Directory.Exists(path)) throw new FileNotFoundException($"{what} '{path}' is a folder, not a file", path);
        if (!File.Exists(path)) throw new FileNotFoundException($"{what} '{path}' does not exist", path);
    }
}
