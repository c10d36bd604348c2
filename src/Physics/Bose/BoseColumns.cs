using System.Buffers;
using System.Numerics;

namespace Sweep.Physics.Bose;

/// <summary>
/// The pooled columns of one <see cref="BoseBatch"/> evaluation: x = h/T (divided SIMD across points),
/// the scale and four integrals G. Dispose returns them to the pool.
/// </summary>
public readonly struct BoseColumns : IDisposable
{
    private readonly double[] _buffer;
    private readonly int _count;

    /// <summary>Rents the columns for <paramref name="h"/>.Length points and fills <see cref="X"/> with h/T.</summary>
    public BoseColumns(ReadOnlySpan<double> h, ReadOnlySpan<double> t)
    {
        _count = h.Length;
        _buffer = ArrayPool<double>.Shared.Rent(6 * _count);
        var x = X;
        int i = 0;
        for (; i + Vector<double>.Count <= _count; i += Vector<double>.Count)
        {
            (new Vector<double>(h[i..]) / new Vector<double>(t[i..])).CopyTo(x[i..]);
        }

        for (; i < _count; i++)
        {
            x[i] = h[i] / t[i];
        }
    }

    /// <summary>Rents the columns for <paramref name="count"/> points, <see cref="X"/> not filled (another call's x is used).</summary>
    public BoseColumns(int count)
    {
        _count = count;
        _buffer = ArrayPool<double>.Shared.Rent(6 * count);
    }

    public Span<double> X => Column(0);

    /// <summary>F_d = Scale · G_d.</summary>
    public Span<double> Scale => Column(1);

    /// <summary>The four G columns, in the order the batch call names them.</summary>
    public Span<double> G(int index) => Column(2 + index);

    private Span<double> Column(int index) => _buffer.AsSpan(index * _count, _count);

    public void Dispose() => ArrayPool<double>.Shared.Return(_buffer);
}
