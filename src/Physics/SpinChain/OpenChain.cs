namespace Sweep.Physics.SpinChain;

/// <summary>
/// The open chain (PHYSICS.md §4, seed 002 Eqs. 8 and 11): Lindblad dynamics with h/J0, loss of
/// down spins at both edges (jump operator S⁺ = |↑⟩⟨↓| on sites 1 and N, rate γ — the seed's
/// "S⁻" in its convention, which sends m → N/2) and an optional pump of down spins at the centre
/// (|↓⟩⟨↑|, rate γ_I):
/// dρ/dt = −i[h, ρ] + Σ_k γ_k (L_k ρ L_k† − ½{L_k†L_k, ρ}).
/// <para>h keeps the magnon number and every jump changes it by one, so a state that starts with a
/// definite number stays block diagonal: ρ = ⊕_n ρ_n over magnon numbers n. Only those blocks are
/// stored and evolved (Σ_n C(N,n)² = C(2N,N) entries instead of 4^N): 3432 for N = 7.</para>
/// </summary>
public sealed class OpenChain
{
    private readonly MagnonSector[] _sectors;
    private readonly int[] _offsets;      // complex offset of block n in the state
    private readonly double[][] _damping; // Σ_k γ_k ⟨a|L_k†L_k|a⟩ per state
    private readonly int[][][] _lossTargets, _lossSources; // per sector n, per edge: a in n ← a+edge in n+1
    private readonly int[][] _pumpTargets = [], _pumpSources = []; // per sector n: a in n ← a−centre in n−1

    /// <param name="couplings">The chain.</param>
    /// <param name="loss">γ, edge loss rate (units of J0).</param>
    /// <param name="pump">γ_I, centre pump rate (units of J0); with 0 only the 0- and 1-magnon blocks exist.</param>
    public OpenChain(ChainCouplings couplings, double loss, double pump)
    {
        int sites = couplings.Sites;
        Sites = sites;
        Loss = loss;
        Pump = pump;
        int maxMagnons = pump > 0 ? sites : 1;
        _sectors = new MagnonSector[maxMagnons + 1];
        _offsets = new int[maxMagnons + 2];
        for (int n = 0; n <= maxMagnons; n++)
        {
            _sectors[n] = new MagnonSector(sites, n, couplings.Bonds);
            _offsets[n + 1] = _offsets[n] + _sectors[n].Dimension * _sectors[n].Dimension;
        }

        int centre = couplings.Centre;
        int[] edges = [0, sites - 1];
        _damping = new double[maxMagnons + 1][];
        _lossTargets = new int[maxMagnons + 1][][];
        _lossSources = new int[maxMagnons + 1][][];
        if (pump > 0)
        {
            _pumpTargets = new int[maxMagnons + 1][];
            _pumpSources = new int[maxMagnons + 1][];
        }

        for (int n = 0; n <= maxMagnons; n++)
        {
            var sector = _sectors[n];
            _damping[n] = new double[sector.Dimension];
            _lossTargets[n] = new int[edges.Length][];
            _lossSources[n] = new int[edges.Length][];
            for (int e = 0; e < edges.Length; e++)
            {
                int bit = 1 << edges[e];
                var targets = new List<int>();
                var sources = new List<int>();
                for (int a = 0; a < sector.Dimension; a++)
                {
                    int mask = sector.States[a];
                    if ((mask & bit) != 0)
                    {
                        _damping[n][a] += loss; // L†L = n_edge
                    }
                    else if (n < maxMagnons)
                    {
                        targets.Add(a);
                        sources.Add(_sectors[n + 1].IndexOf(mask | bit));
                    }
                }

                _lossTargets[n][e] = targets.ToArray();
                _lossSources[n][e] = sources.ToArray();
            }

            if (pump > 0)
            {
                int bit = 1 << centre;
                var targets = new List<int>();
                var sources = new List<int>();
                for (int a = 0; a < sector.Dimension; a++)
                {
                    int mask = sector.States[a];
                    if ((mask & bit) == 0)
                    {
                        _damping[n][a] += pump; // L†L = 1 − n_centre
                    }
                    else
                    {
                        targets.Add(a);
                        sources.Add(_sectors[n - 1].IndexOf(mask & ~bit));
                    }
                }

                _pumpTargets[n] = targets.ToArray();
                _pumpSources[n] = sources.ToArray();
            }
        }

        Centre = centre;
    }

    public int Sites { get; }

    public int Centre { get; }

    public double Loss { get; }

    public double Pump { get; }

    /// <summary>Length of the real state vector (re, im interleaved over all blocks).</summary>
    public int StateLength => 2 * _offsets[^1];

    /// <summary>The seed's initial states: the centre spin flipped (Figs. 3–5) or fully polarized (Fig. 6).</summary>
    public double[] InitialState(bool centreFlipped)
    {
        var state = new double[StateLength];
        if (centreFlipped)
        {
            int a = _sectors[1].IndexOf(1 << Centre);
            state[2 * (_offsets[1] + a * _sectors[1].Dimension + a)] = 1;
        }
        else
        {
            state[2 * _offsets[0]] = 1;
        }

        return state;
    }

    /// <summary>dρ/dt for the state <paramref name="rho"/> into <paramref name="derivative"/>.</summary>
    public void Derivative(double[] rho, double[] derivative)
    {
        for (int n = 0; n < _sectors.Length; n++)
        {
            var sector = _sectors[n];
            int d = sector.Dimension, o = _offsets[n];
            var energy = sector.Energies;
            var damping = _damping[n];
            // Diagonal of h and the anticommutator: (−i(E_a − E_b) − (D_a + D_b)/2) ρ_ab.
            for (int a = 0; a < d; a++)
            {
                for (int b = 0; b < d; b++)
                {
                    int k = 2 * (o + a * d + b);
                    double w = energy[a] - energy[b], g = -0.5 * (damping[a] + damping[b]);
                    double re = rho[k], im = rho[k + 1];
                    derivative[k] = g * re + w * im;
                    derivative[k + 1] = g * im - w * re;
                }
            }

            // Hops: −i(hρ − ρh) for each pair (r, l) of states joined by amplitude v.
            for (int h = 0; h < sector.HopAmplitude.Length; h++)
            {
                int r = sector.HopRight[h], l = sector.HopLeft[h];
                double v = sector.HopAmplitude[h];
                for (int b = 0; b < d; b++)
                {
                    AddTimesMinusI(derivative, 2 * (o + r * d + b), v, rho, 2 * (o + l * d + b));
                    AddTimesMinusI(derivative, 2 * (o + l * d + b), v, rho, 2 * (o + r * d + b));
                    AddTimesMinusI(derivative, 2 * (o + b * d + l), -v, rho, 2 * (o + b * d + r));
                    AddTimesMinusI(derivative, 2 * (o + b * d + r), -v, rho, 2 * (o + b * d + l));
                }
            }

            // Jumps into this block: γ L ρ_{n±1} L†.
            if (n + 1 < _sectors.Length)
            {
                for (int e = 0; e < _lossTargets[n].Length; e++)
                {
                    AddJump(derivative, rho, n, _lossTargets[n][e], n + 1, _lossSources[n][e], Loss);
                }
            }

            if (Pump > 0 && n > 0)
            {
                AddJump(derivative, rho, n, _pumpTargets[n], n - 1, _pumpSources[n], Pump);
            }
        }
    }

    /// <summary>Tr ρ (1 for a physical state; conserved by the dynamics).</summary>
    public double Trace(double[] rho)
    {
        double trace = 0;
        for (int n = 0; n < _sectors.Length; n++)
        {
            trace += BlockTrace(rho, n);
        }

        return trace;
    }

    /// <summary>m = ½ Σ_i ⟨σ^z_i⟩ = ½ Σ_n (N − 2n) Tr ρ_n.</summary>
    public double Magnetization(double[] rho)
    {
        double m = 0;
        for (int n = 0; n < _sectors.Length; n++)
        {
            m += 0.5 * (Sites - 2 * n) * BlockTrace(rho, n);
        }

        return m;
    }

    /// <summary>j = Σ_i ⟨σ^y_i σ^x_{i+1} − σ^x_i σ^y_{i+1}⟩ (seed Eq. 9). With σ^+ = |↑⟩⟨↓| the
    /// operator is 2i(σ⁻_i σ⁺_{i+1} − h.c.), which moves a magnon from i + 1 to i, so
    /// ⟨·⟩ = −4 Im ρ(r, l) summed over hops, r the state with the magnon on the right.</summary>
    public double SpinCurrent(double[] rho)
    {
        double j = 0;
        for (int n = 1; n < _sectors.Length; n++)
        {
            var sector = _sectors[n];
            int d = sector.Dimension, o = _offsets[n];
            for (int h = 0; h < sector.HopAmplitude.Length; h++)
            {
                j -= 4 * rho[2 * (o + sector.HopRight[h] * d + sector.HopLeft[h]) + 1];
            }
        }

        return j;
    }

    /// <summary>An upper bound of the trace distance ‖a − b‖₁: Σ_n √d_n ‖a_n − b_n‖_F over the blocks.</summary>
    public double TraceDistanceBound(double[] a, double[] b)
    {
        double bound = 0;
        for (int n = 0; n < _sectors.Length; n++)
        {
            int d = _sectors[n].Dimension, o = 2 * _offsets[n];
            double sum = 0;
            for (int k = o; k < o + 2 * d * d; k++)
            {
                double diff = a[k] - b[k];
                sum += diff * diff;
            }

            bound += Math.Sqrt(d * sum);
        }

        return bound;
    }

    /// <summary>Block n as a dense complex matrix (tests: hermiticity and positivity).</summary>
    public System.Numerics.Complex[,] Block(double[] rho, int magnons)
    {
        int d = _sectors[magnons].Dimension, o = _offsets[magnons];
        var block = new System.Numerics.Complex[d, d];
        for (int a = 0; a < d; a++)
        {
            for (int b = 0; b < d; b++)
            {
                int k = 2 * (o + a * d + b);
                block[a, b] = new(rho[k], rho[k + 1]);
            }
        }

        return block;
    }

    public int BlockCount => _sectors.Length;

    /// <summary>The magnon-number sector n (its states, diagonal and hops).</summary>
    internal MagnonSector Sector(int n) => _sectors[n];

    /// <summary>Σ_k γ_k ⟨a|L_k†L_k|a⟩ for each state a of sector n.</summary>
    internal double[] Damping(int n) => _damping[n];

    /// <summary>Complex offset of block n in the state.</summary>
    internal int Offset(int n) => _offsets[n];

    private double BlockTrace(double[] rho, int n)
    {
        int d = _sectors[n].Dimension, o = _offsets[n];
        double sum = 0;
        for (int a = 0; a < d; a++)
        {
            sum += rho[2 * (o + a * d + a)];
        }

        return sum;
    }

    /// <summary>target[k] += −i v source[k'] for complex entries at real offsets k, k'.</summary>
    private static void AddTimesMinusI(double[] target, int k, double v, double[] source, int k2)
    {
        target[k] += v * source[k2 + 1];
        target[k + 1] -= v * source[k2];
    }

    private void AddJump(double[] derivative, double[] rho, int n, int[] targets, int m, int[] sources, double rate)
    {
        int d = _sectors[n].Dimension, o = _offsets[n];
        int ds = _sectors[m].Dimension, os = _offsets[m];
        for (int x = 0; x < targets.Length; x++)
        {
            for (int y = 0; y < targets.Length; y++)
            {
                int k = 2 * (o + targets[x] * d + targets[y]);
                int ks = 2 * (os + sources[x] * ds + sources[y]);
                derivative[k] += rate * rho[ks];
                derivative[k + 1] += rate * rho[ks + 1];
            }
        }
    }
}
