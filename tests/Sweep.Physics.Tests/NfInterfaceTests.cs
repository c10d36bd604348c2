using MathNet.Numerics;
using Sweep.Physics.Bose;
using Sweep.Physics.Interface;
using Sweep.Physics.Models;

namespace Sweep.Physics.Tests;

/// <summary>The N/F interface (PHYSICS.md §3) against mpmath, its Onsager relation, quadrature of
/// the defining integrals, and its limits.</summary>
public class NfInterfaceTests
{
    private static readonly NfInterfaceModel Model = new();

    /// <summary>The reference uses g_r/(πs) = 1 and gives D: J_T = J, S = D, J = 1 reproduces it.</summary>
    [Fact]
    public void Every_reference_entry_matches_to_1e8()
    {
        int count = 0;
        foreach (var entry in ReferenceData.More.GetProperty("nf_interface").EnumerateArray())
        {
            double h = ReferenceData.Number(entry, "h"), t = ReferenceData.Number(entry, "T"), d = ReferenceData.Number(entry, "D");
            var o = ModelHarness.Ok(Model, ("h", h), ("T", t), ("J_T", 1), ("S", d), ("J", 1));
            foreach (var name in new[] { "g_s", "S_s", "kappa_s", "Pi_s", "n_th" })
            {
                Near.Relative(ReferenceData.Number(entry, name), o[name], 1e-8, $"{name} at h={h}, T={t}, D={d}");
            }

            count++;
        }

        Assert.Equal(2, count);
    }

    [Theory]
    [InlineData(1e-6, 0.1)]
    [InlineData(0.1, 0.5)]
    [InlineData(3, 0.2)]
    [InlineData(50, 1)]
    public void Onsager_Pi_equals_T_times_S(double h, double t)
    {
        var o = ModelHarness.Ok(Model, ("h", h), ("T", t), ("J_T", 0.3), ("S", 2));
        Near.Relative(t * o["S_s"], o["Pi_s"], 1e-14, "Π_s = T S_s");
    }

    /// <summary>The closed forms against adaptive quadrature of the defining integrals (the oracle).</summary>
    [Theory]
    [InlineData(0.05, 0.5, 1.0)]
    [InlineData(1.0, 0.3, 2.0)]
    [InlineData(2.0, 0.1, 0.7)]
    public void Closed_forms_equal_quadrature_of_the_defining_integrals(double h, double t, double d)
    {
        var o = ModelHarness.Ok(Model, ("h", h), ("T", t), ("J_T", 1), ("S", d), ("J", 1));
        double Integral(int power, double temperaturePower) => Integrate.DoubleExponential(u =>
        {
            double eps = u / (1 - u);             // ε ∈ [0, ∞) from u ∈ [0, 1)
            double jacobian = 1 / ((1 - u) * (1 - u));
            double energy = eps + h;
            double n = 1 / (Math.Exp(energy / t) - 1);
            double dos = Math.Sqrt(eps) / (4 * Math.PI * Math.PI * Math.Pow(d, 1.5));
            return jacobian * dos * Math.Pow(energy, power) * n * (1 + n) / Math.Pow(t, temperaturePower);
        }, 0, 1, 1e-14);

        Near.Relative(Integral(1, 1), o["g_s"], 1e-9, "g_s");
        Near.Relative(Integral(2, 2), o["S_s"], 1e-9, "S_s");
        Near.Relative(Integral(3, 2), o["kappa_s"], 1e-9, "κ_s");
        Near.Relative(Integral(2, 1), o["Pi_s"], 1e-9, "Π_s");
    }

    [Fact]
    public void Mixing_conductances_get_the_thermal_corrections_and_scale_with_J_T_squared()
    {
        var a = ModelHarness.Ok(Model, ("h", 0.2), ("T", 0.5), ("J_T", 0.1), ("S", 1.5), ("J", 2), ("gi_over_gr", 0.25));
        var b = ModelHarness.Ok(Model, ("h", 0.2), ("T", 0.5), ("J_T", 0.2), ("S", 1.5), ("J", 2), ("gi_over_gr", 0.25));
        double gr = Math.PI * 1.5 * 0.05 * 0.05; // π s (J_T/J)²
        Near.Relative((1 - 2 * a["n_th"] / 1.5) * gr, a["g_r_eff"], 1e-14, "g̃_r");
        Near.Relative((1 - a["n_th"] / 1.5) * 0.25 * gr, a["g_i_eff"], 1e-14, "g̃_i");
        foreach (var name in new[] { "g_s", "S_s", "kappa_s", "g_r_eff" })
        {
            Near.Relative(4 * a[name], b[name], 1e-14, $"{name} ∝ J_T²");
        }

        Near.Relative(a["n_th"], b["n_th"], 0, "n_th does not depend on the contact");
    }

    /// <summary>x → ∞: every F_d → e^{−x}, so g_s → P√π e^{−x}(x/2 + 3/4) and κ_s/(T S_s) → x (energy per magnon ≈ h).</summary>
    [Fact]
    public void Activated_limit_at_large_gap()
    {
        double h = 40, t = 1;
        var o = ModelHarness.Ok(Model, ("h", h), ("T", t), ("J_T", 1), ("S", 1));
        double prefactor = 1 / (4 * Math.PI * Math.PI) * Math.Sqrt(Math.PI) * Math.Exp(-h / t);
        Near.Relative(prefactor * (h / 2 + 0.75), o["g_s"], 2e-2, "g_s activated");
        Near.Relative(h, o["kappa_s"] / (t * o["S_s"]), 0.05, "κ_s/(T S_s) → x");
        Assert.True(o["g_r_eff"] > 0 && o["n_th"] < 1e-15);
    }

    [Fact]
    public void Gapless_limit_is_finite_and_h_zero_is_critical()
    {
        var near = ModelHarness.Ok(Model, ("h", 1e-12), ("T", 1), ("J_T", 1), ("S", 1));
        // x → 0: g_s → P Γ(5/2) ζ(3/2) with P = 1/(4π²) at T = D = 1.
        Near.Relative(0.75 * Math.Sqrt(Math.PI) * 2.6123753486854883 / (4 * Math.PI * Math.PI), near["g_s"], 1e-5, "g_s(x → 0)");
        var (status, values) = ModelHarness.Run(Model, ("h", 0), ("T", 1), ("J_T", 1), ("S", 1));
        Assert.Equal(PointStatus.Critical, status);
        Assert.All(values.Values, v => Assert.True(double.IsNaN(v)));
    }

    [Fact]
    public void A_dense_magnon_gas_is_outside_with_a_message()
    {
        double[] point = [0.01, 100, 1, 0.5, 1, 0.1]; // T ≫ J S: n_th ≫ s/2
        var check = Model.Check(point);
        Assert.Equal(PointStatus.Outside, check.Status);
        Assert.Contains("n_th", check.Message);
        var results = Model.CreateResults(1);
        Model.Evaluate(PointBatch.Single(point), results);
        Assert.Equal(PointStatus.Outside, results.Status[0]);
        Assert.True(double.IsNaN(results.Columns[0][0]));
    }

    [Fact]
    public void The_batch_path_equals_the_scalar_composition_point_by_point()
    {
        // h/T across both regimes and the switch, S soft enough that some points are outside.
        var random = new Random(33);
        int n = 517;
        var columns = Enumerable.Range(0, Model.Parameters.Count).Select(_ => new double[n]).ToArray();
        for (int i = 0; i < n; i++)
        {
            double t = 0.01 + 20 * random.NextDouble();
            double x = Math.Exp(Math.Log(1e-9) + random.NextDouble() * (Math.Log(600) - Math.Log(1e-9)));
            columns[0][i] = i % 40 == 3 ? 0.0 : Math.Min(x * t, 1e4);
            columns[1][i] = t;
            columns[2][i] = 0.05 + random.NextDouble();
            columns[3][i] = i % 3 == 0 ? 0.5 : 5.0;
            columns[4][i] = 1.0;
            columns[5][i] = 0.1;
        }

        var results = Model.CreateResults(n);
        Model.Evaluate(new PointBatch(columns, n), results);
        Assert.Contains(PointStatus.Outside, results.Status);
        Assert.Contains(PointStatus.Critical, results.Status);
        Assert.True(results.Status.Count(st => st == PointStatus.Ok) > 200, "most points are evaluated");
        for (int i = 0; i < n; i++)
        {
            double[] point = Enumerable.Range(0, columns.Length).Select(p => columns[p][i]).ToArray();
            var check = Model.Check(point);
            Assert.Equal(check.Status, results.Status[i]);
            if (!check.IsOk)
            {
                continue;
            }

            double h = point[0], t = point[1], s = point[3], ratio = point[2] / point[4];
            var expected = InterfaceTransport.Compute(BoseIntegrals.Evaluate(h / t), BoseIntegrals.SevenHalves(h / t), t, point[4] * s,
                ratio * ratio, s, Math.PI * s * ratio * ratio, 0.1 * Math.PI * s * ratio * ratio);
            double[] values = [expected.SpinConductance, expected.SpinSeebeck, expected.ThermalConductance, expected.SpinPeltier,
                expected.ThermalMagnons, expected.EffectiveMixingReal, expected.EffectiveMixingImaginary];
            for (int o = 0; o < values.Length; o++)
            {
                Near.Relative(values[o], results.Columns[o][i], 1e-13, $"{Model.Observables[o].Name} at h = {h:R}, T = {t:R}");
            }
        }
    }
}
