using System.Buffers;
using Sweep.Physics.Bose;
using Sweep.Physics.Models;

namespace Sweep.Physics.Junction;

/// <summary>
/// Model <c>magnon-junction</c>: two ferromagnetic insulators joined by a point contact
/// (PHYSICS.md §1). Every observable of one point comes from one evaluation of the six Bose
/// integrals at x = h/T (plus two more at x_L, x_R when a bias is applied).
/// </summary>
public sealed class MagnonJunctionModel : Model
{
    public const string ModelName = "magnon-junction";

    // Parameter order; columns of a PointBatch follow it.
    private const int H = 0, T = 1, JT = 2, S = 3, J = 4, Dh = 5, DT = 6, Nr = 7;

    // Observable index of l11; l12, l22 and k follow it.
    private const int ReducedFirst = 6;

    private static readonly ParameterSpec[] ParameterList =
    [
        new("h", "energy", null, new ValidRange(0, 1e4),
            "Zeeman field = magnon gap = −magnon chemical potential (mean of both reservoirs); h = 0 is the critical point"),
        new("T", "energy", null, new ValidRange(1e-6, 1e4), "temperature (mean of both reservoirs), k_B = 1"),
        new("J_T", "energy", null, new ValidRange(0, 1e3, MinInclusive: false), "tunneling exchange across the contact (J_T ≪ J)"),
        new("S", "1", null, new ValidRange(0.5, 1e6), "spin per site of both ferromagnets"),
        new("J", "energy", 1.0, new ValidRange(1e-3, 1e4), "bulk exchange; spin-wave stiffness D = J S"),
        new("dh", "energy", 0.0, new ValidRange(-2e4, 2e4), "field bias Δh = h_R − h_L (needs |dh| < 2h)"),
        new("dT", "energy", 0.0, new ValidRange(-2e4, 2e4), "temperature bias ΔT = T_L − T_R (needs |dT| < 2T)"),
        new("N_r", "sites", 1.0, new ValidRange(1, 1e30), "sites per reservoir in the relaxation model"),
    ];

    private static readonly ObservableSpec[] ObservableList =
    [
        new("A", "1/energy", "transmission slope T(ω) = A ω: J_T²/(8π³ J³ S)"),
        new("L11", "1", "spin conductance A T F1"),
        new("L12", "1", "spin Seebeck coefficient A T (2F2 + x F1)"),
        new("L21", "energy", "spin Peltier coefficient T L12 (Onsager)"),
        new("L22", "energy", "heat conductance at Δh = 0: A T² (6F3 + 4x F2 + x² F1)"),
        new("K", "energy", "heat conductance at I_S = 0: A T² (6F3 − 4F2²/F1)"),
        new("l11", "1", "reduced L11/(A T) = F1"),
        new("l12", "1", "reduced L12/(A T) = 2F2 + x F1"),
        new("l22", "1", "reduced L22/(A T²) = 6F3 + 4x F2 + x² F1"),
        new("k", "1", "reduced K/(A T²) = 6F3 − 4F2²/F1"),
        new("seebeck", "1", "spin Seebeck coefficient L12/L11"),
        new("lorenz", "1", "Lorenz ratio K/(T L11)"),
        new("ZT", "1", "figure of merit L12 L21/(L11 K)"),
        new("I_S", "energy", "exact spin current at the bias (dh, dT)"),
        new("I_H", "energy²", "exact heat current at the bias (dh, dT)"),
        new("n_mag", "1/site", "thermal magnon density λ F_{3/2}"),
        new("kappa", "1/(energy·site)", "susceptibility (∂M/∂h)_T = (λ/T) F_{1/2}"),
        new("zeta", "1/(energy·site)", "(∂M/∂T)_h = −(λ/T)[(3/2)F_{3/2} + x F_{1/2}]"),
        new("entropy", "1/site", "entropy λ[(5/2)F_{5/2} + x F_{3/2}]"),
        new("C_h", "1/site", "heat capacity at constant h: λ[(15/4)F_{5/2} + 3x F_{3/2} + x² F_{1/2}]"),
        new("tau_plus", "1/energy", "slow relaxation time 1/λ_min of Λ (diverges as h → 0)"),
        new("tau_minus", "1/energy", "fast relaxation time 1/λ_max of Λ"),
    ];

    public MagnonJunctionModel()
        : base(ModelName,
            "Spin and heat transport through a magnon point contact between two ferromagnetic insulators (PHYSICS.md §1)",
            ParameterList, ObservableList)
    {
    }

    protected override PointCheck CheckPhysics(ReadOnlySpan<double> p) => Classify(p[H], p[T], p[Dh], p[DT]) switch
    {
        PointStatus.Critical => PointCheck.Critical(
            $"h = {p[H]:R} at T = {p[T]:R} is the magnonic critical point (x = h/T = 0): L11 diverges"),
        PointStatus.Invalid when !(Math.Abs(p[Dh]) < 2 * p[H]) => PointCheck.Invalid(
            $"parameter 'dh' = {p[Dh]:R} needs |dh| < 2h = {2 * p[H]:R}, so that both reservoir gaps h ∓ dh/2 stay positive"),
        PointStatus.Invalid => PointCheck.Invalid(
            $"parameter 'dT' = {p[DT]:R} needs |dT| < 2T = {2 * p[T]:R}, so that both reservoir temperatures T ± dT/2 stay positive"),
        _ => PointCheck.Ok,
    };

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

            double h = c[H][i], t = c[T][i], dh = c[Dh][i], dt = c[DT][i];
            var status = Classify(h, t, dh, dt);
            if (status != PointStatus.Ok)
            {
                results.Reject(i, status);
                continue;
            }

            double lambda = MagnonGas.ThermalFactor(t, c[J][i] * c[S][i]); // D = J S
            double a = JunctionTransport.TransmissionSlope(c[JT][i], c[S][i], c[J][i]);
            var f = BoseIntegrals.Evaluate(h / t);
            var transport = JunctionTransport.Compute(f, t, a);
            var currents = NonlinearCurrents.Compute(h, t, dh, dt, a);
            var gas = MagnonGas.Compute(f, t, lambda);
            var relaxation = ContactRelaxation.Compute(f, t, a, lambda, c[Nr][i]);

            o[0][i] = transport.A;
            o[1][i] = transport.L11;
            o[2][i] = transport.L12;
            o[3][i] = transport.L21;
            o[4][i] = transport.L22;
            o[5][i] = transport.K;
            o[6][i] = transport.l11;
            o[7][i] = transport.l12;
            o[8][i] = transport.l22;
            o[9][i] = transport.k;
            o[10][i] = transport.Seebeck;
            o[11][i] = transport.Lorenz;
            o[12][i] = transport.ZT;
            o[13][i] = currents.SpinCurrent;
            o[14][i] = currents.HeatCurrent;
            o[15][i] = gas.Density;
            o[16][i] = gas.Susceptibility;
            o[17][i] = gas.Zeta;
            o[18][i] = gas.Entropy;
            o[19][i] = gas.HeatCapacity;
            o[20][i] = relaxation.TauPlus;
            o[21][i] = relaxation.TauMinus;
        }
    }

    /// <summary>Only the reduced conductances l11, l12, l22, k asked for: F_1, F_2, F_3 SIMD across
    /// points (<see cref="LowOrderBatch"/>), none of the other observables' work.</summary>
    protected override bool EvaluateSelected(PointBatch batch, ResultBatch results, ReadOnlySpan<int> observables)
    {
        foreach (int o in observables)
        {
            if (o is < ReducedFirst or > ReducedFirst + 3)
            {
                return false;
            }
        }

        int n = batch.Count;
        var c = batch.Columns;
        double[] scratch = ArrayPool<double>.Shared.Rent(5 * n);
        var x = scratch.AsSpan(0, n);
        var scale = scratch.AsSpan(n, n);
        var g1 = scratch.AsSpan(2 * n, n);
        var g2 = scratch.AsSpan(3 * n, n);
        var g3 = scratch.AsSpan(4 * n, n);
        for (int i = 0; i < n; i++)
        {
            x[i] = c[H][i] / c[T][i];
        }

        LowOrderBatch.Evaluate(x, scale, g1, g2, g3);
        JunctionTransport.Reduced(x, scale, g1, g2, g3,
            results.Columns[ReducedFirst].AsSpan(0, n), results.Columns[ReducedFirst + 1].AsSpan(0, n),
            results.Columns[ReducedFirst + 2].AsSpan(0, n), results.Columns[ReducedFirst + 3].AsSpan(0, n));
        ArrayPool<double>.Shared.Return(scratch);

        for (int i = 0; i < n; i++)
        {
            var status = results.Status[i] == PointStatus.Ok ? Classify(c[H][i], c[T][i], c[Dh][i], c[DT][i]) : results.Status[i];
            if (status != PointStatus.Ok)
            {
                results.Reject(i, status); // the same rules as EvaluateCore; NaN over the numbers just written
            }
        }

        return true;
    }

    /// <summary>The model's own conditions beyond parameter ranges (one rule for single points and batches).</summary>
    private static PointStatus Classify(double h, double t, double dh, double dt)
    {
        if (h / t == 0)
        {
            return PointStatus.Critical; // h = 0, or h/T below the smallest double
        }

        return Math.Abs(dh) < 2 * h && Math.Abs(dt) < 2 * t ? PointStatus.Ok : PointStatus.Invalid;
    }
}
