namespace Sweep.Physics.Bose;

/// <summary>
/// Bose integrals F_d(x) = Li_d(e^{−x}) = Σ_{k≥1} e^{−kx}/k^d for the six orders the models need,
/// computed together at one x (PHYSICS.md §0). Relative error ≤ 1e-12 on x ∈ [1e-12, 700]
/// (tested against mpmath on a dense grid); beyond, F_d underflows to 0 and G_d stays exact.
/// <para>Written by hand: MathNet.Numerics has no polylogarithm.</para>
/// </summary>
public static class BoseIntegrals
{
    /// <summary>Below this x the expansion around x = 0 is used, above it the series in e^{−x}.
    /// At the switch both need about the same number of terms (~27).</summary>
    internal const double RegimeSwitch = 1.5;

    /// <summary>Series terms needed for e^{−Kx} &lt; 1e-17, i.e. K ≥ 39.2/x.</summary>
    private const double SeriesTermScale = 39.2;
    private const int MaxSeriesTerms = 28;

    private static readonly double SqrtPi = Math.Sqrt(Math.PI);

    // k^{−d} for k = 1 … MaxSeriesTerms, one table per order.
    private static readonly double[] InvPow05 = InversePowers(0.5);
    private static readonly double[] InvPow1 = InversePowers(1.0);
    private static readonly double[] InvPow15 = InversePowers(1.5);
    private static readonly double[] InvPow2 = InversePowers(2.0);
    private static readonly double[] InvPow25 = InversePowers(2.5);
    private static readonly double[] InvPow3 = InversePowers(3.0);

    /// <summary>All six F_d at x &gt; 0.</summary>
    public static BoseIntegralSet Evaluate(double x)
    {
        if (!(x > 0) || double.IsPositiveInfinity(x))
        {
            throw new ArgumentOutOfRangeException(nameof(x), x, "Bose integrals need a finite x = h/T > 0.");
        }

        return x < RegimeSwitch ? NearCriticalPoint(x) : ExponentialSeries(x);
    }

    /// <summary>Li_s(e^μ) = Γ(1−s)(−μ)^{s−1} + Σ_k ζ(s−k) μ^k/k!, with the logarithmic terms for
    /// integer s (PHYSICS.md §0); converges for x &lt; 2π.</summary>
    private static BoseIntegralSet NearCriticalPoint(double x)
    {
        var c05 = BoseExpansionTables.Half;
        var c1 = BoseExpansionTables.One;
        var c15 = BoseExpansionTables.ThreeHalves;
        var c2 = BoseExpansionTables.Two;
        var c25 = BoseExpansionTables.FiveHalves;
        var c3 = BoseExpansionTables.Three;

        // Horner for all six polynomials in one pass (independent chains pipeline well).
        int last = c05.Length - 1;
        double p05 = c05[last], p1 = c1[last], p15 = c15[last], p2 = c2[last], p25 = c25[last], p3 = c3[last];
        for (int k = last - 1; k >= 0; k--)
        {
            p05 = Math.FusedMultiplyAdd(p05, x, c05[k]);
            p1 = Math.FusedMultiplyAdd(p1, x, c1[k]);
            p15 = Math.FusedMultiplyAdd(p15, x, c15[k]);
            p2 = Math.FusedMultiplyAdd(p2, x, c2[k]);
            p25 = Math.FusedMultiplyAdd(p25, x, c25[k]);
            p3 = Math.FusedMultiplyAdd(p3, x, c3[k]);
        }

        double lnX = Math.Log(x);
        double sqrtX = Math.Sqrt(x);
        double f05 = SqrtPi / sqrtX + p05;                    // Γ(1/2) x^{−1/2}
        double f1 = p1 - lnX;                                 // −ln x
        double f15 = p15 - 2.0 * SqrtPi * sqrtX;              // Γ(−1/2) x^{1/2}
        double f2 = p2 + x * lnX;                             // (−x)(−ln x)
        double f25 = p25 + (4.0 / 3.0) * SqrtPi * x * sqrtX;  // Γ(−3/2) x^{3/2}
        double f3 = p3 - 0.5 * x * x * lnX;                   // (x²/2)(−ln x)

        double ex = Math.Exp(x);
        return new BoseIntegralSet(x, 1.0 / ex, f05, f1, f15, f2, f25, f3,
            f05 * ex, f1 * ex, f15 * ex, f2 * ex, f25 * ex, f3 * ex);
    }

    /// <summary>G_d = Σ_{k≥1} z^{k−1}/k^d with z = e^{−x}, and F_d = z G_d.</summary>
    private static BoseIntegralSet ExponentialSeries(double x)
    {
        double z = Math.Exp(-x);
        int terms = Math.Min(MaxSeriesTerms, (int)(SeriesTermScale / x) + 1);

        int last = terms - 1;
        double g05 = InvPow05[last], g1 = InvPow1[last], g15 = InvPow15[last];
        double g2 = InvPow2[last], g25 = InvPow25[last], g3 = InvPow3[last];
        for (int k = last - 1; k >= 0; k--)
        {
            g05 = Math.FusedMultiplyAdd(g05, z, InvPow05[k]);
            g1 = Math.FusedMultiplyAdd(g1, z, InvPow1[k]);
            g15 = Math.FusedMultiplyAdd(g15, z, InvPow15[k]);
            g2 = Math.FusedMultiplyAdd(g2, z, InvPow2[k]);
            g25 = Math.FusedMultiplyAdd(g25, z, InvPow25[k]);
            g3 = Math.FusedMultiplyAdd(g3, z, InvPow3[k]);
        }

        return new BoseIntegralSet(x, z, z * g05, z * g1, z * g15, z * g2, z * g25, z * g3,
            g05, g1, g15, g2, g25, g3);
    }

    private static double[] InversePowers(double order)
    {
        var table = new double[MaxSeriesTerms];
        for (int k = 1; k <= MaxSeriesTerms; k++)
        {
            table[k - 1] = 1.0 / Math.Pow(k, order);
        }

        return table;
    }
}
