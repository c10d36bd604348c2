using Sweep.Physics.Bose;

namespace Sweep.Physics.Junction;

/// <summary>
/// Exact spin and heat currents at any bias (PHYSICS.md §1), with h_L = h − dh/2, h_R = h + dh/2,
/// T_L = T + dT/2, T_R = T − dT/2 (so Δh = dh and ΔT = dT):
/// I_S = A [T_L² F2(x_L) − T_R² F2(x_R)],
/// I_H = A [2T_L³ F3(x_L) + h_L T_L² F2(x_L) − 2T_R³ F3(x_R) − h_L T_R² F2(x_R)].
/// The heat each magnon carries, ω + h_L, is counted against the left reservoir in both terms.
/// </summary>
public readonly record struct NonlinearCurrents(double SpinCurrent, double HeatCurrent)
{
    /// <summary>Both currents; exactly zero without bias. Needs h_L, h_R, T_L, T_R &gt; 0.</summary>
    public static NonlinearCurrents Compute(double field, double temperature, double fieldBias, double temperatureBias, double transmissionSlope)
    {
        if (fieldBias == 0 && temperatureBias == 0)
        {
            return default;
        }

        double hL = field - 0.5 * fieldBias, hR = field + 0.5 * fieldBias;
        double tL = temperature + 0.5 * temperatureBias, tR = temperature - 0.5 * temperatureBias;
        var left = BoseIntegrals.Evaluate(hL / tL);
        var right = BoseIntegrals.Evaluate(hR / tR);

        double leftF2 = tL * tL * left.F2, rightF2 = tR * tR * right.F2;
        double spin = transmissionSlope * (leftF2 - rightF2);
        double heat = transmissionSlope * (2.0 * tL * tL * tL * left.F3 + hL * leftF2
                                           - 2.0 * tR * tR * tR * right.F3 - hL * rightF2);
        return new NonlinearCurrents(spin, heat);
    }
}
