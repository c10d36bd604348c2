namespace Sweep.Physics.SpinChain;

/// <summary>Everything the spin-chain model reports for one parameter point over its time grid.</summary>
public sealed record SpinChainPoint(
    double AlphaCold, double AlphaHot, double AlphaGround,
    double[] Impurity, double[] ImpurityShift, double[] Current, double[] Magnetization,
    SteadyState? Steady)
{
    /// <summary>Trace distance to the steady state below which the time series stops integrating.</summary>
    public const double SettledDistance = 1e-13;

    /// <summary>Evaluates the closed and the open chain at every time of <paramref name="times"/> (any order, ≥ 0).
    /// Times and rates are in units of J0 = α₁/g, so the interaction g does not enter here.</summary>
    public static SpinChainPoint Evaluate(int sites, double coldEdge, double hotEdge, bool linear,
        double loss, double pump, int siteOffset, double[] times)
    {
        var couplings = ChainCouplings.Create(sites, coldEdge, hotEdge, linear);
        int n = times.Length;
        var impurity = new double[n];
        var shift = new double[n];
        var current = new double[n];
        var magnetization = new double[n];

        var closed = new OneMagnonEvolution(couplings, couplings.Centre);
        Span<double> occupation = stackalloc double[sites];
        for (int j = 0; j < n; j++)
        {
            closed.Occupations(times[j], occupation);
            impurity[j] = occupation[couplings.Centre + siteOffset];
            for (int s = 0; s < sites; s++)
            {
                shift[j] += (s - couplings.Centre) * occupation[s];
            }
        }

        var open = new OpenChain(couplings, loss, pump);
        var (steady, stationary) = SteadyState.Direct(open);
        var rho = open.InitialState(centreFlipped: pump == 0);
        var integrator = new DormandPrince(rho.Length, open.Derivative);
        double now = 0;
        bool settled = false;
        foreach (int j in Enumerable.Range(0, n).OrderBy(j => times[j]))
        {
            // Lindblad evolution contracts the trace distance, so once ρ is within 1e-13 of the steady
            // state it stays there: later times need no integration (their j, m move by < 1e-11).
            settled = settled || (stationary is not null && open.TraceDistanceBound(rho, stationary) < SettledDistance);
            if (!settled)
            {
                integrator.Advance(rho, now, times[j]);
                now = times[j];
            }

            current[j] = open.SpinCurrent(rho);
            magnetization[j] = open.Magnetization(rho);
        }

        steady ??= SteadyState.Find(open, integrator, rho, now);
        return new SpinChainPoint(couplings.AlphaCold, couplings.AlphaHot, couplings.AlphaGround,
            impurity, shift, current, magnetization, steady);
    }
}

/// <summary>The open chain's long-time limit: current and magnetization.</summary>
public readonly record struct SteadyState(double Current, double Magnetization)
{
    /// <summary>The steady state of <paramref name="chain"/> without integrating (PHYSICS.md §4, NUMERICS.md), with
    /// its density matrix where one was solved for: NaN without loss and pump; with loss only, the polarized
    /// chain (j = 0, m = N/2: eigenvectors of a Jacobi matrix never vanish at an edge, so no magnon escapes
    /// the loss); with pump only and the fully reversed chain the one undamped state, that chain (j = 0,
    /// m = −N/2); with both, the solution of L ρ = 0 (<see cref="SteadyStateSolver"/>). Null where none of
    /// these applies (dark states): then <see cref="Find"/> integrates.</summary>
    internal static (SteadyState? Steady, double[]? State) Direct(OpenChain chain)
    {
        if (chain.Loss == 0 && chain.Pump == 0)
        {
            return (new SteadyState(double.NaN, double.NaN), null);
        }

        if (chain.Pump == 0)
        {
            var vacuum = chain.InitialState(centreFlipped: false);
            return (new SteadyState(0, 0.5 * chain.Sites), vacuum);
        }

        if (chain.Loss == 0)
        {
            return SteadyStateSolver.UndampedModes(chain) == 1 ? (new SteadyState(0, -0.5 * chain.Sites), null) : (null, null);
        }

        return SteadyStateSolver.Solve(chain) is { } state
            ? (new SteadyState(chain.SpinCurrent(state), chain.Magnetization(state)), state)
            : (null, null);
    }

    /// <summary>Integrates on until j and m stop changing (see <see cref="SpinChainModel.SteadyStateTolerance"/>);
    /// null if that takes longer than <see cref="SpinChainModel.SteadyStateHorizon"/>.</summary>
    internal static SteadyState? Find(OpenChain chain, DormandPrince integrator, double[] rho, double now)
    {
        const double DerivativeBound = 1e-9;
        double current = chain.SpinCurrent(rho), magnetization = chain.Magnetization(rho);
        while (now < SpinChainModel.SteadyStateHorizon)
        {
            integrator.Advance(rho, now, now + SpinChainModel.SteadyStateInterval);
            now += SpinChainModel.SteadyStateInterval;
            double largest = 0;
            foreach (double d in integrator.Derivative)
            {
                largest = Math.Max(largest, Math.Abs(d));
            }

            double nextCurrent = chain.SpinCurrent(rho), nextMagnetization = chain.Magnetization(rho);
            bool settled = largest < DerivativeBound
                           && Math.Abs(nextCurrent - current) <= SpinChainModel.SteadyStateTolerance * Math.Max(1, Math.Abs(current))
                           && Math.Abs(nextMagnetization - magnetization) <= SpinChainModel.SteadyStateTolerance * Math.Max(1, Math.Abs(magnetization));
            current = nextCurrent;
            magnetization = nextMagnetization;
            if (settled)
            {
                return new SteadyState(current, magnetization);
            }
        }

        return null;
    }
}
