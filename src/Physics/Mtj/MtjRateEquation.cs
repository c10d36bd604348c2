using MathNet.Numerics.OdeSolvers;

namespace Sweep.Physics.Mtj;

/// <summary>
/// The island's magnon rate equation (PHYSICS.md §2, seed Eqs. 12–13 with P_L → −η P_L):
/// dN/dt = −α_p (N − N0) − α_e (N − N+) − η α_e P_L (N− + v N),
/// integrated in time from N = N0 to its steady state. This is the independent check of the
/// closed form N_s(v) = γ (N0 + Ñ) in <see cref="MtjJunction.AtBias"/>.
/// </summary>
public static class MtjRateEquation
{
    /// <summary>dN/dt at magnon number N and bias v.</summary>
    public static double Rate(in MtjJunction junction, in MagnonSources sources, double v, double magnonNumber)
    {
        double ae = junction.ElectronDamping, ap = junction.LatticeDamping;
        return -ap * (magnonNumber - junction.EquilibriumNumber)
               - ae * (magnonNumber - sources.Plus)
               - junction.Orientation * ae * junction.LeadPolarization * (sources.Minus + v * magnonNumber);
    }

    /// <summary>N(t → ∞) by fourth-order Runge–Kutta (MathNet) over 60 relaxation times.
    /// Only meaningful where the junction is stable at v (the relaxation rate is positive).</summary>
    public static double SteadyState(in MtjJunction junction, double v, int steps = 4000)
    {
        var sources = junction.Sources(v);
        double relaxationRate = (junction.LatticeDamping + junction.ElectronDamping) * (1 + v / junction.CriticalBias);
        if (!(relaxationRate > 0))
        {
            throw new ArgumentOutOfRangeException(nameof(v), v, "no steady state: 1 + v/V_c ≤ 0");
        }

        var copy = junction;
        double[] trajectory = RungeKutta.FourthOrder(junction.EquilibriumNumber, 0.0, 60.0 / relaxationRate, steps,
            (_, n) => Rate(copy, sources, v, n));
        return trajectory[^1];
    }
}
