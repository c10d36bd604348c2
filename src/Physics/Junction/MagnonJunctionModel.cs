using System.Numerics;
using System.Runtime.CompilerServices;
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

    // Observable index of l11; l12, l22 and k follow it. Observables 0 … LastLinear (A, the conductances,
    // their reduced forms, seebeck, lorenz, ZT) need only F_1, F_2, F_3: the selected path's.
    private const int ReducedFirst = 6;
    private const int LastLinear = 12;

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

    /// <summary>Only linear-response observables asked for (A, L11 … K, l11 … k, seebeck, lorenz, ZT): F_1, F_2,
    /// F_3 and the density's F_{3/2} SIMD across points (<see cref="BoseBatch"/>), none of the other
    /// observables' work (half-integer orders but F_{3/2}, relaxation, nonlinear currents).</summary>
    protected override bool EvaluateSelected(PointBatch batch, ResultBatch results, ReadOnlySpan<int> observables)
    {
        // Per outer point only: an inner time grid (the transients) takes the full path.
        if (batch.InnerLength != 1)
        {
            return false;
        }

        uint wanted = 0; // bit o: observable o asked for
        foreach (int observable in observables)
        {
            if (observable > LastLinear)
            {
                return false;
            }

            wanted |= 1u << observable;
        }

        bool conductances = (wanted & ~(Bit(ReducedFirst) | Bit(ReducedFirst + 1) | Bit(ReducedFirst + 2) | Bit(ReducedFirst + 3))) != 0;
        int n = batch.Count;
        var c = batch.Columns;
        using var columns = new BoseColumns(c[H].AsSpan(0, n), c[T].AsSpan(0, n));
        Span<double> x = columns.X, scale = columns.Scale, g1 = columns.G(0), g2 = columns.G(1), g3 = columns.G(2), g15 = columns.G(3);
        BoseBatch.Evaluate(x, scale, g1, g2, g3, g15);
        var o = results.Columns;

        // Each reduced conductance only where it or a conductance built on it is asked for.
        Span<double> Reduced(int reduced, uint users) => (wanted & (Bit(ReducedFirst + reduced) | users)) != 0 ? o[ReducedFirst + reduced].AsSpan(0, n) : [];
        JunctionTransport.Reduced(x, scale, g1, g2, g3,
            Reduced(0, Bit(L11)), Reduced(1, Bit(L12) | Bit(L21)), Reduced(2, Bit(L22)), Reduced(3, Bit(K)));
        if (conductances)
        {
            Conductances(batch, results, wanted, x, g1, g2, g3);
        }

        SetStatuses(batch, results, x, scale, g15, conductances);
        return true;
    }

    /// <summary>The asked-for ones of A, L11 … K (from the reduced conductances) and the ratios (from the
    /// scaled integrals), <see cref="JunctionTransport.Compute"/>'s formulas operation for operation,
    /// SIMD across points; <paramref name="wanted"/> has bit o set for observable o. Products over a
    /// reduced column that was not computed are formed and dropped, never stored.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // hot: optimised from the first call (no tier-0 phase)
    private static void Conductances(PointBatch batch, ResultBatch results, uint wanted, ReadOnlySpan<double> xs,
        ReadOnlySpan<double> g1s, ReadOnlySpan<double> g2s, ReadOnlySpan<double> g3s)
    {
        var c = batch.Columns;
        var o = results.Columns;
        bool slope = (wanted & (Bit(A) | Bit(L11) | Bit(L12) | Bit(L21) | Bit(L22) | Bit(K))) != 0;
        bool ratios = (wanted & (Bit(Seebeck) | Bit(Lorenz) | Bit(ZT))) != 0;
        var eightPiCubed = new Vector<double>(8.0 * Math.PI * Math.PI * Math.PI);
        int lanes = Vector<double>.Count, i = 0;
        for (; i + lanes <= batch.Count; i += lanes)
        {
            if (slope)
            {
                // JunctionTransport.TransmissionSlope: J_T² / (8π³ J³ S)
                var t = new Vector<double>(c[T], i);
                var tunneling = new Vector<double>(c[JT], i);
                var exchange = new Vector<double>(c[J], i);
                var a = tunneling * tunneling / (eightPiCubed * exchange * exchange * exchange * new Vector<double>(c[S], i));
                var at = a * t;
                var at2 = at * t;
                var bigL12 = at * new Vector<double>(o[ReducedFirst + 1], i);
                Store(wanted, A, a, o, i);
                Store(wanted, L11, at * new Vector<double>(o[ReducedFirst], i), o, i);
                Store(wanted, L12, bigL12, o, i);
                Store(wanted, L21, t * bigL12, o, i);
                Store(wanted, L22, at2 * new Vector<double>(o[ReducedFirst + 2], i), o, i);
                Store(wanted, K, at2 * new Vector<double>(o[ReducedFirst + 3], i), o, i);
            }

            if (ratios)
            {
                var x = new Vector<double>(xs[i..]);
                var g1 = new Vector<double>(g1s[i..]);
                var g2 = new Vector<double>(g2s[i..]);
                var g3 = new Vector<double>(g3s[i..]);
                var scaledK = new Vector<double>(6.0) * g3 - new Vector<double>(4.0) * g2 * g2 / g1;
                var scaledL12 = new Vector<double>(2.0) * g2 + x * g1;
                Store(wanted, Seebeck, scaledL12 / g1, o, i);
                Store(wanted, Lorenz, scaledK / g1, o, i);
                Store(wanted, ZT, scaledL12 * scaledL12 / (new Vector<double>(6.0) * g1 * g3 - new Vector<double>(4.0) * g2 * g2), o, i);
            }
        }

        for (; i < batch.Count; i++)
        {
            double t = c[T][i];
            double a = JunctionTransport.TransmissionSlope(c[JT][i], c[S][i], c[J][i]);
            double at = a * t, at2 = at * t;
            double bigL12 = at * o[ReducedFirst + 1][i];
            double scaledK = 6.0 * g3s[i] - 4.0 * g2s[i] * g2s[i] / g1s[i];
            double scaledL12 = 2.0 * g2s[i] + xs[i] * g1s[i];
            o[A][i] = a;
            o[L11][i] = at * o[ReducedFirst][i];
            o[L12][i] = bigL12;
            o[L21][i] = t * bigL12;
            o[L22][i] = at2 * o[ReducedFirst + 2][i];
            o[K][i] = at2 * o[ReducedFirst + 3][i];
            o[Seebeck][i] = scaledL12 / g1s[i];
            o[Lorenz][i] = scaledK / g1s[i];
            o[ZT][i] = scaledL12 * scaledL12 / (6.0 * g1s[i] * g3s[i] - 4.0 * g2s[i] * g2s[i]);
        }
    }

    // Observable indices of the linear response beyond the reduced four (the observable list's order).
    private const int A = 0, L11 = 1, L12 = 2, L21 = 3, L22 = 4, K = 5, Seebeck = 10, Lorenz = 11, ZT = 12;

    private static uint Bit(int observable) => 1u << observable;

    private static void Store(uint wanted, int observable, Vector<double> value, double[][] columns, int i)
    {
        if ((wanted & Bit(observable)) != 0)
        {
            value.CopyTo(columns[observable], i);
        }
    }

    /// <summary>The statuses of <see cref="EvaluateCore"/> with NaN in the linear-response columns of every
    /// point that is not Ok. A block of points is decided in SIMD where that is certain: no bias,
    /// and the mean state's density λ F_{3/2} (from the batch) clearly below S/10; anything closer
    /// than <see cref="DensityMargin"/> to the limit, biased or already rejected, goes through the
    /// scalar rules, so the selected path's statuses are always the full path's.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // hot: optimised from the first call (no tier-0 phase)
    private static void SetStatuses(PointBatch batch, ResultBatch results, ReadOnlySpan<double> xs,
        ReadOnlySpan<double> scales, ReadOnlySpan<double> g15s, bool conductances)
    {
        int n = batch.Count;
        var c = batch.Columns;
        var status = results.Status;
        bool anyRejected = status.AsSpan(0, n).ContainsAnyExcept(PointStatus.Ok);
        int lanes = Vector<double>.Count;
        var fourPi = new Vector<double>(4.0 * Math.PI);
        var below = new Vector<double>(Square(MaxMagnonFraction * (1 - DensityMargin)));
        var above = new Vector<double>(Square(MaxMagnonFraction * (1 + DensityMargin)));
        var tiny = new Vector<double>(1e-280);
        var huge = new Vector<double>(1e280);
        int i = 0;
        for (; i + lanes <= n; i += lanes)
        {
            // The density λ F_{3/2} against S/10, λ = (T/(4πD))^{3/2}, D = J S, compared squared and
            // multiplied out, T³ F² against (S/10)² (4πD)³, so no division or square root: where the
            // right side is a normal double the products' few roundings are far inside the margin, and
            // a left side that underflows is dilute, one that overflows dense, as it truly is.
            var t = new Vector<double>(c[T], i);
            var x = new Vector<double>(xs[i..]);
            var spin = new Vector<double>(c[S], i);
            var d = fourPi * (new Vector<double>(c[J], i) * spin);
            var f = new Vector<double>(scales[i..]) * new Vector<double>(g15s[i..]);
            var density = t * t * t * (f * f);
            var limit = spin * spin * (d * d * d);
            // Unbiased with x > 0: Classify's Ok, and the mean state is the only reservoir.
            var unbiased = Vector.GreaterThan(x, Vector<double>.Zero)
                & Vector.Equals(new Vector<double>(c[Dh], i), Vector<double>.Zero)
                & Vector.Equals(new Vector<double>(c[DT], i), Vector<double>.Zero)
                & Vector.GreaterThanOrEqual(limit, tiny) & Vector.LessThanOrEqual(limit, huge);
            var dilute = unbiased & Vector.LessThan(density, below * limit);
            bool rejected = anyRejected && status.AsSpan(i, lanes).ContainsAnyExcept(PointStatus.Ok);
            if (!rejected && Vector.EqualsAll(dilute, Vector<long>.AllBitsSet))
            {
                continue; // the common case: every point of the block is Ok
            }

            var dense = unbiased & Vector.GreaterThan(density, above * limit);
            if (!rejected && Vector.EqualsAll(dilute | dense, Vector<long>.AllBitsSet))
            {
                RejectDense(results, i, dense, conductances); // every point of the block decided: Ok or clearly too dense
                continue;
            }

            for (int k = 0; k < lanes; k++)
            {
                int j = i + k;
                if (status[j] == PointStatus.Ok && dilute[k] != 0)
                {
                    continue;
                }

                if (status[j] == PointStatus.Ok && dense[k] != 0)
                {
                    Reject(results, j, PointStatus.Outside);
                    continue;
                }

                SetStatus(batch, results, j, scales[j] * g15s[j]);
            }
        }

        for (; i < n; i++)
        {
            SetStatus(batch, results, i, scales[i] * g15s[i]);
        }
    }

    /// <summary>One point's status by <see cref="EvaluateCore"/>'s rules, given F_{3/2}(h/T) from the batch.</summary>
    private static void SetStatus(PointBatch batch, ResultBatch results, int i, double f15)
    {
        var c = batch.Columns;
        double h = c[H][i], t = c[T][i], dh = c[Dh][i], dt = c[DT][i], spin = c[S][i], stiffness = c[J][i] * spin;
        var status = results.Status[i] == PointStatus.Ok ? Classify(h, t, dh, dt) : results.Status[i];
        if (status == PointStatus.Ok && IsDenseGasPossible(t, dt, stiffness, spin))
        {
            double limit = MaxMagnonFraction * spin;
            double mean = MagnonGas.ThermalFactor(t, stiffness) * f15;
            bool certain = dh == 0 && dt == 0 && Math.Abs(mean - limit) > DensityMargin * limit;
            double densest = certain ? mean : DensestReservoir(h, t, dh, dt, stiffness);
            if (densest >= limit)
            {
                status = PointStatus.Outside;
            }
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

    private static double Square(double value) => value * value;

    /// <summary><see cref="Reject"/> with <see cref="PointStatus.Outside"/> for the lanes of the block at
    /// <paramref name="first"/> that <paramref name="dense"/> marks, NaN written SIMD across them into the
    /// columns the selected path wrote: the reduced conductances, and the others when computed.</summary>
    private static void RejectDense(ResultBatch results, int first, Vector<long> dense, bool conductances)
    {
        var nan = new Vector<double>(double.NaN);
        for (int o = conductances ? 0 : ReducedFirst; o <= LastLinear; o++)
        {
            if (!conductances && o > ReducedFirst + 3)
            {
                break;
            }

            var column = results.Columns[o].AsSpan(first);
            Vector.ConditionalSelect(dense, nan, new Vector<double>(column)).CopyTo(column);
        }

        for (int k = 0; k < Vector<long>.Count; k++)
        {
            if (dense[k] != 0)
            {
                results.Status[first + k] = PointStatus.Outside;
            }
        }
    }

    /// <summary>Relative distance from S/10 within which the batch's F_{3/2} (a few ulp from the scalar
    /// kernel's) does not decide a status: the scalar kernel does, as in the full path.</summary>
    private const double DensityMargin = 1e-12;

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
