using System.Numerics;
using MathNet.Numerics.LinearAlgebra;

namespace Sweep.Physics.SpinChain;

/// <summary>A dense complex square matrix, row-major, real and imaginary parts apart so that the product's
/// inner loop is four real multiply-adds over contiguous rows (vectorized).</summary>
internal sealed class SplitMatrix
{
    public SplitMatrix(int dimension)
    {
        Dimension = dimension;
        Re = new double[dimension * dimension];
        Im = new double[dimension * dimension];
    }

    public SplitMatrix(Matrix<Complex> m)
        : this(m.RowCount)
    {
        for (int a = 0; a < Dimension; a++)
        {
            for (int b = 0; b < Dimension; b++)
            {
                Re[a * Dimension + b] = m[a, b].Real;
                Im[a * Dimension + b] = m[a, b].Imaginary;
            }
        }
    }

    public int Dimension { get; }

    public double[] Re { get; }

    public double[] Im { get; }

    public static SplitMatrix Multiply(SplitMatrix x, SplitMatrix y)
    {
        int d = x.Dimension;
        var result = new SplitMatrix(d);
        int width = System.Numerics.Vector<double>.Count;
        for (int i = 0; i < d; i++)
        {
            var re = result.Re.AsSpan(i * d, d);
            var im = result.Im.AsSpan(i * d, d);
            for (int k = 0; k < d; k++)
            {
                double ar = x.Re[i * d + k], ai = x.Im[i * d + k];
                if (ar == 0 && ai == 0)
                {
                    continue;
                }

                var br = y.Re.AsSpan(k * d, d);
                var bi = y.Im.AsSpan(k * d, d);
                int j = 0;
                if (d >= width)
                {
                    var var_ = new System.Numerics.Vector<double>(ar);
                    var vai = new System.Numerics.Vector<double>(ai);
                    for (; j <= d - width; j += width)
                    {
                        var vbr = new System.Numerics.Vector<double>(br[j..]);
                        var vbi = new System.Numerics.Vector<double>(bi[j..]);
                        (new System.Numerics.Vector<double>(re[j..]) + var_ * vbr - vai * vbi).CopyTo(re[j..]);
                        (new System.Numerics.Vector<double>(im[j..]) + var_ * vbi + vai * vbr).CopyTo(im[j..]);
                    }
                }

                for (; j < d; j++)
                {
                    re[j] += ar * br[j] - ai * bi[j];
                    im[j] += ar * bi[j] + ai * br[j];
                }
            }
        }

        return result;
    }
}
