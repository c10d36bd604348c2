using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Sweep.Physics.Bose;

/// <summary>
/// F_1, F_2, F_3 and, on request, F_{3/2} (PHYSICS.md §0) for many x at once, SIMD across points:
/// 8 per Vector512 on AVX-512, 4 per Vector256 otherwise. The algorithm is <see cref="BoseIntegrals"/>' (the scalar
/// reference it is tested against): below <see cref="BoseIntegrals.RegimeSwitch"/> the expansion
/// around x = 0, one <c>log</c> and no <c>exp</c>; above it the series in z = e^{−x}.
/// <para>Results are scaled as F_d = Scale · G_d, with Scale = 1 below the switch and z above, so
/// ratios such as G_2²/G_1 stay finite where F_d underflows. A vector whose lanes straddle the switch
/// evaluates both regimes and blends them; each regime takes as many terms as its hardest lane.</para>
/// <para>Lanes with x outside (0, ∞) give unspecified numbers (never an exception): callers reject
/// those points themselves.</para>
/// </summary>
public static class LowOrderBatch
{
    private const int Orders = 6;          // row stride of the shared coefficient tables
    private const int One = 1, ThreeHalves = 2, Two = 3, Three = 5; // columns of d = 1, 3/2, 2, 3 in those tables
    private const double ExpansionTermScale = 44.0;  // as BoseIntegrals: tail below 1e-18 relative
    private const double SeriesTermScale = 39.2;
    private const int MaxSeriesTerms = 28;
    private static readonly double LnTwoPi = Math.Log(2 * Math.PI);
    private static readonly double TwoSqrtPi = 2 * Math.Sqrt(Math.PI); // −Γ(−1/2)

    // Column-major copies of the scalar kernel's tables: [order][k], orders 1, 2, 3, 3/2.
    private static readonly double[] SmallX = Columns(BoseExpansionTables.SmallX, BoseExpansionTables.SmallXTerms);
    private static readonly double[] InversePowers = BuildInversePowers();

    /// <summary>The widest path this machine runs: 512 on AVX-512, else 256.</summary>
    public static int PreferredWidth => Vector512.IsHardwareAccelerated ? 512 : 256;

    /// <summary>Scale and G_1, G_2, G_3 at every x (F_d = scale · G_d), on the widest path.</summary>
    public static void Evaluate(ReadOnlySpan<double> x, Span<double> scale, Span<double> g1, Span<double> g2, Span<double> g3) =>
        Evaluate(x, scale, g1, g2, g3, PreferredWidth);

    /// <summary>The same on a chosen path (512 or 256 bits), so tests can force the narrower one.</summary>
    public static void Evaluate(ReadOnlySpan<double> x, Span<double> scale, Span<double> g1, Span<double> g2, Span<double> g3, int width) =>
        Evaluate(x, scale, g1, g2, g3, [], width);

    /// <summary>Also G_{3/2} (F_{3/2} = scale · G_{3/2}, the magnon density's integral, PHYSICS.md §1):
    /// one more polynomial in the same pass, and a square root below the switch.</summary>
    public static void Evaluate(ReadOnlySpan<double> x, Span<double> scale, Span<double> g1, Span<double> g2, Span<double> g3,
        Span<double> g15) => Evaluate(x, scale, g1, g2, g3, g15, PreferredWidth);

    /// <summary>Scale, G_1, G_2, G_3 and G_{3/2} on a chosen path; an empty <paramref name="g15"/> skips G_{3/2}.</summary>
    public static void Evaluate(ReadOnlySpan<double> x, Span<double> scale, Span<double> g1, Span<double> g2, Span<double> g3,
        Span<double> g15, int width)
    {
        int n = x.Length;
        if (scale.Length < n || g1.Length < n || g2.Length < n || g3.Length < n || (!g15.IsEmpty && g15.Length < n))
        {
            throw new ArgumentException("every output needs as many elements as x");
        }

        if (width == 512 && !Vector512.IsHardwareAccelerated)
        {
            throw new PlatformNotSupportedException("this machine has no 512-bit vectors");
        }

        if (width != 512 && width != 256)
        {
            throw new ArgumentOutOfRangeException(nameof(width), width, "vector width is 512 or 256 bits");
        }

        int lanes = width / 64;
        bool threeHalves = !g15.IsEmpty;
        int i = 0;
        for (; i + lanes <= n; i += lanes)
        {
            Block(width, x.Slice(i), scale.Slice(i), g1.Slice(i), g2.Slice(i), g3.Slice(i), threeHalves ? g15.Slice(i) : []);
        }

        if (i == n)
        {
            return;
        }

        // The tail goes through the same vector code, padded with x = 1.
        int count = n - i;
        Span<double> pad = stackalloc double[6 * 8];
        pad.Fill(1.0);
        x.Slice(i, count).CopyTo(pad);
        Block(width, pad, pad.Slice(8), pad.Slice(16), pad.Slice(24), pad.Slice(32), threeHalves ? pad.Slice(40) : []);
        pad.Slice(8, count).CopyTo(scale.Slice(i));
        pad.Slice(16, count).CopyTo(g1.Slice(i));
        pad.Slice(24, count).CopyTo(g2.Slice(i));
        pad.Slice(32, count).CopyTo(g3.Slice(i));
        if (threeHalves)
        {
            pad.Slice(40, count).CopyTo(g15.Slice(i));
        }
    }

    private static void Block(int width, ReadOnlySpan<double> x, Span<double> scale, Span<double> g1, Span<double> g2, Span<double> g3,
        Span<double> g15)
    {
        if (width == 512)
        {
            Block512(x, scale, g1, g2, g3, g15);
        }
        else
        {
            Block256(x, scale, g1, g2, g3, g15);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Block512(ReadOnlySpan<double> xs, Span<double> scale, Span<double> g1, Span<double> g2, Span<double> g3,
        Span<double> g15)
    {
        bool threeHalves = !g15.IsEmpty;
        var x = Vector512.Create(xs);
        var small = Vector512.LessThan(x, Vector512.Create(BoseIntegrals.RegimeSwitch));
        Vector512<double> s1 = default, s2 = default, s3 = default, s15 = default;
        Vector512<double> l1 = default, l2 = default, l3 = default, l15 = default, z = default;
        if (small != Vector512<double>.Zero)
        {
            var lnX = Vector512.Log(x);
            int terms = ExpansionTerms(xs[..8]);
            Horner(SmallX, BoseExpansionTables.SmallXTerms, terms, x, threeHalves, out s1, out s2, out s3, out s15);
            s15 = Vector512.FusedMultiplyAdd(Vector512.Create(-TwoSqrtPi), Vector512.Sqrt(x), s15); // F3/2: Γ(−1/2) x^{1/2}
            s1 -= lnX;                                   // F1: −ln x
            s2 = Vector512.FusedMultiplyAdd(x, lnX, s2); // F2: (−x)(−ln x)
            s3 = Vector512.FusedMultiplyAdd(-0.5 * x * x, lnX, s3); // F3: (x²/2)(−ln x)
        }

        if (small != Vector512<double>.AllBitsSet)
        {
            z = Vector512.Exp(-x);
            int terms = SeriesTerms(xs[..8]);
            Horner(InversePowers, MaxSeriesTerms, terms, z, threeHalves, out l1, out l2, out l3, out l15);
        }

        Vector512.ConditionalSelect(small, Vector512<double>.One, z).CopyTo(scale);
        Vector512.ConditionalSelect(small, s1, l1).CopyTo(g1);
        Vector512.ConditionalSelect(small, s2, l2).CopyTo(g2);
        Vector512.ConditionalSelect(small, s3, l3).CopyTo(g3);
        if (threeHalves)
        {
            Vector512.ConditionalSelect(small, s15, l15).CopyTo(g15);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Block256(ReadOnlySpan<double> xs, Span<double> scale, Span<double> g1, Span<double> g2, Span<double> g3,
        Span<double> g15)
    {
        bool threeHalves = !g15.IsEmpty;
        var x = Vector256.Create(xs);
        var small = Vector256.LessThan(x, Vector256.Create(BoseIntegrals.RegimeSwitch));
        Vector256<double> s1 = default, s2 = default, s3 = default, s15 = default;
        Vector256<double> l1 = default, l2 = default, l3 = default, l15 = default, z = default;
        if (small != Vector256<double>.Zero)
        {
            var lnX = Vector256.Log(x);
            int terms = ExpansionTerms(xs[..4]);
            Horner(SmallX, BoseExpansionTables.SmallXTerms, terms, x, threeHalves, out s1, out s2, out s3, out s15);
            s15 = Vector256.FusedMultiplyAdd(Vector256.Create(-TwoSqrtPi), Vector256.Sqrt(x), s15); // F3/2: Γ(−1/2) x^{1/2}
            s1 -= lnX;
            s2 = Vector256.FusedMultiplyAdd(x, lnX, s2);
            s3 = Vector256.FusedMultiplyAdd(-0.5 * x * x, lnX, s3);
        }

        if (small != Vector256<double>.AllBitsSet)
        {
            z = Vector256.Exp(-x);
            int terms = SeriesTerms(xs[..4]);
            Horner(InversePowers, MaxSeriesTerms, terms, z, threeHalves, out l1, out l2, out l3, out l15);
        }

        Vector256.ConditionalSelect(small, Vector256<double>.One, z).CopyTo(scale);
        Vector256.ConditionalSelect(small, s1, l1).CopyTo(g1);
        Vector256.ConditionalSelect(small, s2, l2).CopyTo(g2);
        Vector256.ConditionalSelect(small, s3, l3).CopyTo(g3);
        if (threeHalves)
        {
            Vector256.ConditionalSelect(small, s15, l15).CopyTo(g15);
        }
    }

    /// <summary>Terms of the expansion for the hardest (largest) lane below the switch.</summary>
    private static int ExpansionTerms(ReadOnlySpan<double> xs)
    {
        double max = 0;
        foreach (double v in xs)
        {
            if (v < BoseIntegrals.RegimeSwitch && v > max)
            {
                max = v;
            }
        }

        return max > 0 ? Math.Min(BoseExpansionTables.SmallXTerms, (int)(ExpansionTermScale / (LnTwoPi - Math.Log(max))) + 1) : 1;
    }

    /// <summary>Terms of the series for the hardest (smallest) lane at or above the switch.</summary>
    private static int SeriesTerms(ReadOnlySpan<double> xs)
    {
        double min = double.PositiveInfinity;
        foreach (double v in xs)
        {
            if (v >= BoseIntegrals.RegimeSwitch && v < min)
            {
                min = v;
            }
        }

        return double.IsFinite(min) ? Math.Min(MaxSeriesTerms, (int)(SeriesTermScale / min) + 1) : 1;
    }

    /// <summary>Horner's rule for the polynomials of orders 1, 2, 3 (and 3/2 when asked) at once:
    /// independent FMA chains, so the core overlaps their latencies.</summary>
    private static void Horner(double[] table, int stride, int terms, Vector512<double> y, bool threeHalves,
        out Vector512<double> a1, out Vector512<double> a2, out Vector512<double> a3, out Vector512<double> a15)
    {
        ref double c = ref MemoryMarshal.GetArrayDataReference(table);
        int k = terms - 1;
        a1 = Vector512.Create(Unsafe.Add(ref c, k));
        a2 = Vector512.Create(Unsafe.Add(ref c, stride + k));
        a3 = Vector512.Create(Unsafe.Add(ref c, 2 * stride + k));
        if (!threeHalves)
        {
            a15 = default;
            for (k--; k >= 0; k--)
            {
                a1 = Vector512.FusedMultiplyAdd(a1, y, Vector512.Create(Unsafe.Add(ref c, k)));
                a2 = Vector512.FusedMultiplyAdd(a2, y, Vector512.Create(Unsafe.Add(ref c, stride + k)));
                a3 = Vector512.FusedMultiplyAdd(a3, y, Vector512.Create(Unsafe.Add(ref c, 2 * stride + k)));
            }

            return;
        }

        a15 = Vector512.Create(Unsafe.Add(ref c, 3 * stride + k));
        for (k--; k >= 0; k--)
        {
            a1 = Vector512.FusedMultiplyAdd(a1, y, Vector512.Create(Unsafe.Add(ref c, k)));
            a2 = Vector512.FusedMultiplyAdd(a2, y, Vector512.Create(Unsafe.Add(ref c, stride + k)));
            a3 = Vector512.FusedMultiplyAdd(a3, y, Vector512.Create(Unsafe.Add(ref c, 2 * stride + k)));
            a15 = Vector512.FusedMultiplyAdd(a15, y, Vector512.Create(Unsafe.Add(ref c, 3 * stride + k)));
        }
    }

    /// <summary>Horner's rule for the polynomials of orders 1, 2, 3 (and 3/2 when asked) at once:
    /// independent FMA chains, so the core overlaps their latencies.</summary>
    private static void Horner(double[] table, int stride, int terms, Vector256<double> y, bool threeHalves,
        out Vector256<double> a1, out Vector256<double> a2, out Vector256<double> a3, out Vector256<double> a15)
    {
        ref double c = ref MemoryMarshal.GetArrayDataReference(table);
        int k = terms - 1;
        a1 = Vector256.Create(Unsafe.Add(ref c, k));
        a2 = Vector256.Create(Unsafe.Add(ref c, stride + k));
        a3 = Vector256.Create(Unsafe.Add(ref c, 2 * stride + k));
        if (!threeHalves)
        {
            a15 = default;
            for (k--; k >= 0; k--)
            {
                a1 = Vector256.FusedMultiplyAdd(a1, y, Vector256.Create(Unsafe.Add(ref c, k)));
                a2 = Vector256.FusedMultiplyAdd(a2, y, Vector256.Create(Unsafe.Add(ref c, stride + k)));
                a3 = Vector256.FusedMultiplyAdd(a3, y, Vector256.Create(Unsafe.Add(ref c, 2 * stride + k)));
            }

            return;
        }

        a15 = Vector256.Create(Unsafe.Add(ref c, 3 * stride + k));
        for (k--; k >= 0; k--)
        {
            a1 = Vector256.FusedMultiplyAdd(a1, y, Vector256.Create(Unsafe.Add(ref c, k)));
            a2 = Vector256.FusedMultiplyAdd(a2, y, Vector256.Create(Unsafe.Add(ref c, stride + k)));
            a3 = Vector256.FusedMultiplyAdd(a3, y, Vector256.Create(Unsafe.Add(ref c, 2 * stride + k)));
            a15 = Vector256.FusedMultiplyAdd(a15, y, Vector256.Create(Unsafe.Add(ref c, 3 * stride + k)));
        }
    }

    private static double[] Columns(double[] interleaved, int terms)
    {
        var table = new double[4 * terms];
        int[] columns = [One, Two, Three, ThreeHalves];
        for (int d = 0; d < columns.Length; d++)
        {
            for (int k = 0; k < terms; k++)
            {
                table[d * terms + k] = interleaved[k * Orders + columns[d]];
            }
        }

        return table;
    }

    private static double[] BuildInversePowers()
    {
        var table = new double[4 * MaxSeriesTerms];
        for (int k = 1; k <= MaxSeriesTerms; k++)
        {
            table[k - 1] = 1.0 / k;
            table[MaxSeriesTerms + k - 1] = 1.0 / ((double)k * k);
            table[2 * MaxSeriesTerms + k - 1] = 1.0 / ((double)k * k * k);
            table[3 * MaxSeriesTerms + k - 1] = 1.0 / Math.Pow(k, 1.5); // as BoseIntegrals' table
        }

        return table;
    }
}
