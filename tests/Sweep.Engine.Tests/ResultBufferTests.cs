using System.Runtime.InteropServices;
using Sweep.Engine.Evaluation;
using Sweep.Engine.Messages;

namespace Sweep.Engine.Tests;

/// <summary>The memory of chunk results (<see cref="ResultBuffer"/>): aligned for direct I/O, values then status, pooled once.</summary>
public class ResultBufferTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(4096)]
    [InlineData(4097)]
    [InlineData(819_200)] // 32 768 evaluations of 3 observables and their status bytes
    [InlineData(20 << 20)]
    public void A_rented_buffer_starts_page_aligned_and_holds_what_was_asked(int bytes)
    {
        var buffer = ResultBuffers.Rent(bytes);
        Assert.InRange(buffer.Capacity, Math.Max(bytes, 4096), Math.Max(2L * bytes, 4096));
        Assert.True(System.Numerics.BitOperations.IsPow2(buffer.Capacity));
        Assert.Equal(0, Address(buffer.Memory) % ResultBuffer.Alignment);
        buffer.Span.Fill(0xA5); // all of it is the caller's
        ResultBuffers.Return(buffer);
    }

    [Fact]
    public void A_returned_buffer_is_rented_again_and_returning_it_twice_is_refused()
    {
        var first = ResultBuffers.Rent(3 << 16);
        ResultBuffers.Return(first);
        Assert.Throws<InvalidOperationException>(() => ResultBuffers.Return(first));
        var rented = Enumerable.Range(0, 4).Select(_ => ResultBuffers.Rent(3 << 16)).ToList(); // the pool is shared: others may take it first
        Assert.Contains(first, rented);
        rented.ForEach(ResultBuffers.Return);
    }

    [Fact]
    public void More_than_a_gigabyte_is_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => ResultBuffers.Rent(ResultBuffers.MaxBytes + 1));
    }

    [Theory]
    [InlineData(32_768, 3)]
    [InlineData(10_007, 2)]
    [InlineData(3, 0)]
    public void A_results_status_bytes_start_page_aligned_after_its_values(int evaluations, int observables)
    {
        var values = Enumerable.Range(0, observables * evaluations).Select(i => i + 0.5).ToArray();
        var status = Enumerable.Range(0, evaluations).Select(i => (byte)(i % 7)).ToArray();
        var result = ChunkResult.Copy(new WorkItem("r", "h", 0, 0, 0, evaluations, 1), evaluations, observables,
            MemoryMarshal.AsBytes(values.AsSpan()), status, "w", TimeSpan.Zero);

        Assert.Equal(0, Address(result.Status) % ResultBuffer.Alignment);
        Assert.InRange(result.StatusOffset, result.ValueBytes, result.ValueBytes + ResultBuffer.Alignment - 1);
        Assert.Equal(status, result.Status.ToArray());
        for (int o = 0; o < observables; o++)
        {
            Assert.Equal(values.AsSpan(o * evaluations, evaluations).ToArray(), result.Observable(o).ToArray());
        }

        result.Release();
    }

    [Fact]
    public void An_exposed_buffer_returned_is_never_rented_again_and_an_unexposed_one_is()
    {
        var exposed = ResultBuffers.Rent(5 << 16, shared: true);
        var kept = ResultBuffers.Rent(5 << 16, shared: true);
        exposed.Expose(); // its reference went to a coordinator, which never acknowledged it
        kept.Expose();
        kept.Unexpose(); // acknowledged
        ResultBuffers.Return(exposed);
        ResultBuffers.Return(kept);

        var rented = Enumerable.Range(0, 8).Select(_ => ResultBuffers.Rent(5 << 16, shared: true)).ToList();
        Assert.DoesNotContain(exposed, rented);
        Assert.Contains(kept, rented);
        Assert.Throws<ObjectDisposedException>(() => exposed.Span.Length); // let go: unmapped
        rented.ForEach(ResultBuffers.Return);
    }

    [Fact]
    public void A_borrowed_buffer_goes_back_to_its_owner_not_to_the_pool()
    {
        var memory = ResultBuffers.Rent(4096);
        var given = new List<ResultBuffer>();
        var borrowed = ResultBuffer.Borrowed(memory.Memory, given.Add);
        ResultBuffers.Return(borrowed);
        Assert.Equal([borrowed], given);
        Assert.Throws<InvalidOperationException>(() => ResultBuffers.Return(borrowed));
        ResultBuffers.Return(memory);
    }

    [Fact]
    public void A_shared_buffer_is_a_segment_that_another_process_may_map_and_it_sees_what_is_written()
    {
        var buffer = ResultBuffers.Rent(3 << 20, shared: true);
        var segment = buffer.Segment!;
        Assert.Equal(buffer.Capacity, segment.Length);
        using var mapped = SharedSegment.TryOpen(Environment.ProcessId, segment.Descriptor, segment.Id, segment.Length);
        Assert.NotNull(mapped);
        buffer.Span[^1] = 0x5A;
        Assert.Equal(0x5A, mapped.GetSpan()[^1]);
        Assert.False(mapped.Writable);
        ResultBuffers.Return(buffer);
    }

    /// <summary>Where the memory starts (its array is pinned, so the address holds).</summary>
    private static long Address(ReadOnlyMemory<byte> memory)
    {
        Assert.True(MemoryMarshal.TryGetArray(memory, out var segment));
        return Marshal.UnsafeAddrOfPinnedArrayElement(segment.Array!, segment.Offset);
    }
}
