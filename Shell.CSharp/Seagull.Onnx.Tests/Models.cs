using Microsoft.FSharp.Collections;

namespace Seagull.Onnx.Tests;

/// <summary>Models of any layer tree made directly in the core, without training: parameters drawn by the network's own
/// init (α of learnable activations redrawn away from 1), a standardisation with means and scales far from 0 and 1
/// (shared by swapped columns, as Seagull's is), and float32 inputs in the model's units.</summary>
public static class Models
{
    public static FSharpList<T> List<T>(params T[] items) => ListModule.OfSeq(items);

    public static Core.Symmetry Blocks(int d, int k) => Core.SymmetryModule.blocks(d, k);

    public static Core.ArchitectureOptions Options(int[] hidden, Core.Activation[] activations, int outputs, Core.Dtype precision, Core.Activation? even = null) =>
        new(List(hidden), List(activations), even ?? Core.ActivationModule.seagull, Core.Pooling.PoolSumAbsDiff, outputs, precision);

    public static Core.NetworkSpec Spec(Core.Symmetry s, Core.Layer layers, Core.Dtype precision) => new(s, layers, precision);

    /// <summary>A regressor; with `standardisedTargets` false its targets' mean is 0 and scale 1, so that y is the
    /// network's own output (to measure a float32 network in ulps of what it computes).</summary>
    public static Core.Model Regressor(Core.NetworkSpec spec, int seed, bool standardisedTargets = true) =>
        Make(spec, seed, Core.ModelTask.Regression, standardisedTargets: standardisedTargets);

    public static Core.Model Classifier(Core.NetworkSpec spec, int seed) => Make(spec, seed, Core.ModelTask.Classification);

    public static Core.Model Make(Core.NetworkSpec spec, int seed, Core.ModelTask task, string[]? inputNames = null, bool standardisedTargets = true)
    {
        var rng = new Random(seed);
        var p = RedrawAlpha(Core.Network.init(spec, Core.Random.key(seed)), rng, spec.Precision);
        var s = spec.Symmetry;
        var width = s.Width;
        var outputs = Core.Network.outputs(spec);
        var mean = new double[width];
        var scale = new double[width];
        for (var j = 0; j < width; j++)
        {
            var partner = Core.SymmetryModule.swapColumn(s, j);
            if (partner < j) { mean[j] = mean[partner]; scale[j] = scale[partner]; continue; }
            mean[j] = 10 * rng.NextDouble() - 5;
            scale[j] = Math.Exp(3 * rng.NextDouble() - 1.5);
        }
        var plain = task.IsClassification || !standardisedTargets;
        var targetMean = Enumerable.Range(0, outputs).Select(_ => plain ? 0.0 : 100 * rng.NextDouble() - 50).ToArray();
        var targetScale = Enumerable.Range(0, outputs).Select(_ => plain ? 1.0 : Math.Exp(4 * rng.NextDouble() - 2)).ToArray();
        var names = inputNames ?? Core.SymmetryModule.defaultNames(s);
        var targets = Enumerable.Range(0, outputs).Select(k => task.IsClassification ? $"class{k}" : $"y{k + 1}").ToArray();
        return new Core.Model(spec, p, new Core.Standardization(mean, scale, targetMean, targetScale), names, targets, "test", task);
    }

    // α = 1 is where a learnable shape is its fixed activation; draw α in ±[0.2, 3] so that the export's α is exercised.
    private static Core.Params RedrawAlpha(Core.Params p, Random rng, Core.Dtype dtype)
    {
        if (p is not Core.Params.Group g) return p;
        var children = g.Item.Select(c =>
        {
            var (name, child) = (c.Item1, c.Item2);
            if (name == "alpha" && child is Core.Params.Leaf leaf)
            {
                var n = Core.TensorModule.toArray(leaf.Item).Length;
                var values = Enumerable.Range(0, n).Select(_ => (rng.Next(2) == 0 ? -1 : 1) * (0.2 + 2.8 * rng.NextDouble())).ToArray();
                return Tuple.Create(name, Core.Params.NewLeaf(Core.TensorModule.ofArray(dtype, [n], values)));
            }
            return Tuple.Create(name, RedrawAlpha(child, rng, dtype));
        });
        return Core.Params.NewGroup(ListModule.OfSeq(children));
    }

    /// <summary>Rows of inputs in the model's units, around its means by up to `spread` of its scales, as float32 values.</summary>
    public static float[] Inputs(Core.Model model, int rows, int seed, double spread = 3)
    {
        var rng = new Random(seed);
        var width = model.Spec.Symmetry.Width;
        var x = new float[rows * width];
        for (var i = 0; i < rows; i++)
            for (var j = 0; j < width; j++)
                x[i * width + j] = (float)(model.Standardization.InputMean[j] + spread * (2 * rng.NextDouble() - 1) * model.Standardization.InputScale[j]);
        return x;
    }

    /// <summary>The rows with every row swapped (x̃), exactly: a permutation of float32 values.</summary>
    public static float[] Swapped(Core.Model model, float[] x)
    {
        var s = model.Spec.Symmetry;
        var width = s.Width;
        var y = new float[x.Length];
        for (var o = 0; o < x.Length; o += width)
            for (var j = 0; j < width; j++)
                y[o + j] = x[o + Core.SymmetryModule.swapColumn(s, j)];
        return y;
    }

    public static double[] Doubles(float[] x) => x.Select(v => (double)v).ToArray();

    /// <summary>A matrix as the graph's float32 input, row by row.</summary>
    public static float[] Floats(double[,] x) => x.Cast<double>().Select(v => (float)v).ToArray();

    /// <summary>The values rounded to float32 and kept as float64: what Seagull sees of the graph's input.</summary>
    public static double[,] Rounded(double[,] x)
    {
        var r = (double[,])x.Clone();
        for (var i = 0; i < x.GetLength(0); i++)
            for (var j = 0; j < x.GetLength(1); j++)
                r[i, j] = (float)x[i, j];
        return r;
    }
}
