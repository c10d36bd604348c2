using Sweep.Physics.Models;

namespace Sweep.Physics.SpinChain;

/// <summary>
/// Model <c>spin-chain</c>: a strongly interacting 1D link between two reservoirs at T1 and T2,
/// mapped onto the spin chain h = Σ_l (α_l/2g) σ_l·σ_{l+1} (PHYSICS.md §4, seed 002). Time t is the
/// inner axis (the spec's <c>time</c> grid): every point evolves once through the whole grid.
/// Units: time 1/J0 and rates J0, J0 = α₁/g; temperatures ε0 = π²/6 (density ρ = N/L = 1).
/// <para>Closed system: one flipped spin at the centre, evolved exactly in the one-magnon sector.
/// Open system: Lindblad dynamics on the magnon-number blocks, Dormand–Prince 5(4) with error
/// control (rtol 1e-10, atol 1e-12), from the seed's initial states: the centre spin flipped when
/// γ_I = 0 (Fig. 5), fully polarized when the pump is on (Fig. 6); the steady state solved from
/// L ρ = 0 (<see cref="SteadyStateSolver"/>). units = 1 evaluates in the seed's normalization.</para>
/// </summary>
public sealed class SpinChainModel : Model
{
    public const string ModelName = "spin-chain";

    /// <summary>The dense method holds C(2N, N) complex entries per state (48,620 at N = 9); the pumped
    /// steady state's direct solve costs ~0.3 s of CPU at N = 7 and ~1.3 s at N = 9 (docs/BENCHMARKS.md).</summary>
    public const int MaxSites = 9;

    /// <summary>Highest edge temperature (units of ε0): α(10 ε0)/α₁ ≈ 3–4 already; the seed's
    /// mapping needs α(T)/α₁ near 1, and larger couplings make the dynamics stiff.</summary>
    public const double MaxTemperature = 10;

    /// <summary>Horizon for the steady state where it must be integrated (a dark state makes the direct
    /// solve inapplicable, NUMERICS.md); not settling by then is reported as unstable.</summary>
    public const double SteadyStateHorizon = 10_000;

    /// <summary>Steady once j and m change by less than this over <see cref="SteadyStateInterval"/>
    /// (and every entry of dρ/dt is below 1e-9). The derivative alone cannot be pushed lower:
    /// rounding leaves 1e-12 … 1e-11 in dρ/dt of a stationary state, growing with the couplings.</summary>
    public const double SteadyStateTolerance = 1e-12;

    public const double SteadyStateInterval = 10;

    /// <summary>The seed's window for the mapping of H onto h: α(T)/α₁ ≃ 1 needs k_B T ≲ 2 ε0 (seed 002,
    /// text after Eq. 5); a hotter edge is <see cref="PointStatus.Outside"/> (PHYSICS.md §6).</summary>
    public const double MaxMappedTemperature = 2;

    /// <summary>Strong coupling (seed 002, Methods, Eq. 15): the manifolds decouple while the largest
    /// exchange α_l/g stays below this fraction of the gap e_{N+1} − e_N to the next manifold.</summary>
    public const double MaxExchangeOverGap = 0.1;

    /// <summary>Budget of the open chain's time series, in stored density-matrix entries × t × (2γ + γ_I + 40):
    /// Dormand–Prince's steps are set by the rates (stability) and by the coherences' frequencies ≲ 40 J0
    /// (accuracy), and each costs one pass over the entries. 1e8 is about 40 s on one core (docs/BENCHMARKS.md);
    /// later times are <c>invalid</c>. Points that reach their steady state stop integrating before it.</summary>
    public const double MaxIntegrationWork = 1e8;

    private const int N = 0, T1 = 1, T2 = 2, Profile = 3, G = 4, Gamma = 5, GammaI = 6, SiteOffset = 7, Time = 8, Units = 9;

    private static readonly ParameterSpec[] ParameterList =
    [
        new("N", "1", 7.0, new ValidRange(2, MaxSites), $"sites (= particles) in the link, an integer 2 … {MaxSites}; density ρ = N/L = 1"),
        new("T1", "ε0", 0.0, new ValidRange(0, MaxTemperature), "temperature of the left (cold) reservoir in units of ε0 = π²/6"),
        new("T2", "ε0", 2.0, new ValidRange(0, MaxTemperature), "temperature of the right (hot) reservoir in units of ε0 = π²/6"),
        new("profile", "1", 0.0, ValidRange.OneOf(0, 1), "temperature profile along the link: 0 step at the centre, 1 linear"),
        new("g", "energy·length", 100.0, new ValidRange(0, 1e12, MinInclusive: false), "1D interaction strength (strong: g ≫ α); sets J0 = α₁/g"),
        new("gamma", "J0", 3.102, new ValidRange(0, 50), "edge loss rate γ of down spins (0 or ≥ 0.01)"),
        new("gamma_I", "J0", 0.0, new ValidRange(0, 50), "centre pump rate γ_I of down spins (0 or ≥ 0.01); > 0 starts fully polarized"),
        new("site_offset", "sites", 1.0, new ValidRange(-(MaxSites - 1), MaxSites - 1), "site i − i0 whose impurity occupation is reported (i0 = ⌈N/2⌉)"),
        new("t", "1/J0", 0.0, new ValidRange(0, 1e3), "time after the spin flip / pump switch-on (the inner axis: spec key 'time')"),
        new("units", "1", 0.0, ValidRange.OneOf(0, 1),
            "0: Eq. 3 as written (hopping J0, Bessel law J_d(2J0t)²); 1: the seed's numerics (hopping J0/2, Eq. 7 J_d(J0t)²): t, γ, γ_I in those units"),
    ];

    private static readonly ObservableSpec[] ObservableList =
    [
        new("alpha_T1", "energy·length", "exchange coefficient α(T1) = 2ε(T1)/L"),
        new("alpha_T2", "energy·length", "exchange coefficient α(T2) = 2ε(T2)/L"),
        new("alpha1", "energy·length", "α₁ = α(0) = 2ε(0)/L"),
        new("J0", "energy", "time unit J0 = α₁/g"),
        new("impurity", "1", "closed system: ⟨S↓_i(t)⟩ at i = i0 + site_offset"),
        new("impurity_shift", "sites", "closed system: Σ_i (i − i0) ⟨S↓_i(t)⟩, > 0 towards the T2 edge"),
        new("j", "1", "open system: spin current Σ_i ⟨σ^y_i σ^x_{i+1} − σ^x_i σ^y_{i+1}⟩(t)"),
        new("m", "1", "open system: magnetization ½ Σ_i ⟨σ^z_i⟩(t)"),
        new("j_steady", "1", "open system: steady-state spin current j(t → ∞); NaN without loss and pump"),
        new("m_steady", "1", "open system: steady-state magnetization; NaN without loss and pump"),
    ];

    public SpinChainModel()
        : base(ModelName,
            "Spin Seebeck effect in a strongly interacting 1D link: the temperature-dependent spin chain, closed and open (PHYSICS.md §4)",
            ParameterList, ObservableList, innerAxis: "t",
            validity: $"strong coupling: max α_l/g < {MaxExchangeOverGap:R} (e_(N+1) − e_N); the seed's mapping window T1, T2 ≤ {MaxMappedTemperature:R} ε0 (PHYSICS.md §6)")
    {
    }

    protected override PointCheck CheckPhysics(ReadOnlySpan<double> p)
    {
        if (p[N] != Math.Floor(p[N]))
        {
            return PointCheck.Invalid($"parameter 'N' = {p[N]:R} must be an integer in [2, {MaxSites}] (the dense Lindblad method holds C(2N, N) entries)");
        }

        int site = Centre((int)p[N]) + (int)p[SiteOffset];
        if (p[SiteOffset] != Math.Floor(p[SiteOffset]) || site < 0 || site >= p[N])
        {
            return PointCheck.Invalid($"parameter 'site_offset' = {p[SiteOffset]:R} must be an integer with 1 ≤ i0 + site_offset ≤ N (i0 = {Centre((int)p[N]) + 1}, N = {p[N]:R})");
        }

        foreach (int rate in (ReadOnlySpan<int>)[Gamma, GammaI])
        {
            if (p[rate] is > 0 and < 0.01)
            {
                return PointCheck.Invalid($"parameter '{ParameterList[rate].Name}' = {p[rate]:R} must be 0 or ≥ 0.01 J0 (slower rates relax beyond the steady-state horizon)");
            }
        }

        if (IntegrationWork(p, p[Time]) > MaxIntegrationWork)
        {
            return PointCheck.Invalid(WorkMessage(p, p[Time]));
        }

        double hottest = Math.Max(p[T1], p[T2]);
        if (hottest > MaxMappedTemperature)
        {
            return PointCheck.Outside($"k_B T = {hottest:R} ε0 > {MaxMappedTemperature:R} ε0: the mapping onto the spin chain needs α(T)/α₁ ≃ 1, " +
                "which the seed finds only for k_B T ≲ 2 ε0 (lower 'T1'/'T2')");
        }

        int sites = (int)p[N];
        double exchange = ExchangeCoefficient.Alpha(sites, sites, hottest * ChainCouplings.TemperatureUnit) / p[G];
        double gap = ManifoldGap(sites);
        return exchange < MaxExchangeOverGap * gap
            ? PointCheck.Ok
            : PointCheck.Outside($"exchange α/g = {exchange:R} ≥ {MaxExchangeOverGap:R} × the manifold gap {gap:R}: " +
                "the interaction is not strong enough for the spin-chain mapping (raise 'g')");
    }

    /// <summary>The time series' work (see <see cref="MaxIntegrationWork"/>) up to time <paramref name="t"/>, in Eq. 3's units.</summary>
    private static double IntegrationWork(ReadOnlySpan<double> p, double t)
    {
        int sites = (int)p[N];
        double entries = p[GammaI] > 0 ? Binomial(2 * sites, sites) : 1 + sites * sites; // pump off: the 0- and 1-magnon blocks
        double scale = p[Units] == 1 ? 2 : 1;
        return entries * (t / scale) * (scale * (2 * p[Gamma] + p[GammaI]) + 40);
    }

    private static string WorkMessage(ReadOnlySpan<double> p, double t) =>
        $"parameter 't' = {t:R}: the open chain's time series up to t costs {IntegrationWork(p, t):G3} entry·time·rate units, " +
        $"over the budget {MaxIntegrationWork:G3} that keeps a point under a minute (N = {p[N]:R}, gamma = {p[Gamma]:R}, gamma_I = {p[GammaI]:R}); " +
        "lower 't', 'gamma', 'gamma_I' or 'N'";

    private static double Binomial(int n, int k)
    {
        double result = 1;
        for (int i = 1; i <= k; i++)
        {
            result = result * (n - k + i) / i;
        }

        return result;
    }

    /// <summary>e_{N+1} − e_N = π²(2N + 1)/(2L²) at density 1 (L = N): the gap between the lowest manifolds.</summary>
    public static double ManifoldGap(int sites) => Math.PI * Math.PI * (2 * sites + 1) / (2.0 * sites * sites);

    protected override void EvaluateCore(PointBatch batch, ResultBatch results)
    {
        var c = batch.Columns;
        int inner = batch.InnerLength;
        for (int i = 0; i < batch.Count; i++)
        {
            // A bad parameter rejected the whole row already; a bad time only its own result.
            bool anyValid = false;
            for (int j = 0; j < inner; j++)
            {
                anyValid |= results.Status[i * inner + j] == PointStatus.Ok;
            }

            if (!anyValid)
            {
                continue;
            }

            var check = CheckPhysics(Row(c, i));
            if (!check.IsOk)
            {
                for (int j = 0; j < inner; j++)
                {
                    results.Reject(i * inner + j, check.Status);
                }

                continue;
            }

            double[] times = batch.InnerGrid is { } grid ? (double[])grid.Clone() : [c[Time][i]];
            var row = Row(c, i);
            for (int j = 0; j < times.Length; j++)
            {
                if (results.Status[i * inner + j] == PointStatus.Ok && IntegrationWork(row, times[j]) > MaxIntegrationWork)
                {
                    results.Reject(i * inner + j, PointStatus.Invalid); // past the time series' budget
                }

                if (results.Status[i * inner + j] != PointStatus.Ok)
                {
                    times[j] = 0; // rejected already: evaluated at t = 0, never written
                }
            }

            // The seed's numerics evolve under h/2: at its time t and rates γ that is Eq. 3 at t/2 with rates 2γ.
            double scale = c[Units][i] == 1 ? 2 : 1;
            var scaled = times.Select(t => t / scale).ToArray();
            var point = SpinChainPoint.Evaluate((int)c[N][i], c[T1][i], c[T2][i], c[Profile][i] == 1,
                scale * c[Gamma][i], scale * c[GammaI][i], (int)c[SiteOffset][i], scaled);
            for (int j = 0; j < times.Length; j++)
            {
                int k = i * inner + j;
                if (results.Status[k] != PointStatus.Ok)
                {
                    continue;
                }

                if (point.Steady is null)
                {
                    results.Reject(k, PointStatus.Unstable);
                    continue;
                }

                var o = results.Columns;
                o[0][k] = point.AlphaCold;
                o[1][k] = point.AlphaHot;
                o[2][k] = point.AlphaGround;
                o[3][k] = point.AlphaGround / c[G][i];
                o[4][k] = point.Impurity[j];
                o[5][k] = point.ImpurityShift[j];
                o[6][k] = point.Current[j];
                o[7][k] = point.Magnetization[j];
                o[8][k] = point.Steady.Value.Current;
                o[9][k] = point.Steady.Value.Magnetization;
            }
        }
    }

    /// <summary>One parameter point (with its whole time grid) per chunk: a point costs 0.01–10 s.</summary>
    public override int? PreferredChunkPoints => 1;

    public override string? EvaluationOnlyMessage(PointStatus status) => status == PointStatus.Unstable
        ? $"the open chain has undamped (dark) states and did not reach a steady state (j, m settled to {SteadyStateTolerance:R}) within t = {SteadyStateHorizon:R}/J0"
        : null;

    internal static int Centre(int sites) => (sites + 1) / 2 - 1;

    private static double[] Row(double[][] columns, int i)
    {
        var row = new double[columns.Length];
        for (int p = 0; p < row.Length; p++)
        {
            row[p] = columns[p][i];
        }

        return row;
    }
}
