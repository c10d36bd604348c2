using Sweep.Physics.Models;
using Sweep.Physics.Mtj;

namespace Sweep.Physics.Tests;

/// <summary>PHYSICS.md §2: reference values, the dI/dV decomposition, limits and the rate equation.</summary>
public class MtjTests
{
    private static readonly MtjModel Model = new();

    private static MtjJunction Junction(double t, double s = 100, double alphaP = 0.05, double g0 = 2000, double p = 0.2, double pl = 0.2, double eta = -1) =>
        MtjJunction.Create(1.0, t, s, alphaP, p, pl, eta, g0);

    [Fact]
    public void Every_mtj_reference_entry_matches_to_1e10()
    {
        int count = 0;
        foreach (var e in ReferenceData.Physics.GetProperty("mtj").EnumerateArray())
        {
            double h = 0.37; // any gap: the reference is in reduced units, V = v h and T = t h
            var o = ModelHarness.Ok(Model, ("h", h), ("T", Num(e, "t") * h), ("S", Num(e, "S")), ("alpha_p", Num(e, "alpha_p")),
                ("J_T", Num(e, "P")), ("P_L", Num(e, "P_L")), ("eta", Num(e, "eta")), ("G0_over_Gphi", Num(e, "G0_over_Gphi")), ("V", Num(e, "v") * h));
            foreach (string name in new[] { "Gamma", "alpha_e", "Vc", "N0", "Ns", "i", "dIdV" })
            {
                Near.Relative(Num(e, name), o[name], 1e-10, $"{name} at v={Num(e, "v")}, t={Num(e, "t")}");
            }

            Assert.True(e.GetProperty("stable").GetBoolean());
            count++;
        }

        Assert.Equal(4, count);
    }

    [Theory]
    [InlineData(0.5, 1.0, -1)]
    [InlineData(2.0, 0.25, 1)]
    [InlineData(-3.0, 0.6, -1)]
    [InlineData(0.8, 0.0, 1)]
    public void DIdV_is_the_derivative_of_i_and_splits_into_el_MAT_STT(double v, double t, double eta)
    {
        var j = Junction(t, eta: eta);
        var b = j.AtBias(v);
        Near.Relative(b.ElasticConductance + b.MagnonAssistedConductance + b.SpinTransferConductance, b.DifferentialConductance, 1e-15, "dI/dV = G_el + G_MAT + G_STT");

        double step = 1e-5;
        double numeric = (j.AtBias(v + step).Current - j.AtBias(v - step).Current) / (2 * step);
        Near.Relative(numeric, b.DifferentialConductance, 1e-8, "dI/dV = ∂i/∂v");
        double slope = (j.AtBias(v + step).MagnonNumber - j.AtBias(v - step).MagnonNumber) / (2 * step);
        Near.Relative(slope, b.MagnonNumberSlope, 1e-7, "dN_s/dv");
    }

    [Theory]
    [InlineData(0.5, 1.0)]
    [InlineData(1.7, 0.3)]
    public void R_ratio_matches_second_differences(double v, double t)
    {
        var j = Junction(t);
        double step = 1e-4;
        double gStt(double x) => j.AtBias(x).SpinTransferConductance;
        double gMat(double x) => j.AtBias(x).MagnonAssistedConductance;
        double expected = (gStt(v + step) - gStt(v - step)) / (gMat(v + step) - gMat(v - step));
        Near.Relative(expected, j.AtBias(v).SttToMatRatio, 1e-6, "r = ∂_v G_STT/∂_v G_MAT");
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(0.4)]
    [InlineData(3.0)]
    public void Detailed_balance_at_zero_bias(double t)
    {
        var j = Junction(t);
        var b = j.AtBias(0);
        Assert.Equal(j.EquilibriumNumber, b.MagnonNumber, 14);
        Assert.Equal(0.0, b.Current, 15);
        Near.Relative(1 / b.DifferentialConductance, b.Resistance, 1e-15, "R(0) = 1/(dI/dV)(0)");
    }

    [Theory]
    [InlineData(1.0, 1.0)]
    [InlineData(1.5, -1.0)]
    public void Resistance_at_zero_bias_is_the_inverse_conductance_when_the_current_rounds_off_zero(double t, double eta)
    {
        // Seed 004 Fig. 4's junction: i(0) evaluates to ~1e-22 instead of 0, and v/i gave R(0) = 0.
        var b = Junction(t, s: 24485.4, eta: eta).AtBias(0);
        Near.Relative(1 / b.DifferentialConductance, b.Resistance, 1e-15, "R(0) = 1/(dI/dV)(0)");
    }

    [Fact]
    public void Large_spin_gives_the_linear_junction()
    {
        foreach (double eta in new[] { -1.0, 1.0 })
        {
            var j = Junction(0.7, s: 1e13, eta: eta);
            double gm = 2 * 0.2 * 0.2 / 1.04;
            foreach (double v in new[] { -2.0, 0.3, 1.5 })
            {
                Near.Relative((1 + eta * gm) * v, j.AtBias(v).Current, 1e-9, $"i = (1 + η Gm/G0) v at η={eta}");
            }
        }
    }

    [Fact]
    public void Flat_below_the_gap_at_zero_temperature()
    {
        var j = Junction(0.0);
        double g = j.AtBias(0.1).DifferentialConductance;
        foreach (double v in new[] { -0.99, -0.5, 0.0, 0.5, 0.99 })
        {
            var b = j.AtBias(v);
            Assert.Equal(0.0, b.MagnonNumber);
            Assert.Equal(0.0, b.MagnonAssistedConductance);
            Assert.Equal(g, b.DifferentialConductance, 15);
            Near.Relative(g * v, b.Current, 1e-15, "i linear in v for |v| < 1");
        }

        Assert.True(j.AtBias(1.5).MagnonNumber > 0, "magnons are emitted above the gap");
    }

    [Theory]
    [InlineData(0.5, 1.0, -1)]
    [InlineData(2.0, 0.25, 1)]
    [InlineData(-3.0, 0.0, -1)]
    [InlineData(1.5, 4.0, 1)]
    public void Closed_form_steady_state_equals_the_integrated_rate_equation(double v, double t, double eta)
    {
        var j = Junction(t, eta: eta);
        double integrated = MtjRateEquation.SteadyState(j, v);
        Near.Relative(integrated, j.AtBias(v).MagnonNumber, 1e-10, "N_s closed form vs RK4 steady state");
        Assert.Equal(0.0, MtjRateEquation.Rate(j, j.Sources(v), v, j.AtBias(v).MagnonNumber), 12);
    }

    [Fact]
    public void Swasing_beyond_the_critical_bias_is_flagged_unstable()
    {
        var j = Junction(0.5, eta: 1);
        Assert.True(j.CriticalBias > 0);
        Assert.True(j.IsStable(j.CriticalBias * 0.99 * -1));
        foreach (double v in new[] { -j.CriticalBias, -1.5 * j.CriticalBias })
        {
            var (status, o) = ModelHarness.Run(Model, ("h", 1), ("T", 0.5), ("S", 100), ("alpha_p", 0.05), ("J_T", 0.2), ("eta", 1), ("V", v));
            Assert.Equal(PointStatus.Unstable, status);
            Assert.All(o.Values, x => Assert.True(double.IsNaN(x)));
        }
    }

    [Theory]
    [InlineData(0.4, 1.0, 100.0)]     // the closed form and the Bernoulli series (|u| < 0.5 near v = ±1)
    [InlineData(0.0, 1.0, 100.0)]     // zero temperature: the kinks at v = ±1
    [InlineData(1e-3, 1.0, 100.0)]    // saturated occupations (|u| > 700 beyond |v − 1| > 0.7)
    [InlineData(30.0, -1.0, 100.0)]   // hot, antiparallel
    [InlineData(3.0, 1.0, 40.0)]      // dense enough that part of the grid is Outside (N_s ≥ S/10)
    public void Bias_vectors_equal_the_scalar_kernel_to_a_few_ulp_with_the_same_statuses(double t, double eta, double spin)
    {
        // A grid whose length is no multiple of the vector width (the remainder takes the scalar path),
        // through v = 0 (the resistance's expansion), the kinks and past the swasing threshold.
        double[] grid = Enumerable.Range(0, 403).Select(k => -9 + 18 * k / 402.0).ToArray();
        double[] point = [0.8, 0.8 * t, spin, 0.05, 0.2, 0.2, eta, 2000, 0];
        var batch = new PointBatch(point.Select(p => new[] { p }).ToArray(), 1, grid);
        var results = Model.CreateResults(batch.ResultCount);
        Model.Evaluate(batch, results);

        var seen = new HashSet<PointStatus>();
        for (int k = 0; k < grid.Length; k++)
        {
            point[8] = grid[k];
            var single = Model.CreateResults(1);
            Model.Evaluate(PointBatch.Single(point), single);
            Assert.Equal(single.Status[0], results.Status[k]);
            seen.Add(single.Status[0]);
            for (int o = 0; o < Model.Observables.Count; o++)
            {
                double expected = single.Columns[o][0], actual = results.Columns[o][k];
                if (double.IsNaN(expected))
                {
                    Assert.True(double.IsNaN(actual), $"{Model.Observables[o].Name} at V = {grid[k]}: NaN expected, got {actual:R}");
                    continue;
                }

                // The vector exp is within 2 ulp of Math.Exp; sums that cancel (i near v = 0, r) carry it further.
                Assert.True(Math.Abs(actual - expected) <= 1e-13 * Math.Abs(expected) + 1e-300,
                    $"{Model.Observables[o].Name} at V = {grid[k]}, t = {t}: scalar {expected:R}, vector {actual:R}");
            }
        }

        Assert.Contains(PointStatus.Ok, seen);
        Assert.Contains(PointStatus.Unstable, seen); // the grid crosses the swasing threshold
    }

    [Fact]
    public void Two_points_on_a_bias_grid_are_laid_out_point_major_and_equal_point_by_point_evaluation()
    {
        double[] grid = Enumerable.Range(0, 201).Select(k => -6 + 12 * k / 200.0).ToArray();
        double[] point = [0.8, 0.4, 100, 0.05, 0.2, 0.2, 1, 2000, 0];
        var batch = new PointBatch(point.Select(p => new[] { p, p }).ToArray(), 2, grid);
        var results = Model.CreateResults(batch.ResultCount);
        Model.Evaluate(batch, results);

        int unstable = 0;
        for (int k = 0; k < grid.Length; k++)
        {
            point[8] = grid[k];
            var single = Model.CreateResults(1);
            Model.Evaluate(PointBatch.Single(point), single);
            Assert.Equal(single.Status[0], results.Status[k]);
            Assert.Equal(single.Status[0], results.Status[grid.Length + k]);
            unstable += single.Status[0] == PointStatus.Unstable ? 1 : 0;
            for (int o = 0; o < Model.Observables.Count; o++)
            {
                // Both points bitwise alike; against the scalar kernel to the vector exp's few ulp.
                Assert.Equal(BitConverter.DoubleToInt64Bits(results.Columns[o][k]), BitConverter.DoubleToInt64Bits(results.Columns[o][grid.Length + k]));
                double expected = single.Columns[o][0];
                Assert.Equal(expected, results.Columns[o][k], double.IsNaN(expected) ? 0 : 1e-13 * Math.Abs(expected));
            }
        }

        Assert.InRange(unstable, 1, 200); // the grid crosses the swasing threshold
    }

    private static double Num(System.Text.Json.JsonElement e, string name) => ReferenceData.Number(e, name);
}
