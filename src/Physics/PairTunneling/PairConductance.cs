using System.Numerics;
using MathNet.Numerics.Integration;

namespace Sweep.Physics.PairTunneling;

/// <summary>
/// Linear-response pair conductance G and Seebeck coefficient S between two molecular BECs
/// (PHYSICS.md §5): G ∝ 2∫d³q∫dE [Im Γ]² (−∂_E n_B), S ∝ ∫d³q∫dE [Im Γ]² ((E − μ_B)/T)(−∂_E n_B),
/// with Im Γ = −γ θ(E)/((E − q²/4)² + γ²) in units m = k_F = 1.
/// <para>The momentum integral is done in closed form: with ε = q²/4 it is 16π γ² Q(E),
/// Q(E) = ∫₀^∞ √ε dε/((ε − E)² + γ²)² = −(1/2γ) ∂_γ [−(π/γ) Im √w], w = −E − iγ, i.e.
/// Q = −(π/2γ³) Im √w − (π/4γ²) Re(1/√w). The energy integral is Gauss–Legendre on dyadic
/// pieces from the smallest scale min(|μ_B|, γ, T) up to E − μ_B = 45 T, so the peak of
/// −∂_E n_B ≈ T/(E − μ_B)² near T_c is resolved however sharp it gets.</para>
/// </summary>
public static class PairConductance
{
    private const int NodesPerPiece = 20;
    private const double CutoffInTemperatures = 45; // e^{−45} ≈ 3e-20: the tail is below double rounding
    private static readonly GaussLegendreRule Rule = new(-1, 1, NodesPerPiece);
    private static readonly double[] Nodes = Rule.Abscissas;    // copied once: the properties allocate
    private static readonly double[] Weights = Rule.Weights;

    /// <summary>G/S at temperature T &gt; T_c, chemical potential μ_B &lt; 0 and width γ (absolute units).</summary>
    public static double ConductanceOverSeebeck(double temperature, double chemicalPotential, double width)
    {
        double scale = Math.Min(Math.Min(-chemicalPotential, width), temperature);
        double end = chemicalPotential + CutoffInTemperatures * temperature;
        double conductance = 0, seebeck = 0;
        double a = 0, b = scale;
        while (a < end)
        {
            AddPiece(a, Math.Min(b, end), temperature, chemicalPotential, width, ref conductance, ref seebeck);
            a = b;
            b *= 2;
        }

        return 2 * conductance / seebeck;
    }

    /// <summary>γ³ Q(E): the common factor γ³ cancels in G/S, and without it nothing underflows
    /// at small γ (γ³ alone underflows below γ ≈ 1e-102).</summary>
    public static double ScaledMomentumIntegral(double energy, double width)
    {
        var root = Complex.Sqrt(new Complex(-energy, -width));
        return -Math.PI / 2 * root.Imaginary - Math.PI * width / 4 * (1 / root).Real;
    }

    /// <summary>Q(E) = ∫₀^∞ √ε dε/((ε − E)² + γ²)² (closed form above).</summary>
    public static double MomentumIntegral(double energy, double width)
    {
        var root = Complex.Sqrt(new Complex(-energy, -width));
        return -Math.PI / (2 * width * width * width) * root.Imaginary - Math.PI / (4 * width * width) * (1 / root).Real;
    }

    private static void AddPiece(double a, double b, double t, double mu, double width, ref double conductance, ref double seebeck)
    {
        double half = 0.5 * (b - a), mid = 0.5 * (a + b);
        var nodes = Nodes;
        var weights = Weights;
        for (int k = 0; k < nodes.Length; k++)
        {
            double e = mid + half * nodes[k];
            double x = (e - mu) / t;
            double s = Math.Sinh(0.5 * x);
            double occupation = 1 / (4 * s * s * t); // −∂_E n_B = n(1 + n)/T
            double w = weights[k] * half * ScaledMomentumIntegral(e, width) * occupation;
            conductance += w;
            seebeck += w * x;
        }
    }
}
