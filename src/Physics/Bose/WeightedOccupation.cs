namespace Sweep.Physics.Bose;

/// <summary>
/// f(ε) = ε n_B(ε) = ε/(e^{ε/t} − 1) and its first two ε-derivatives (PHYSICS.md §2), finite for
/// every ε and t ≥ 0: f(0) = t, and at t = 0 the limit f = −ε θ(−ε).
/// <para>With u = ε/t and g(u) = u/(e^u − 1): f = t g, f' = g', f'' = g''/t.</para>
/// </summary>
public static class WeightedOccupation
{
    /// <summary>Below |u| = 0.5 the Bernoulli series is used: the closed forms of g' and g''
    /// cancel there, while e^u − 1 needs no expm1 above it (error ≤ 2.5 ulp).</summary>
    private const double SeriesLimit = 0.5;

    /// <summary>Beyond |u| = 700 the occupation is 0 (u &gt; 0) or −1 (u &lt; 0) in double precision.</summary>
    private const double SaturationLimit = 700.0;

    // B_{2k}/(2k)! for k = 1 … 8: g(u) = 1 − u/2 + Σ_k b_{2k} u^{2k} (radius 2π; at |u| = 0.5 the
    // omitted u^18 term is ~1e-19).
    internal static readonly double[] EvenBernoulli =
    [
        1.0 / 12.0,
        -1.0 / 720.0,
        1.0 / 30240.0,
        -1.0 / 1209600.0,
        1.0 / 47900160.0,
        -691.0 / 1307674368000.0,
        7.0 / 523069747200.0,
        -3617.0 / 10670622842880000.0,
    ];

    /// <summary>f, f' and f'' at energy ε and temperature t ≥ 0.</summary>
    public static void Evaluate(double energy, double temperature, out double value, out double slope, out double curvature)
    {
        if (temperature == 0)
        {
            // Zero-temperature limit: f = −ε θ(−ε); at the kink ε = 0 the slope is the mean of both sides.
            value = energy < 0 ? -energy : 0.0;
            slope = energy < 0 ? -1.0 : energy > 0 ? 0.0 : -0.5;
            curvature = 0.0;
            return;
        }

        double u = energy / temperature;
        if (Math.Abs(u) < SeriesLimit)
        {
            BernoulliSeries(u, out double g, out double g1, out double g2);
            value = temperature * g;
            slope = g1;
            curvature = g2 / temperature;
            return;
        }

        if (u > SaturationLimit)
        {
            value = 0.0;
            slope = 0.0;
            curvature = 0.0;
            return;
        }

        if (u < -SaturationLimit)
        {
            value = -energy;
            slope = -1.0;
            curvature = 0.0;
            return;
        }

        // n = n_B, w = n(1 + n) = −dn/du; written so that nothing overflows for either sign of u.
        double n, w;
        if (u > 0)
        {
            double q = Math.Exp(-u);
            double oneMinusQ = 1.0 - q;
            n = q / oneMinusQ;
            w = n / oneMinusQ;
        }
        else
        {
            double e = Math.Exp(u);
            double m = e - 1.0;
            n = 1.0 / m;
            w = e * n * n;
        }

        value = energy * n;
        slope = n - u * w;                                        // g' = n − u n(1+n)
        curvature = w * (u * (1.0 + 2.0 * n) - 2.0) / temperature; // g'' = n(1+n)[u(1+2n) − 2]
    }

    private static void BernoulliSeries(double u, out double g, out double g1, out double g2)
    {
        double u2 = u * u;
        double even = 0.0, evenSlope = 0.0, evenCurvature = 0.0;
        for (int k = EvenBernoulli.Length; k >= 1; k--)
        {
            double b = EvenBernoulli[k - 1];
            int p = 2 * k;
            even = Math.FusedMultiplyAdd(even, u2, b);
            evenSlope = Math.FusedMultiplyAdd(evenSlope, u2, p * b);
            evenCurvature = Math.FusedMultiplyAdd(evenCurvature, u2, p * (p - 1) * b);
        }

        // even = Σ b_{2k} u^{2k−2}, evenSlope = Σ 2k b_{2k} u^{2k−2}, evenCurvature = Σ 2k(2k−1) b_{2k} u^{2k−2}.
        g = 1.0 - 0.5 * u + even * u2;
        g1 = -0.5 + evenSlope * u;
        g2 = evenCurvature;
    }
}
