using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Sweep.Engine.Evaluation;

/// <summary>
/// Copies a tile's results into a chunk's <see cref="ResultBuffer"/> with non-temporal stores: the buffer is megabytes of
/// memory the core will not read again (the disk's DMA, or another process, reads it), so its cache lines are written
/// without first being read from memory and without evicting the tile's working set. An ordinary copy (the runtime's
/// <c>memmove</c> streams only above several megabytes) reads every destination line first: measured, the packing
/// copy was 5 % of an embedded run's CPU (docs/BENCHMARKS.md, "Packing with streaming stores"). Written by hand because
/// .NET has no streaming copy; the stores are <see cref="Vector512"/>/<see cref="Vector256"/> intrinsics.
/// <para>Non-temporal stores are weakly ordered: <see cref="Publish"/> must follow the last copy before the buffer is handed
/// to another thread.</para>
/// </summary>
public static class StreamingCopy
{
    /// <summary>Below this many bytes an ordinary copy is as fast, and the alignment prologue not worth it.</summary>
    private const int MinimumBytes = 1024;

    /// <summary>Copies <paramref name="source"/> to the start of <paramref name="destination"/> (which must be at least as
    /// long), the whole aligned middle with streaming stores.</summary>
    public static unsafe void Copy(ReadOnlySpan<double> source, Span<double> destination)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(destination.Length, source.Length, nameof(destination));
        int width = Vector512.IsHardwareAccelerated ? Vector512<double>.Count : Vector256.IsHardwareAccelerated ? Vector256<double>.Count : 0;
        if (width == 0 || !Sse.IsSupported || source.Length * sizeof(double) < MinimumBytes)
        {
            source.CopyTo(destination);
            return;
        }

        fixed (double* from = source, to = destination)
        {
            int bytes = width * sizeof(double);
            // Up to the first aligned destination address, ordinarily (a double-aligned buffer reaches it in whole elements).
            int head = (int)((bytes - ((nint)to & (bytes - 1))) & (bytes - 1)) / sizeof(double);
            if (((nint)to & (sizeof(double) - 1)) != 0)
            {
                head = source.Length; // not even double-aligned (never from a ResultBuffer): no streaming
            }

            head = Math.Min(head, source.Length);
            source[..head].CopyTo(destination);
            int i = head;
            if (width == Vector512<double>.Count)
            {
                for (; i <= source.Length - width; i += width)
                {
                    Vector512.StoreAlignedNonTemporal(Vector512.Load(from + i), to + i);
                }
            }
            else
            {
                for (; i <= source.Length - width; i += width)
                {
                    Vector256.StoreAlignedNonTemporal(Vector256.Load(from + i), to + i);
                }
            }

            source[i..].CopyTo(destination[i..]);
        }
    }

    /// <summary>Orders every streaming store before what follows (an <c>sfence</c>): call it once a buffer is filled, before
    /// it is handed on.</summary>
    public static void Publish()
    {
        if (Sse.IsSupported)
        {
            Sse.StoreFence();
        }
    }
}
