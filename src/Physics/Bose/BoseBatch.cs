using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Sweep.Physics.Bose;

/// <summary>
/// Bose integrals (PHYSICS.md §0) for many x at once, SIMD across points: 8 per Vector512 on AVX-512,
/// 4 per Vector256 otherwise. Two sets of orders: F_1, F_2, F_3 (and on request F_{3/2}) for the
/// junction's conductances and density; F_{1/2}, F_{3/2}, F_{5/2}, F_{7/2} for the N/F interface.
/// The algorithm is <see cref="BoseIntegrals"/>' (the scalar reference it is tested against): below
/// <see cref="BoseIntegrals.RegimeSwitch"/> the expansion around x = 0 with its singular terms (a
/// <c>log</c> for integer orders, a square root for half-integer ones) and no <c>exp</c>; above it
/// the series in z = e^{−x}.
/// <para>Results are scaled as F_d = Scale · G_d, with Scale = 1 below the switch and z above, so
/// ratios such as G_2²/G_1 stay finite where F_d underflows. A vector whose lanes straddle the switch
/// evaluates both regimes and blends them; each regime takes as many terms as its hardest lane.</para>
/// <para>Lanes with x outside (0, ∞) give unspecified numbers (never an exception): callers reject
/// those points themselves.</para>
/// </summary>
public static class BoseBatch
{
    private const int Orders = 6;          // row stride of the scalar kernel's interleaved table
    private const int Half = 0, One = 1, ThreeHalves = 2, Two = 3, FiveHalves = 4, Three = 5; // its columns
    private const double ExpansionTermScale = 44.0;  // as BoseIntegrals: tail below 1e-18 relative
    private const double SeriesTermScale = 39.2;
    private const int MaxSeriesTerms = 28;
    private static readonly double LnTwoPi = Math.Log(2 * Math.PI);
    private static readonly double SqrtPi = Math.Sqrt(Math.PI);

    /// <summary>The four polynomials a block evaluates (column-major tables [order][k]) and which
    /// singular terms complete them below the switch.</summary>
    private sealed record OrderSet(double[] SmallX, double[] Series, bool HalfInteger);

    // Orders 1, 2, 3, 3/2 (the last only when asked for). Below the switch their expansions are summed from
    // IntegerTails and IntegerHeads (in y = x², IntegerExpansion), so only the series table is used.
    private static readonly OrderSet IntegerOrderSet = new([], InversePowers([1, 2, 3, 1.5]), HalfInteger: false);

    // Orders 1/2, 3/2, 5/2, 7/2 (the last from its own table, as the scalar kernel's F_{7/2}).
    private static readonly OrderSet HalfOrders = new(
        Columns(BoseExpansionTables.SmallX, [Half, ThreeHalves, FiveHalves, -1], BoseExpansionTables.SevenHalvesSmallX),
        InversePowers([0.5, 1.5, 2.5, 3.5]), HalfInteger: true);

    /// <summary>The widest path this machine runs: 512 on AVX-512, else 256.</summary>
    public static int PreferredWidth => Vector512.IsHardwareAccelerated ? 512 : 256;

    /// <summary>Scale and G_1, G_2, G_3 at every x (F_d = scale · G_d), on the widest path.</summary>
    public static void Evaluate(ReadOnlySpan<double> x, Span<double> scale, Span<double> g1, Span<double> g2, Span<double> g3) =>
        Evaluate(x, scale, g1, g2, g3, PreferredWidth);

    /// <summary>The same on a chosen path (512 or 256 bits), so tests can force the narrower one.</summary>
    public static void Evaluate(ReadOnlySpan<double> x, Span<double> scale, Span<double> g1, Span<double> g2, Span<double> g3, int width) =>
        Run(IntegerOrderSet, x, scale, g1, g2, g3, [], width);

    /// <summary>Also G_{3/2} (F_{3/2} = scale · G_{3/2}, the magnon density's integral, PHYSICS.md §1):
    /// one more polynomial per block (<see cref="ThreeHalvesOrder(Vector512{double}, Vector512{double})"/>), and a
    /// square root below the switch.</summary>
    public static void Evaluate(ReadOnlySpan<double> x, Span<double> scale, Span<double> g1, Span<double> g2, Span<double> g3,
        Span<double> g15) => Evaluate(x, scale, g1, g2, g3, g15, PreferredWidth);

    /// <summary>Scale, G_1, G_2, G_3 and G_{3/2} on a chosen path; an empty <paramref name="g15"/> skips G_{3/2}.</summary>
    public static void Evaluate(ReadOnlySpan<double> x, Span<double> scale, Span<double> g1, Span<double> g2, Span<double> g3,
        Span<double> g15, int width) => Run(IntegerOrderSet, x, scale, g1, g2, g3, g15, width);

    /// <summary>Scale and G_{1/2}, G_{3/2}, G_{5/2}, G_{7/2} (the N/F interface's integrals, PHYSICS.md §3).</summary>
    public static void EvaluateHalfOrders(ReadOnlySpan<double> x, Span<double> scale, Span<double> g05, Span<double> g15,
        Span<double> g25, Span<double> g35, int width = 0)
    {
        if (g35.Length < x.Length)
        {
            throw new ArgumentException("every output needs as many elements as x");
        }

        Run(HalfOrders, x, scale, g05, g15, g25, g35, width == 0 ? PreferredWidth : width);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // hot: optimised from the first call (no tier-0 phase)
    private static void Run(OrderSet set, ReadOnlySpan<double> x, Span<double> scale, Span<double> a, Span<double> b, Span<double> c,
        Span<double> d, int width)
    {
        int n = x.Length;
        if (scale.Length < n || a.Length < n || b.Length < n || c.Length < n || (!d.IsEmpty && d.Length < n))
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
        bool fourth = !d.IsEmpty;
        int i = 0;
        for (; i + lanes <= n; i += lanes)
        {
            Block(set, width, x.Slice(i), scale.Slice(i), a.Slice(i), b.Slice(i), c.Slice(i), fourth ? d.Slice(i) : []);
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
        Block(set, width, pad, pad.Slice(8), pad.Slice(16), pad.Slice(24), pad.Slice(32), fourth ? pad.Slice(40) : []);
        pad.Slice(8, count).CopyTo(scale.Slice(i));
        pad.Slice(16, count).CopyTo(a.Slice(i));
        pad.Slice(24, count).CopyTo(b.Slice(i));
        pad.Slice(32, count).CopyTo(c.Slice(i));
        if (fourth)
        {
            pad.Slice(40, count).CopyTo(d.Slice(i));
        }
    }

    private static void Block(OrderSet set, int width, ReadOnlySpan<double> x, Span<double> scale, Span<double> a, Span<double> b,
        Span<double> c, Span<double> d)
    {
        if (set.HalfInteger)
        {
            if (width == 512)
            {
                Block512(set, x, scale, a, b, c, d);
            }
            else
            {
                Block256(set, x, scale, a, b, c, d);
            }

            return;
        }

        if (width == 512)
        {
            var x512 = Vector512.Create(x);
            IntegerOrders(x512, out var s, out var g1, out var g2, out var g3);
            s.CopyTo(scale);
            g1.CopyTo(a);
            g2.CopyTo(b);
            g3.CopyTo(c);
            if (!d.IsEmpty)
            {
                ThreeHalvesOrder(x512, s).CopyTo(d);
            }
        }
        else
        {
            var x256 = Vector256.Create(x);
            IntegerOrders(x256, out var s, out var g1, out var g2, out var g3);
            s.CopyTo(scale);
            g1.CopyTo(a);
            g2.CopyTo(b);
            g3.CopyTo(c);
            if (!d.IsEmpty)
            {
                ThreeHalvesOrder(x256, s).CopyTo(d);
            }
        }
    }

    /// <summary>Scale and G_1, G_2, G_3 of one block of x (F_d = scale · G_d), in registers: the batch's
    /// algorithm for one Vector512, inlined into its callers (the span path above and the junction's fused
    /// kernel), so both compute the same numbers.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void IntegerOrders(Vector512<double> x, out Vector512<double> scale, out Vector512<double> g1,
        out Vector512<double> g2, out Vector512<double> g3)
    {
        var small = Vector512.LessThan(x, Vector512.Create(BoseIntegrals.RegimeSwitch));
        // Lane masks as bits: a mask compared as doubles is NaN in its set lanes, and NaN equals nothing.
        ulong smallLanes = small.ExtractMostSignificantBits();
        // ln x and e^{−x} inlined (Elementary: no call, around which every vector register would be spilled).
        var lnX = smallLanes != 0 ? Elementary.Log(x) : default;
        var z = smallLanes != 0xFF ? Elementary.Exp(-x) : default; // some lane at or above the switch
        Vector512<double> sa = default, sb = default, sc = default, la = default, lb = default, lc = default;
        if (smallLanes != 0)
        {
            IntegerExpansion(ExpansionTerms(Max(Vector512.ConditionalSelect(small, x, default))), x, out sa, out sb, out sc);
            // −ln x, (−x)(−ln x), (x²/2)(−ln x)
            sa -= lnX;
            sb = Vector512.FusedMultiplyAdd(x, lnX, sb);
            sc = Vector512.FusedMultiplyAdd(-0.5 * x * x, lnX, sc);
        }

        if (smallLanes != 0xFF)
        {
            Horner(IntegerOrderSet.Series, MaxSeriesTerms, SeriesTerms(LargeMin(x)), z, false, out la, out lb, out lc, out _);
        }

        scale = Vector512.ConditionalSelect(small, Vector512<double>.One, z);
        g1 = Vector512.ConditionalSelect(small, sa, la);
        g2 = Vector512.ConditionalSelect(small, sb, lb);
        g3 = Vector512.ConditionalSelect(small, sc, lc);
    }

    /// <summary>G_{3/2} of one block (F_{3/2} = scale · G_{3/2}, the magnon density's integral, PHYSICS.md §1),
    /// given the <paramref name="scale"/> of <see cref="IntegerOrders(Vector512{double}, out Vector512{double}, out Vector512{double}, out Vector512{double}, out Vector512{double})"/>
    /// (z above the switch): a pass of its own, so callers that can decide a density without it skip it.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector512<double> ThreeHalvesOrder(Vector512<double> x, Vector512<double> scale)
    {
        var small = Vector512.LessThan(x, Vector512.Create(BoseIntegrals.RegimeSwitch));
        ulong smallLanes = small.ExtractMostSignificantBits();
        Vector512<double> below = default, above = default;
        if (smallLanes != 0)
        {
            // ζ(3/2) − 2√(πx) + …: the polynomial's even and odd halves in y = x², then Γ(−1/2) x^{1/2} = −2√π x^{1/2}
            ref double t = ref MemoryMarshal.GetArrayDataReference(IntegerTails);
            int j = (ExpansionTerms(Max(Vector512.ConditionalSelect(small, x, default))) + 1) / 2 - 1;
            var y = x * x;
            var even = Vector512.Create(Unsafe.Add(ref t, 3 * TailLength + j));
            var odd = Vector512.Create(Unsafe.Add(ref t, 4 * TailLength + j));
            for (j--; j >= 0; j--)
            {
                even = Vector512.FusedMultiplyAdd(even, y, Vector512.Create(Unsafe.Add(ref t, 3 * TailLength + j)));
                odd = Vector512.FusedMultiplyAdd(odd, y, Vector512.Create(Unsafe.Add(ref t, 4 * TailLength + j)));
            }

            below = Vector512.FusedMultiplyAdd(Vector512.Create(-2 * SqrtPi), Vector512.Sqrt(x), Vector512.FusedMultiplyAdd(odd, x, even));
        }

        if (smallLanes != 0xFF)
        {
            above = SeriesChain(ThreeHalvesColumn, SeriesTerms(LargeMin(x)), scale);
        }

        return Vector512.ConditionalSelect(small, below, above);
    }

    // IntegerOrders on 256-bit vectors (written out twice for the reason Block256 gives).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void IntegerOrders(Vector256<double> x, out Vector256<double> scale, out Vector256<double> g1,
        out Vector256<double> g2, out Vector256<double> g3)
    {
        var small = Vector256.LessThan(x, Vector256.Create(BoseIntegrals.RegimeSwitch));
        // Lane masks as bits: a mask compared as doubles is NaN in its set lanes, and NaN equals nothing.
        uint smallLanes = small.ExtractMostSignificantBits();
        // ln x and e^{−x} inlined (Elementary: no call, around which every vector register would be spilled).
        var lnX = smallLanes != 0 ? Elementary.Log(x) : default;
        var z = smallLanes != 0xF ? Elementary.Exp(-x) : default; // some lane at or above the switch
        Vector256<double> sa = default, sb = default, sc = default, la = default, lb = default, lc = default;
        if (smallLanes != 0)
        {
            IntegerExpansion(ExpansionTerms(Max(Vector256.ConditionalSelect(small, x, default))), x, out sa, out sb, out sc);
            // −ln x, (−x)(−ln x), (x²/2)(−ln x)
            sa -= lnX;
            sb = Vector256.FusedMultiplyAdd(x, lnX, sb);
            sc = Vector256.FusedMultiplyAdd(-0.5 * x * x, lnX, sc);
        }

        if (smallLanes != 0xF)
        {
            Horner(IntegerOrderSet.Series, MaxSeriesTerms, SeriesTerms(LargeMin(x)), z, false, out la, out lb, out lc, out _);
        }

        scale = Vector256.ConditionalSelect(small, Vector256<double>.One, z);
        g1 = Vector256.ConditionalSelect(small, sa, la);
        g2 = Vector256.ConditionalSelect(small, sb, lb);
        g3 = Vector256.ConditionalSelect(small, sc, lc);
    }

    // ThreeHalves on 256-bit vectors.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector256<double> ThreeHalvesOrder(Vector256<double> x, Vector256<double> scale)
    {
        var small = Vector256.LessThan(x, Vector256.Create(BoseIntegrals.RegimeSwitch));
        uint smallLanes = small.ExtractMostSignificantBits();
        Vector256<double> below = default, above = default;
        if (smallLanes != 0)
        {
            ref double t = ref MemoryMarshal.GetArrayDataReference(IntegerTails);
            int j = (ExpansionTerms(Max(Vector256.ConditionalSelect(small, x, default))) + 1) / 2 - 1;
            var y = x * x;
            var even = Vector256.Create(Unsafe.Add(ref t, 3 * TailLength + j));
            var odd = Vector256.Create(Unsafe.Add(ref t, 4 * TailLength + j));
            for (j--; j >= 0; j--)
            {
                even = Vector256.FusedMultiplyAdd(even, y, Vector256.Create(Unsafe.Add(ref t, 3 * TailLength + j)));
                odd = Vector256.FusedMultiplyAdd(odd, y, Vector256.Create(Unsafe.Add(ref t, 4 * TailLength + j)));
            }

            below = Vector256.FusedMultiplyAdd(Vector256.Create(-2 * SqrtPi), Vector256.Sqrt(x), Vector256.FusedMultiplyAdd(odd, x, even));
        }

        if (smallLanes != 0xF)
        {
            above = SeriesChain(ThreeHalvesColumn, SeriesTerms(LargeMin(x)), scale);
        }

        return Vector256.ConditionalSelect(small, below, above);
    }

    /// <summary>The smallest lane at or above the switch (+∞ when none is; NaN lanes are neither).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static double LargeMin(Vector512<double> x) =>
        Min(Vector512.ConditionalSelect(Vector512.GreaterThanOrEqual(x, Vector512.Create(BoseIntegrals.RegimeSwitch)), x, PositiveInfinity512));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static double LargeMin(Vector256<double> x) =>
        Min(Vector256.ConditionalSelect(Vector256.GreaterThanOrEqual(x, Vector256.Create(BoseIntegrals.RegimeSwitch)), x, Vector256.Create(double.PositiveInfinity)));

    /// <summary>One order's series Σ_k z^{k−1}/k^d by Horner's rule, <paramref name="column"/> of the integer set's table.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<double> SeriesChain(int column, int terms, Vector512<double> z)
    {
        ref double c = ref MemoryMarshal.GetArrayDataReference(IntegerOrderSet.Series);
        int k = terms - 1;
        var sum = Vector512.Create(Unsafe.Add(ref c, column * MaxSeriesTerms + k));
        for (k--; k >= 0; k--)
        {
            sum = Vector512.FusedMultiplyAdd(sum, z, Vector512.Create(Unsafe.Add(ref c, column * MaxSeriesTerms + k)));
        }

        return sum;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<double> SeriesChain(int column, int terms, Vector256<double> z)
    {
        ref double c = ref MemoryMarshal.GetArrayDataReference(IntegerOrderSet.Series);
        int k = terms - 1;
        var sum = Vector256.Create(Unsafe.Add(ref c, column * MaxSeriesTerms + k));
        for (k--; k >= 0; k--)
        {
            sum = Vector256.FusedMultiplyAdd(sum, z, Vector256.Create(Unsafe.Add(ref c, column * MaxSeriesTerms + k)));
        }

        return sum;
    }

    private const int ThreeHalvesColumn = 3; // of IntegerOrderSet's tables: orders 1, 2, 3, 3/2

    /// <summary>One block of the half orders (<see cref="HalfOrders"/>): the four polynomials and their singular terms.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Block512(OrderSet set, ReadOnlySpan<double> xs, Span<double> scale, Span<double> a, Span<double> b,
        Span<double> c, Span<double> d)
    {
        var x = Vector512.Create(xs);
        var small = Vector512.LessThan(x, Vector512.Create(BoseIntegrals.RegimeSwitch));
        // Lane masks as bits: a mask compared as doubles is NaN in its set lanes, and NaN equals nothing.
        ulong smallLanes = small.ExtractMostSignificantBits();
        Vector512<double> sa = default, sb = default, sc = default, sd = default;
        Vector512<double> la = default, lb = default, lc = default, ld = default, z = default;
        if (smallLanes != 0)
        {
            int terms = ExpansionTerms(Max(Vector512.ConditionalSelect(small, x, default)));
            Horner(set.SmallX, BoseExpansionTables.SmallXTerms, terms, x, true, out sa, out sb, out sc, out sd);
            // Γ(1−s) x^{s−1}: √π x^{−1/2}, −2√π x^{1/2}, (4/3)√π x^{3/2}, −(8/15)√π x^{5/2}
            var root = Vector512.Sqrt(x);
            sa += Vector512.Create(SqrtPi) / root;
            sb = Vector512.FusedMultiplyAdd(Vector512.Create(-2 * SqrtPi), root, sb);
            sc = Vector512.FusedMultiplyAdd(Vector512.Create(4.0 / 3.0 * SqrtPi) * x, root, sc);
            sd = Vector512.FusedMultiplyAdd(Vector512.Create(-8.0 / 15.0 * SqrtPi) * x * x, root, sd);
        }

        if (smallLanes != 0xFF) // some lane at or above the switch
        {
            z = Elementary.Exp(-x);
            var large = Vector512.GreaterThanOrEqual(x, Vector512.Create(BoseIntegrals.RegimeSwitch)); // NaN lanes: neither
            int terms = SeriesTerms(Min(Vector512.ConditionalSelect(large, x, PositiveInfinity512)));
            Horner(set.Series, MaxSeriesTerms, terms, z, true, out la, out lb, out lc, out ld);
        }

        Vector512.ConditionalSelect(small, Vector512<double>.One, z).CopyTo(scale);
        Vector512.ConditionalSelect(small, sa, la).CopyTo(a);
        Vector512.ConditionalSelect(small, sb, lb).CopyTo(b);
        Vector512.ConditionalSelect(small, sc, lc).CopyTo(c);
        Vector512.ConditionalSelect(small, sd, ld).CopyTo(d);
    }

    // Block512 on 256-bit vectors. Written out twice: one generic method over ISimdVector<TSelf, T> would
    // serve both widths, but in .NET 10's reference assemblies Vector512<double> does not implement it (CS0315).
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Block256(OrderSet set, ReadOnlySpan<double> xs, Span<double> scale, Span<double> a, Span<double> b,
        Span<double> c, Span<double> d)
    {
        var x = Vector256.Create(xs);
        var small = Vector256.LessThan(x, Vector256.Create(BoseIntegrals.RegimeSwitch));
        uint smallLanes = small.ExtractMostSignificantBits();
        Vector256<double> sa = default, sb = default, sc = default, sd = default;
        Vector256<double> la = default, lb = default, lc = default, ld = default, z = default;
        if (smallLanes != 0)
        {
            int terms = ExpansionTerms(Max(Vector256.ConditionalSelect(small, x, default)));
            Horner(set.SmallX, BoseExpansionTables.SmallXTerms, terms, x, true, out sa, out sb, out sc, out sd);
            var root = Vector256.Sqrt(x);
            sa += Vector256.Create(SqrtPi) / root;
            sb = Vector256.FusedMultiplyAdd(Vector256.Create(-2 * SqrtPi), root, sb);
            sc = Vector256.FusedMultiplyAdd(Vector256.Create(4.0 / 3.0 * SqrtPi) * x, root, sc);
            sd = Vector256.FusedMultiplyAdd(Vector256.Create(-8.0 / 15.0 * SqrtPi) * x * x, root, sd);
        }

        if (smallLanes != 0xF) // some lane at or above the switch
        {
            z = Elementary.Exp(-x);
            var large = Vector256.GreaterThanOrEqual(x, Vector256.Create(BoseIntegrals.RegimeSwitch)); // NaN lanes: neither
            int terms = SeriesTerms(Min(Vector256.ConditionalSelect(large, x, Vector256.Create(double.PositiveInfinity))));
            Horner(set.Series, MaxSeriesTerms, terms, z, true, out la, out lb, out lc, out ld);
        }

        Vector256.ConditionalSelect(small, Vector256<double>.One, z).CopyTo(scale);
        Vector256.ConditionalSelect(small, sa, la).CopyTo(a);
        Vector256.ConditionalSelect(small, sb, lb).CopyTo(b);
        Vector256.ConditionalSelect(small, sc, lc).CopyTo(c);
        Vector256.ConditionalSelect(small, sd, ld).CopyTo(d);
    }
    /// <summary>Terms of the expansion for the hardest (largest) lane below the switch, <paramref name="max"/>
    /// (0 when no lane is below it): min(SmallXTerms, ⌊44/(ln 2π − ln max)⌋ + 1) as the scalar kernel, counted
    /// against the precomputed x at which each further term is needed, so no <c>log</c> per block.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int ExpansionTerms(double max)
    {
        var m = Vector256.Create(max);
        ref double t = ref MemoryMarshal.GetArrayDataReference(ExpansionThresholds);
        uint needed = Vector256.GreaterThanOrEqual(m, Vector256.LoadUnsafe(ref t)).ExtractMostSignificantBits()
            | Vector256.GreaterThanOrEqual(m, Vector256.LoadUnsafe(ref t, 4)).ExtractMostSignificantBits() << 4
            | Vector256.GreaterThanOrEqual(m, Vector256.LoadUnsafe(ref t, 8)).ExtractMostSignificantBits() << 8
            | Vector256.GreaterThanOrEqual(m, Vector256.LoadUnsafe(ref t, 12)).ExtractMostSignificantBits() << 12
            | Vector256.GreaterThanOrEqual(m, Vector256.LoadUnsafe(ref t, 16)).ExtractMostSignificantBits() << 16
            | Vector256.GreaterThanOrEqual(m, Vector256.LoadUnsafe(ref t, 20)).ExtractMostSignificantBits() << 20
            | Vector256.GreaterThanOrEqual(m, Vector256.LoadUnsafe(ref t, 24)).ExtractMostSignificantBits() << 24
            | Vector256.GreaterThanOrEqual(m, Vector256.LoadUnsafe(ref t, 28)).ExtractMostSignificantBits() << 28;
        return max > 0 ? 1 + System.Numerics.BitOperations.PopCount(needed) : 1;
    }

    /// <summary>Threshold n − 2 (n = 2 … SmallXTerms): the smallest x that needs n terms,
    /// e^{ln 2π − 44/(n − 1)}; padded with +∞ to 32 entries.</summary>
    private static readonly double[] ExpansionThresholds = Enumerable.Range(0, 32)
        .Select(i => i + 2 <= BoseExpansionTables.SmallXTerms ? Math.Exp(LnTwoPi - ExpansionTermScale / (i + 1)) : double.PositiveInfinity)
        .ToArray();

    /// <summary>Terms of the series for the hardest (smallest) lane at or above the switch, <paramref name="min"/>
    /// (+∞ when no lane is; NaN lanes are neither below nor at or above it, so they take no part).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int SeriesTerms(double min) =>
        double.IsFinite(min) ? Math.Min(MaxSeriesTerms, (int)(SeriesTermScale / min) + 1) : 1;

    private static readonly Vector512<double> PositiveInfinity512 = Vector512.Create(double.PositiveInfinity);

    // Horizontal max and min of lanes that hold no NaN (the callers mask them to 0 or +∞), so the
    // native instructions do, without Math.Max's NaN and signed-zero handling.
    private static double Max(Vector512<double> v) => Max(Vector256.MaxNative(v.GetLower(), v.GetUpper()));

    private static double Max(Vector256<double> v)
    {
        var m = Vector128.MaxNative(v.GetLower(), v.GetUpper());
        return m.GetElement(0) > m.GetElement(1) ? m.GetElement(0) : m.GetElement(1);
    }

    private static double Min(Vector512<double> v) => Min(Vector256.MinNative(v.GetLower(), v.GetUpper()));

    private static double Min(Vector256<double> v)
    {
        var m = Vector128.MinNative(v.GetLower(), v.GetUpper());
        return m.GetElement(0) < m.GetElement(1) ? m.GetElement(0) : m.GetElement(1);
    }

    /// <summary>Horner's rule for three polynomials (and a fourth when asked) at once:
    /// independent FMA chains, so the core overlaps their latencies.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] // into the block: its vectors stay in registers, not out-parameters on the stack
    private static void Horner(double[] table, int stride, int terms, Vector512<double> y, bool fourth,
        out Vector512<double> a1, out Vector512<double> a2, out Vector512<double> a3, out Vector512<double> a15)
    {
        ref double c = ref MemoryMarshal.GetArrayDataReference(table);
        int k = terms - 1;
        a1 = Vector512.Create(Unsafe.Add(ref c, k));
        a2 = Vector512.Create(Unsafe.Add(ref c, stride + k));
        a3 = Vector512.Create(Unsafe.Add(ref c, 2 * stride + k));
        if (!fourth)
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

    /// <summary>Horner's rule for three polynomials (and a fourth when asked) at once:
    /// independent FMA chains, so the core overlaps their latencies.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] // into the block: its vectors stay in registers, not out-parameters on the stack
    private static void Horner(double[] table, int stride, int terms, Vector256<double> y, bool fourth,
        out Vector256<double> a1, out Vector256<double> a2, out Vector256<double> a3, out Vector256<double> a15)
    {
        ref double c = ref MemoryMarshal.GetArrayDataReference(table);
        int k = terms - 1;
        a1 = Vector256.Create(Unsafe.Add(ref c, k));
        a2 = Vector256.Create(Unsafe.Add(ref c, stride + k));
        a3 = Vector256.Create(Unsafe.Add(ref c, 2 * stride + k));
        if (!fourth)
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


    /// <summary>The polynomial parts of the expansions of F_1, F_2, F_3 with <paramref name="terms"/>
    /// coefficients, Horner's rule in y = x². Integer orders have ζ(−2n) = 0 in every other coefficient
    /// past the first few (PHYSICS.md §0), so each sum is a short head in x and a tail in y of half the
    /// length: F_1's from k = 2, F_2's from k = 3, F_3's from k = 4. (F_{3/2}, which has no zeros, is split
    /// into its even and odd coefficients in <see cref="ThreeHalvesOrder(Vector512{double}, Vector512{double})"/>:
    /// two chains of half the length, so no chain is longer than these.)</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] // into the block: its vectors stay in registers, not out-parameters on the stack
    private static void IntegerExpansion(int terms, Vector512<double> x,
        out Vector512<double> f1, out Vector512<double> f2, out Vector512<double> f3)
    {
        ref double t = ref MemoryMarshal.GetArrayDataReference(IntegerTails);
        int j = (terms + 1) / 2 - 1; // y-terms: enough that every chain reaches coefficient k = terms − 1
        var y = x * x;
        var p1 = Vector512.Create(Unsafe.Add(ref t, j));
        var p2 = Vector512.Create(Unsafe.Add(ref t, TailLength + j));
        var p3 = Vector512.Create(Unsafe.Add(ref t, 2 * TailLength + j));
        for (j--; j >= 0; j--)
        {
            p1 = Vector512.FusedMultiplyAdd(p1, y, Vector512.Create(Unsafe.Add(ref t, j)));
            p2 = Vector512.FusedMultiplyAdd(p2, y, Vector512.Create(Unsafe.Add(ref t, TailLength + j)));
            p3 = Vector512.FusedMultiplyAdd(p3, y, Vector512.Create(Unsafe.Add(ref t, 2 * TailLength + j)));
        }

        // The heads, continuing Horner's rule in x down to k = 0.
        ref double h = ref MemoryMarshal.GetArrayDataReference(IntegerHeads);
        f1 = Vector512.FusedMultiplyAdd(p1, x, Vector512.Create(Unsafe.Add(ref h, 1))) * x; // F_1's c_0 = 0
        p2 = Vector512.FusedMultiplyAdd(p2, x, Vector512.Create(Unsafe.Add(ref h, HeadStride + 2)));
        p2 = Vector512.FusedMultiplyAdd(p2, x, Vector512.Create(Unsafe.Add(ref h, HeadStride + 1)));
        f2 = Vector512.FusedMultiplyAdd(p2, x, Vector512.Create(Unsafe.Add(ref h, HeadStride)));
        p3 = Vector512.FusedMultiplyAdd(p3, x, Vector512.Create(Unsafe.Add(ref h, 2 * HeadStride + 3)));
        p3 = Vector512.FusedMultiplyAdd(p3, x, Vector512.Create(Unsafe.Add(ref h, 2 * HeadStride + 2)));
        p3 = Vector512.FusedMultiplyAdd(p3, x, Vector512.Create(Unsafe.Add(ref h, 2 * HeadStride + 1)));
        f3 = Vector512.FusedMultiplyAdd(p3, x, Vector512.Create(Unsafe.Add(ref h, 2 * HeadStride)));
    }

    // IntegerExpansion on 256-bit vectors (written out twice for the reason Block256 gives).
    [MethodImpl(MethodImplOptions.AggressiveInlining)] // into the block: its vectors stay in registers, not out-parameters on the stack
    private static void IntegerExpansion(int terms, Vector256<double> x,
        out Vector256<double> f1, out Vector256<double> f2, out Vector256<double> f3)
    {
        ref double t = ref MemoryMarshal.GetArrayDataReference(IntegerTails);
        int j = (terms + 1) / 2 - 1; // y-terms: enough that every chain reaches coefficient k = terms − 1
        var y = x * x;
        var p1 = Vector256.Create(Unsafe.Add(ref t, j));
        var p2 = Vector256.Create(Unsafe.Add(ref t, TailLength + j));
        var p3 = Vector256.Create(Unsafe.Add(ref t, 2 * TailLength + j));
        for (j--; j >= 0; j--)
        {
            p1 = Vector256.FusedMultiplyAdd(p1, y, Vector256.Create(Unsafe.Add(ref t, j)));
            p2 = Vector256.FusedMultiplyAdd(p2, y, Vector256.Create(Unsafe.Add(ref t, TailLength + j)));
            p3 = Vector256.FusedMultiplyAdd(p3, y, Vector256.Create(Unsafe.Add(ref t, 2 * TailLength + j)));
        }

        // The heads, continuing Horner's rule in x down to k = 0.
        ref double h = ref MemoryMarshal.GetArrayDataReference(IntegerHeads);
        f1 = Vector256.FusedMultiplyAdd(p1, x, Vector256.Create(Unsafe.Add(ref h, 1))) * x; // F_1's c_0 = 0
        p2 = Vector256.FusedMultiplyAdd(p2, x, Vector256.Create(Unsafe.Add(ref h, HeadStride + 2)));
        p2 = Vector256.FusedMultiplyAdd(p2, x, Vector256.Create(Unsafe.Add(ref h, HeadStride + 1)));
        f2 = Vector256.FusedMultiplyAdd(p2, x, Vector256.Create(Unsafe.Add(ref h, HeadStride)));
        p3 = Vector256.FusedMultiplyAdd(p3, x, Vector256.Create(Unsafe.Add(ref h, 2 * HeadStride + 3)));
        p3 = Vector256.FusedMultiplyAdd(p3, x, Vector256.Create(Unsafe.Add(ref h, 2 * HeadStride + 2)));
        p3 = Vector256.FusedMultiplyAdd(p3, x, Vector256.Create(Unsafe.Add(ref h, 2 * HeadStride + 1)));
        f3 = Vector256.FusedMultiplyAdd(p3, x, Vector256.Create(Unsafe.Add(ref h, 2 * HeadStride)));
    }

    private const int TailLength = 16, HeadStride = 4;

    /// <summary>Tails in y = x² of the integer orders' expansions, [chain][j], each padded with zeros to
    /// <see cref="TailLength"/>: F_1's c_{2+2j}, F_2's c_{3+2j}, F_3's c_{4+2j}, then F_{3/2}'s c_{2j} and c_{2j+1}
    /// (from the scalar kernel's table, so both use the same coefficients).</summary>
    private static readonly double[] IntegerTails = IntegerTailTable();

    /// <summary>The heads c_0 … c_3 of F_1, F_2, F_3, [order][k].</summary>
    private static readonly double[] IntegerHeads =
        [.. Enumerable.Range(0, 3 * HeadStride).Select(i => BoseExpansionTables.SmallX[(i % HeadStride) * Orders + new[] { One, Two, Three }[i / HeadStride]])];

    private static double[] IntegerTailTable()
    {
        (int Column, int First, int Step)[] chains = [(One, 2, 2), (Two, 3, 2), (Three, 4, 2), (ThreeHalves, 0, 2), (ThreeHalves, 1, 2)];
        var table = new double[chains.Length * TailLength];
        for (int c = 0; c < chains.Length; c++)
        {
            for (int j = 0; j < TailLength; j++)
            {
                int k = chains[c].First + j * chains[c].Step;
                table[c * TailLength + j] = k < BoseExpansionTables.SmallXTerms ? BoseExpansionTables.SmallX[k * Orders + chains[c].Column] : 0.0;
            }
        }

        return table;
    }

    /// <summary>Column-major [order][k] copies of the scalar kernel's expansion coefficients for four orders,
    /// given as columns of its interleaved table; −1 takes <paramref name="own"/> (F_{7/2}'s table) instead.</summary>
    private static double[] Columns(double[] interleaved, int[] columns, double[] own)
    {
        int terms = BoseExpansionTables.SmallXTerms;
        var table = new double[columns.Length * terms];
        for (int d = 0; d < columns.Length; d++)
        {
            for (int k = 0; k < terms; k++)
            {
                table[d * terms + k] = columns[d] < 0 ? own[k] : interleaved[k * Orders + columns[d]];
            }
        }

        return table;
    }

    /// <summary>k^{−d} for each order d, k = 1 … MaxSeriesTerms, column-major (as BoseIntegrals' table).</summary>
    private static double[] InversePowers(double[] orders)
    {
        var table = new double[orders.Length * MaxSeriesTerms];
        for (int d = 0; d < orders.Length; d++)
        {
            for (int k = 1; k <= MaxSeriesTerms; k++)
            {
                table[d * MaxSeriesTerms + k - 1] = 1.0 / Math.Pow(k, orders[d]);
            }
        }

        return table;
    }
}
