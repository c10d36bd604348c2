using Sweep.Physics.Bose;

namespace Sweep.Physics.Tests;

public class BoseIntegralTests
{
    private static readonly (string Name, double Order)[] Orders =
        [("Half", 0.5), ("One", 1), ("ThreeHalves", 1.5), ("Two", 2), ("FiveHalves", 2.5), ("Three", 3)];

    [Fact]
    public void Every_polylog_reference_entry_matches_to_1e12()
    {
        int count = 0;
        foreach (var entry in ReferenceData.Physics.GetProperty("polylog").EnumerateArray())
        {
            double d = ReferenceData.Number(entry, "d"), x = ReferenceData.Number(entry, "x");
            Near.Relative(ReferenceData.Number(entry, "value"), BoseIntegrals.Evaluate(x).F(d), 1e-12, $"F_{d}({x})");
            count++;
        }

        Assert.Equal(54, count);
    }

    [Fact]
    public void Dense_grid_from_1e12_to_700_matches_mpmath_to_1e12()
    {
        int count = 0;
        foreach (var row in ReferenceData.BoseGrid.GetProperty("points").EnumerateArray())
        {
            double x = ReferenceData.Number(row, "x");
            var f = BoseIntegrals.Evaluate(x);
            foreach (var (name, order) in Orders)
            {
                Near.Relative(ReferenceData.Number(row, name), f.F(order), 1e-12, $"F_{order}({x:R})");
            }

            count++;
        }

        Assert.True(count > 100, $"grid has {count} points");
    }

    [Fact]
    public void Seven_halves_matches_the_dense_grid_to_1e12_and_joins_its_regimes()
    {
        foreach (var row in ReferenceData.BoseGrid.GetProperty("points").EnumerateArray())
        {
            double x = ReferenceData.Number(row, "x");
            Near.Relative(ReferenceData.Number(row, "SevenHalves"), BoseIntegrals.SevenHalves(x), 1e-12, $"F_7/2({x:R})");
        }

        Near.Relative(BoseIntegrals.SevenHalves(BoseIntegrals.RegimeSwitch),
            BoseIntegrals.SevenHalves(Math.BitDecrement(BoseIntegrals.RegimeSwitch)), 1e-14, "F_7/2 across the switch");
        Assert.Equal(0.0, BoseIntegrals.SevenHalves(800));
        Assert.Throws<ArgumentOutOfRangeException>(() => BoseIntegrals.SevenHalves(0));
    }

    [Theory]
    [InlineData(1e-12)]
    [InlineData(0.3)]
    [InlineData(1.4999)]
    [InlineData(1.5)]
    [InlineData(7)]
    [InlineData(650)]
    public void Scaled_integrals_are_F_times_exp_x(double x)
    {
        var f = BoseIntegrals.Evaluate(x);
        Near.Relative(Math.Exp(-x), f.Weight, 1e-15, "weight");
        foreach (var (_, order) in Orders)
        {
            Near.Relative(f.F(order), f.Weight * Scaled(f, order), 1e-14, $"G_{order}");
        }
    }

    [Fact]
    public void Both_regimes_agree_at_the_switch()
    {
        double below = Math.BitDecrement(BoseIntegrals.RegimeSwitch);
        var a = BoseIntegrals.Evaluate(below);
        var b = BoseIntegrals.Evaluate(BoseIntegrals.RegimeSwitch);
        foreach (var (_, order) in Orders)
        {
            // F_5/2 near x = 1.5 sums terms ~20× its value, so a few 1e-15 is the expected rounding.
            Near.Relative(a.F(order), b.F(order), 1e-14, $"F_{order} across the switch");
        }
    }

    [Fact]
    public void Underflow_gives_zero_not_NaN_and_scaled_values_stay_exact()
    {
        var f = BoseIntegrals.Evaluate(800);
        foreach (var (_, order) in Orders)
        {
            Assert.Equal(0.0, f.F(order));
            Near.Relative(1.0, Scaled(f, order), 1e-15, "G_d → 1 as x → ∞");
        }

        Assert.Throws<ArgumentOutOfRangeException>(() => BoseIntegrals.Evaluate(0));
        Assert.Throws<ArgumentOutOfRangeException>(() => BoseIntegrals.Evaluate(double.NaN));
    }

    [Theory]
    [InlineData(1e-10)]
    [InlineData(1e-6)]
    public void Small_x_limits(double x)
    {
        var f = BoseIntegrals.Evaluate(x);
        Near.Relative(Math.Sqrt(Math.PI / x), f.F05, 2 * Math.Sqrt(x), "F_1/2 ≈ Γ(1/2) x^{-1/2}");
        Near.Relative(-Math.Log(x), f.F1, 2 * x, "F_1 ≈ −ln x");
        Near.Relative(Math.PI * Math.PI / 6, f.F2, 10 * x * Math.Log(1 / x), "F_2 → ζ(2)");
        Near.Relative(1.2020569031595942, f.F3, 2 * x, "F_3 → ζ(3)");
    }

    [Theory]
    [InlineData(40)]
    [InlineData(100)]
    [InlineData(600)]
    public void Large_x_limit_is_exp_minus_x(double x)
    {
        var f = BoseIntegrals.Evaluate(x);
        foreach (var (_, order) in Orders)
        {
            Near.Relative(Math.Exp(-x), f.F(order), 2 * Math.Exp(-x), $"F_{order} ≈ e^-x");
        }
    }

    /// <summary>dF_d/dx = −F_{d−1}: the central difference converges with order 2 to it.</summary>
    [Theory]
    [InlineData(0.2)]
    [InlineData(1.2)]
    [InlineData(3.0)]
    public void Derivative_identity_with_second_order_convergence(double x)
    {
        var exact = BoseIntegrals.Evaluate(x);
        double Error(double step)
        {
            double derivative = (BoseIntegrals.Evaluate(x + step).F3 - BoseIntegrals.Evaluate(x - step).F3) / (2 * step);
            return Math.Abs(derivative + exact.F2);
        }

        double coarse = Error(1e-2), fine = Error(5e-3);
        double order = Math.Log2(coarse / fine);
        Assert.InRange(order, 1.9, 2.1);
        Assert.True(Error(1e-5) < 1e-9 * exact.F2, "dF3/dx = −F2");
    }

    private static double Scaled(BoseIntegralSet f, double order) => order switch
    {
        0.5 => f.G05,
        1.0 => f.G1,
        1.5 => f.G15,
        2.0 => f.G2,
        2.5 => f.G25,
        _ => f.G3,
    };
}
