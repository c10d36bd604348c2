using System.Runtime.Intrinsics;
using Sweep.Physics.Bose;

namespace Sweep.Physics.Tests;

/// <summary>The inlined vector logarithm of the Bose blocks against <see cref="Math.Log(double)"/>, on both vector widths.</summary>
public class VectorLogTests
{
    /// <summary>Random doubles over every binade of positive normal and subnormal numbers, values around 1 and around
    /// the reduction's split at √2/2 and √2, powers of two and the extremes.</summary>
    private static double[] Arguments()
    {
        var random = new Random(2718);
        var values = new List<double> { double.Epsilon, 2.2250738585072014e-308, 2.2250738585072009e-308, double.MaxValue, 1.0,
            Math.BitIncrement(1.0), Math.BitDecrement(1.0), Math.Sqrt(2), Math.Sqrt(2) / 2, Math.BitIncrement(Math.Sqrt(2) / 2),
            Math.BitDecrement(Math.Sqrt(2) / 2), 1.5, 1e-6, 1e-12 };
        for (int e = -1074; e <= 1023; e++)
        {
            values.Add(Math.ScaleB(1.0, e));
            values.Add(Math.ScaleB(1.0 + random.NextDouble(), e));
        }

        for (int i = 0; i < 20000; i++)
        {
            values.Add(BitConverter.Int64BitsToDouble(random.NextInt64(1, 0x7FF0000000000000L))); // any positive finite double
            values.Add(1.0 + (random.NextDouble() - 0.5) * Math.Pow(2, -random.Next(1, 50)));  // near 1, where ln x → 0
            values.Add(1.5 * random.NextDouble());                                               // the Bose blocks' range
        }

        return [.. values];
    }

    [Fact]
    public void Log_is_within_1_ulp_of_Math_Log_on_both_widths()
    {
        double[] x = Arguments();
        double worst = 0;
        for (int i = 0; i + 8 <= x.Length; i += 8)
        {
            var wide = Vector512.IsHardwareAccelerated ? VectorLog.Log(Vector512.Create(x.AsSpan(i))) : default;
            var narrow = VectorLog.Log(Vector256.Create(x.AsSpan(i)));
            var narrowUpper = VectorLog.Log(Vector256.Create(x.AsSpan(i + 4)));
            for (int k = 0; k < 8; k++)
            {
                double expected = Math.Log(x[i + k]);
                double ulp = Math.BitIncrement(Math.Abs(expected)) - Math.Abs(expected);
                double actual = k < 4 ? narrow[k] : narrowUpper[k - 4];
                worst = Math.Max(worst, Math.Abs(actual - expected) / ulp);
                Assert.True(Math.Abs(actual - expected) <= ulp, $"256 bits: ln {x[i + k]:R} = {expected:R}, got {actual:R}");
                if (Vector512.IsHardwareAccelerated)
                {
                    Assert.Equal(actual, wide[k]); // the same operations on either width
                }
            }
        }

        Assert.True(worst > 0, "some rounding differs from Math.Log's: the comparison ran");
    }
}
