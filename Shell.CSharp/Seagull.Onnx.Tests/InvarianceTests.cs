using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using A = Seagull.Core.ActivationModule;

namespace Seagull.Onnx.Tests;

/// <summary>An exactly invariant network (symmetrized, pooled, split with an even bias-free u−v branch), drawn at random.</summary>
public sealed record InvariantCase(string Architecture, int U, int W, int Hidden, int First, int Even, bool Float64, int Seed, int Rows)
{
    private static readonly Core.Activation[] Activations = A.catalogue.ToArray();
    private static readonly Core.Activation[] EvenOnes = A.catalogue.Where(a => A.parityOf(a).IsEven).ToArray();

    public Core.Model Model()
    {
        var s = Models.Blocks(U, W);
        var options = Models.Options([Hidden, 5], [Activations[First % Activations.Length], A.tanh], 2,
            Float64 ? Core.Dtype.Float64 : Core.Dtype.Float32, EvenOnes[Even % EvenOnes.Length]);
        return Models.Regressor(Core.Architectures.build(Architecture).Invoke(s).Invoke(options), Seed);
    }
}

public static class InvariantCases
{
    public static Arbitrary<InvariantCase> Any() =>
        (from arch in Gen.Elements("symmetrized", "pooled", "split")
         from u in Gen.Choose(1, 4)
         from w in Gen.Choose(0, 3)
         from hidden in Gen.Choose(2, 12)
         from first in Gen.Choose(0, 100)
         from even in Gen.Choose(0, 100)
         from float64 in Gen.Elements(false, true)
         from seed in Gen.Choose(0, 10000)
         from rows in Gen.Choose(1, 64)
         select new InvariantCase(arch, u, w, hidden, first, even, float64, seed, rows)).ToArbitrary();
}

/// <summary>The exactly invariant designs stay exactly invariant in ONNX Runtime: y(x) and y(x̃) have the same bits.</summary>
public class InvarianceTests
{
    [Property(MaxTest = 150, Arbitrary = [typeof(InvariantCases)], Replay = "(8086,6503)")]
    public bool An_exactly_invariant_model_gives_the_same_bits_for_x_and_its_swap_in_ONNX_Runtime(InvariantCase c)
    {
        var model = c.Model();
        if (!Core.Network.isExactlyInvariant(model.Spec)) return false;
        using var ort = Ort.Of(model);
        var width = model.Spec.Symmetry.Width;
        var x = Models.Inputs(model, c.Rows, c.Seed);
        return Agreement.Bitwise(ort.Run("y", x, width), ort.Run("y", Models.Swapped(model, x), width));
    }

    [Property(MaxTest = 30, Arbitrary = [typeof(InvariantCases)], Replay = "(1234,5677)")]
    public bool A_plain_mlp_is_not_invariant_in_ONNX_Runtime_either(InvariantCase c)
    {
        // The check above can fail: the same inputs through an mlp give different outputs for x and x̃.
        var model = (c with { Architecture = "mlp" }).Model();
        using var ort = Ort.Of(model);
        var width = model.Spec.Symmetry.Width;
        var x = Models.Inputs(model, 32, c.Seed);
        return !Agreement.Bitwise(ort.Run("y", x, width), ort.Run("y", Models.Swapped(model, x), width));
    }
}
