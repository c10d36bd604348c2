using MathNet.Numerics;
using Sweep.Physics.Models;
using Sweep.Physics.SpinChain;

namespace Sweep.Physics.Tests;

/// <summary>The spin chain in the seed's own normalization (units = 1: hopping J0/2, PHYSICS.md §4).</summary>
public class SeedNormalizationTests
{
    private static readonly SpinChainModel Model = new();

    /// <summary>Seed Eq. 7: ⟨S↓_{i0+d}(t)⟩ = J_d(J0 t)² at ΔT = 0, through the model itself (N = 9, before
    /// the wave reaches the edges: the reflection off an edge four sites away enters at order
    /// J_8(J0 t) J_d(J0 t) &lt; 1e-7 for J0 t ≤ 1, |d| ≤ 1; the law itself is tested to 1e-10 on a 201-site chain).</summary>
    [Fact]
    public void Seed_units_reproduce_the_Bessel_law_of_Eq_7()
    {
        foreach (double t in new[] { 0.25, 0.5, 1.0 })
        {
            for (int d = -1; d <= 1; d++)
            {
                var seed = ModelHarness.Ok(Model, ("N", 9), ("T2", 0), ("gamma", 0), ("site_offset", d), ("units", 1), ("t", t));
                double bessel = SpecialFunctions.BesselJ(Math.Abs(d), t);
                Assert.True(Math.Abs(bessel * bessel - seed["impurity"]) < 1e-6, $"seed units, d = {d}, t = {t}: {seed["impurity"]} vs {bessel * bessel}");
                double twice = SpecialFunctions.BesselJ(Math.Abs(d), 2 * (t / 2));
                var half = ModelHarness.Ok(Model, ("N", 9), ("T2", 0), ("gamma", 0), ("site_offset", d), ("units", 0), ("t", t / 2));
                Assert.True(Math.Abs(twice * twice - half["impurity"]) < 1e-6, $"Eq. 3 as written at t/2: J_d(2 J0 t/2)², d = {d}");
                Assert.Equal(seed["impurity"], half["impurity"], 1e-12);
            }
        }
    }

    /// <summary>Seed units rescale time and the rates together: the open chain at (t, γ, γ_I) in seed
    /// units is Eq. 3 at (t/2, 2γ, 2γ_I).</summary>
    [Fact]
    public void Seed_units_rescale_time_and_rates_together()
    {
        (string, double)[] Common(double units, double t, double gamma, double pump) =>
            [("N", 5), ("T2", 1.5), ("profile", 1), ("gamma", gamma), ("gamma_I", pump), ("units", units), ("t", t)];
        var seed = ModelHarness.Ok(Model, Common(1, 3, 3.102, 0.62));
        var asWritten = ModelHarness.Ok(Model, Common(0, 1.5, 6.204, 1.24));
        foreach (string name in new[] { "j", "m", "j_steady", "m_steady", "impurity" })
        {
            Assert.True(Math.Abs(seed[name] - asWritten[name]) <= 1e-9 * Math.Max(1, Math.Abs(seed[name])), $"{name}: {seed[name]} vs {asWritten[name]}");
        }

        Assert.True(Math.Abs(seed["j"] - ModelHarness.Ok(Model, Common(0, 3, 3.102, 0.62))["j"]) > 1e-6, "the normalization matters");
    }
}
