using System.Runtime.Intrinsics;
using Sweep.Physics.Bose;

namespace Sweep.Physics.Tests;

/// <summary>The inlined vector logarithm and exponential of the Bose blocks against <see cref="Math.Log(double)"/> and
/// <see cref="Math.Exp(double)"/>, on both vector widths.</summary>
public class ElementaryTests
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
            var wide = Vector512.IsHardwareAccelerated ? Elementary.Log(Vector512.Create(x.AsSpan(i))) : default;
            var narrow = Elementary.Log(Vector256.Create(x.AsSpan(i)));
            var narrowUpper = Elementary.Log(Vector256.Create(x.AsSpan(i + 4)));
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

    [Fact]
    public void Exp_is_within_1_ulp_of_Math_Exp_on_both_widths_down_to_its_underflow()
    {
        var random = new Random(1828);
        var a = new List<double> { 0.0, -0.0, -1e-300, -1e-17, -Math.Log(2) / 2, -Math.Log(2), -1.5, -50, -700, -708.3, -708.4, -709,
            -744.4, -745.1, -745.2, -746, -800, -1e10, double.NegativeInfinity, 1.0, 700, 709 };
        for (int i = 0; i < 40000; i++)
        {
            a.Add(-800 * random.NextDouble());
            a.Add(-2 * random.NextDouble());
        }

        while (a.Count % 8 != 0)
        {
            a.Add(-1.0);
        }

        double[] x = [.. a];
        for (int i = 0; i < x.Length; i += 8)
        {
            var wide = Vector512.IsHardwareAccelerated ? Elementary.Exp(Vector512.Create(x.AsSpan(i))) : default;
            var narrow = Elementary.Exp(Vector256.Create(x.AsSpan(i)));
            var narrowUpper = Elementary.Exp(Vector256.Create(x.AsSpan(i + 4)));
            for (int k = 0; k < 8; k++)
            {
                double expected = Math.Exp(x[i + k]);
                double actual = k < 4 ? narrow[k] : narrowUpper[k - 4];
                double ulp = Math.BitIncrement(expected) - expected; // 2^−1074 among the subnormals
                Assert.True(Math.Abs(actual - expected) <= ulp, $"256 bits: exp {x[i + k]:R} = {expected:R}, got {actual:R}");
                if (Vector512.IsHardwareAccelerated)
                {
                    Assert.Equal(actual, wide[k]);
                }
            }
        }
    }
}
