using Sweep.Physics.Bose;

namespace Sweep.Physics.Junction;

/// <summary>
/// Relaxation of the biases y = (h_L − h_R, T_L − T_R) after the contact opens (PHYSICS.md §1):
/// dy/dt = −Λ y, Λ = (2/N_r) K_th⁻¹ M_tr, K_th = [[κ, ζ], [ζ, C_h/T]], M_tr = [[L11, −L12], [−L12, L22/T]].
/// τ₊ = 1/λ_min ≥ τ₋ = 1/λ_max.
/// <para>Both matrices carry a common factor e^{−x}, and in tr Λ and det Λ the terms in x and x²
/// cancel exactly. The closed forms below are those cancelled expressions in the scaled integrals
/// G_d, so Λ is accurate at every x (no subtraction of large terms, no underflow).</para>
/// </summary>
public readonly record struct ContactRelaxation(double TauPlus, double TauMinus)
{
    /// <param name="thermalFactor">λ = (T/(4πD))^{3/2}, see <see cref="MagnonGas.ThermalFactor"/>.</param>
    public static ContactRelaxation Compute(in BoseIntegralSet f, double temperature, double transmissionSlope, double thermalFactor, double reservoirSites)
    {
        // Λ = prefactor · K̂⁻¹ M̂, with K_th = (λ/T) e^{−x} K̂ and M_tr = A T e^{−x} M̂.
        double prefactor = 2.0 / reservoirSites * transmissionSlope * temperature * temperature / thermalFactor;

        double detK = 3.75 * f.G05 * f.G25 - 2.25 * f.G15 * f.G15;          // κ C_h/T − ζ²
        double detM = 6.0 * f.G1 * f.G3 - 4.0 * f.G2 * f.G2;                // L11 L22/T − L12²
        double traceNumerator = 3.75 * f.G1 * f.G25 - 6.0 * f.G2 * f.G15 + 6.0 * f.G05 * f.G3;

        double trace = traceNumerator / detK;
        double det = detM / detK;
        // Real eigenvalues of a product of two SPD matrices; clamp rounding below zero.
        double discriminant = Math.Max(trace * trace - 4.0 * det, 0.0);
        double fast = 0.5 * (trace + Math.Sqrt(discriminant));
        double slow = det / fast; // product form: no cancellation for the small eigenvalue

        return new ContactRelaxation(1.0 / (prefactor * slow), 1.0 / (prefactor * fast));
    }
}
