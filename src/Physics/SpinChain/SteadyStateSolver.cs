using System.Numerics;
using MathNet.Numerics.LinearAlgebra;

namespace Sweep.Physics.SpinChain;

/// <summary>
/// The open chain's steady state as the solution of a linear system, L ρ = 0 with Tr ρ = 1, instead
/// of integrating until nothing changes (NUMERICS.md, spin chain): stiff rates or slow relaxation
/// cost nothing extra.
/// <para>L = L₀ + J: L₀ keeps the magnon number, L₀ρ_n = −i(H_n ρ_n − ρ_n H_n†) with the non-Hermitian
/// H_n = h_n − (i/2) D_n (D the damping of each state), and J are the jumps between sectors. In the
/// eigenbasis H_n = W Λ W⁻¹, L₀ is diagonal: (W⁻¹ ρ W^{−†})_ab is multiplied by −i(λ_a − λ̄_b). That
/// exact block inverse is the right preconditioner of GMRES for (L + u Tr) x = u, u = 1/dim (the rank-one
/// term fixes the trace and makes the system regular: L's range is the traceless matrices).</para>
/// </summary>
internal sealed class SteadyStateSolver
{
    /// <summary>GMRES residual (relative to ‖u‖) at which the solve stops — above the floor that rounding
    /// in the (non-normal) eigenbases leaves, ~1e-14 — and the bound the steady state's own residual
    /// ‖Lρ‖_max must meet.</summary>
    private const double Tolerance = 1e-13;
    private const double ResidualBound = 1e-10;
    private const int Restart = 60, MaxRestarts = 30;

    private readonly OpenChain _chain;
    private readonly SplitMatrix[] _w, _wInverse, _wAdjoint, _wInverseAdjoint;
    private readonly Complex[][] _denominator; // −i(λ_a − λ̄_b) per sector, row-major
    private readonly int _length;

    private SteadyStateSolver(OpenChain chain, Matrix<Complex>[] w, Matrix<Complex>[] wInverse, Complex[][] denominator)
    {
        _chain = chain;
        _w = w.Select(m => new SplitMatrix(m)).ToArray();
        _wInverse = wInverse.Select(m => new SplitMatrix(m)).ToArray();
        _wAdjoint = w.Select(m => new SplitMatrix(m.ConjugateTranspose())).ToArray();
        _wInverseAdjoint = wInverse.Select(m => new SplitMatrix(m.ConjugateTranspose())).ToArray();
        _denominator = denominator;
        _length = chain.StateLength / 2;
    }

    /// <summary>Matrix-vector products of L (one per GMRES iteration), for tests and benchmarks.</summary>
    public int Iterations { get; private set; }

    /// <summary>The steady state (re, im interleaved, as <see cref="OpenChain"/> stores it), or null where the
    /// direct method does not apply: a state that no rate damps (a dark state: L₀ singular, the steady state
    /// may depend on the initial state) or a solve that does not converge.</summary>
    public static double[]? Solve(OpenChain chain) => Create(chain)?.Solve();

    /// <summary>Eigenmodes of the H_n that no rate damps (|Im λ| ≈ 0), over all sectors.</summary>
    public static int UndampedModes(OpenChain chain)
    {
        int count = 0;
        for (int n = 0; n < chain.BlockCount; n++)
        {
            var lambda = Hamiltonian(chain, n).Evd().EigenValues;
            double scale = 1 + lambda.Enumerate().Max(Complex.Abs);
            count += lambda.Enumerate().Count(z => Math.Abs(z.Imaginary) < 1e-9 * scale);
        }

        return count;
    }

    /// <summary>H_n = h_n − (i/2) D_n, dense.</summary>
    private static Matrix<Complex> Hamiltonian(OpenChain chain, int n)
    {
        var sector = chain.Sector(n);
        var damping = chain.Damping(n);
        int d = sector.Dimension;
        var h = Matrix<Complex>.Build.Dense(d, d);
        for (int a = 0; a < d; a++)
        {
            h[a, a] = new Complex(sector.Energies[a], -0.5 * damping[a]);
        }

        for (int k = 0; k < sector.HopAmplitude.Length; k++)
        {
            h[sector.HopRight[k], sector.HopLeft[k]] = sector.HopAmplitude[k];
            h[sector.HopLeft[k], sector.HopRight[k]] = sector.HopAmplitude[k];
        }

        return h;
    }

    private static SteadyStateSolver? Create(OpenChain chain)
    {
        int blocks = chain.BlockCount;
        var w = new Matrix<Complex>[blocks];
        var wInverse = new Matrix<Complex>[blocks];
        var denominator = new Complex[blocks][];
        for (int n = 0; n < blocks; n++)
        {
            int d = chain.Sector(n).Dimension;
            var h = Hamiltonian(chain, n);
            var evd = h.Evd();
            w[n] = evd.EigenVectors;
            wInverse[n] = w[n].Inverse();
            var lambda = evd.EigenValues;
            denominator[n] = new Complex[d * d];
            double scale = 1 + lambda.Enumerate().Max(Complex.Abs);
            for (int a = 0; a < d; a++)
            {
                for (int b = 0; b < d; b++)
                {
                    var z = -Complex.ImaginaryOne * (lambda[a] - Complex.Conjugate(lambda[b]));
                    if (Complex.Abs(z) < 1e-9 * scale)
                    {
                        return null; // an undamped mode: L₀ is singular
                    }

                    denominator[n][a * d + b] = z;
                }
            }
        }

        return new SteadyStateSolver(chain, w, wInverse, denominator);
    }

    private double[]? Solve()
    {
        var u = new Complex[_length];
        for (int n = 0; n < _chain.BlockCount; n++)
        {
            int d = _chain.Sector(n).Dimension, o = _chain.Offset(n);
            for (int a = 0; a < d; a++)
            {
                u[o + a * d + a] = 1.0 / TotalStates();
            }
        }

        var y = ComplexGmres.Solve(v => Operator(v, u), u, Tolerance, Restart, MaxRestarts);
        if (y is null)
        {
            return null;
        }

        var x = Precondition(y);
        Complex trace = Trace(x);
        var rho = new double[2 * _length];
        for (int i = 0; i < _length; i++)
        {
            var v = x[i] / trace;
            rho[2 * i] = v.Real;
            rho[2 * i + 1] = v.Imaginary;
        }

        var residual = new double[rho.Length];
        _chain.Derivative(rho, residual);
        return residual.Max(Math.Abs) < ResidualBound ? rho : null;
    }

    private int TotalStates()
    {
        int total = 0;
        for (int n = 0; n < _chain.BlockCount; n++)
        {
            total += _chain.Sector(n).Dimension;
        }

        return total;
    }

    /// <summary>y ↦ (L + u Tr) P⁻¹ y, P = L₀.</summary>
    private Complex[] Operator(Complex[] y, Complex[] u)
    {
        Iterations++;
        var x = Precondition(y);
        var state = new double[2 * _length];
        for (int i = 0; i < _length; i++)
        {
            state[2 * i] = x[i].Real;
            state[2 * i + 1] = x[i].Imaginary;
        }

        var derivative = new double[state.Length];
        _chain.Derivative(state, derivative);
        var trace = Trace(x);
        var result = new Complex[_length];
        for (int i = 0; i < _length; i++)
        {
            result[i] = new Complex(derivative[2 * i], derivative[2 * i + 1]) + u[i] * trace;
        }

        return result;
    }

    /// <summary>L₀⁻¹ sector by sector: W [(W⁻¹ B W^{−†}) ./ (−i(λ_a − λ̄_b))] W†.</summary>
    private Complex[] Precondition(Complex[] y)
    {
        var x = new Complex[_length];
        for (int n = 0; n < _chain.BlockCount; n++)
        {
            int d = _chain.Sector(n).Dimension, o = _chain.Offset(n);
            var block = new SplitMatrix(d);
            for (int k = 0; k < d * d; k++)
            {
                block.Re[k] = y[o + k].Real;
                block.Im[k] = y[o + k].Imaginary;
            }

            var transformed = SplitMatrix.Multiply(SplitMatrix.Multiply(_wInverse[n], block), _wInverseAdjoint[n]);
            var denominator = _denominator[n];
            for (int k = 0; k < d * d; k++)
            {
                var z = new Complex(transformed.Re[k], transformed.Im[k]) / denominator[k];
                transformed.Re[k] = z.Real;
                transformed.Im[k] = z.Imaginary;
            }

            var back = SplitMatrix.Multiply(SplitMatrix.Multiply(_w[n], transformed), _wAdjoint[n]);
            for (int k = 0; k < d * d; k++)
            {
                x[o + k] = new Complex(back.Re[k], back.Im[k]);
            }
        }

        return x;
    }

    private Complex Trace(Complex[] x)
    {
        Complex trace = 0;
        for (int n = 0; n < _chain.BlockCount; n++)
        {
            int d = _chain.Sector(n).Dimension, o = _chain.Offset(n);
            for (int a = 0; a < d; a++)
            {
                trace += x[o + a * d + a];
            }
        }

        return trace;
    }

}
