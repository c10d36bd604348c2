using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using Sweep.Physics.Bose;

namespace Sweep.Physics.Junction;

/// <summary>
/// Relaxation of the biases y = (h_L − h_R, T_L − T_R) after the contact opens (PHYSICS.md §1):
/// dy/dt = −Λ y, Λ = (2/N_r) K_th⁻¹ M_tr, K_th = [[κ, ζ], [ζ, C_h/T]], M_tr = [[L11, −L12], [−L12, L22/T]].
/// τ₊ = 1/λ_min ≥ τ₋ = 1/λ_max.
/// <para>Both matrices carry a common factor e^{−x}, and in tr Λ and det Λ the terms in x and x²
/// cancel exactly. The closed forms below are those cancelled expressions in the scaled integrals
/// G_d, so Λ is accurate at every x (no subtraction of large terms, no underflow).</para>
/// <para><see cref="Evaluate"/> computes the same closed forms SIMD across points, with the prefactor from each point's
/// T, J, S, J_T and N_r (<see cref="JunctionTransport.TransmissionSlope"/>, <see cref="MagnonGas.ThermalFactor"/>), operation
/// for operation (no fused multiply-adds, IEEE division and square root), so its results are bitwise those of the scalar
/// forms: per point, their eight divisions and two square roots were over a third of a tau_plus run's kernel time when scalar.</para>
/// </summary>
public readonly record struct ContactRelaxation(double TauPlus, double TauMinus)
{
    /// <param name="thermalFactor">λ = (T/(4πD))^{3/2}, see <see cref="MagnonGas.ThermalFactor"/>.</param>
    public static ContactRelaxation Compute(in BoseIntegralSet f, double temperature, double transmissionSlope, double thermalFactor, double reservoirSites) =>
        Compute(f.G05, f.G1, f.G15, f.G2, f.G25, f.G3, Prefactor(temperature, transmissionSlope, thermalFactor, reservoirSites));

    /// <summary>Λ = prefactor · K̂⁻¹ M̂, with K_th = (λ/T) e^{−x} K̂ and M_tr = A T e^{−x} M̂: prefactor = (2/N_r) A T²/λ.</summary>
    public static double Prefactor(double temperature, double transmissionSlope, double thermalFactor, double reservoirSites) =>
        2.0 / reservoirSites * transmissionSlope * temperature * temperature / thermalFactor;

    private static ContactRelaxation Compute(double g05, double g1, double g15, double g2, double g25, double g3, double prefactor)
    {
        double detK = 3.75 * g05 * g25 - 2.25 * g15 * g15;          // κ C_h/T − ζ²
        double detM = 6.0 * g1 * g3 - 4.0 * g2 * g2;                // L11 L22/T − L12²
        double traceNumerator = 3.75 * g1 * g25 - 6.0 * g2 * g15 + 6.0 * g05 * g3;

        double trace = traceNumerator / detK;
        double det = detM / detK;
        // Real eigenvalues of a product of two SPD matrices; clamp rounding below zero.
        double discriminant = Math.Max(trace * trace - 4.0 * det, 0.0);
        double fast = 0.5 * (trace + Math.Sqrt(discriminant));
        double slow = det / fast; // product form: no cancellation for the small eigenvalue

        return new ContactRelaxation(1.0 / (prefactor * slow), 1.0 / (prefactor * fast));
    }

    /// <summary>τ₊ and τ₋ of <paramref name="count"/> points from the scaled integrals' columns (any common factor of the
    /// six cancels) and the points' T, J, S, J_T and N_r, on <paramref name="width"/>-bit vectors (512 or 256; the rest of
    /// the points one by one), bitwise equal to <see cref="Compute"/> with <see cref="JunctionTransport.TransmissionSlope"/>
    /// and <see cref="MagnonGas.ThermalFactor"/> point by point.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // hot: optimised from the first call (no tier-0 phase)
    public static void Evaluate(ReadOnlySpan<double> g05, ReadOnlySpan<double> g1, ReadOnlySpan<double> g15, ReadOnlySpan<double> g2,
        ReadOnlySpan<double> g25, ReadOnlySpan<double> g3, in JunctionPoints points, ReadOnlySpan<double> reservoirSites, int count,
        Span<double> tauPlus, Span<double> tauMinus, int width)
    {
        ReadOnlySpan<double> t = points.T, exchange = points.Exchange, spin = points.Spin, tunneling = points.TunnelingExchange;
        if (g05.Length < count || g1.Length < count || g15.Length < count || g2.Length < count || g25.Length < count || g3.Length < count ||
            t.Length < count || exchange.Length < count || spin.Length < count || tunneling.Length < count || reservoirSites.Length < count ||
            tauPlus.Length < count || tauMinus.Length < count)
        {
            throw new ArgumentException("every column needs count elements");
        }

        if (width == 512 && !Vector512.IsHardwareAccelerated)
        {
            throw new PlatformNotSupportedException("this machine has no 512-bit vectors");
        }

        if (width != 512 && width != 256)
        {
            throw new ArgumentOutOfRangeException(nameof(width), width, "vector width is 512 or 256 bits");
        }

        int i = 0;
        if (width == 512)
        {
            for (; i + Vector512<double>.Count <= count; i += Vector512<double>.Count)
            {
                var prefactor = Prefactor(Vector512.Create(t[i..]), Vector512.Create(exchange[i..]), Vector512.Create(spin[i..]),
                    Vector512.Create(tunneling[i..]), Vector512.Create(reservoirSites[i..]));
                var (plus, minus) = Times(Vector512.Create(g05[i..]), Vector512.Create(g1[i..]), Vector512.Create(g15[i..]), Vector512.Create(g2[i..]),
                    Vector512.Create(g25[i..]), Vector512.Create(g3[i..]), prefactor);
                plus.CopyTo(tauPlus[i..]);
                minus.CopyTo(tauMinus[i..]);
            }
        }
        else
        {
            for (; i + Vector256<double>.Count <= count; i += Vector256<double>.Count)
            {
                var prefactor = Prefactor(Vector256.Create(t[i..]), Vector256.Create(exchange[i..]), Vector256.Create(spin[i..]),
                    Vector256.Create(tunneling[i..]), Vector256.Create(reservoirSites[i..]));
                var (plus, minus) = Times(Vector256.Create(g05[i..]), Vector256.Create(g1[i..]), Vector256.Create(g15[i..]), Vector256.Create(g2[i..]),
                    Vector256.Create(g25[i..]), Vector256.Create(g3[i..]), prefactor);
                plus.CopyTo(tauPlus[i..]);
                minus.CopyTo(tauMinus[i..]);
            }
        }

        for (; i < count; i++)
        {
            double slope = JunctionTransport.TransmissionSlope(tunneling[i], spin[i], exchange[i]);
            double lambda = MagnonGas.ThermalFactor(t[i], exchange[i] * spin[i]);
            (tauPlus[i], tauMinus[i]) = Compute(g05[i], g1[i], g15[i], g2[i], g25[i], g3[i], Prefactor(t[i], slope, lambda, reservoirSites[i]));
        }
    }

    // Prefactor of TransmissionSlope(J_T, S, J) and ThermalFactor(T, J S), their operations in their order, on vectors.
    private static Vector512<double> Prefactor(Vector512<double> t, Vector512<double> exchange, Vector512<double> spin, Vector512<double> tunneling,
        Vector512<double> sites)
    {
        var slope = tunneling * tunneling / (8.0 * Math.PI * Math.PI * Math.PI * exchange * exchange * exchange * spin);
        var r = t / (4.0 * Math.PI * (exchange * spin));
        var lambda = r * Vector512.Sqrt(r);
        return Vector512.Create(2.0) / sites * slope * t * t / lambda;
    }

    // The same on 256-bit vectors (see Times for why it is written out twice).
    private static Vector256<double> Prefactor(Vector256<double> t, Vector256<double> exchange, Vector256<double> spin, Vector256<double> tunneling,
        Vector256<double> sites)
    {
        var slope = tunneling * tunneling / (8.0 * Math.PI * Math.PI * Math.PI * exchange * exchange * exchange * spin);
        var r = t / (4.0 * Math.PI * (exchange * spin));
        var lambda = r * Vector256.Sqrt(r);
        return Vector256.Create(2.0) / sites * slope * t * t / lambda;
    }

    // Compute's operations in its order, on vectors (Vector*.Max is Math.Max's: NaN propagates, −0 < +0).
    private static (Vector512<double> Plus, Vector512<double> Minus) Times(Vector512<double> g05, Vector512<double> g1, Vector512<double> g15,
        Vector512<double> g2, Vector512<double> g25, Vector512<double> g3, Vector512<double> prefactor)
    {
        var detK = 3.75 * g05 * g25 - 2.25 * g15 * g15;
        var detM = 6.0 * g1 * g3 - 4.0 * g2 * g2;
        var traceNumerator = 3.75 * g1 * g25 - 6.0 * g2 * g15 + 6.0 * g05 * g3;
        var trace = traceNumerator / detK;
        var det = detM / detK;
        var discriminant = Vector512.Max(trace * trace - 4.0 * det, Vector512<double>.Zero);
        var fast = 0.5 * (trace + Vector512.Sqrt(discriminant));
        var slow = det / fast;
        return (Vector512<double>.One / (prefactor * slow), Vector512<double>.One / (prefactor * fast));
    }

    // The same on 256-bit vectors, written out twice as BoseBatch's blocks are (in .NET 10 Vector512<double> does not
    // implement ISimdVector, so one generic method cannot serve both widths).
    private static (Vector256<double> Plus, Vector256<double> Minus) Times(Vector256<double> g05, Vector256<double> g1, Vector256<double> g15,
        Vector256<double> g2, Vector256<double> g25, Vector256<double> g3, Vector256<double> prefactor)
    {
        var detK = 3.75 * g05 * g25 - 2.25 * g15 * g15;
        var detM = 6.0 * g1 * g3 - 4.0 * g2 * g2;
        var traceNumerator = 3.75 * g1 * g25 - 6.0 * g2 * g15 + 6.0 * g05 * g3;
        var trace = traceNumerator / detK;
        var det = detM / detK;
        var discriminant = Vector256.Max(trace * trace - 4.0 * det, Vector256<double>.Zero);
        var fast = 0.5 * (trace + Vector256.Sqrt(discriminant));
        var slow = det / fast;
        return (Vector256<double>.One / (prefactor * slow), Vector256<double>.One / (prefactor * fast));
    }
}
