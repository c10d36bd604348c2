using System.Collections.Concurrent;
using System.Runtime.InteropServices;

namespace Sweep.Engine.Evaluation;

/// <summary>
/// The memory of one chunk's results (<see cref="Messages.ChunkResult"/>): page-aligned and pinned, so the store writes it
/// to the array files with direct I/O straight from here, and the result stream reads a worker's bytes straight into it,
/// with no copy in between (docs/ENGINE.md, "Results from kernel to disk"). Rented from <see cref="ResultBuffers"/> by the
/// evaluator (or the stream's reader), returned there once the chunk is stored or dropped, exactly once. On a worker node
/// whose coordinator may run on the same machine, buffers are <see cref="SharedSegment"/>s, and the coordinator stores
/// from its mapping of the worker's buffer (<see cref="Borrowed"/>): its results cross no socket (docs/ENGINE.md, "Results on one machine").
/// </summary>
public sealed class ResultBuffer
{
    /// <summary>The start of <see cref="Memory"/> is a multiple of this: a page, which covers every logical block size
    /// direct I/O asks for.</summary>
    public const int Alignment = 4096;

    private readonly Memory<byte> _memory;
    private readonly Action<ResultBuffer>? _giveBack;
    private int _rented, _exposures;

    internal ResultBuffer(int capacity)
    {
        // On the pinned object heap: the address never moves, so the aligned start stays aligned and the device may read it.
        var array = GC.AllocateUninitializedArray<byte>(capacity + Alignment, pinned: true);
        long address = Marshal.UnsafeAddrOfPinnedArrayElement(array, 0);
        _memory = array.AsMemory((int)(AlignUp(address) - address), capacity);
        Capacity = capacity;
    }

    internal ResultBuffer(SharedSegment segment)
    {
        (_memory, Segment, Capacity) = (segment.Memory, segment, segment.Length);
    }

    private ResultBuffer(Memory<byte> memory, Action<ResultBuffer> giveBack)
    {
        (_memory, _giveBack, Capacity, _rented) = (memory, giveBack, memory.Length, 1);
    }

    /// <summary>Memory of someone else's (a worker's shared segment that a coordinator maps), page-aligned, rented from no pool:
    /// <see cref="ResultBuffers.Return"/> hands it to <paramref name="giveBack"/> instead.</summary>
    public static ResultBuffer Borrowed(Memory<byte> memory, Action<ResultBuffer> giveBack) => new(memory, giveBack);

    public int Capacity { get; }

    /// <summary>The buffer, <see cref="Capacity"/> bytes from an aligned address.</summary>
    public Memory<byte> Memory => _memory;

    public Span<byte> Span => _memory.Span;

    /// <summary>The shared segment this buffer is (<see cref="ResultBuffers.Sharing"/>), which a coordinator on this machine
    /// may map; null for process-private memory.</summary>
    public SharedSegment? Segment { get; }

    /// <summary>The segment was named to another process that has not yet said it is done with it: until then its memory
    /// must not change, so a buffer returned while exposed is let go, never reused.</summary>
    public bool Exposed => Volatile.Read(ref _exposures) > 0;

    /// <summary>Another process was told where this buffer is (a result sent by reference).</summary>
    public void Expose() => Interlocked.Increment(ref _exposures);

    /// <summary>That process is done with it (a reference's acknowledgement).</summary>
    public void Unexpose() => Interlocked.Decrement(ref _exposures);

    public static long AlignUp(long value) => (value + Alignment - 1) & ~(long)(Alignment - 1);

    public static int AlignUp(int value) => checked((int)AlignUp((long)value));

    /// <summary>Marks the buffer rented (false: it already was — a bug the pool refuses to hide).</summary>
    internal bool TryRent() => Interlocked.Exchange(ref _rented, 1) == 0;

    internal bool TryReturn() => Interlocked.Exchange(ref _rented, 0) == 1;

    /// <summary>A borrowed buffer goes back to its owner (true); any other to the pool (false).</summary>
    internal bool GiveBack()
    {
        if (_giveBack is null)
        {
            return false;
        }

        _giveBack(this);
        return true;
    }
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

    // Per capacity class: buffers of process-private memory, and shared segments.
    private static readonly ConcurrentStack<ResultBuffer>[] Private = [.. Enumerable.Range(0, 31 - SmallestClass).Select(_ => new ConcurrentStack<ResultBuffer>())];
    private static readonly ConcurrentStack<ResultBuffer>[] Shared = [.. Enumerable.Range(0, 31 - SmallestClass).Select(_ => new ConcurrentStack<ResultBuffer>())];

    private static long s_retained;
    private static volatile bool s_sharing;

    /// <summary>Whether new buffers are <see cref="SharedSegment"/>s (a worker node whose coordinator may be on this machine)
    /// rather than process-private memory.</summary>
    public static bool Sharing => s_sharing;

    /// <summary>From now on <see cref="Rent(int)"/> gives shared segments, if this machine has them (true).</summary>
    public static bool ShareFromNowOn()
    {
        if (SharedSegment.Supported)
        {
            try
            {
                SharedSegment.Create(ResultBuffer.Alignment).Close(); // the kernel may refuse memory files (a seccomp profile)
                s_sharing = true;
            }
            catch (Exception ex) when (ex is IOException or EntryPointNotFoundException)
            {
            }
        }

        return s_sharing;
    }

    /// <summary>A buffer of at least <paramref name="bytes"/> bytes (its contents undefined): a shared segment if <see cref="Sharing"/>.</summary>
    public static ResultBuffer Rent(int bytes) => Rent(bytes, s_sharing);

    /// <summary>A buffer of at least <paramref name="bytes"/> bytes (its contents undefined), a <see cref="SharedSegment"/> if
    /// <paramref name="shared"/>.</summary>
    public static ResultBuffer Rent(int bytes, bool shared)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(bytes);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(bytes, MaxBytes);
        int size = ClassOf(bytes);
        if ((shared ? Shared : Private)[size].TryPop(out var buffer))
        {
            Interlocked.Add(ref s_retained, -buffer.Capacity);
        }
        else
        {
            buffer = shared ? new ResultBuffer(SharedSegment.Create(1 << (size + SmallestClass))) : new ResultBuffer(1 << (size + SmallestClass));
        }

        if (!buffer.TryRent())
        {
            throw new InvalidOperationException("a result buffer was in the pool while rented");
        }

        return buffer;
    }

    /// <summary>Gives <paramref name="buffer"/> back (a borrowed one to its owner); returning one twice is a bug and throws.</summary>
    public static void Return(ResultBuffer buffer)
    {
        if (!buffer.TryReturn())
        {
            throw new InvalidOperationException("a result buffer was returned twice");
        }

        if (buffer.GiveBack())
        {
            return;
        }

        if (buffer.Exposed)
        {
            // Another process may still read it (its reference was sent, and no acknowledgement came): never reused. Its
            // memory lives on in that process's mapping for as long as that needs it.
            buffer.Segment?.Close();
            return;
        }

        if (Interlocked.Add(ref s_retained, buffer.Capacity) > RetainedBytes)
        {
            Interlocked.Add(ref s_retained, -buffer.Capacity);
            buffer.Segment?.Close();
            return;
        }

        (buffer.Segment is null ? Private : Shared)[ClassOf(buffer.Capacity)].Push(buffer);
    }

    private static int ClassOf(int bytes) =>
        Math.Max(0, (bytes <= 1 ? 0 : 32 - int.LeadingZeroCount(bytes - 1)) - SmallestClass);
}
