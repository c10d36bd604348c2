using System.Runtime.Intrinsics;
using Sweep.Physics.Bose;

namespace Sweep.Physics.Tests;

/// <summary>The SIMD batch of F_1, F_2, F_3 and F_{3/2} against mpmath and against the scalar reference
/// <see cref="BoseIntegrals"/>, on every vector path this machine has (the 256-bit one forced).</summary>
public class BoseBatchTests
{
    public static TheoryData<int> Widths()
    {
        var widths = new TheoryData<int> { 256 };
        if (Vector512.IsHardwareAccelerated)
        {
            widths.Add(512);
        }

        return widths;
    }

    [Fact]
    public void This_machine_runs_the_widest_path_it_has()
    {
        Assert.Equal(Vector512.IsHardwareAccelerated ? 512 : 256, BoseBatch.PreferredWidth);
        Assert.True(Vector256.IsHardwareAccelerated, "the test machines have at least AVX2");
    }

    [Theory]
    [MemberData(nameof(Widths))]
    public void Dense_grid_from_1e12_to_700_matches_mpmath_to_1e12(int width)
    {
        var rows = ReferenceData.BoseGrid.GetProperty("points").EnumerateArray().ToArray();
        double[] x = rows.Select(r => ReferenceData.Number(r, "x")).ToArray();
        var f = Evaluate(x, width);
        for (int i = 0; i < x.Length; i++)
        {
            Near.Relative(ReferenceData.Number(rows[i], "One"), f.Scale[i] * f.G1[i], 1e-12, $"F_1({x[i]:R}) at {width} bits");
            Near.Relative(ReferenceData.Number(rows[i], "Two"), f.Scale[i] * f.G2[i], 1e-12, $"F_2({x[i]:R}) at {width} bits");
            Near.Relative(ReferenceData.Number(rows[i], "Three"), f.Scale[i] * f.G3[i], 1e-12, $"F_3({x[i]:R}) at {width} bits");
            Near.Relative(ReferenceData.Number(rows[i], "ThreeHalves"), f.Scale[i] * f.G15[i], 1e-12, $"F_3/2({x[i]:R}) at {width} bits");
        }

        Assert.True(x.Length > 100, $"grid has {x.Length} points");
    }

    [Theory]
    [MemberData(nameof(Widths))]
    public void Every_polylog_reference_entry_of_orders_1_3half_2_3_matches_to_1e12(int width)
    {
        int count = 0;
        foreach (var entry in ReferenceData.Physics.GetProperty("polylog").EnumerateArray())
        {
            double d = ReferenceData.Number(entry, "d"), x = ReferenceData.Number(entry, "x");
            if (d is not (1 or 1.5 or 2 or 3))
            {
                continue;
            }

            var f = Evaluate([x], width);
            double value = f.Scale[0] * (d == 1 ? f.G1[0] : d == 1.5 ? f.G15[0] : d == 2 ? f.G2[0] : f.G3[0]);
            Near.Relative(ReferenceData.Number(entry, "value"), value, 1e-12, $"F_{d}({x}) at {width} bits");
            count++;
        }

        Assert.Equal(36, count);
    }

    [Theory]
    [MemberData(nameof(Widths))]
    public void Equals_the_scalar_kernel_to_a_few_ulp_on_random_x_and_any_tail_length(int width)
    {
        var random = new Random(16);
        for (int length = 0; length <= 1000; length += length < 20 ? 1 : 197)
        {
            // log-uniform on [1e-12, 700], runs of neighbours so vectors also straddle the switch
            double[] x = new double[length];
            for (int i = 0; i < length; i++)
            {
                x[i] = i % 3 == 0
                    ? Math.Exp(random.NextDouble() * (Math.Log(700) - Math.Log(1e-12)) + Math.Log(1e-12))
                    : BoseIntegrals.RegimeSwitch * (0.9 + 0.2 * random.NextDouble());
            }

            // 8 ulp: near the switch −ln x and x ln x are twice F_1, F_2, so the vector log's
            // 2 ulp double there; the ratio adds the errors of both.
            var f = Evaluate(x, width);
            for (int i = 0; i < length; i++)
            {
                var reference = BoseIntegrals.Evaluate(x[i]);
                UlpNear(reference.F1, f.Scale[i] * f.G1[i], $"F_1({x[i]:R})");
                UlpNear(reference.F2, f.Scale[i] * f.G2[i], $"F_2({x[i]:R})");
                UlpNear(reference.F3, f.Scale[i] * f.G3[i], $"F_3({x[i]:R})");
                // F_3/2 near the switch is ~0.25 from terms of ~4.3 (ζ(3/2) − 2√(πx)): 17× cancellation,
                // and the batch sums its even and odd coefficients apart (one more rounding of ~2.5):
                // 64 ulp, 1.4e-14 relative, far inside the 1e-12 by which the density's status is decided.
                UlpNear(reference.F15, f.Scale[i] * f.G15[i], $"F_3/2({x[i]:R})", 64);
                UlpNear(reference.G2 / reference.G1, f.G2[i] / f.G1[i], $"G_2/G_1({x[i]:R})", 16);
            }
        }
    }

    [Theory]
    [MemberData(nameof(Widths))]
    public void Scaled_values_stay_finite_where_F_underflows(int width)
    {
        var f = Evaluate([750, 1e4, 1e300], width);
        for (int i = 0; i < 3; i++)
        {
            Near.Relative(1.0, f.G1[i], 1e-15, "G_1 → 1");
            Near.Relative(1.0, f.G3[i], 1e-15, "G_3 → 1");
            Near.Relative(1.0, f.G15[i], 1e-15, "G_3/2 → 1");
            Assert.Equal(0.0, f.Scale[i] * f.G2[i]);
        }
    }

    [Theory]
    [MemberData(nameof(Widths))]
    public void Lanes_outside_the_domain_give_numbers_to_ignore_not_exceptions(int width)
    {
        double[] x = [0.0, -1.0, double.NaN, double.PositiveInfinity, 0.5, 3.0, 1e-300, 2.0, 1.0];
        var f = Evaluate(x, width);
        foreach (int valid in new[] { 4, 5, 7, 8 })
        {
            UlpNear(BoseIntegrals.Evaluate(x[valid]).F2, f.Scale[valid] * f.G2[valid], $"F_2({x[valid]}) beside bad lanes");
        }
    }

    [Fact]
    public void Refuses_short_outputs_and_unknown_widths()
    {
        double[] x = [1, 2, 3];
        Assert.Throws<ArgumentException>(() => BoseBatch.Evaluate(x, new double[3], new double[3], new double[2], new double[3]));
        Assert.Throws<ArgumentOutOfRangeException>(() => BoseBatch.Evaluate(x, new double[3], new double[3], new double[3], new double[3], 128));
    }

    [Theory]
    [MemberData(nameof(Widths))]
    public void Half_orders_match_mpmath_on_the_dense_grid_and_the_scalar_kernel_to_a_few_ulp(int width)
    {
        var rows = ReferenceData.BoseGrid.GetProperty("points").EnumerateArray().ToArray();
        double[] x = rows.Select(r => ReferenceData.Number(r, "x")).ToArray();
        var f = HalfOrders(x, width);
        for (int i = 0; i < x.Length; i++)
        {
            Near.Relative(ReferenceData.Number(rows[i], "Half"), f.Scale[i] * f.G05[i], 1e-12, $"F_1/2({x[i]:R}) at {width} bits");
            Near.Relative(ReferenceData.Number(rows[i], "ThreeHalves"), f.Scale[i] * f.G15[i], 1e-12, $"F_3/2({x[i]:R}) at {width} bits");
            Near.Relative(ReferenceData.Number(rows[i], "FiveHalves"), f.Scale[i] * f.G25[i], 1e-12, $"F_5/2({x[i]:R}) at {width} bits");
            Near.Relative(ReferenceData.Number(rows[i], "SevenHalves"), f.Scale[i] * f.G35[i], 1e-12, $"F_7/2({x[i]:R}) at {width} bits");
        }

        var random = new Random(35);
        double[] r = Enumerable.Range(0, 999).Select(i => i % 2 == 0
            ? Math.Exp(random.NextDouble() * (Math.Log(700) - Math.Log(1e-12)) + Math.Log(1e-12))
            : BoseIntegrals.RegimeSwitch * (0.9 + 0.2 * random.NextDouble())).ToArray();
        var g = HalfOrders(r, width);
        for (int i = 0; i < r.Length; i++)
        {
            var reference = BoseIntegrals.Evaluate(r[i]);
            // Near the switch the half orders cancel as F_3/2 does (singular term ~ series): 40 ulp.
            UlpNear(reference.F05, g.Scale[i] * g.G05[i], $"F_1/2({r[i]:R})", 40);
            UlpNear(reference.F15, g.Scale[i] * g.G15[i], $"F_3/2({r[i]:R})", 40);
            UlpNear(reference.F25, g.Scale[i] * g.G25[i], $"F_5/2({r[i]:R})", 40);
            UlpNear(BoseIntegrals.SevenHalves(r[i]), g.Scale[i] * g.G35[i], $"F_7/2({r[i]:R})", 40);
        }
    }

    [Theory]
    [MemberData(nameof(Widths))]
    public void Asking_for_F_3half_changes_none_of_the_other_outputs(int width)
    {
        double[] x = Enumerable.Range(0, 203).Select(i => 1e-9 * Math.Pow(10, i * 0.06)).ToArray();
        var with = Evaluate(x, width);
        var without = (new double[x.Length], new double[x.Length], new double[x.Length], new double[x.Length]);
        BoseBatch.Evaluate(x, without.Item1, without.Item2, without.Item3, without.Item4, width);
        Assert.Equal(with.Scale, without.Item1);
        Assert.Equal(with.G1, without.Item2);
        Assert.Equal(with.G2, without.Item3);
        Assert.Equal(with.G3, without.Item4);
    }

    [Theory]
    [MemberData(nameof(Widths))]
    public void Both_order_sets_scale_alike_at_every_x(int width)
    {
        // The junction's gas and relaxation (GasRelaxationBatch) combine G_d of both sets under one scale.
        double[] x = Enumerable.Range(0, 403).Select(i => 1e-9 * Math.Pow(10, i * 0.03)).Append(BoseIntegrals.RegimeSwitch)
            .Append(Math.BitDecrement(BoseIntegrals.RegimeSwitch)).ToArray();
        Assert.Equal(Evaluate(x, width).Scale, HalfOrders(x, width).Scale);
    }

    private static (double[] Scale, double[] G05, double[] G15, double[] G25, double[] G35) HalfOrders(double[] x, int width)
    {
        var r = (new double[x.Length], new double[x.Length], new double[x.Length], new double[x.Length], new double[x.Length]);
        BoseBatch.EvaluateHalfOrders(x, r.Item1, r.Item2, r.Item3, r.Item4, r.Item5, width);
        return r;
    }

    private static (double[] Scale, double[] G1, double[] G2, double[] G3, double[] G15) Evaluate(double[] x, int width)
    {
        var r = (new double[x.Length], new double[x.Length], new double[x.Length], new double[x.Length], new double[x.Length]);
        BoseBatch.Evaluate(x, r.Item1, r.Item2, r.Item3, r.Item4, r.Item5, width);
        return r;
    }

    /// <summary>|actual − expected| within <paramref name="ulps"/> units in the last place of expected.</summary>
    private static void UlpNear(double expected, double actual, string what, int ulps = 8)
    {
        double ulp = Math.BitIncrement(Math.Abs(expected)) - Math.Abs(expected);
        Assert.True(Math.Abs(actual - expected) <= ulps * ulp,
            $"{what}: expected {expected:R}, got {actual:R}, {Math.Abs(actual - expected) / ulp:F1} ulp > {ulps}");
    }
}
