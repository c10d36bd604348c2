using Sweep.Physics.Bose;

namespace Sweep.Physics.Junction;

/// <summary>
/// Linear-response spin and heat transport through the magnon point contact (PHYSICS.md §1):
/// I_S = L11 Δh + L12 ΔT, I_H = L21 Δh + L22 ΔT. Lower-case fields are the reduced conductances
/// l11 = L11/(AT), l12 = L12/(AT), l22 = L22/(AT²), k = K/(AT²).
/// </summary>
public readonly record struct JunctionTransport(
    double A,
    double L11, double L12, double L21, double L22, double K,
    double l11, double l12, double l22, double k,
    double Seebeck, double Lorenz, double ZT)
{
    /// <summary>A = 2π (J_T S)² ν₀² = J_T²/(8π³ J³ S), with ν₀ = 1/(4π² D^{3/2}), D = J S.</summary>
    public static double TransmissionSlope(double tunnelingExchange, double spin, double exchange) =>
        tunnelingExchange * tunnelingExchange / (8.0 * Math.PI * Math.PI * Math.PI * exchange * exchange * exchange * spin);

    /// <summary>All coefficients at mean temperature <paramref name="temperature"/>, from the Bose
    /// integrals at x = h/T. Ratios are formed from the scaled integrals G_d = e^{x} F_d, so they
    /// stay finite (seebeck → x + 2, lorenz → 2) where F_d underflows.</summary>
    public static JunctionTransport Compute(in BoseIntegralSet f, double temperature, double transmissionSlope)
    {
        double x = f.X;
        double l11 = f.F1;
        double l12 = 2.0 * f.F2 + x * f.F1;
        double l22 = 6.0 * f.F3 + 4.0 * x * f.F2 + x * x * f.F1;

        // K = L22 − L12 L21/L11 = A T² (6F3 − 4F2²/F1): the form without cancellation at large x.
        double scaledK = 6.0 * f.G3 - 4.0 * f.G2 * f.G2 / f.G1;
        double k = f.Weight * scaledK;

        double scaledL12 = 2.0 * f.G2 + x * f.G1;
        double seebeck = scaledL12 / f.G1;                                   // L12/L11
        double lorenz = scaledK / f.G1;                                      // K/(T L11)
        double zt = scaledL12 * scaledL12 / (6.0 * f.G1 * f.G3 - 4.0 * f.G2 * f.G2); // L12 L21/(L11 K)

        double at = transmissionSlope * temperature;
        double at2 = at * temperature;
        double bigL12 = at * l12;
        return new JunctionTransport(
            transmissionSlope,
            at * l11, bigL12, temperature * bigL12, at2 * l22, at2 * k,
            l11, l12, l22, k,
            seebeck, lorenz, zt);
    }
}
