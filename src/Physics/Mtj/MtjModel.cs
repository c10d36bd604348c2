using Sweep.Physics.Models;

namespace Sweep.Physics.Mtj;

/// <summary>
/// Model <c>mtj</c>: a magnetic tunnel junction whose island spin fluctuates (PHYSICS.md §2).
/// The bias V is the inner axis: a batch evaluates each junction over a whole bias grid, computing
/// the bias-independent constants once (the I–V curve is the fast path).
/// </summary>
public sealed class MtjModel : Model
{
    public const string ModelName = "mtj";

    /// <summary>Limits on the reduced variables t = T/h and v = V/h that keep every observable
    /// inside double range.</summary>
    public const double MaxReducedTemperature = 1e6, MaxReducedBias = 1e6;

    /// <summary>The spin-wave expansion of the island and its rate equation hold for N ≪ S (seed 004,
    /// Sec. II); a point with N_s ≥ S/10 is <see cref="PointStatus.Outside"/> (PHYSICS.md §6).</summary>
    public const double MaxMagnonFraction = 0.1;

    /// <summary>Lower ends of P, P_L and G0/Gφ: they keep α_e = Γ/(πS) and V_c inside double range
    /// (V_c ≤ 2e42 at the extremes), so every legal point has finite numbers.</summary>
    public const double MinCoupling = 1e-6;

    private const int H = 0, T = 1, S = 2, AlphaP = 3, P = 4, PL = 5, Eta = 6, G0 = 7, V = 8;

    private static readonly ParameterSpec[] ParameterList =
    [
        new("h", "energy", null, new ValidRange(0, 1e4),
            "island magnon gap ħΩ, set by the field (the unit of V and T below); h = 0 is critical"),
        new("T", "energy", null, new ValidRange(0, 1e4), "temperature; t = T/ħΩ ≤ 1e6"),
        new("S", "1", null, new ValidRange(0.5, 1e15), "island spin"),
        new("alpha_p", "1", null, new ValidRange(0, 1e3, MinInclusive: false), "lattice (Gilbert) damping α_p"),
        new("J_T", "1", null, new ValidRange(MinCoupling, 1e3),
            "island polarization P = B/A (spin-dependent over spin-independent hopping)"),
        new("P_L", "1", 0.2, new ValidRange(MinCoupling, 1, MaxInclusive: false), "left-lead polarization"),
        new("eta", "1", -1.0, ValidRange.OneOf(-1, 1), "orientation: +1 parallel, −1 antiparallel"),
        new("G0_over_Gphi", "1", 2000.0, new ValidRange(MinCoupling, 1e12), "junction conductance G0 in units of Gφ = 2e²/h"),
        new("V", "energy", 0.0, new ValidRange(-1e10, 1e10), "bias eV (energy units); reduced v = V/h, |v| ≤ 1e6"),
    ];

    private static readonly ObservableSpec[] ObservableList =
    [
        new("Gamma", "1", "Γ = (2P²/(1+P²)) G0/Gφ"),
        new("alpha_e", "1", "electronic damping α_e = Γ/(π S)"),
        new("Vc", "ħΩ/e", "swasing threshold V_c = η (1 + α_p/α_e)/P_L"),
        new("N0", "1", "equilibrium magnon number n_B(ħΩ)"),
        new("Ns", "1", "self-consistent magnon number N_s(v)"),
        new("i", "G0 ħΩ/e", "current"),
        new("dIdV", "G0", "differential conductance = G_el + G_MAT + G_STT"),
        new("G_el", "G0", "elastic conductance 1 + η (Gm/G0)(1 − N_s/S)"),
        new("G_MAT", "G0", "magnon-assisted tunneling conductance ∂_v i at fixed N"),
        new("G_STT", "G0", "spin-transfer-torque conductance ∂_N i · dN_s/dv"),
        new("R", "1/G0", "resistance v/i (1/(dI/dV) at v = 0)"),
        new("r", "1", "∂_v G_STT / ∂_v G_MAT; NaN where ∂_v G_MAT = 0 (e.g. t = 0)"),
    ];

    public MtjModel()
        : base(ModelName,
            "Magnetic tunnel junction with a fluctuating island spin: self-consistent magnon number and nonlinear I–V (PHYSICS.md §2)",
            ParameterList, ObservableList, innerAxis: "V",
            validity: $"spin-wave expansion of the island: N_s < S/10 ({MaxMagnonFraction:R} S), below the swasing threshold |v| < |V_c| (PHYSICS.md §6)")
    {
    }

    protected override PointCheck CheckPhysics(ReadOnlySpan<double> p)
    {
        double h = p[H], t = p[T] / h, v = p[V] / h;
        var junction = h == 0 ? default : Junction(p);
        return Classify(h, t, v, junction) switch
        {
            PointStatus.Critical => PointCheck.Critical("h = ħΩ = 0: the island magnon gap closes and the reduced units t, v are undefined"),
            PointStatus.Invalid when !(t <= MaxReducedTemperature) => PointCheck.Invalid(
                $"T/h = {t:R} exceeds {MaxReducedTemperature:R} (parameter 'T' too large for this 'h')"),
            PointStatus.Invalid => PointCheck.Invalid(
                $"|V/h| = {Math.Abs(v):R} exceeds {MaxReducedBias:R} (parameter 'V' too large for this 'h')"),
            PointStatus.Unstable => PointCheck.Unstable(
                $"1 + v/V_c = {1 + v / junction.CriticalBias:R} ≤ 0 at v = {v:R}, V_c = {junction.CriticalBias:R}: swasing, no steady state"),
            _ => IsDilute(junction.AtBias(v), p[S]) ? PointCheck.Ok : PointCheck.Outside(
                $"N_s = {junction.AtBias(v).MagnonNumber:R} ≥ S/10 = {MaxMagnonFraction * p[S]:R} at v = {v:R}: " +
                "the island's spin-wave expansion needs N_s ≪ S (raise 'S' or 'h', lower 'T' or |V|)"),
        };
    }

    /// <summary>N_s ≪ S, as the spin-wave expansion of the island needs (PHYSICS.md §6).</summary>
    private static bool IsDilute(in MtjBiasPoint b, double spin) => b.MagnonNumber < MaxMagnonFraction * spin;

    protected override void EvaluateCore(PointBatch batch, ResultBatch results)
    {
        var c = batch.Columns;
        var o = results.Columns;
        int inner = batch.InnerLength;
        for (int i = 0; i < batch.Count; i++)
        {
            double h = c[H][i];
            // The inner grid (scaled per point when the bias is in units of h), or this point's own V.
            ReadOnlySpan<double> biases = batch.InnerGrid ?? c[V].AsSpan(i, 1);
            double biasScale = batch.InnerScale >= 0 ? c[batch.InnerScale][i] : 1.0;
            var junction = h > 0 ? MtjJunction.Create(h, c[T][i], c[S][i], c[AlphaP][i], c[P][i], c[PL][i], c[Eta][i], c[G0][i]) : default;
            double t = c[T][i] / h;

            // Whole vectors of biases SIMD; a point whose every bias is Critical (h = 0) or Invalid (T/h too
            // large) is left to the scalar loop, as is the bias grid's remainder.
            int done = h > 0 && t <= MaxReducedTemperature && biases.Length >= System.Numerics.Vector<double>.Count
                ? EvaluateBiasVectors(junction, h, t, biases, biasScale, c[S][i], results, i * inner)
                : 0;
            for (int j = done; j < biases.Length; j++)
            {
                int k = i * inner + j;
                if (results.Status[k] != PointStatus.Ok)
                {
                    continue; // rejected by the range check
                }

                double v = biases[j] * biasScale / h;
                var status = Classify(h, t, v, junction);
                if (status != PointStatus.Ok)
                {
                    results.Reject(k, status);
                    continue;
                }

                Write(junction, junction.AtBias(v), c[S][i], results, k);
            }
        }
    }

    /// <summary>The bias loop of <see cref="EvaluateCore"/> for whole vectors of biases (<see cref="MtjBiasBatch"/>),
    /// statuses by the same rules: a lane whose N_s lies within <see cref="DensityMargin"/> of S/10 (or is
    /// not a number) is evaluated again by the scalar kernel, so statuses never depend on the path.
    /// Returns how many biases were done.</summary>
    private static int EvaluateBiasVectors(in MtjJunction junction, double h, double t, ReadOnlySpan<double> biases,
        double biasScale, double spin, ResultBatch results, int offset)
    {
        double[] reduced = System.Buffers.ArrayPool<double>.Shared.Rent(biases.Length);
        try
        {
            int done = MtjBiasBatch.Evaluate(junction, h, biases, biasScale, results.Columns, 4, offset, reduced);
            var o = results.Columns;
            double limit = MaxMagnonFraction * spin;
            for (int j = 0; j < done; j++)
            {
                int k = offset + j;
                double v = reduced[j], ns = o[4][k];
                var status = results.Status[k] == PointStatus.Ok ? Classify(h, t, v, junction) : results.Status[k];
                if (status != PointStatus.Ok)
                {
                    results.Reject(k, status); // again: the vector wrote numbers over the range check's NaN
                }
                else if (ns < limit * (1 - DensityMargin))
                {
                    o[0][k] = junction.Gamma;
                    o[1][k] = junction.ElectronDamping;
                    o[2][k] = junction.CriticalBias;
                    o[3][k] = junction.EquilibriumNumber;
                }
                else if (ns > limit * (1 + DensityMargin))
                {
                    results.Reject(k, PointStatus.Outside);
                }
                else
                {
                    Write(junction, junction.AtBias(v), spin, results, k);
                }
            }

            return done;
        }
        finally
        {
            System.Buffers.ArrayPool<double>.Shared.Return(reduced);
        }
    }

    /// <summary>Relative distance from S/10 within which the vector path's N_s (a few ulp from the scalar
    /// kernel's) does not decide the status: the scalar kernel does.</summary>
    private const double DensityMargin = 1e-12;

    /// <summary>One bias point's observables, or Outside where N_s ≥ S/10.</summary>
    private static void Write(in MtjJunction junction, in MtjBiasPoint b, double spin, ResultBatch results, int k)
    {
        if (!IsDilute(b, spin))
        {
            results.Reject(k, PointStatus.Outside);
            return;
        }

        var o = results.Columns;
        o[0][k] = junction.Gamma;
        o[1][k] = junction.ElectronDamping;
        o[2][k] = junction.CriticalBias;
        o[3][k] = junction.EquilibriumNumber;
        o[4][k] = b.MagnonNumber;
        o[5][k] = b.Current;
        o[6][k] = b.DifferentialConductance;
        o[7][k] = b.ElasticConductance;
        o[8][k] = b.MagnonAssistedConductance;
        o[9][k] = b.SpinTransferConductance;
        o[10][k] = b.Resistance;
        o[11][k] = b.SttToMatRatio;
    }

    private static MtjJunction Junction(ReadOnlySpan<double> p) =>
        MtjJunction.Create(p[H], p[T], p[S], p[AlphaP], p[P], p[PL], p[Eta], p[G0]);

    /// <summary>The model's own conditions (one rule for single points and batches).</summary>
    private static PointStatus Classify(double h, double t, double v, in MtjJunction junction)
    {
        if (h == 0)
        {
            return PointStatus.Critical;
        }

        if (!(t <= MaxReducedTemperature) || !(Math.Abs(v) <= MaxReducedBias))
        {
            return PointStatus.Invalid;
        }

        return junction.IsStable(v) ? PointStatus.Ok : PointStatus.Unstable;
    }
}
