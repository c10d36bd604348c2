using Sweep.Physics.Bose;

namespace Sweep.Physics.Junction;

/// <summary>
/// The relaxation transients after the contact opens (PHYSICS.md §1, seed 000 slides 23–26):
/// y(t) = e^{−Λt} y(0) for y = (h_L − h_R, T_L − T_R), Λ = (2/N_r) K_th⁻¹ M_tr, reported in the
/// model's bias convention (Δh = h_R − h_L, ΔT = T_L − T_R).
/// <para>With the slow and fast rates λ_s ≤ λ_f of <see cref="ContactRelaxation"/> and δ = λ_f − λ_s,
/// e^{−Λt} = e^{−λ_s t} [1 − (1 − e^{−δt})/δ · (Λ − λ_s)] (Sylvester's formula for 2 × 2, written so
/// that δ → 0 has the limit t and nothing cancels between two exponentials).</para>
/// </summary>
public readonly record struct BiasRelaxation(double FieldBias, double TemperatureBias)
{
    /// <param name="f">Bose integrals at the mean x = h/T.</param>
    /// <param name="relaxation">τ± of the same point (their rates are Λ's eigenvalues).</param>
    /// <param name="fieldBias">Δh(0) = h_R − h_L.</param>
    /// <param name="temperatureBias">ΔT(0) = T_L − T_R.</param>
    /// <param name="time">t ≥ 0 after the contact opens (1/energy).</param>
    public static BiasRelaxation Compute(in BoseIntegralSet f, in ContactRelaxation relaxation,
        double fieldBias, double temperatureBias, double time)
    {
        if (time == 0 || (fieldBias == 0 && temperatureBias == 0))
        {
            return new BiasRelaxation(fieldBias, temperatureBias);
        }

        double x = f.X;
        // Λ = prefactor · K̂⁻¹ M̂ (K̂, M̂ of ContactRelaxation). Expanded in the scaled integrals, the x² and
        // x³ terms of adj(K̂) M̂ cancel identically; what is left has no cancellation between powers of x.
        double detK = 3.75 * f.G05 * f.G25 - 2.25 * f.G15 * f.G15;
        double c = 1.5 * f.G15 * f.G1 - 2 * f.G05 * f.G2;
        double l11 = (3.75 * f.G25 * f.G1 - 3 * f.G15 * f.G2 + x * c) / detK;
        double l22 = (6 * f.G05 * f.G3 - 3 * f.G15 * f.G2 - x * c) / detK;
        double l21 = c / detK;
        double l12 = (-7.5 * f.G25 * f.G2 + 9 * f.G15 * f.G3 + x * (6 * f.G05 * f.G3 - 3.75 * f.G25 * f.G1) - x * x * c) / detK;
        double trace = (3.75 * f.G1 * f.G25 - 6 * f.G2 * f.G15 + 6 * f.G05 * f.G3) / detK; // l11 + l22 without the x terms

        double slow = 1 / relaxation.TauPlus, fast = 1 / relaxation.TauMinus;
        double prefactor = (slow + fast) / trace; // tr Λ = λ_s + λ_f
        double delta = fast - slow;
        double u = delta * time; // (1 − e^{−u})/δ, by its series where the subtraction would cancel
        double weight = u > 1e-3 ? (1 - Math.Exp(-u)) / delta : time * (1 - u / 2 * (1 - u / 3 * (1 - u / 4)));
        double decay = Math.Exp(-slow * time);

        // y = (−Δh, ΔT): y(t) = e^{−λ_s t} [y0 − weight (Λ − λ_s) y0].
        double y1 = -fieldBias, y2 = temperatureBias;
        double d1 = (prefactor * l11 - slow) * y1 + prefactor * l12 * y2;
        double d2 = prefactor * l21 * y1 + (prefactor * l22 - slow) * y2;
        return new BiasRelaxation(-decay * (y1 - weight * d1), decay * (y2 - weight * d2));
    }
}
