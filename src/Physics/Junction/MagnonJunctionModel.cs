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

    /// <summary>The spin-wave (Holstein–Primakoff) theory holds for n ≪ S: a point whose magnon
    /// density reaches S/10 in either reservoir is <see cref="PointStatus.Outside"/> (PHYSICS.md §6).</summary>
    public const double MaxMagnonFraction = 0.1;

    /// <summary>Lowest J_T: keeps A = J_T²/(8π³J³S) and the relaxation times inside double range
    /// (τ ≤ 1e70 at the extremes of every other parameter).</summary>
    public const double MinTunneling = 1e-10;

    // Parameter order; columns of a PointBatch follow it.
    private const int H = 0, T = 1, JT = 2, S = 3, J = 4, Dh = 5, DT = 6, Nr = 7, Time = 8;

    // Observables 0 … LastLinear (A, the conductances, their reduced forms, seebeck, lorenz, ZT) need only
    // F_1, F_2, F_3: the selected path's, in LinearResponseBatch's order.
    private const int LastLinear = LinearResponseBatch.Observables - 1;

    // The exact currents at the bias, then from FirstGas on the others (n_mag … C_h, tau_plus, tau_minus, dh_t, dT_t,
    // dM_t) in GasRelaxationBatch's order.
    private const int SpinCurrent = LastLinear + 1, HeatCurrent = LastLinear + 2, FirstGas = LastLinear + 3;

    private static readonly ParameterSpec[] ParameterList =
    [
        new("h", "energy", null, new ValidRange(0, 1e4),
            "Zeeman field = magnon gap = −magnon chemical potential (mean of both reservoirs); h = 0 is the critical point"),
        new("T", "energy", null, new ValidRange(1e-6, 1e4), "temperature (mean of both reservoirs), k_B = 1"),
        new("J_T", "energy", null, new ValidRange(MinTunneling, 1e3), "tunneling exchange across the contact (J_T ≪ J)"),
        new("S", "1", null, new ValidRange(0.5, 1e6), "spin per site of both ferromagnets"),
        new("J", "energy", 1.0, new ValidRange(1e-3, 1e4), "bulk exchange; spin-wave stiffness D = J S"),
        new("dh", "energy", 0.0, new ValidRange(-2e4, 2e4), "field bias Δh = h_R − h_L (needs |dh| < 2h)"),
        new("dT", "energy", 0.0, new ValidRange(-2e4, 2e4), "temperature bias ΔT = T_L − T_R (needs |dT| < 2T)"),
        new("N_r", "sites", 1.0, new ValidRange(1, 1e30), "sites per reservoir in the relaxation model"),
        new("t", "1/energy", 0.0, new ValidRange(0, 1e100),
            "time after the contact opens, for the transients dh_t, dT_t from the bias (dh, dT) (spec key 'time')"),
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
        new("dh_t", "energy", "field bias Δh(t) relaxing from Δh(0) = dh after the contact opens: e^{−Λt}"),
        new("dT_t", "energy", "temperature bias ΔT(t) relaxing from ΔT(0) = dT after the contact opens: e^{−Λt}"),
        new("dM_t", "1/site", "magnetization difference ΔM(t) = M_L − M_R = −κ Δh(t) + ζ ΔT(t) per site (seed 000 slide 25)"),
    ];

    public MagnonJunctionModel()
        : base(ModelName,
            "Spin and heat transport through a magnon point contact between two ferromagnetic insulators (PHYSICS.md §1)",
            ParameterList, ObservableList, innerAxis: "t",
            validity: $"dilute magnon gas: n < S/10 ({MaxMagnonFraction:R} S) in both reservoirs (PHYSICS.md §6)")
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
        _ => DensestReservoir(p[H], p[T], p[Dh], p[DT], p[J] * p[S]) is var n && n < MaxMagnonFraction * p[S]
            ? PointCheck.Ok
            : PointCheck.Outside($"magnon density n = {n:R} ≥ S/10 = {MaxMagnonFraction * p[S]:R}: the spin-wave theory " +
                "needs a dilute gas, n ≪ S (lower 'T', raise 'h', 'S' or 'J')"),
    };

    /// <summary>The largest magnon density λ F_{3/2}(h/T) of the mean state and the two reservoirs
    /// (h_L,R = h ∓ dh/2, T_L,R = T ± dT/2, PHYSICS.md §1).</summary>
    private static double DensestReservoir(double h, double t, double dh, double dt, double stiffness)
    {
        double n = MagnonGas.ThermalFactor(t, stiffness) * BoseIntegrals.Evaluate(h / t).F15;
        if (dh != 0 || dt != 0)
        {
            foreach (int sign in (ReadOnlySpan<int>)[-1, 1])
            {
                double hr = h + sign * dh / 2, tr = t - sign * dt / 2;
                n = Math.Max(n, MagnonGas.ThermalFactor(tr, stiffness) * BoseIntegrals.Evaluate(hr / tr).F15);
            }
        }

        return n;
    }

    protected override void EvaluateCore(PointBatch batch, ResultBatch results)
    {
        var c = batch.Columns;
        var o = results.Columns;
        int inner = batch.InnerLength;
        for (int i = 0; i < batch.Count; i++)
        {
            int first = i * inner;
            if (!AnyOk(results, first, inner))
            {
                continue; // rejected by the range check
            }

            double h = c[H][i], t = c[T][i], dh = c[Dh][i], dt = c[DT][i];
            var status = Classify(h, t, dh, dt);
            double lambda = status == PointStatus.Ok ? MagnonGas.ThermalFactor(t, c[J][i] * c[S][i]) : 0; // D = J S
            var f = status == PointStatus.Ok ? BoseIntegrals.Evaluate(h / t) : default;
            var gas = MagnonGas.Compute(f, t, lambda);
            if (status == PointStatus.Ok)
            {
                double densest = dh == 0 && dt == 0 ? gas.Density : Math.Max(gas.Density, DensestReservoir(h, t, dh, dt, c[J][i] * c[S][i]));
                status = densest < MaxMagnonFraction * c[S][i] ? PointStatus.Ok : PointStatus.Outside;
            }

            if (status != PointStatus.Ok)
            {
                for (int j = 0; j < inner; j++)
                {
                    if (results.Status[first + j] == PointStatus.Ok)
                    {
                        results.Reject(first + j, status);
                    }
                }

                continue;
            }

            double a = JunctionTransport.TransmissionSlope(c[JT][i], c[S][i], c[J][i]);
            var transport = JunctionTransport.Compute(f, t, a);
            var currents = NonlinearCurrents.Compute(h, t, dh, dt, a);
            var relaxation = ContactRelaxation.Compute(f, t, a, lambda, c[Nr][i]);
            for (int j = 0; j < inner; j++)
            {
                int k = first + j;
                if (results.Status[k] != PointStatus.Ok)
                {
                    continue; // a time outside its range
                }

                var transient = BiasRelaxation.Compute(f, relaxation, dh, dt, batch.InnerGrid is { } grid ? grid[j] : c[Time][i]);
                o[0][k] = transport.A;
                o[1][k] = transport.L11;
                o[2][k] = transport.L12;
                o[3][k] = transport.L21;
                o[4][k] = transport.L22;
                o[5][k] = transport.K;
                o[6][k] = transport.l11;
                o[7][k] = transport.l12;
                o[8][k] = transport.l22;
                o[9][k] = transport.k;
                o[10][k] = transport.Seebeck;
                o[11][k] = transport.Lorenz;
                o[12][k] = transport.ZT;
                o[13][k] = currents.SpinCurrent;
                o[14][k] = currents.HeatCurrent;
                o[15][k] = gas.Density;
                o[16][k] = gas.Susceptibility;
                o[17][k] = gas.Zeta;
                o[18][k] = gas.Entropy;
                o[19][k] = gas.HeatCapacity;
                o[20][k] = relaxation.TauPlus;
                o[21][k] = relaxation.TauMinus;
                o[22][k] = transient.FieldBias;
                o[23][k] = transient.TemperatureBias;
                o[24][k] = -gas.Susceptibility * transient.FieldBias + gas.Zeta * transient.TemperatureBias;
            }
        }
    }

    private static bool AnyOk(ResultBatch results, int first, int count)
    {
        for (int j = 0; j < count; j++)
        {
            if (results.Status[first + j] == PointStatus.Ok)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Only what is asked for, SIMD across points: the fused kernel (<see cref="LinearResponseBatch"/>)
    /// computes the asked-for linear-response observables (A, L11 … K, l11 … k, seebeck, lorenz, ZT) and every
    /// point's status, the points it cannot decide going through the scalar rules; then, if asked,
    /// <see cref="GasRelaxationBatch"/> the gas, the relaxation times and the transients, and the exact currents
    /// point by point (zero without a bias, the Bose integrals at the reservoirs' x otherwise). A time grid on the
    /// inner axis takes the full path.</summary>
    protected override bool EvaluateSelected(PointBatch batch, ResultBatch results, ReadOnlySpan<int> observables)
    {
        if (batch.InnerGrid is not null)
        {
            return false;
        }

        var outputs = new double[]?[LinearResponseBatch.Observables];
        double[]?[]? gasOutputs = null;
        bool currents = false;
        foreach (int observable in observables)
        {
            if (observable <= LastLinear)
            {
                outputs[observable] = results.Columns[observable];
            }
            else if (observable is SpinCurrent or HeatCurrent)
            {
                currents = true;
            }
            else
            {
                (gasOutputs ??= new double[]?[GasRelaxationBatch.Observables])[observable - FirstGas] = results.Columns[observable];
            }
        }

        int n = batch.Count;
        var c = batch.Columns;
        int[] undecided = ArrayPool<int>.Shared.Rent(n);
        var points = new JunctionPoints(c[H], c[T], c[JT], c[S], c[J], c[Dh], c[DT]);
        int open = LinearResponseBatch.Evaluate(points, n, outputs, results.Status, undecided);
        for (int k = 0; k < open; k++)
        {
            SetStatus(batch, results, undecided[k]);
        }

        ArrayPool<int>.Shared.Return(undecided);
        if (gasOutputs is not null)
        {
            GasRelaxationBatch.Evaluate(points, c[Nr], c[Time], n, gasOutputs, results.Status);
        }

        if (currents)
        {
            for (int i = 0; i < n; i++)
            {
                var exact = results.Status[i] == PointStatus.Ok
                    ? NonlinearCurrents.Compute(c[H][i], c[T][i], c[Dh][i], c[DT][i], JunctionTransport.TransmissionSlope(c[JT][i], c[S][i], c[J][i]))
                    : new NonlinearCurrents(double.NaN, double.NaN);
                results.Columns[SpinCurrent][i] = exact.SpinCurrent;
                results.Columns[HeatCurrent][i] = exact.HeatCurrent;
            }
        }

        return true;
    }

    /// <summary>One point's status by <see cref="EvaluateCore"/>'s rules (its density from the scalar kernel).</summary>
    private static void SetStatus(PointBatch batch, ResultBatch results, int i)
    {
        var c = batch.Columns;
        double h = c[H][i], t = c[T][i], dh = c[Dh][i], dt = c[DT][i], spin = c[S][i], stiffness = c[J][i] * spin;
        var status = results.Status[i] == PointStatus.Ok ? Classify(h, t, dh, dt) : results.Status[i];
        if (status == PointStatus.Ok && IsDenseGasPossible(t, dt, stiffness, spin)
            && DensestReservoir(h, t, dh, dt, stiffness) >= MaxMagnonFraction * spin)
        {
            status = PointStatus.Outside;
        }

        if (status != PointStatus.Ok)
        {
            Reject(results, i, status); // the same rules as EvaluateCore
        }
    }

    /// <summary>A status other than Ok, and NaN over the linear-response columns just written.</summary>
    private static void Reject(ResultBatch results, int i, PointStatus status)
    {
        results.Status[i] = status;
        for (int o = 0; o <= LastLinear; o++)
        {
            results.Columns[o][i] = double.NaN;
        }
    }

    /// <summary>False when even the densest possible gas, λ(T_max) ζ(3/2) (F_{3/2} ≤ ζ(3/2) for x &gt; 0),
    /// stays below S/10: then no Bose integral is needed to know the point is dilute.</summary>
    private static bool IsDenseGasPossible(double t, double dt, double stiffness, double spin) =>
        MagnonGas.ThermalFactor(t + Math.Abs(dt) / 2, stiffness) * Zeta32 >= MaxMagnonFraction * spin;

    private const double Zeta32 = 2.6123753486854883433; // ζ(3/2) = F_{3/2}(0)

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
