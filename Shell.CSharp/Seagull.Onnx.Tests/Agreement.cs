namespace Seagull.Onnx.Tests;

/// <summary>How far ONNX Runtime's outputs are from Seagull's, in units in the last place of float32.</summary>
public static class Agreement
{
    /// <summary>The gap between |v| and the next float32 (for v = 0, the smallest normal's).</summary>
    public static double Ulp32(double v)
    {
        var a = (float)Math.Min(Math.Abs(v), float.MaxValue);
        if (a < float.Epsilon * 8388608f) a = float.Epsilon * 8388608f;
        return MathF.BitIncrement(a) - a;
    }

    /// <summary>The largest |ort − seagull| in float32 ulps of the value itself, ulp32(max(|seagull|, floor)).</summary>
    public static double Ulps(float[] ort, double[] seagull, double floor = 0)
    {
        var worst = 0.0;
        for (var i = 0; i < seagull.Length; i++)
        {
            // The graph's output is float32: Seagull's value rounded to float32 is the exact answer (∞ beyond its range).
            if (ort[i] == (float)seagull[i]) continue;
            worst = Math.Max(worst, Math.Abs(ort[i] - seagull[i]) / Ulp32(Math.Max(Math.Abs(seagull[i]), floor)));
        }
        return worst;
    }

    /// <summary>True when every value has the same bits.</summary>
    public static bool Bitwise(float[] a, float[] b) =>
        a.Length == b.Length && a.Zip(b).All(p => BitConverter.SingleToInt32Bits(p.First) == BitConverter.SingleToInt32Bits(p.Second));
}
