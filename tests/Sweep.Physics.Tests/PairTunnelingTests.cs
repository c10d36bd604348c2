using MathNet.Numerics;
using Sweep.Physics.Models;
using Sweep.Physics.PairTunneling;

namespace Sweep.Physics.Tests;

/// <summary>Pair tunneling near the molecular BEC (PHYSICS.md §5) against mpmath and the seed's Fig. 2.</summary>
public class PairTunnelingTests
{
    private static readonly PairTunnelingModel Model = new();

    [Fact]
    public void Critical_temperature_is_0_218_T_F()
    {
        var reference = ReferenceData.More.GetProperty("pair_tunneling");
        Near.Relative(ReferenceData.Number(reference, "Tc_over_TF"), PairTunnelingModel.CriticalTemperature, 1e-14, "T_c/T_F");
        Assert.Equal(0.218, Math.Round(PairTunnelingModel.CriticalTemperature, 3));
    }

    /// <summary>The reference is in m = k_F = 1 units (E_F = 1/2, γ = 0.05); the model reports μ_B in
    /// units of E_F and takes γ in E_F, so γ = 0.1 and μ_B(reference) = μ_B(model)/2.</summary>
    [Fact]
    public void Every_reference_point_matches_to_1e8()
    {
        var reference = ReferenceData.More.GetProperty("pair_tunneling");
        int count = 0;
        foreach (var point in reference.GetProperty("points").EnumerateArray())
        {
            double t = ReferenceData.Number(point, "T_over_TF");
            var o = ModelHarness.Ok(Model, ("T", t), ("gamma", 0.1));
            Near.Relative(ReferenceData.Number(point, "mu_B"), o["mu_B"] * MolecularGas.FermiEnergy, 1e-8, $"μ_B at T = {t} T_F");
            Near.Relative(ReferenceData.Number(point, "G_over_S"), o["G_over_S"], 1e-8, $"G/S at T = {t} T_F");
            count++;
        }

        Assert.Equal(2, count);
    }

    [Fact]
    public void Momentum_integral_closed_form_equals_quadrature()
    {
        foreach (double e in new[] { 0.0, 0.01, 0.05, 0.3, 2.0 })
        {
            foreach (double width in new[] { 0.05, 0.3 })
            {
                double numeric = Integrate.DoubleExponential(u =>
                {
                    double eps = u / (1 - u);
                    double denominator = (eps - e) * (eps - e) + width * width;
                    return Math.Sqrt(eps) / (denominator * denominator) / ((1 - u) * (1 - u));
                }, 0, 1, 1e-14);
                Near.Relative(numeric, PairConductance.MomentumIntegral(e, width), 1e-9, $"Q({e}, γ = {width})");
            }
        }
    }

    [Fact]
    public void Chemical_potential_reproduces_the_molecule_density()
    {
        foreach (double t in new[] { 0.2181, 0.25, 0.5, 2, 50 })
        {
            double temperature = t * MolecularGas.FermiEnergy;
            double mu = MolecularGas.ChemicalPotential(temperature);
            Assert.True(mu < 0);
            double density = Math.Pow(temperature / Math.PI, 1.5) * Bose.BoseIntegrals.Evaluate(-mu / temperature).F15;
            Near.Relative(1 / (6 * Math.PI * Math.PI), density, 1e-13, $"n_M at T = {t} T_F");
        }
    }

    [Fact]
    public void G_over_S_grows_without_bound_towards_T_c_and_falls_below_one_at_high_T()
    {
        double previous = double.PositiveInfinity;
        double tc = PairTunnelingModel.CriticalTemperature;
        foreach (double excess in new[] { 1e-8, 1e-6, 1e-4, 1e-2, 0.1, 0.5, 1, 3 })
        {
            double ratio = ModelHarness.Ok(Model, ("T", tc + excess))["G_over_S"];
            Assert.True(ratio < previous, $"G/S must fall as T rises: {ratio} at T_c + {excess}");
            previous = ratio;
        }

        Assert.True(ModelHarness.Ok(Model, ("T", tc + 1e-8))["G_over_S"] > 1e4);
        Assert.True(ModelHarness.Ok(Model, ("T", 1))["G_over_S"] < 1);
        Assert.True(ModelHarness.Ok(Model, ("T", 30))["G_over_S"] < 0.3);
    }

    [Theory]
    [InlineData(0.218)]
    [InlineData(0.1)]
    [InlineData(1e-9)]
    public void At_or_below_T_c_the_point_is_critical_not_a_number(double t)
    {
        var (status, values) = ModelHarness.Run(Model, ("T", t));
        Assert.Equal(PointStatus.Critical, status);
        Assert.All(values.Values, v => Assert.True(double.IsNaN(v)));
        Assert.Contains("T_c", Model.Check([t, 0.1]).Message);
    }
}
