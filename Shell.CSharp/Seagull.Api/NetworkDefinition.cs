using System.Collections.ObjectModel;
using Core = global::Seagull.Core;

namespace Seagull.Api;

/// <summary>
/// An immutable description of a network: block widths, architecture, hidden widths, one activation per
/// hidden layer, the split architecture's even activation, the pooling, the precision and the
/// initialisation seed. Made by <see cref="NetworkBuilder"/>; a <see cref="SwapInvariantRegressor"/> is
/// built from it. Inputs are ordered [u | v | w]: <see cref="UWidth"/> + <see cref="VWidth"/> + <see cref="WWidth"/> columns.
/// </summary>
/// <example>
/// <code>
/// NetworkDefinition net = new NetworkBuilder()
///     .Blocks(u: 3, v: 3, w: 3)
///     .Architecture(Architecture.Symmetrized)
///     .Hidden(64, 64)
///     .Activations(Activation.Seagull, Activation.Tanh)
///     .Build();
/// Console.WriteLine(net.Description);  // symmetrized 9→64(seagull)→64(tanh)→1 float32
/// </code>
/// </example>
public sealed class NetworkDefinition : IEquatable<NetworkDefinition>
{
    internal Core.NetworkSpec Spec { get; }

    internal NetworkDefinition(Core.NetworkSpec spec, IReadOnlyList<Activation> activations, Activation even, int seed)
    {
        Spec = spec;
        Activations = activations;
        Even = even;
        Seed = seed;
        Hidden = new ReadOnlyCollection<int>(spec.Hidden.ToArray());
    }

    /// <summary>Rebuilds a definition from a core spec (for example one read from a model file).</summary>
    internal static NetworkDefinition FromSpec(Core.NetworkSpec spec, int seed, IEnumerable<Activation>? customs = null)
    {
        var activations = spec.Activations.Select(a => Activation.Wrap(a, customs)).ToArray();
        return new NetworkDefinition(spec, ReadOnly.List(activations), Activation.Wrap(spec.Even, customs), seed);
    }

    /// <summary>Width of the block u (the number of u columns).</summary>
    /// <example><code>int d = net.UWidth;</code></example>
    public int UWidth => Spec.Blocks.D;

    /// <summary>Width of the block v; always equal to <see cref="UWidth"/> (column j of u pairs with column j of v).</summary>
    /// <example><code>Debug.Assert(net.VWidth == net.UWidth);</code></example>
    public int VWidth => Spec.Blocks.D;

    /// <summary>Width of the block w, the inputs the swap leaves alone (may be 0).</summary>
    /// <example><code>int k = net.WWidth;</code></example>
    public int WWidth => Spec.Blocks.K;

    /// <summary>Number of input columns, 2·UWidth + WWidth.</summary>
    /// <example><code>var x = new double[rows, net.InputWidth];</code></example>
    public int InputWidth => 2 * Spec.Blocks.D + Spec.Blocks.K;

    /// <summary>How the network meets the swap symmetry.</summary>
    /// <example><code>if (net.Architecture == Architecture.Mlp) Console.WriteLine("not invariant");</code></example>
    public Architecture Architecture => Fs.ToArchitecture(Spec.Architecture);

    /// <summary>Widths of the hidden layers, first layer first.</summary>
    /// <example><code>Console.WriteLine(string.Join(",", net.Hidden));</code></example>
    public IReadOnlyList<int> Hidden { get; }

    /// <summary>One activation per hidden layer.</summary>
    /// <example><code>Console.WriteLine(net.Activations[0].Name);</code></example>
    public IReadOnlyList<Activation> Activations { get; }

    /// <summary>The even activation of the split architecture's u − v branch (unused by the others).</summary>
    /// <example><code>Console.WriteLine(net.Even.MeasureParity());</code></example>
    public Activation Even { get; }

    /// <summary>What the pooled architecture's second layer sees (unused by the others).</summary>
    /// <example><code>Console.WriteLine(net.Pooling);</code></example>
    public Pooling Pooling => Fs.ToPooling(Spec.Pool);

    /// <summary>The precision the network computes in.</summary>
    /// <example><code>Console.WriteLine(net.Precision);</code></example>
    public Precision Precision => Fs.ToPrecision(Spec.Precision);

    /// <summary>
    /// The seed of the initial parameters and the mini-batch order, unless <see cref="FitOptions.Seed"/> overrides it.
    /// A model file keeps the trained network, not how it was drawn: the definition of a loaded regressor has seed 0,
    /// so to repeat a fit bit for bit, keep the seed with your training script.
    /// </summary>
    /// <example><code>var again = net.WithSeed(net.Seed + 1);</code></example>
    public int Seed { get; }

    /// <summary>
    /// True when the architecture guarantees f(u,v,w) = f(v,u,w) exactly: split with a measured-even
    /// <see cref="Even"/>, pooled, and symmetrized. False for mlp (augmentation and the penalty only approximate it).
    /// </summary>
    /// <example><code>if (!net.IsExactlyInvariant) Console.WriteLine("approximately invariant at best");</code></example>
    public bool IsExactlyInvariant => Core.NetworkSpecModule.isExactlyInvariant(Spec);

    /// <summary>One line, for example "mlp 9→64(seagull)→64(tanh)→1 float32".</summary>
    /// <example><code>Console.WriteLine(net.Description);</code></example>
    public string Description => Core.NetworkSpecModule.describe(Spec);

    /// <summary>The same definition with another seed.</summary>
    /// <example><code>var nets = Enumerable.Range(0, 5).Select(net.WithSeed);</code></example>
    public NetworkDefinition WithSeed(int seed) => new(Spec, Activations, Even, seed);

    /// <summary>A builder holding this definition, to change a few settings.</summary>
    /// <example><code>var wider = net.ToBuilder().Hidden(128, 128).Build();</code></example>
    public NetworkBuilder ToBuilder() =>
        new NetworkBuilder()
            .Blocks(UWidth, VWidth, WWidth)
            .Architecture(Architecture)
            .Hidden(Hidden.ToArray())
            .Activations(Activations.ToArray())
            .Even(Even)
            .Pooling(Pooling)
            .Precision(Precision)
            .Seed(Seed);

    /// <summary>
    /// Equal when every setting is: widths, architecture, hidden widths, activations (built-ins by name, custom
    /// ones only to themselves, as <see cref="Activation.Equals(Activation)"/>), even activation, pooling, precision and seed.
    /// </summary>
    /// <example><code>net.Equals(net.ToBuilder().Build()) // true</code></example>
    public bool Equals(NetworkDefinition? other) =>
        other is not null
        && (ReferenceEquals(this, other)
            || (UWidth == other.UWidth && WWidth == other.WWidth && Architecture == other.Architecture
                && Hidden.SequenceEqual(other.Hidden) && Activations.SequenceEqual(other.Activations) && Even.Equals(other.Even)
                && Pooling == other.Pooling && Precision == other.Precision && Seed == other.Seed));

    /// <summary>See <see cref="Equals(NetworkDefinition)"/>.</summary>
    /// <example><code>object a = net; a.Equals(net.WithSeed(net.Seed)) // true</code></example>
    public override bool Equals(object? obj) => Equals(obj as NetworkDefinition);

    /// <summary>A hash consistent with <see cref="Equals(NetworkDefinition)"/>.</summary>
    /// <example><code>var distinct = new HashSet&lt;NetworkDefinition&gt;(definitions);</code></example>
    public override int GetHashCode() => HashCode.Combine(Description, Seed);

    /// <summary>The same as <see cref="Description"/>.</summary>
    /// <example><code>Console.WriteLine(net);</code></example>
    public override string ToString() => Description;
}
