using System.Collections.ObjectModel;
using Core = global::Seagull.Core;

namespace Seagull.Api;

/// <summary>
/// An immutable description of a network: block widths, architecture, hidden widths, one activation per
/// hidden layer, the split architecture's even activation, the pooling, the number of outputs, the precision
/// and the initialisation seed. Made by <see cref="NetworkBuilder"/>; a <see cref="SwapInvariantRegressor"/> is
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
/// Console.WriteLine(net.Description);  // 9→symmetrize(64(seagull)→64(tanh)→1) float32
/// </code>
/// </example>
public sealed class NetworkDefinition : IEquatable<NetworkDefinition>
{
    internal Core.NetworkSpec Spec { get; }

    internal NetworkDefinition(Core.NetworkSpec spec, Architecture architecture, IReadOnlyList<int> hidden,
                               IReadOnlyList<Activation> activations, Activation even, Pooling pooling, int seed)
    {
        Spec = spec;
        Architecture = architecture;
        Hidden = hidden;
        Activations = activations;
        Even = even;
        Pooling = pooling;
        Seed = seed;
    }

    /// <summary>A definition of a core network (for example one read from a model file): its named architecture
    /// when the core recognises one, else <see cref="Api.Architecture.Custom"/> with every dense layer's activation.</summary>
    internal static NetworkDefinition FromSpec(Core.NetworkSpec spec, int seed, IEnumerable<Activation>? customs = null)
    {
        var known = Fs.ValueRef(Core.Architectures.recognise(spec));
        if (known is null)
        {
            var all = Core.Network.activations(spec).Select(a => Activation.Wrap(a.Item2, customs)).ToArray();
            return new NetworkDefinition(spec, Api.Architecture.Custom, ReadOnly.List(Array.Empty<int>()), ReadOnly.List(all),
                                         Activation.Seagull, Api.Pooling.SumAbsDiff, seed);
        }
        var o = known.Item2;
        return new NetworkDefinition(spec, Fs.ToArchitecture(known.Item1), ReadOnly.List(o.Hidden.ToArray()),
                                     ReadOnly.List(o.Activations.Select(a => Activation.Wrap(a, customs)).ToArray()),
                                     Activation.Wrap(o.Even, customs), Fs.ToPooling(o.Pooling), seed);
    }

    /// <summary>Width of the block u (the number of u columns).</summary>
    /// <example><code>int d = net.UWidth;</code></example>
    public int UWidth => Core.SymmetryModule.u(Spec.Symmetry).Length;

    /// <summary>Width of the block v; always equal to <see cref="UWidth"/> (column j of u pairs with column j of v).</summary>
    /// <example><code>Debug.Assert(net.VWidth == net.UWidth);</code></example>
    public int VWidth => UWidth;

    /// <summary>Width of the block w, the inputs the swap leaves alone (may be 0).</summary>
    /// <example><code>int k = net.WWidth;</code></example>
    public int WWidth => Core.SymmetryModule.w(Spec.Symmetry).Length;

    /// <summary>Number of input columns, 2·UWidth + WWidth.</summary>
    /// <example><code>var x = new double[rows, net.InputWidth];</code></example>
    public int InputWidth => Spec.Symmetry.Width;

    /// <summary>Number of outputs: one per target column.</summary>
    /// <example><code>var y = new double[rows, net.Outputs];</code></example>
    public int Outputs => Core.Network.outputs(Spec);

    /// <summary>How the network meets the swap symmetry.</summary>
    /// <example><code>if (net.Architecture == Architecture.Mlp) Console.WriteLine("not invariant");</code></example>
    public Architecture Architecture { get; }

    /// <summary>Widths of the hidden layers, first layer first (empty for a <see cref="Api.Architecture.Custom"/> tree).</summary>
    /// <example><code>Console.WriteLine(string.Join(",", net.Hidden));</code></example>
    public IReadOnlyList<int> Hidden { get; }

    /// <summary>One activation per hidden layer (for a <see cref="Api.Architecture.Custom"/> tree: every dense layer's, in parameter order).</summary>
    /// <example><code>Console.WriteLine(net.Activations[0].Name);</code></example>
    public IReadOnlyList<Activation> Activations { get; }

    /// <summary>The even activation of the split architecture's u − v branch (unused by the others).</summary>
    /// <example><code>Console.WriteLine(net.Even.MeasureParity());</code></example>
    public Activation Even { get; }

    /// <summary>What the pooled architecture's second layer sees (unused by the others).</summary>
    /// <example><code>Console.WriteLine(net.Pooling);</code></example>
    public Pooling Pooling { get; }

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
    /// True when the layer tree guarantees f(u,v,w) = f(v,u,w) exactly: split with a measured-even
    /// <see cref="Even"/>, pooled, and symmetrized. False for mlp (augmentation and the penalty only approximate it).
    /// </summary>
    /// <example><code>if (!net.IsExactlyInvariant) Console.WriteLine("approximately invariant at best");</code></example>
    public bool IsExactlyInvariant => Core.Network.isExactlyInvariant(Spec);

    /// <summary>One line, for example "9→64(seagull)→64(tanh)→1 float32".</summary>
    /// <example><code>Console.WriteLine(net.Description);</code></example>
    public string Description => Core.Network.describe(Spec);

    /// <summary>The same definition with another seed.</summary>
    /// <example><code>var nets = Enumerable.Range(0, 5).Select(net.WithSeed);</code></example>
    public NetworkDefinition WithSeed(int seed) => new(Spec, Architecture, Hidden, Activations, Even, Pooling, seed);

    /// <summary>A builder holding this definition, to change a few settings.</summary>
    /// <exception cref="InvalidOperationException">The definition is a <see cref="Api.Architecture.Custom"/> tree, which the builder cannot make.</exception>
    /// <example><code>var wider = net.ToBuilder().Hidden(128, 128).Build();</code></example>
    public NetworkBuilder ToBuilder()
    {
        if (Architecture == Api.Architecture.Custom)
            throw new InvalidOperationException($"'{Description}' is a custom layer tree, which NetworkBuilder cannot make");
        return new NetworkBuilder()
            .Symmetry(Spec.Symmetry)
            .Architecture(Architecture)
            .Hidden(Hidden.ToArray())
            .Activations(Activations.ToArray())
            .Even(Even)
            .Pooling(Pooling)
            .Outputs(Outputs)
            .Precision(Precision)
            .Seed(Seed);
    }

    /// <summary>
    /// Equal when every setting is: widths, architecture, hidden widths, activations (built-ins by name, custom
    /// ones only to themselves, as <see cref="Activation.Equals(Activation)"/>), even activation, pooling, outputs,
    /// precision, seed, and the network they make.
    /// </summary>
    /// <example><code>net.Equals(net.ToBuilder().Build()) // true</code></example>
    public bool Equals(NetworkDefinition? other) =>
        other is not null
        && (ReferenceEquals(this, other)
            || (UWidth == other.UWidth && WWidth == other.WWidth && Architecture == other.Architecture
                && Hidden.SequenceEqual(other.Hidden) && Activations.SequenceEqual(other.Activations) && Even.Equals(other.Even)
                && Pooling == other.Pooling && Outputs == other.Outputs && Precision == other.Precision && Seed == other.Seed
                && Description == other.Description));

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
