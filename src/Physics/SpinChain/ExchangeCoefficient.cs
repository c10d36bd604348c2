namespace Sweep.Physics.SpinChain;

/// <summary>
/// The finite-temperature exchange coefficient α(T) = 2ε(T)/L of N spinless fermions in a box of
/// length L (ħ = m = 1; PHYSICS.md §4, seed 002 Eq. 3), ε(T) the canonical mean energy over the
/// levels e_n = π² n²/(2L²).
/// <para>The canonical sums are built level by level: adding level m to the first m − 1 levels,
/// Z_n ← Z_n + e^{−β e_m} Z_{n−1}. Every quantity is kept relative to the n-particle ground state
/// S_n = e_1 + … + e_n, z_n = Z_n e^{β S_n}, so the added weight is e^{−β(e_m − e_n)} ≤ 1 (m &gt; n):
/// all terms are positive and bounded — no alternating-sign cancellation as in the textbook
/// recursion over k-fold traces, no underflow at low T — and the excess energy is summed
/// directly, y_n = Σ (E − S_n) e^{−β(E − S_n)}, so α(T) − α₁ keeps full relative precision.
/// The level loop stops once e^{−β(e_m − e_N)} and the energies it weights fall below 1e-18 of the sums.</para>
/// </summary>
public static class ExchangeCoefficient
{
    private const double Negligible = 1e-18;

    /// <summary>α(T) for <paramref name="particles"/> fermions in a box of <paramref name="length"/> at temperature T ≥ 0.</summary>
    public static double Alpha(int particles, double length, double temperature) =>
        2 * MeanEnergy(particles, length, temperature) / length;

    /// <summary>ε(T): the canonical mean energy.</summary>
    public static double MeanEnergy(int particles, double length, double temperature)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(particles, 1);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(length);
        if (!(temperature >= 0) || double.IsPositiveInfinity(temperature))
        {
            throw new ArgumentOutOfRangeException(nameof(temperature), temperature, "needs a finite T ≥ 0");
        }

        double unit = Math.PI * Math.PI / (2 * length * length); // e_n = unit · n²
        double ground = unit * particles * (particles + 1) * (2 * particles + 1) / 6.0; // S_N = Σ e_n
        // Below e^{-745} of the lowest excitation e_{N+1} − e_N the excess energy is zero in double
        // precision; it also keeps β = 1/T finite (T = 5e-324 gives β = ∞ and NaN weights: found
        // by the eval fuzzer as a point that never finished).
        double beta = 1 / temperature;
        return temperature == 0 || !(beta * unit * (2 * particles + 1) <= 745) ? ground : ground + ExcessEnergy(particles, unit, beta);
    }

    /// <summary>⟨E − S_N⟩ by the level-by-level recursion (see the type's remarks).</summary>
    private static double ExcessEnergy(int particles, double unit, double beta)
    {
        // z[n], y[n] over the levels added so far; z[0] = 1, y[0] = 0 (the empty state).
        var z = new double[particles + 1];
        var y = new double[particles + 1];
        var scale = new int[particles + 1]; // z_n, y_n are stored divided by 2^scale[n]
        z[0] = 1;
        for (int m = 1; ; m++)
        {
            double em = unit * m * m;
            // Descending n so that z[n − 1], y[n − 1] still hold the sums without level m.
            for (int n = Math.Min(m, particles); n >= 1; n--)
            {
                double gap = em - unit * n * n;             // e_m − e_n ≥ 0
                double w = Math.ScaleB(Math.Exp(-beta * gap), scale[n - 1] - scale[n]);
                y[n] += w * (y[n - 1] + gap * z[n - 1]);
                z[n] += w * z[n - 1];
                // z_n counts thermally accessible states and overflows for large N T: keep a
                // binary exponent per n (y_n shares it, so y_N/z_N is untouched).
                if (z[n] > 1e150)
                {
                    z[n] = Math.ScaleB(z[n], -498);
                    y[n] = Math.ScaleB(y[n], -498);
                    scale[n] += 498;
                }
            }

            if (m > particles)
            {
                double gapToTop = em - unit * particles * particles;
                double weight = Math.Exp(-beta * gapToTop) * (1 + beta * gapToTop);
                if (!(weight >= Negligible)) // also ends on NaN
                {
                    return y[particles] / z[particles];
                }
            }
        }
    }
}
