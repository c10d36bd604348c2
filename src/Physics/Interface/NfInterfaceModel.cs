using System.Runtime.CompilerServices;
using Sweep.Physics.Bose;
using Sweep.Physics.Junction;
using Sweep.Physics.Models;

namespace Sweep.Physics.Interface;

/// <summary>
/// Model <c>nf-interface</c>: spin and heat transport across a normal-metal / ferromagnetic-insulator
/// interface (PHYSICS.md §3, seed 003). Conventions the seed leaves open: s = S (spin density per
/// site, a = 1), D = J S, and g_r = π s (J_T/J)², so every coefficient carries g_r/(πs) = (J_T/J)²;
/// g_i = (gi_over_gr) g_r.
/// </summary>
public sealed class NfInterfaceModel : Model
{
    public const string ModelName = "nf-interface";

    private const int H = 0, T = 1, JT = 2, S = 3, J = 4, GiOverGr = 5;

    private static readonly ParameterSpec[] ParameterList =
    [
        new("h", "energy", null, new ValidRange(0, 1e4), "magnon gap ħΩ (Zeeman field); h = 0 closes the gap (critical)"),
        new("T", "energy", null, new ValidRange(1e-6, 1e4), "temperature of the interface, k_B = 1"),
        new("J_T", "energy", null, new ValidRange(0, 1e3, MinInclusive: false),
            "interfacial exchange; spin-mixing conductance g_r = π s (J_T/J)²"),
        new("S", "1", null, new ValidRange(0.5, 1e6), "spin per site; saturation spin density s = S"),
        new("J", "energy", 1.0, new ValidRange(1e-3, 1e4), "bulk exchange; stiffness D = J S"),
        new("gi_over_gr", "1", 0.1, new ValidRange(-1e3, 1e3),
            "imaginary over real spin-mixing conductance g_i/g_r (the seed leaves it free; usually small)"),
    ];

    private static readonly ObservableSpec[] ObservableList =
    [
        new("g_s", "1", "spin conductance (g_r/πs) ∫ g(ε) E n'/T dε"),
        new("S_s", "1", "spin Seebeck coefficient (g_r/πs) ∫ g(ε) E² n'/T² dε"),
        new("kappa_s", "energy", "magnonic thermal conductance (g_r/πs) ∫ g(ε) E³ n'/T² dε"),
        new("Pi_s", "energy", "spin Peltier coefficient (g_r/πs) ∫ g(ε) E² n'/T dε = T S_s"),
        new("n_th", "1/site", "thermal magnon density λ F_{3/2}(h/T)"),
        new("g_r_eff", "1", "thermally corrected mixing conductance (1 − 2 n_th/s) g_r"),
        new("g_i_eff", "1", "thermally corrected mixing conductance (1 − n_th/s) g_i"),
    ];

    public NfInterfaceModel()
        : base(ModelName,
            "Spin and heat transport across a normal-metal / ferromagnetic-insulator interface (PHYSICS.md §3)",
            ParameterList, ObservableList,
            validity: "the corrected mixing conductance (1 − 2n_th/s) g_r stays positive: n_th < s/2 (PHYSICS.md §6)")
    {
    }

    protected override PointCheck CheckPhysics(ReadOnlySpan<double> p)
    {
        double h = p[H], t = p[T];
        if (h / t == 0)
        {
            return PointCheck.Critical($"h = {h:R} at T = {t:R}: the magnon gap closes (Bose condensation threshold)");
        }

        double density = ThermalDensity(h, t, p[J] * p[S]);
        return density < p[S] / 2
            ? PointCheck.Ok
            : PointCheck.Outside($"thermal magnon density n_th = {density:R} ≥ s/2 = {p[S] / 2:R}: the corrected mixing " +
                "conductance (1 − 2n_th/s) g_r is no longer positive, outside the dilute-magnon theory (lower 'T' or raise 'h' or 'S')");
    }

    /// <summary>F_{1/2} … F_{7/2} of every point SIMD across points (<see cref="BoseBatch.EvaluateHalfOrders"/>),
    /// then each point's coefficients.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // hot: optimised from the first call (no tier-0 phase)
    protected override void EvaluateCore(PointBatch batch, ResultBatch results)
    {
        int n = batch.Count;
        var c = batch.Columns;
        var o = results.Columns;
        using var columns = new BoseColumns(c[H].AsSpan(0, n), c[T].AsSpan(0, n));
        Span<double> x = columns.X, scale = columns.Scale, g05 = columns.G(0), g15 = columns.G(1), g25 = columns.G(2), g35 = columns.G(3);
        BoseBatch.EvaluateHalfOrders(x, scale, g05, g15, g25, g35);
        for (int i = 0; i < n; i++)
        {
            if (results.Status[i] != PointStatus.Ok)
            {
                continue; // rejected by the range check
            }

            double t = c[T][i], s = c[S][i], stiffness = c[J][i] * s;
            if (x[i] == 0)
            {
                results.Reject(i, PointStatus.Critical);
                continue;
            }

            double ratio = c[JT][i] / c[J][i];
            double coupling = ratio * ratio;             // g_r/(πs)
            double mixingReal = Math.PI * s * coupling;  // g_r
            double z = scale[i];
            var r = InterfaceTransport.Compute(x[i], z * g05[i], z * g15[i], z * g25[i], z * g35[i], t, stiffness, coupling, s,
                mixingReal, c[GiOverGr][i] * mixingReal);
            // Within 1e-12 of the limit the batch's F_{3/2} (a few ulp from the scalar kernel's) does not
            // decide: the point check's own density does, so Check and Evaluate always agree.
            double density = Math.Abs(r.ThermalMagnons - s / 2) > 1e-12 * s ? r.ThermalMagnons : ThermalDensity(c[H][i], t, stiffness);
            if (!(density < s / 2))
            {
                results.Reject(i, PointStatus.Outside);
                continue;
            }

            o[0][i] = r.SpinConductance;
            o[1][i] = r.SpinSeebeck;
            o[2][i] = r.ThermalConductance;
            o[3][i] = r.SpinPeltier;
            o[4][i] = r.ThermalMagnons;
            o[5][i] = r.EffectiveMixingReal;
            o[6][i] = r.EffectiveMixingImaginary;
        }
    }

    private static double ThermalDensity(double h, double t, double stiffness) =>
        MagnonGas.ThermalFactor(t, stiffness) * BoseIntegrals.Evaluate(h / t).F15;
}
