using Sweep.Physics.Bose;

namespace Sweep.Physics.Junction;

/// <summary>
/// Thermodynamics of the 3D magnon gas per site (PHYSICS.md §1), λ = (T/(4πD))^{3/2}:
/// n = λ F_{3/2}; κ = (∂M/∂h)_T = (λ/T) F_{1/2}; ζ = (∂M/∂T)_h = −(λ/T)[(3/2)F_{3/2} + x F_{1/2}];
/// s = λ[(5/2)F_{5/2} + x F_{3/2}]; C_h = λ[(15/4)F_{5/2} + 3x F_{3/2} + x² F_{1/2}].
/// </summary>
public readonly record struct MagnonGas(double Density, double Susceptibility, double Zeta, double Entropy, double HeatCapacity)
{
    /// <summary>λ = (T/(4πD))^{3/2}: the thermal volume factor per site.</summary>
    public static double ThermalFactor(double temperature, double stiffness)
    {
        double r = temperature / (4.0 * Math.PI * stiffness);
        return r * Math.Sqrt(r);
    }

    /// <param name="thermalFactor">λ from <see cref="ThermalFactor"/> (computed once per point by the caller).</param>
    public static MagnonGas Compute(in BoseIntegralSet f, double temperature, double thermalFactor)
    {
        double x = f.X;
        double lambda = thermalFactor;
        double perT = lambda / temperature;
        return new MagnonGas(
            lambda * f.F15,
            perT * f.F05,
            -perT * (1.5 * f.F15 + x * f.F05),
            lambda * (2.5 * f.F25 + x * f.F15),
            lambda * (3.75 * f.F25 + 3.0 * x * f.F15 + x * x * f.F05));
    }
}
