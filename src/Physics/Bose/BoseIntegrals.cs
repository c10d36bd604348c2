using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

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
    /// At the switch both need about the same number of terms (~30).</summary>
    internal const double RegimeSwitch = 1.5;

    /// <summary>Series terms needed for e^{−Kx} &lt; 1e-17, i.e. K ≥ 39.2/x.</summary>
    private const double SeriesTermScale = 39.2;
    private const int MaxSeriesTerms = 28;

    /// <summary>Expansion terms: |c_k| x^k ≲ 2 (2π)^{s−1} (x/2π)^k, below 1e-18 relative for
    /// s ≤ 3 once K ≥ 44/ln(2π/x).</summary>
    private const double ExpansionTermScale = 44.0;
    private static readonly double LnTwoPi = Math.Log(2 * Math.PI);

    private const int Orders = 6;
    private static readonly double SqrtPi = Math.Sqrt(Math.PI);

    // Row k − 1: k^{−d} for the six orders side by side, k = 1 … MaxSeriesTerms.
    private static readonly double[] InversePowers = BuildInversePowers();

    /// <summary>All six F_d at x &gt; 0.</summary>
    public static BoseIntegralSet Evaluate(double x)
    {
        if (!(x > 0) || double.IsPositiveInfinity(x))
        {
            throw new ArgumentOutOfRangeException(nameof(x), x, "Bose integrals need a finite x = h/T > 0.");
        }

        return x < RegimeSwitch ? NearCriticalPoint(x) : ExponentialSeries(x);
    }

    /// <summary>F_{7/2}(x), for the N/F interface's heat conductance (PHYSICS.md §3); the same two
    /// regimes as the six-order kernel, evaluated on its own because only that model needs it.</summary>
    public static double SevenHalves(double x)
    {
        if (!(x > 0) || double.IsPositiveInfinity(x))
        {
            throw new ArgumentOutOfRangeException(nameof(x), x, "Bose integrals need a finite x = h/T > 0.");
        }

        if (x < RegimeSwitch)
        {
            var c = BoseExpansionTables.SevenHalvesSmallX;
            int terms = Math.Min(BoseExpansionTables.SmallXTerms, (int)(ExpansionTermScale / (LnTwoPi - Math.Log(x))) + 1);
            double sum = c[terms - 1];
            for (int k = terms - 2; k >= 0; k--)
            {
                sum = Math.FusedMultiplyAdd(sum, x, c[k]);
            }

            return sum - (8.0 / 15.0) * SqrtPi * x * x * Math.Sqrt(x); // Γ(−5/2) x^{5/2}
        }

        double z = Math.Exp(-x);
        int n = Math.Min(MaxSeriesTerms, (int)(SeriesTermScale / x) + 1);
        double g = 0;
        for (int k = n; k >= 1; k--)
        {
            g = Math.FusedMultiplyAdd(g, z, 1.0 / (k * k * k * Math.Sqrt(k)));
        }

        return z * g;
    }

    /// <summary>Li_s(e^μ) = Γ(1−s)(−μ)^{s−1} + Σ_k ζ(s−k) μ^k/k!, with the logarithmic terms for
    /// integer s (PHYSICS.md §0); converges for x &lt; 2π.</summary>
    private static BoseIntegralSet NearCriticalPoint(double x)
    {
        double lnX = Math.Log(x);
        int terms = Math.Min(BoseExpansionTables.SmallXTerms, (int)(ExpansionTermScale / (LnTwoPi - lnX)) + 1);
        SixPolynomials(BoseExpansionTables.SmallX, terms, x, out var low, out var high);

        double sqrtX = Math.Sqrt(x);
        double f05 = SqrtPi / sqrtX + low[0];                     // Γ(1/2) x^{−1/2}
        double f1 = low[1] - lnX;                                 // −ln x
        double f15 = low[2] - 2.0 * SqrtPi * sqrtX;               // Γ(−1/2) x^{1/2}
        double f2 = low[3] + x * lnX;                             // (−x)(−ln x)
        double f25 = high[0] + (4.0 / 3.0) * SqrtPi * x * sqrtX;  // Γ(−3/2) x^{3/2}
        double f3 = high[1] - 0.5 * x * x * lnX;                  // (x²/2)(−ln x)

        double ex = Math.Exp(x);
        return new BoseIntegralSet(x, 1.0 / ex, f05, f1, f15, f2, f25, f3,
            f05 * ex, f1 * ex, f15 * ex, f2 * ex, f25 * ex, f3 * ex);
    }

    /// <summary>G_d = Σ_{k≥1} z^{k−1}/k^d with z = e^{−x}, and F_d = z G_d.</summary>
    private static BoseIntegralSet ExponentialSeries(double x)
    {
        double z = Math.Exp(-x);
        int terms = Math.Min(MaxSeriesTerms, (int)(SeriesTermScale / x) + 1);
        SixPolynomials(InversePowers, terms, z, out var low, out var high);
        double g05 = low[0], g1 = low[1], g15 = low[2], g2 = low[3], g25 = high[0], g3 = high[1];
        return new BoseIntegralSet(x, z, z * g05, z * g1, z * g15, z * g2, z * g25, z * g3,
            g05, g1, g15, g2, g25, g3);
    }

    /// <summary>Horner's rule for the six polynomials Σ_{k&lt;terms} table[k, d] y^k at once: orders
    /// 1/2 … 2 in one 4-wide vector, 5/2 and 3 in one 2-wide vector (two FMAs per power).</summary>
    private static void SixPolynomials(double[] table, int terms, double y, out Vector256<double> low, out Vector128<double> high)
    {
        Debug.Assert(terms >= 1 && terms * Orders <= table.Length);
        ref double row = ref MemoryMarshal.GetArrayDataReference(table);
        nuint k = (nuint)(terms - 1) * Orders;
        low = Vector256.LoadUnsafe(ref row, k);
        high = Vector128.LoadUnsafe(ref row, k + 4);
        var y4 = Vector256.Create(y);
        var y2 = Vector128.Create(y);
        while (k > 0)
        {
            k -= Orders;
            low = Vector256.FusedMultiplyAdd(low, y4, Vector256.LoadUnsafe(ref row, k));
            high = Vector128.FusedMultiplyAdd(high, y2, Vector128.LoadUnsafe(ref row, k + 4));
        }
    }

    private static double[] BuildInversePowers()
    {
        double[] orders = [0.5, 1.0, 1.5, 2.0, 2.5, 3.0];
        var table = new double[MaxSeriesTerms * Orders];
        for (int k = 1; k <= MaxSeriesTerms; k++)
        {
            for (int d = 0; d < Orders; d++)
            {
                table[(k - 1) * Orders + d] = 1.0 / Math.Pow(k, orders[d]);
            }
        }

        return table;
    }
}
