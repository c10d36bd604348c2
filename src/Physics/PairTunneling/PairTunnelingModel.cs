using Sweep.Physics.Models;

namespace Sweep.Physics.PairTunneling;

/// <summary>
/// Model <c>pair-tunneling</c>: pair tunneling between two strongly attractive Fermi gases near the
/// molecular BEC (PHYSICS.md §5, seed 001). Inputs and outputs are in Fermi units (T in T_F, γ and
/// μ_B in E_F); internally m = k_F = 1, E_F = T_F = 1/2. At and below T_c the molecules condense:
/// the point is <c>critical</c>.
/// </summary>
public sealed class PairTunnelingModel : Model
{
    public const string ModelName = "pair-tunneling";

    /// <summary>Lowest γ: the energy integral starts at min(|μ_B|, γ, T) and doubles up to 45 T,
    /// ~50 pieces at γ = 1e-12 (and none would be taken at a γ that underflows to 0).</summary>
    public const double MinWidth = 1e-12;

    private const int T = 0, Gamma = 1;

    private static readonly ParameterSpec[] ParameterList =
    [
        new("T", "T_F", null, new ValidRange(0, 100, MinInclusive: false),
            "temperature in units of the Fermi temperature; T ≤ T_c = 0.2180 T_F is critical (molecular BEC)"),
        new("gamma", "E_F", 0.1, new ValidRange(MinWidth, 10), "width γ of the pair spectral function"),
    ];

    private static readonly ObservableSpec[] ObservableList =
    [
        new("mu_B", "E_F", "molecular chemical potential μ_B = 2μ + E_b ≤ 0, from n_M = N/2"),
        new("G_over_S", "1", "pair conductance over pair Seebeck coefficient G/S"),
        new("T_c", "T_F", "BEC temperature of the molecules, 0.2180 T_F"),
    ];

    public PairTunnelingModel()
        : base(ModelName,
            "Pair tunneling between strongly attractive Fermi gases near the molecular BEC (PHYSICS.md §5)",
            ParameterList, ObservableList,
            validity: "the strong-coupling limit a⁻¹ → ∞ is taken exactly; no boundary inside the ranges above T_c (PHYSICS.md §6)")
    {
    }

    /// <summary>T_c in units of T_F: 2π (6π² ζ(3/2))^{−2/3} = 0.218033.</summary>
    public static double CriticalTemperature => MolecularGas.CriticalTemperature / MolecularGas.FermiEnergy;

    protected override PointCheck CheckPhysics(ReadOnlySpan<double> p) => p[T] > CriticalTemperature
        ? PointCheck.Ok
        : PointCheck.Critical($"T = {p[T]:R} T_F ≤ T_c = {CriticalTemperature:F6} T_F: the molecules condense (μ_B = 0) and G diverges");

    protected override void EvaluateCore(PointBatch batch, ResultBatch results)
    {
        var c = batch.Columns;
        var o = results.Columns;
        for (int i = 0; i < batch.Count; i++)
        {
            if (results.Status[i] != PointStatus.Ok)
            {
                continue; // rejected by the range check
            }

            if (!(c[T][i] > CriticalTemperature))
            {
                results.Reject(i, PointStatus.Critical);
                continue;
            }

            double temperature = c[T][i] * MolecularGas.FermiEnergy; // T_F = E_F = 1/2
            double mu = MolecularGas.ChemicalPotential(temperature);
            o[0][i] = mu / MolecularGas.FermiEnergy;
            o[1][i] = PairConductance.ConductanceOverSeebeck(temperature, mu, c[Gamma][i] * MolecularGas.FermiEnergy);
            o[2][i] = CriticalTemperature;
        }
    }
}
