using Sweep.Physics.Bose;

namespace Sweep.Physics.PairTunneling;

/// <summary>
/// The ideal gas of tightly bound molecules (mass 2m) in the BEC limit (PHYSICS.md §5), in units
/// m = k_F = 1, so E_F = T_F = 1/2 and the total density is 1/(3π²). The molecular chemical
/// potential μ_B ≤ 0 solves n_M = 1/(6π²) = (T/π)^{3/2} F_{3/2}(−μ_B/T).
/// </summary>
public static class MolecularGas
{
    public const double FermiEnergy = 0.5;

    private const double Zeta32 = 2.6123753486854883433; // ζ(3/2) = F_{3/2}(0)
    private static readonly double MoleculeDensity = 1 / (6 * Math.PI * Math.PI);

    /// <summary>T_c = π (n_M/ζ(3/2))^{2/3}, where μ_B reaches 0: 0.2180 T_F.</summary>
    public static double CriticalTemperature { get; } = Math.PI * Math.Pow(MoleculeDensity / Zeta32, 2.0 / 3.0);

    /// <summary>μ_B at temperature <paramref name="temperature"/> &gt; T_c (absolute units, E_F = 1/2).</summary>
    public static double ChemicalPotential(double temperature)
    {
        if (!(temperature > CriticalTemperature) || double.IsPositiveInfinity(temperature))
        {
            throw new ArgumentOutOfRangeException(nameof(temperature), temperature, "μ_B < 0 needs T > T_c");
        }

        double target = MoleculeDensity * Math.Pow(Math.PI / temperature, 1.5); // F_{3/2}(y) at the root
        return -temperature * SolveFugacityExponent(target);
    }

    /// <summary>y &gt; 0 with F_{3/2}(y) = <paramref name="target"/> &lt; ζ(3/2). Newton in u = √y, where
    /// F_{3/2}(u²) ≈ ζ(3/2) − 2√π u is nearly linear near the transition, kept inside a bracket from
    /// e^{−y} ≤ F_{3/2}(y) ≤ e^{−y}/(1 − e^{−y}).</summary>
    private static double SolveFugacityExponent(double target)
    {
        double lo = Math.Sqrt(Math.Max(0, -Math.Log(target)));
        double hi = Math.Sqrt(Math.Log(1 + 1 / target));
        double u = 0.5 * (lo + hi);
        for (int iteration = 0; iteration < 200; iteration++)
        {
            var f = BoseIntegrals.Evaluate(u * u);
            double residual = f.F15 - target;
            if (residual > 0)
            {
                lo = u; // F decreases with u: the root lies above
            }
            else
            {
                hi = u;
            }

            double next = u + residual / (2 * u * f.F05); // d F_{3/2}(u²)/du = −2u F_{1/2}(u²)
            if (!(next > lo && next < hi))
            {
                next = 0.5 * (lo + hi);
            }

            if (Math.Abs(next - u) <= 1e-16 * u || hi - lo <= 1e-16 * hi)
            {
                return next * next;
            }

            u = next;
        }

        return u * u;
    }
}
