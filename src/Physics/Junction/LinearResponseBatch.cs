using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using Sweep.Physics.Bose;
using Sweep.Physics.Models;

namespace Sweep.Physics.Junction;

/// <summary>The parameter columns the junction's linear response reads (PHYSICS.md §1), one value per point.</summary>
public readonly record struct JunctionPoints(double[] H, double[] T, double[] TunnelingExchange, double[] Spin, double[] Exchange,
    double[] FieldBias, double[] TemperatureBias);

/// <summary>
/// The junction's linear response (PHYSICS.md §1) and its dilute-gas status (§6) SIMD across points, fused:
/// per block of 8 points (Vector512) or 4 (Vector256), x = h/T, the Bose integrals F_1, F_2, F_3
/// (<see cref="BoseBatch"/>), the asked-for observables among A, L11 … K, l11 … k, seebeck, lorenz, ZT and
/// the density check stay in registers, and each output is written once. (Measured: the same work as
/// separate passes through column arrays ran at 0.6× of this, docs/BENCHMARKS.md, issue #16's fifth part.)
/// <para>F_{3/2}, which only decides the status, is evaluated only for blocks that F_2 ≤ F_{3/2} ≤ F_1
/// cannot decide. A point is decided here when it passed the range check, is unbiased and has x &gt; 0, and
/// its density is farther than <see cref="DensityMargin"/> from S/10; every other point is returned to the
/// caller for the scalar rules, so batch and point checks never disagree.</para>
/// </summary>
public static class LinearResponseBatch
{
    /// <summary>Outputs, in the model's observable order: A, L11, L12, L21, L22, K, l11, l12, l22, k, seebeck, lorenz, ZT.</summary>
    public const int Observables = 13;

    public const int A = 0, L11 = 1, L12 = 2, L21 = 3, L22 = 4, K = 5, ReducedL11 = 6, ReducedL12 = 7, ReducedL22 = 8, ReducedK = 9,
        Seebeck = 10, Lorenz = 11, ZT = 12;

    /// <summary>Relative distance from S/10 within which the batch's F_{3/2} (a few ulp from the scalar
    /// kernel's) does not decide a status: the scalar rules do.</summary>
    public const double DensityMargin = 1e-12;

    private const double Zeta32 = 2.6123753486854883433; // ζ(3/2) = F_{3/2}(0), its largest value
    private const double Below = MagnonJunctionModel.MaxMagnonFraction * (1 - DensityMargin) * (MagnonJunctionModel.MaxMagnonFraction * (1 - DensityMargin));
    private const double Above = MagnonJunctionModel.MaxMagnonFraction * (1 + DensityMargin) * (MagnonJunctionModel.MaxMagnonFraction * (1 + DensityMargin));

    // BoseBatch's tables initialised before the blocks are compiled: a block compiled earlier (AggressiveOptimization
    // compiles at the first call) checks the class at every use of a table, and such a check is a call, around
    // which every vector register is spilled.
    static LinearResponseBatch() => RuntimeHelpers.RunClassConstructor(typeof(BoseBatch).TypeHandle);

    /// <summary>Evaluates <paramref name="count"/> points into the non-null <paramref name="outputs"/> (indexed
    /// as <see cref="Observables"/>; null: not computed) on the widest path (<paramref name="width"/> 0) or a
    /// chosen one (512, 256). <paramref name="status"/> holds the range check's verdicts on entry; points
    /// found too dense become <see cref="PointStatus.Outside"/> with NaN outputs. Returns how many points it
    /// left to the caller's scalar rules, their indices in <paramref name="undecided"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // hot: optimised from the first call (no tier-0 phase)
    public static int Evaluate(in JunctionPoints points, int count, double[]?[] outputs, PointStatus[] status, Span<int> undecided,
        int width = 0)
    {
        width = width == 0 ? BoseBatch.PreferredWidth : width;
        Validate(points, count, outputs, status, undecided, width);
        uint asked = 0;
        for (int o = 0; o < Observables; o++)
        {
            asked |= outputs[o] is null ? 0 : Bit(o);
        }

        int lanes = width / 64, open = 0, i = 0;
        for (; i + lanes <= count; i += lanes)
        {
            ulong left = width == 512 ? Block512(points, i, outputs, asked, status) : Block256(points, i, outputs, asked, status);
            for (; left != 0; left &= left - 1)
            {
                undecided[open++] = i + BitOperations.TrailingZeroCount(left);
            }
        }

        return i == count ? open : Tail(points, i, count - i, outputs, asked, status, undecided, open, width);
    }

    /// <summary>The last <paramref name="count"/> (&lt; lanes) points through the same vector code: copied into
    /// one block padded with the last point (so no lane is harder than the real ones), evaluated, copied back.</summary>
    private static int Tail(in JunctionPoints p, int first, int count, double[]?[] outputs, uint asked, PointStatus[] status,
        Span<int> undecided, int open, int width)
    {
        const int Lanes = 8;
        double[] Pad(double[] column)
        {
            var padded = new double[Lanes];
            Array.Fill(padded, column[first + count - 1]);
            Array.Copy(column, first, padded, 0, count);
            return padded;
        }

        var block = new JunctionPoints(Pad(p.H), Pad(p.T), Pad(p.TunnelingExchange), Pad(p.Spin), Pad(p.Exchange), Pad(p.FieldBias),
            Pad(p.TemperatureBias));
        var blockOutputs = outputs.Select(o => o is null ? null : new double[Lanes]).ToArray();
        var blockStatus = new PointStatus[Lanes];
        Array.Fill(blockStatus, status[first + count - 1]);
        Array.Copy(status, first, blockStatus, 0, count);
        ulong left = width == 512 ? Block512(block, 0, blockOutputs, asked, blockStatus) : Block256(block, 0, blockOutputs, asked, blockStatus);
        for (int o = 0; o < Observables; o++)
        {
            if (outputs[o] is { } column)
            {
                Array.Copy(blockOutputs[o]!, 0, column, first, count);
            }
        }

        Array.Copy(blockStatus, 0, status, first, count);
        for (left &= (1UL << count) - 1; left != 0; left &= left - 1)
        {
            undecided[open++] = first + BitOperations.TrailingZeroCount(left);
        }

        return open;
    }

    private static void Validate(in JunctionPoints p, int count, double[]?[] outputs, PointStatus[] status, Span<int> undecided, int width)
    {
        if (width == 512 && !Vector512.IsHardwareAccelerated)
        {
            throw new PlatformNotSupportedException("this machine has no 512-bit vectors");
        }

        if (width != 512 && width != 256)
        {
            throw new ArgumentOutOfRangeException(nameof(width), width, "vector width is 512 or 256 bits");
        }

        ArgumentOutOfRangeException.ThrowIfNegative(count);
        if (outputs.Length != Observables)
        {
            throw new ArgumentException($"outputs has {Observables} entries, one per observable (null: not asked for)", nameof(outputs));
        }

        double[][] inputs = [p.H, p.T, p.TunnelingExchange, p.Spin, p.Exchange, p.FieldBias, p.TemperatureBias];
        if (inputs.Any(c => c.Length < count) || outputs.Any(c => c is not null && c.Length < count) || status.Length < count
            || undecided.Length < count)
        {
            throw new ArgumentException("every input, output, status and undecided span needs as many elements as points");
        }
    }

    private static uint Bit(int observable) => 1u << observable;

    /// <summary>Bit k set: point i + k still has status Ok (the range check passed it).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong OkLanes512(PointStatus[] status, int i)
    {
        ulong bytes = Unsafe.ReadUnaligned<ulong>(ref Unsafe.Subtract(ref Unsafe.As<PointStatus, byte>(ref status[i + 7]), 7)); // one bounds check, 8 statuses
        return bytes == 0 ? 0xFF : Vector128.Equals(Vector128.CreateScalar(bytes).AsByte(), Vector128<byte>.Zero).ExtractMostSignificantBits() & 0xFF;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static uint OkLanes256(PointStatus[] status, int i)
    {
        uint bytes = Unsafe.ReadUnaligned<uint>(ref Unsafe.Subtract(ref Unsafe.As<PointStatus, byte>(ref status[i + 3]), 3));
        return bytes == 0 ? 0xF : Vector128.Equals(Vector128.CreateScalar(bytes).AsByte(), Vector128<byte>.Zero).ExtractMostSignificantBits() & 0xF;
    }

    /// <summary>One block of 8 points at <paramref name="i"/>: every asked-for output written once, the
    /// statuses the block decides written, and the lanes it leaves to the scalar rules returned as bits.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // one call per block; its callees inlined into it
    private static ulong Block512(in JunctionPoints p, int i, double[]?[] outputs, uint asked, PointStatus[] status)
    {
        var t = Load512(p.T, i);
        var x = Load512(p.H, i) / t;
        BoseBatch.IntegerOrders(x, out var scale, out var g1, out var g2, out var g3);

        // The dilute-gas condition (PHYSICS.md §6): λ F_{3/2} < S/10 with λ = (T/(4πD))^{3/2}, D = J S, compared
        // squared and multiplied out, T³ F² against (S/10)² (4πD)³, so no division or square root: where the
        // right side is a normal double the products' few roundings are far inside the margin, and a left
        // side that underflows is dilute, one that overflows dense, as it truly is. Only an unbiased point
        // with x > 0 that passed the range check (status Ok) is decided here: its mean state is its only reservoir.
        var spin = Load512(p.Spin, i);
        var exchange = Load512(p.Exchange, i);
        var stiffness = Vector512.Create(4.0 * Math.PI) * (exchange * spin);
        var limit = spin * spin * (stiffness * stiffness * stiffness);
        var candidates = Vector512.GreaterThan(x, Vector512<double>.Zero)
            & Vector512.Equals(Load512(p.FieldBias, i), Vector512<double>.Zero)
            & Vector512.Equals(Load512(p.TemperatureBias, i), Vector512<double>.Zero)
            & Vector512.GreaterThanOrEqual(limit, Vector512.Create(1e-280)) & Vector512.LessThanOrEqual(limit, Vector512.Create(1e280));
        ulong decidable = (ulong)(candidates.ExtractMostSignificantBits() & OkLanes512(status, i));
        var below = Vector512.Create(Below) * limit;
        var above = Vector512.Create(Above) * limit;
        var t3 = t * t * t;
        // F_2 ≤ F_{3/2} ≤ min(F_1, ζ(3/2)) term by term (k^{−2} ≤ k^{−3/2} ≤ k^{−1}, PHYSICS.md §0): bounds that
        // decide most blocks without F_{3/2}; the margin covers their few ulp.
        var f1 = scale * g1;
        var f2 = scale * g2;
        var upper = Vector512.Min(f1, Vector512.Create(Zeta32));
        var dilute = Vector512.LessThan(t3 * (upper * upper), below);
        var dense = Vector512.GreaterThan(t3 * (f2 * f2), above);
        if (((ulong)(dilute | dense).ExtractMostSignificantBits() & decidable) != decidable)
        {
            var f15 = scale * BoseBatch.ThreeHalvesOrder(x, scale);
            var density = t3 * (f15 * f15);
            dilute = Vector512.LessThan(density, below);
            dense = Vector512.GreaterThan(density, above);
        }

        var outside = dense & candidates; // NaN in every output; lanes left open get theirs from the scalar rules
        ulong outsideLanes = (ulong)(outside.ExtractMostSignificantBits() & decidable);
        ulong decided = (ulong)((dilute | dense).ExtractMostSignificantBits() & decidable);
        for (ulong m = outsideLanes; m != 0; m &= m - 1)
        {
            status[i + BitOperations.TrailingZeroCount(m)] = PointStatus.Outside;
        }

        // The reduced conductances (PHYSICS.md §1), JunctionTransport.Compute's formulas operation for
        // operation, with k from the scaled integrals so it never underflows early; each only where it or
        // a conductance built on it is asked for.
        Vector512<double> l11 = default, l12 = default, l22 = default, k = default, scaledK = default;
        if ((asked & (Bit(ReducedL11) | Bit(L11))) != 0)
        {
            l11 = f1;
        }

        if ((asked & (Bit(ReducedL12) | Bit(L12) | Bit(L21))) != 0)
        {
            l12 = scale * (2.0 * g2 + x * g1);
        }

        if ((asked & (Bit(ReducedL22) | Bit(L22))) != 0)
        {
            l22 = scale * (6.0 * g3 + 4.0 * x * g2 + x * x * g1);
        }

        if ((asked & (Bit(ReducedK) | Bit(K) | Bit(Lorenz))) != 0)
        {
            // K = L22 − L12 L21/L11 = A T² (6F3 − 4F2²/F1): the form without cancellation at large x
            scaledK = 6.0 * g3 - 4.0 * g2 * g2 / g1;
            k = scale * scaledK;
        }

        Store(outputs, ReducedL11, l11, outside, i);
        Store(outputs, ReducedL12, l12, outside, i);
        Store(outputs, ReducedL22, l22, outside, i);
        Store(outputs, ReducedK, k, outside, i);
        if ((asked & (Bit(A) | Bit(L11) | Bit(L12) | Bit(L21) | Bit(L22) | Bit(K))) != 0)
        {
            // JunctionTransport.TransmissionSlope: A = J_T² / (8π³ J³ S)
            var tunneling = Load512(p.TunnelingExchange, i);
            var a = tunneling * tunneling / (Vector512.Create(8.0 * Math.PI * Math.PI * Math.PI) * exchange * exchange * exchange * spin);
            var at = a * t;
            var at2 = at * t;
            var bigL12 = at * l12;
            Store(outputs, A, a, outside, i);
            Store(outputs, L11, at * l11, outside, i);
            Store(outputs, L12, bigL12, outside, i);
            Store(outputs, L21, t * bigL12, outside, i);
            Store(outputs, L22, at2 * l22, outside, i);
            Store(outputs, K, at2 * k, outside, i);
        }

        if ((asked & (Bit(Seebeck) | Bit(Lorenz) | Bit(ZT))) != 0)
        {
            // Ratios from the scaled integrals, finite where F_d underflows
            var scaledL12 = 2.0 * g2 + x * g1;
            Store(outputs, Seebeck, scaledL12 / g1, outside, i);
            Store(outputs, Lorenz, scaledK / g1, outside, i);
            Store(outputs, ZT, scaledL12 * scaledL12 / (6.0 * g1 * g3 - 4.0 * g2 * g2), outside, i);
        }

        return (ulong)(0xFFUL & ~decided);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<double> Load512(double[] column, int i) =>
        Vector512.LoadUnsafe(ref MemoryMarshal.GetArrayDataReference(column), (nuint)i);

    /// <summary>Stores <paramref name="value"/> into output <paramref name="observable"/> when asked for, NaN in the lanes of <paramref name="nan"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store(double[]?[] outputs, int observable, Vector512<double> value, Vector512<double> nan, int i)
    {
        if (outputs[observable] is { } column)
        {
            Vector512.ConditionalSelect(nan, Vector512.Create(double.NaN), value)
                .StoreUnsafe(ref MemoryMarshal.GetArrayDataReference(column), (nuint)i);
        }
    }

    // Block512 on 256-bit vectors, written out twice as BoseBatch's blocks are (in .NET 10, Vector512<double>
    // does not implement ISimdVector, so one generic method cannot serve both widths).
    /// <summary>One block of 4 points at <paramref name="i"/>: every asked-for output written once, the
    /// statuses the block decides written, and the lanes it leaves to the scalar rules returned as bits.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // one call per block; its callees inlined into it
    private static uint Block256(in JunctionPoints p, int i, double[]?[] outputs, uint asked, PointStatus[] status)
    {
        var t = Load256(p.T, i);
        var x = Load256(p.H, i) / t;
        BoseBatch.IntegerOrders(x, out var scale, out var g1, out var g2, out var g3);

        // The dilute-gas condition (PHYSICS.md §6): λ F_{3/2} < S/10 with λ = (T/(4πD))^{3/2}, D = J S, compared
        // squared and multiplied out, T³ F² against (S/10)² (4πD)³, so no division or square root: where the
        // right side is a normal double the products' few roundings are far inside the margin, and a left
        // side that underflows is dilute, one that overflows dense, as it truly is. Only an unbiased point
        // with x > 0 that passed the range check (status Ok) is decided here: its mean state is its only reservoir.
        var spin = Load256(p.Spin, i);
        var exchange = Load256(p.Exchange, i);
        var stiffness = Vector256.Create(4.0 * Math.PI) * (exchange * spin);
        var limit = spin * spin * (stiffness * stiffness * stiffness);
        var candidates = Vector256.GreaterThan(x, Vector256<double>.Zero)
            & Vector256.Equals(Load256(p.FieldBias, i), Vector256<double>.Zero)
            & Vector256.Equals(Load256(p.TemperatureBias, i), Vector256<double>.Zero)
            & Vector256.GreaterThanOrEqual(limit, Vector256.Create(1e-280)) & Vector256.LessThanOrEqual(limit, Vector256.Create(1e280));
        uint decidable = (uint)(candidates.ExtractMostSignificantBits() & OkLanes256(status, i));
        var below = Vector256.Create(Below) * limit;
        var above = Vector256.Create(Above) * limit;
        var t3 = t * t * t;
        // F_2 ≤ F_{3/2} ≤ min(F_1, ζ(3/2)) term by term (k^{−2} ≤ k^{−3/2} ≤ k^{−1}, PHYSICS.md §0): bounds that
        // decide most blocks without F_{3/2}; the margin covers their few ulp.
        var f1 = scale * g1;
        var f2 = scale * g2;
        var upper = Vector256.Min(f1, Vector256.Create(Zeta32));
        var dilute = Vector256.LessThan(t3 * (upper * upper), below);
        var dense = Vector256.GreaterThan(t3 * (f2 * f2), above);
        if (((uint)(dilute | dense).ExtractMostSignificantBits() & decidable) != decidable)
        {
            var f15 = scale * BoseBatch.ThreeHalvesOrder(x, scale);
            var density = t3 * (f15 * f15);
            dilute = Vector256.LessThan(density, below);
            dense = Vector256.GreaterThan(density, above);
        }

        var outside = dense & candidates; // NaN in every output; lanes left open get theirs from the scalar rules
        uint outsideLanes = (uint)(outside.ExtractMostSignificantBits() & decidable);
        uint decided = (uint)((dilute | dense).ExtractMostSignificantBits() & decidable);
        for (uint m = outsideLanes; m != 0; m &= m - 1)
        {
            status[i + BitOperations.TrailingZeroCount(m)] = PointStatus.Outside;
        }

        // The reduced conductances (PHYSICS.md §1), JunctionTransport.Compute's formulas operation for
        // operation, with k from the scaled integrals so it never underflows early; each only where it or
        // a conductance built on it is asked for.
        Vector256<double> l11 = default, l12 = default, l22 = default, k = default, scaledK = default;
        if ((asked & (Bit(ReducedL11) | Bit(L11))) != 0)
        {
            l11 = f1;
        }

        if ((asked & (Bit(ReducedL12) | Bit(L12) | Bit(L21))) != 0)
        {
            l12 = scale * (2.0 * g2 + x * g1);
        }

        if ((asked & (Bit(ReducedL22) | Bit(L22))) != 0)
        {
            l22 = scale * (6.0 * g3 + 4.0 * x * g2 + x * x * g1);
        }

        if ((asked & (Bit(ReducedK) | Bit(K) | Bit(Lorenz))) != 0)
        {
            // K = L22 − L12 L21/L11 = A T² (6F3 − 4F2²/F1): the form without cancellation at large x
            scaledK = 6.0 * g3 - 4.0 * g2 * g2 / g1;
            k = scale * scaledK;
        }

        Store(outputs, ReducedL11, l11, outside, i);
        Store(outputs, ReducedL12, l12, outside, i);
        Store(outputs, ReducedL22, l22, outside, i);
        Store(outputs, ReducedK, k, outside, i);
        if ((asked & (Bit(A) | Bit(L11) | Bit(L12) | Bit(L21) | Bit(L22) | Bit(K))) != 0)
        {
            // JunctionTransport.TransmissionSlope: A = J_T² / (8π³ J³ S)
            var tunneling = Load256(p.TunnelingExchange, i);
            var a = tunneling * tunneling / (Vector256.Create(8.0 * Math.PI * Math.PI * Math.PI) * exchange * exchange * exchange * spin);
            var at = a * t;
            var at2 = at * t;
            var bigL12 = at * l12;
            Store(outputs, A, a, outside, i);
            Store(outputs, L11, at * l11, outside, i);
            Store(outputs, L12, bigL12, outside, i);
            Store(outputs, L21, t * bigL12, outside, i);
            Store(outputs, L22, at2 * l22, outside, i);
            Store(outputs, K, at2 * k, outside, i);
        }

        if ((asked & (Bit(Seebeck) | Bit(Lorenz) | Bit(ZT))) != 0)
        {
            // Ratios from the scaled integrals, finite where F_d underflows
            var scaledL12 = 2.0 * g2 + x * g1;
            Store(outputs, Seebeck, scaledL12 / g1, outside, i);
            Store(outputs, Lorenz, scaledK / g1, outside, i);
            Store(outputs, ZT, scaledL12 * scaledL12 / (6.0 * g1 * g3 - 4.0 * g2 * g2), outside, i);
        }

        return (uint)(0xFU & ~decided);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<double> Load256(double[] column, int i) =>
        Vector256.LoadUnsafe(ref MemoryMarshal.GetArrayDataReference(column), (nuint)i);

    /// <summary>Stores <paramref name="value"/> into output <paramref name="observable"/> when asked for, NaN in the lanes of <paramref name="nan"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store(double[]?[] outputs, int observable, Vector256<double> value, Vector256<double> nan, int i)
    {
        if (outputs[observable] is { } column)
        {
            Vector256.ConditionalSelect(nan, Vector256.Create(double.NaN), value)
                .StoreUnsafe(ref MemoryMarshal.GetArrayDataReference(column), (nuint)i);
        }
    }
}
