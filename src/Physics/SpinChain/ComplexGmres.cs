using System.Numerics;

namespace Sweep.Physics.SpinChain;

/// <summary>Restarted GMRES over complex vectors (Saad, Iterative Methods for Sparse Linear Systems,
/// Alg. 6.9, Givens rotations, modified Gram–Schmidt). Written here because MathNet's iterative
/// solvers have no right preconditioning.</summary>
internal static class ComplexGmres
{
    /// <summary>Solves A y = u from y = 0 (A given by <paramref name="apply"/>) to a residual ‖u − Ay‖ ≤
    /// tolerance ‖u‖; null if it does not get there within the restarts.</summary>
    public static Complex[]? Solve(Func<Complex[], Complex[]> apply, Complex[] u, double tolerance, int restart, int maxRestarts)
    {
        int length = u.Length;
        var y = new Complex[length];
        double target = tolerance * Norm(u);
        var residual = (Complex[])u.Clone();
        for (int cycle = 0; cycle < maxRestarts; cycle++)
        {
            double beta = Norm(residual);
            if (beta <= target)
            {
                return y;
            }

            var basis = new List<Complex[]> { Scale(residual, 1 / beta) };
            var hessenberg = new Complex[restart + 1, restart];
            var cosines = new double[restart];
            var sines = new Complex[restart];
            var g = new Complex[restart + 1];
            g[0] = beta;
            int k = 0;
            for (; k < restart; k++)
            {
                var v = apply(basis[k]);
                for (int i = 0; i <= k; i++) // modified Gram–Schmidt
                {
                    var hik = Dot(basis[i], v);
                    hessenberg[i, k] = hik;
                    Axpy(v, -hik, basis[i]);
                }

                double norm = Norm(v);
                hessenberg[k + 1, k] = norm;
                for (int i = 0; i < k; i++)
                {
                    var a = hessenberg[i, k];
                    var b = hessenberg[i + 1, k];
                    hessenberg[i, k] = cosines[i] * a + sines[i] * b;
                    hessenberg[i + 1, k] = -Complex.Conjugate(sines[i]) * a + cosines[i] * b;
                }

                Rotation(hessenberg[k, k], hessenberg[k + 1, k], out cosines[k], out sines[k]);
                hessenberg[k, k] = cosines[k] * hessenberg[k, k] + sines[k] * hessenberg[k + 1, k];
                hessenberg[k + 1, k] = 0;
                g[k + 1] = -Complex.Conjugate(sines[k]) * g[k];
                g[k] = cosines[k] * g[k];
                if (Complex.Abs(g[k + 1]) <= target || norm == 0)
                {
                    k++;
                    break;
                }

                basis.Add(Scale(v, 1 / norm));
            }

            // Back substitution for the k coefficients, then y += V c.
            var c = new Complex[k];
            for (int i = k - 1; i >= 0; i--)
            {
                var sum = g[i];
                for (int j = i + 1; j < k; j++)
                {
                    sum -= hessenberg[i, j] * c[j];
                }

                c[i] = sum / hessenberg[i, i];
            }

            for (int i = 0; i < k; i++)
            {
                Axpy(y, c[i], basis[i]);
            }

            var ay = apply(y);
            for (int i = 0; i < length; i++)
            {
                residual[i] = u[i] - ay[i];
            }
        }

        return Norm(residual) <= 10 * target ? y : null;
    }

    private static void Rotation(Complex a, Complex b, out double cosine, out Complex sine)
    {
        double absA = Complex.Abs(a), absB = Complex.Abs(b);
        if (absB == 0)
        {
            cosine = 1;
            sine = 0;
            return;
        }

        if (absA == 0)
        {
            cosine = 0;
            sine = Complex.Conjugate(b) / absB;
            return;
        }

        double r = Math.Sqrt(absA * absA + absB * absB);
        cosine = absA / r;
        sine = a / absA * Complex.Conjugate(b) / r;
    }

    private static double Norm(Complex[] v)
    {
        double sum = 0;
        foreach (var z in v)
        {
            sum += z.Real * z.Real + z.Imaginary * z.Imaginary;
        }

        return Math.Sqrt(sum);
    }

    /// <summary>⟨a, b⟩ = Σ ā_i b_i.</summary>
    private static Complex Dot(Complex[] a, Complex[] b)
    {
        Complex sum = 0;
        for (int i = 0; i < a.Length; i++)
        {
            sum += Complex.Conjugate(a[i]) * b[i];
        }

        return sum;
    }

    private static void Axpy(Complex[] y, Complex a, Complex[] x)
    {
        for (int i = 0; i < y.Length; i++)
        {
            y[i] += a * x[i];
        }
    }

    private static Complex[] Scale(Complex[] v, double factor)
    {
        var result = new Complex[v.Length];
        for (int i = 0; i < v.Length; i++)
        {
            result[i] = v[i] * factor;
        }

        return result;
    }
}
