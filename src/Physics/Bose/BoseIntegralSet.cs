namespace Sweep.Physics.Bose;

/// <summary>
/// The six Bose integrals F_d(x) = Li_d(e^{−x}), d = 1/2 … 3, at one x (PHYSICS.md §0).
/// <para>Each is stored twice: F_d itself and the scaled G_d = e^{x} F_d. The scaled values are
/// O(1) for every x > 0, so ratios such as F_2/F_1 stay finite where e^{−x} underflows.
/// <see cref="Weight"/> is e^{−x}, so F_d = Weight · G_d.</para>
/// </summary>
public readonly record struct BoseIntegralSet(
    double X,
    double Weight,
    double F05, double F1, double F15, double F2, double F25, double F3,
    double G05, double G1, double G15, double G2, double G25, double G3)
{
    /// <summary>F_d for d ∈ {0.5, 1, 1.5, 2, 2.5, 3}.</summary>
    public double F(double order) => order switch
    {
        0.5 => F05,
        1.0 => F1,
        1.5 => F15,
        2.0 => F2,
        2.5 => F25,
        3.0 => F3,
        _ => throw new ArgumentOutOfRangeException(nameof(order), order, "Bose integral orders are 1/2, 1, 3/2, 2, 5/2, 3."),
    };
}
