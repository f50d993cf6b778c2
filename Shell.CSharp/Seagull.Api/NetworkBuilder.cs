using System.Collections.Immutable;
using Core = global::Seagull.Core;

namespace Seagull.Api;

/// <summary>
/// A fluent, immutable builder of <see cref="NetworkDefinition"/>s: every method returns a new builder,
/// so a partly configured builder can be shared and branched. Only <see cref="Blocks(int, int, int)"/> is required.
/// Defaults (the core's, shared with the CLI and the comparison): symmetrized architecture (the most accurate exactly
/// invariant design of the full default comparison), hidden 64, 64, Seagull in the first layer and tanh after (for
/// split: tanh on u+v and Seagull on u−v), even activation Seagull, pooling sum+|diff|, one output, float32, seed 0.
/// </summary>
/// <example>
/// <code>
/// var net = new NetworkBuilder()
///     .Blocks(u: 3, v: 3, w: 3)
///     .Architecture(Architecture.Split)
///     .Hidden(64, 64)
///     .Activations(Activation.Tanh)          // one activation is used for every layer
///     .Even(Activation.Seagull)
///     .Precision(Precision.Float32)
///     .Seed(0)
///     .Build();
/// </code>
/// </example>
public sealed class NetworkBuilder
{
    private readonly int? u, w;
    private readonly Core.Symmetry? image;   // set by Image(...) instead of Blocks(...)
    private readonly Architecture architecture = DefaultArchitecture;
    private readonly ImmutableArray<int> hidden = ImmutableArray.Create(64, 64);
    private readonly ImmutableArray<Activation> activations = [];   // none given: the architecture's defaults
    private readonly Activation even = Activation.Seagull;
    private readonly Pooling pooling = Api.Pooling.SumAbsDiff;
    private readonly Precision precision = Api.Precision.Float32;
    private readonly int outputs = 1;
    private readonly int seed;

    /// <summary>The architecture a builder starts with (the core's default, shared with the CLI and the comparison).</summary>
    /// <example><code>Console.WriteLine(NetworkBuilder.DefaultArchitecture);   // Symmetrized</code></example>
    public static Architecture DefaultArchitecture => Fs.ToArchitecture(Core.Architectures.defaultName);

    /// <summary>A builder with the defaults; call <see cref="Blocks(int, int, int)"/> before <see cref="Build"/>.</summary>
    /// <example><code>var builder = new NetworkBuilder();</code></example>
    public NetworkBuilder() { }

    private NetworkBuilder(NetworkBuilder b, int? u = null, int? w = null, Architecture? architecture = null,
                           ImmutableArray<int>? hidden = null, ImmutableArray<Activation>? activations = null,
                           Activation? even = null, Pooling? pooling = null, Precision? precision = null, int? seed = null,
                           int? outputs = null, Core.Symmetry? image = null, bool blocks = false)
    {
        this.u = u ?? b.u;
        this.w = w ?? b.w;
        this.image = blocks ? null : image ?? b.image;
        if (image is not null) { this.u = null; this.w = null; }
        this.architecture = architecture ?? b.architecture;
        this.hidden = hidden ?? b.hidden;
        this.activations = activations ?? b.activations;
        this.even = even ?? b.even;
        this.pooling = pooling ?? b.pooling;
        this.precision = precision ?? b.precision;
        this.seed = seed ?? b.seed;
        this.outputs = outputs ?? b.outputs;
    }

    /// <summary>
    /// The block widths: u and v (equal, ≥ 1: column j of u pairs with column j of v) and w (≥ 0).
    /// Input columns are ordered [u | v | w].
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">u &lt; 1 or w &lt; 0.</exception>
    /// <exception cref="ArgumentException">v differs from u.</exception>
    /// <example><code>new NetworkBuilder().Blocks(u: 3, v: 3, w: 3)</code></example>
    public NetworkBuilder Blocks(int u, int v, int w = 0)
    {
        if (u < 1) throw new ArgumentOutOfRangeException(nameof(u), u, $"u needs width ≥ 1, got {u}");
        if (v != u)
            throw new ArgumentException($"u and v must have the same width (column j of u pairs with column j of v); got u = {u}, v = {v}", nameof(v));
        if (w < 0) throw new ArgumentOutOfRangeException(nameof(w), w, $"w needs width ≥ 0, got {w}");
        return new NetworkBuilder(this, u: u, w: w, blocks: true);
    }

    /// <summary>
    /// Inputs that are images of <paramref name="width"/>×<paramref name="height"/> pixels with
    /// <paramref name="channels"/> channels, flattened row-major with channels last, whose symmetry is their mirror:
    /// a left-right flip (<see cref="Flip.Horizontal"/>: u = the left ⌊W/2⌋ columns, v = the right ⌊W/2⌋ read
    /// mirrored, w = the middle column when W is odd) or a top-bottom one. Replaces <see cref="Blocks(int, int, int)"/>.
    /// </summary>
    /// <exception cref="ArgumentException">A size below 1, or an image too narrow (or low) to mirror.</exception>
    /// <example><code>new NetworkBuilder().Image(28, 28).Outputs(10).Hidden(256, 128).Build()</code></example>
    public NetworkBuilder Image(int width, int height, int channels = 1, Flip flip = Flip.Horizontal)
    {
        var symmetry = Guard.Argument(nameof(width), () => Core.SymmetryModule.mirror(Fs.ToAxis(flip), width, height, channels));
        return new NetworkBuilder(this, image: symmetry);
    }

    /// <summary>The image shape of a data set (<see cref="ImageData"/>), its flip, and one output per class.</summary>
    /// <example><code>new NetworkBuilder().Image(images).Build()</code></example>
    public NetworkBuilder Image(ImageData images, Flip flip = Flip.Horizontal)
    {
        ArgumentNullException.ThrowIfNull(images);
        return Image(images.Width, images.Height, images.Channels, flip).Outputs(Math.Max(1, images.ClassNames.Count));
    }

    internal NetworkBuilder Symmetry(Core.Symmetry symmetry) =>
        symmetry.Shape.IsBlocks
            ? Blocks(Core.SymmetryModule.u(symmetry).Length, Core.SymmetryModule.u(symmetry).Length, Core.SymmetryModule.w(symmetry).Length)
            : new NetworkBuilder(this, image: symmetry);

    /// <summary>
    /// The shape of a data set: u and v of <see cref="RegressionData.UWidth"/>, w of <see cref="RegressionData.WWidth"/>,
    /// and one output per target column (<see cref="RegressionData.Targets"/>).
    /// </summary>
    /// <example><code>new NetworkBuilder().Blocks(data).Architecture(Architecture.Split).Build()</code></example>
    public NetworkBuilder Blocks(RegressionData data)
    {
        ArgumentNullException.ThrowIfNull(data);
        return Blocks(data.UWidth, data.UWidth, data.WWidth).Outputs(data.Targets);
    }

    /// <summary>The number of outputs, one per target column (default 1).</summary>
    /// <exception cref="ArgumentOutOfRangeException">outputs &lt; 1.</exception>
    /// <example><code>builder.Outputs(2)   // fits y with two columns</code></example>
    public NetworkBuilder Outputs(int outputs)
    {
        if (outputs < 1) throw new ArgumentOutOfRangeException(nameof(outputs), outputs, $"a network needs at least 1 output, got {outputs}");
        return new NetworkBuilder(this, outputs: outputs);
    }

    /// <summary>The architecture (default <see cref="Api.Architecture.Symmetrized"/>).</summary>
    /// <exception cref="ArgumentOutOfRangeException">Not a defined <see cref="Api.Architecture"/>, or <see cref="Api.Architecture.Custom"/> (a tree the builder does not make).</exception>
    /// <example><code>builder.Architecture(Architecture.Pooled)</code></example>
    public NetworkBuilder Architecture(Architecture architecture)
    {
        if (!Enum.IsDefined(architecture) || architecture == Api.Architecture.Custom)
            throw new ArgumentOutOfRangeException(nameof(architecture), architecture, "unknown architecture; use Mlp, Split, Pooled or Symmetrized");
        return new NetworkBuilder(this, architecture: architecture);
    }

    /// <summary>Widths of the hidden layers, first layer first (default 64, 64). Each must be ≥ 1 (split: the first ≥ 2).</summary>
    /// <exception cref="ArgumentException">No widths, or a width below 1.</exception>
    /// <example><code>builder.Hidden(128, 64, 32)</code></example>
    public NetworkBuilder Hidden(params int[] widths)
    {
        ArgumentNullException.ThrowIfNull(widths);
        if (widths.Length == 0) throw new ArgumentException("at least one hidden layer width is needed", nameof(widths));
        for (var i = 0; i < widths.Length; i++)
            if (widths[i] < 1) throw new ArgumentException($"hidden layer {i + 1} has width {widths[i]}; widths must be ≥ 1", nameof(widths));
        return new NetworkBuilder(this, hidden: widths.ToImmutableArray());
    }

    /// <summary>
    /// One activation per hidden layer, or a single one used for every layer. Default: Seagull in the first layer and
    /// tanh after (for split: tanh on u+v, the u−v half having <see cref="Even"/>), for any number of layers.
    /// </summary>
    /// <exception cref="ArgumentException">No activations, or a null one.</exception>
    /// <example><code>builder.Activations(Activation.Seagull, Activation.Tanh)</code></example>
    public NetworkBuilder Activations(params Activation[] activations)
    {
        ArgumentNullException.ThrowIfNull(activations);
        if (activations.Length == 0) throw new ArgumentException("at least one activation is needed", nameof(activations));
        if (activations.Any(a => a is null)) throw new ArgumentException("an activation is null", nameof(activations));
        return new NetworkBuilder(this, activations: activations.ToImmutableArray());
    }

    /// <summary>Activations by built-in name (case-insensitive), one per hidden layer or one for all.</summary>
    /// <exception cref="ArgumentException">A name is unknown; the message lists the known names.</exception>
    /// <example><code>builder.Activations("seagull", "tanh")</code></example>
    public NetworkBuilder Activations(params string[] names)
    {
        ArgumentNullException.ThrowIfNull(names);
        if (names.Length == 0) throw new ArgumentException("give at least one activation name", nameof(names));
        var found = new Activation[names.Length];
        for (var i = 0; i < names.Length; i++)
        {
            if (!Activation.TryGet(names[i], out var a))
                throw new ArgumentException($"unknown activation '{names[i]?.Trim()}'; known: {string.Join(", ", Activation.All.Select(x => x.Name))}", nameof(names));
            found[i] = a;
        }
        return Activations(found);
    }

    /// <summary>
    /// The even activation of the split architecture's bias-free u − v branch (default Seagull). A non-even one
    /// is accepted, but the network is then not guaranteed invariant (<see cref="NetworkDefinition.IsExactlyInvariant"/> is false).
    /// </summary>
    /// <example><code>builder.Architecture(Architecture.Split).Even(Activation.Gaussian)</code></example>
    public NetworkBuilder Even(Activation even)
    {
        ArgumentNullException.ThrowIfNull(even);
        return new NetworkBuilder(this, even: even);
    }

    /// <summary>What the pooled architecture's second layer sees (default <see cref="Api.Pooling.SumAbsDiff"/>).</summary>
    /// <exception cref="ArgumentOutOfRangeException">Not a defined <see cref="Api.Pooling"/>.</exception>
    /// <example><code>builder.Pooling(Pooling.Sum)</code></example>
    public NetworkBuilder Pooling(Pooling pooling)
    {
        if (!Enum.IsDefined(pooling)) throw new ArgumentOutOfRangeException(nameof(pooling), pooling, "unknown pooling");
        return new NetworkBuilder(this, pooling: pooling);
    }

    /// <summary>The precision (default <see cref="Api.Precision.Float32"/>).</summary>
    /// <exception cref="ArgumentOutOfRangeException">Not a defined <see cref="Api.Precision"/>.</exception>
    /// <example><code>builder.Precision(Precision.Float64)</code></example>
    public NetworkBuilder Precision(Precision precision)
    {
        if (!Enum.IsDefined(precision)) throw new ArgumentOutOfRangeException(nameof(precision), precision, "unknown precision");
        return new NetworkBuilder(this, precision: precision);
    }

    /// <summary>The seed of the initial parameters and the mini-batch order (default 0).</summary>
    /// <example><code>builder.Seed(42)</code></example>
    public NetworkBuilder Seed(int seed) => new(this, seed: seed);

    /// <summary>Checks the settings and makes the immutable definition.</summary>
    /// <exception cref="InvalidOperationException"><see cref="Blocks(int, int, int)"/> was not called.</exception>
    /// <exception cref="ArgumentException">
    /// The settings do not fit together (the core's one-line reason): the activation count is neither 1 nor the
    /// number of hidden layers (parameter "activations"), or a split network's first layer is narrower than 2
    /// (parameter "hidden"), or the network is too large (parameter "definition").
    /// </exception>
    /// <example><code>NetworkDefinition net = new NetworkBuilder().Blocks(2, 2, 0).Build();</code></example>
    public NetworkDefinition Build()
    {
        if (image is null && (u is not int || w is not int))
            throw new InvalidOperationException("the block widths are not set; call Blocks(u, v, w) (or Image(width, height)) before Build()");
        var acts = activations.Length > 0
            ? activations.ToArray()
            : Core.Architectures.defaultActivations(architecture.ToString().ToLowerInvariant(), hidden.Length).Select(a => Activation.Wrap(a)).ToArray();
        var options = Core.Architectures.options(Fs.List(hidden), Fs.List(acts.Select(a => a.Inner)));
        options = new Core.ArchitectureOptions(options.Hidden, options.Activations, even.Inner, Fs.ToPooling(pooling), outputs, Fs.ToDtype(precision));
        var symmetry = image ?? Guard.Argument(nameof(u), () => Core.SymmetryModule.blocks(u!.Value, w!.Value));
        Core.NetworkSpec spec;
        try { spec = Fs.Build(architecture, symmetry, options); }
        catch (Core.SeagullException e)
        {
            // The core says which setting; the parameter is the builder call that made it.
            var param = e.Message.StartsWith("activations:") ? "activations" : e.Message.StartsWith("hidden:") || e.Message.StartsWith("split:") ? "hidden" : "definition";
            throw new ArgumentException(e.Message, param);
        }
        var acts1 = options.Activations.Select(a => Activation.Wrap(a, acts)).ToArray();
        return new NetworkDefinition(spec, architecture, ReadOnly.List(hidden.ToArray()), ReadOnly.List(acts1), even, pooling, seed);
    }
}
