using System.Numerics;
using System.Runtime.CompilerServices;

namespace Sweep.Physics.Bose;

/// <summary>
/// <see cref="WeightedOccupation"/> for a vector of energies at one temperature t &gt; 0, SIMD across
/// the lanes: every lane computes the Bernoulli series, the closed form (one vector <c>exp</c> of −|u|
/// serves both signs of u) and the saturated limits, and keeps the one the scalar kernel would take.
/// The series and the limits are the scalar kernel's operations, so they agree bitwise; the closed form
/// differs only by the vector exp (≤ 2 ulp, tested in BoseBatchTests).
/// </summary>
public static class WeightedOccupationBatch
{
    private const double SeriesLimit = 0.5, SaturationLimit = 700.0; // as WeightedOccupation

    /// <summary>f, f', f'' at each lane's energy, temperature <paramref name="temperature"/> &gt; 0.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // hot: optimised from the first call (no tier-0 phase)
    public static void Evaluate(Vector<double> energy, double temperature, out Vector<double> value, out Vector<double> slope,
        out Vector<double> curvature)
    {
        var t = new Vector<double>(temperature);
        var u = energy / t;
        var one = Vector<double>.One;

        // Closed form, written so that nothing overflows for either sign (q = e^{−|u|}).
        var q = Vector.Exp(-Vector.Abs(u));
        var positive = Vector.GreaterThan(u, Vector<double>.Zero);
        var oneMinusQ = one - q;
        var nPositive = q / oneMinusQ;
        var nNegative = one / (q - one);
        var n = Vector.ConditionalSelect(positive, nPositive, nNegative);
        var w = Vector.ConditionalSelect(positive, nPositive / oneMinusQ, q * nNegative * nNegative);
        value = energy * n;
        slope = n - u * w;
        curvature = w * (u * (one + new Vector<double>(2.0) * n) - new Vector<double>(2.0)) / t;

        var series = Vector.LessThan(Vector.Abs(u), new Vector<double>(SeriesLimit));
        if (series != Vector<long>.Zero)
        {
            BernoulliSeries(u, out var g, out var g1, out var g2);
            value = Vector.ConditionalSelect(series, t * g, value);
            slope = Vector.ConditionalSelect(series, g1, slope);
            curvature = Vector.ConditionalSelect(series, g2 / t, curvature);
        }

        var empty = Vector.GreaterThan(u, new Vector<double>(SaturationLimit));
        var full = Vector.LessThan(u, new Vector<double>(-SaturationLimit));
        var saturated = empty | full;
        if (saturated != Vector<long>.Zero)
        {
            value = Vector.ConditionalSelect(empty, Vector<double>.Zero, Vector.ConditionalSelect(full, -energy, value));
            slope = Vector.ConditionalSelect(empty, Vector<double>.Zero, Vector.ConditionalSelect(full, -one, slope));
            curvature = Vector.ConditionalSelect(saturated, Vector<double>.Zero, curvature);
        }
    }

    /// <summary>The scalar kernel's Bernoulli series, the same operations lane by lane.</summary>
    private static void BernoulliSeries(Vector<double> u, out Vector<double> g, out Vector<double> g1, out Vector<double> g2)
    {
        var u2 = u * u;
        Vector<double> even = default, evenSlope = default, evenCurvature = default;
        var b = WeightedOccupation.EvenBernoulli;
        for (int k = b.Length; k >= 1; k--)
        {
            int p = 2 * k;
            even = Vector.FusedMultiplyAdd(even, u2, new Vector<double>(b[k - 1]));
            evenSlope = Vector.FusedMultiplyAdd(evenSlope, u2, new Vector<double>(p * b[k - 1]));
            evenCurvature = Vector.FusedMultiplyAdd(evenCurvature, u2, new Vector<double>(p * (p - 1) * b[k - 1]));
        }

        g = Vector<double>.One - new Vector<double>(0.5) * u + even * u2;
        g1 = new Vector<double>(-0.5) + evenSlope * u;
        g2 = evenCurvature;
    }
}
