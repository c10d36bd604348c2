using MathNet.Numerics.LinearAlgebra;

namespace Sweep.Physics.SpinChain;

/// <summary>
/// The closed chain after one spin flip (PHYSICS.md §4): the one-magnon sector of h/J0, an N × N
/// real symmetric tridiagonal matrix, evolved exactly through its eigen-decomposition (MathNet):
/// ψ(t) = V e^{−iEt} Vᵀ ψ(0). In this sector σ_l·σ_{l+1} = 2P_{l,l+1} − 1, so the magnon hops
/// with amplitude a_l (= α_l/g in units of J0 = α₁/g) and a magnon on site i lowers the energy by
/// a_{i−1} + a_i relative to the polarized chain. In a long uniform chain this gives
/// ⟨S↓_{i0+d}(t)⟩ = J_d(2 a J0 t)²; see docs/NUMERICS.md for the seed's Eq. 7.
/// </summary>
public sealed class OneMagnonEvolution
{
    private readonly double[] _energies;
    private readonly double[,] _modes; // _modes[i, k]: amplitude of eigenvector k on site i
    private readonly double[] _overlap; // Vᵀ ψ(0) for a magnon started on one site

    public OneMagnonEvolution(ChainCouplings couplings, int startSite)
    {
        int n = couplings.Sites;
        ArgumentOutOfRangeException.ThrowIfNegative(startSite);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(startSite, n);
        var h = Matrix<double>.Build.Dense(n, n);
        var a = couplings.Bonds;
        for (int l = 0; l < a.Length; l++)
        {
            h[l, l + 1] = a[l];
            h[l + 1, l] = a[l];
            h[l, l] -= a[l];
            h[l + 1, l + 1] -= a[l];
        }

        var evd = h.Evd(Symmetricity.Symmetric);
        _energies = evd.EigenValues.Select(e => e.Real).ToArray();
        _modes = evd.EigenVectors.ToArray();
        _overlap = new double[n];
        for (int k = 0; k < n; k++)
        {
            _overlap[k] = _modes[startSite, k];
        }

        Sites = n;
        StartSite = startSite;
    }

    public int Sites { get; }

    public int StartSite { get; }

    /// <summary>⟨S↓_i(t)⟩ for every site i at time t (units of 1/J0), into <paramref name="occupation"/>.</summary>
    public void Occupations(double time, Span<double> occupation)
    {
        for (int i = 0; i < Sites; i++)
        {
            double re = 0, im = 0;
            for (int k = 0; k < _energies.Length; k++)
            {
                double amplitude = _modes[i, k] * _overlap[k];
                re += amplitude * Math.Cos(_energies[k] * time);
                im -= amplitude * Math.Sin(_energies[k] * time);
            }

            occupation[i] = re * re + im * im;
        }
    }
}
