using System.Collections.Concurrent;
using System.Runtime.InteropServices;

namespace Sweep.Engine.Evaluation;

/// <summary>
/// The memory of one chunk's results (<see cref="Messages.ChunkResult"/>): page-aligned and pinned, so the store writes it
/// to the array files with direct I/O straight from here, and the result stream reads a worker's bytes straight into it,
/// with no copy in between (docs/ENGINE.md, "Results from kernel to disk"). Rented from <see cref="ResultBuffers"/> by the
/// evaluator (or the stream's reader), returned there once the chunk is stored or dropped, exactly once.
/// </summary>
public sealed class ResultBuffer
{
    /// <summary>The start of <see cref="Memory"/> is a multiple of this: a page, which covers every logical block size
    /// direct I/O asks for.</summary>
    public const int Alignment = 4096;

    private readonly byte[] _array;
    private readonly int _start;
    private int _rented;

    internal ResultBuffer(int capacity)
    {
        // On the pinned object heap: the address never moves, so the aligned start stays aligned and the device may read it.
        _array = GC.AllocateUninitializedArray<byte>(capacity + Alignment, pinned: true);
        long address = Marshal.UnsafeAddrOfPinnedArrayElement(_array, 0);
        _start = (int)(AlignUp(address) - address);
        Capacity = capacity;
    }

    public int Capacity { get; }

    /// <summary>The buffer, <see cref="Capacity"/> bytes from an aligned address.</summary>
    public Memory<byte> Memory => _array.AsMemory(_start, Capacity);

    public Span<byte> Span => _array.AsSpan(_start, Capacity);

    public static long AlignUp(long value) => (value + Alignment - 1) & ~(long)(Alignment - 1);

    public static int AlignUp(int value) => checked((int)AlignUp((long)value));

    /// <summary>Marks the buffer rented (false: it already was — a bug the pool refuses to hide).</summary>
    internal bool TryRent() => Interlocked.Exchange(ref _rented, 1) == 0;

    internal bool TryReturn() => Interlocked.Exchange(ref _rented, 0) == 1;
}

/// <summary>
/// The pool of <see cref="ResultBuffer"/>s: capacities in powers of two, at most <see cref="RetainedBytes"/> kept for reuse
/// (a buffer returned beyond that is left to the garbage collector). Written by hand because .NET's <c>ArrayPool</c> gives no
/// alignment, and direct I/O needs it.
/// </summary>
public static class ResultBuffers
{
    /// <summary>Bytes of returned buffers kept for reuse: the results a process holds in flight (a worker's chunks in hand,
    /// the batches the store has not yet made durable) are far less.</summary>
    public const long RetainedBytes = 512L << 20;

    /// <summary>The largest buffer rented: 1 GiB.</summary>
    public const int MaxBytes = 1 << 30;

    private const int SmallestClass = 12; // 4 KiB

    private static readonly ConcurrentStack<ResultBuffer>[] Classes = [.. Enumerable.Range(0, 31 - SmallestClass).Select(_ => new ConcurrentStack<ResultBuffer>())];

    private static long s_retained;

    /// <summary>A buffer of at least <paramref name="bytes"/> bytes (its contents undefined).</summary>
    public static ResultBuffer Rent(int bytes)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(bytes);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(bytes, MaxBytes);
        int size = ClassOf(bytes);
        if (Classes[size].TryPop(out var buffer))
        {
            Interlocked.Add(ref s_retained, -buffer.Capacity);
        }
        else
        {
            buffer = new ResultBuffer(1 << (size + SmallestClass));
        }

        if (!buffer.TryRent())
        {
            throw new InvalidOperationException("a result buffer was in the pool while rented");
        }

        return buffer;
    }

    /// <summary>Gives <paramref name="buffer"/> back; returning one twice is a bug and throws.</summary>
    public static void Return(ResultBuffer buffer)
    {
        if (!buffer.TryReturn())
        {
            throw new InvalidOperationException("a result buffer was returned twice");
        }

        if (Interlocked.Add(ref s_retained, buffer.Capacity) > RetainedBytes)
        {
            Interlocked.Add(ref s_retained, -buffer.Capacity);
            return;
        }

        Classes[ClassOf(buffer.Capacity)].Push(buffer);
    }

    private static int ClassOf(int bytes) =>
        Math.Max(0, (bytes <= 1 ? 0 : 32 - int.LeadingZeroCount(bytes - 1)) - SmallestClass);
}
