using Sweep.Physics.Bose;
using Sweep.Physics.Junction;

namespace Sweep.Physics.Interface;

/// <summary>
/// Equilibrium spin and heat transport across a normal-metal / ferromagnetic-insulator interface
/// (PHYSICS.md §3), in closed form. With u = ε/T and E/T = u + x, integrating by parts turns
/// each coefficient into Bose integrals of half-integer order:
/// ∫₀^∞ √u (u + x)^k n(1+n) du = Σ_j C(k, j) x^{k−j} Γ(j + 3/2) F_{j+1/2}(x) ≡ I_k(x),
/// so with P = (g_r/πs) T^{3/2}/(4π² D^{3/2}): g_s = P I₁, S_s = P I₂, Π_s = T P I₂, κ_s = T P I₃.
/// </summary>
public readonly record struct InterfaceTransport(
    double SpinConductance, double SpinSeebeck, double ThermalConductance, double SpinPeltier,
    double ThermalMagnons, double EffectiveMixingReal, double EffectiveMixingImaginary)
{
    private static readonly double Gamma32 = Math.Sqrt(Math.PI) / 2;   // Γ(3/2)
    private static readonly double Gamma52 = 1.5 * Gamma32;            // Γ(5/2)
    private static readonly double Gamma72 = 2.5 * Gamma52;            // Γ(7/2)
    private static readonly double Gamma92 = 3.5 * Gamma72;            // Γ(9/2)

    /// <param name="f">The six Bose integrals at x = h/T.</param>
    /// <param name="f72">F_{7/2}(x).</param>
    /// <param name="temperature">T.</param>
    /// <param name="stiffness">D = J S.</param>
    /// <param name="coupling">g_r/(π s), the dimensionless prefactor of every coefficient.</param>
    /// <param name="spinDensity">s, the saturation spin density (per site).</param>
    /// <param name="mixingReal">g_r.</param>
    /// <param name="mixingImaginary">g_i.</param>
    public static InterfaceTransport Compute(in BoseIntegralSet f, double f72, double temperature, double stiffness,
        double coupling, double spinDensity, double mixingReal, double mixingImaginary) =>
        Compute(f.X, f.F05, f.F15, f.F25, f72, temperature, stiffness, coupling, spinDensity, mixingReal, mixingImaginary);

    /// <summary>The same from F_{1/2}, F_{3/2}, F_{5/2}, F_{7/2} at x (the batch path's <see cref="BoseBatch.EvaluateHalfOrders"/>).</summary>
    public static InterfaceTransport Compute(double x, double f05, double f15, double f25, double f72, double temperature, double stiffness,
        double coupling, double spinDensity, double mixingReal, double mixingImaginary)
    {
        double i1 = x * Gamma32 * f05 + Gamma52 * f15;
        double i2 = x * x * Gamma32 * f05 + 2 * x * Gamma52 * f15 + Gamma72 * f25;
        double i3 = x * x * x * Gamma32 * f05 + 3 * x * x * Gamma52 * f15 + 3 * x * Gamma72 * f25 + Gamma92 * f72;

        double r = temperature / stiffness;
        double prefactor = coupling * r * Math.Sqrt(r) / (4 * Math.PI * Math.PI);
        double thermal = MagnonGas.ThermalFactor(temperature, stiffness) * f15; // n_th = λ F_{3/2}, as in §1
        return new InterfaceTransport(
            prefactor * i1,
            prefactor * i2,
            temperature * prefactor * i3,
            temperature * prefactor * i2,
            thermal,
            (1 - 2 * thermal / spinDensity) * mixingReal,
            (1 - thermal / spinDensity) * mixingImaginary);
    }
}
