using Sweep.Engine.Evaluation;

namespace Sweep.Engine.Tests;

/// <summary>Shared segments (<see cref="SharedSegment"/>): a process maps another's segment only with its pid, descriptor and
/// id all right, and then sees the very memory the owner writes.</summary>
public class SharedSegmentTests
{
    [Fact]
    public void A_segment_maps_read_only_through_its_owners_descriptor_and_shows_the_owners_writes()
    {
        using var owner = SharedSegment.Create(64 << 10);
        Assert.True(owner.Writable);
        using var reader = SharedSegment.TryOpen(Environment.ProcessId, owner.Descriptor, owner.Id, owner.Length);
        Assert.NotNull(reader);
        Assert.Equal(owner.Id, reader.Id);
        Assert.Throws<InvalidOperationException>(() => reader.Descriptor); // the mapping keeps no descriptor open
        Assert.All(reader.GetSpan().ToArray(), b => Assert.Equal(0, b)); // a new segment is zero-filled

        var values = Enumerable.Range(0, owner.Length).Select(i => (byte)(i * 7)).ToArray();
        values.CopyTo(owner.GetSpan());
        Assert.Equal(values, reader.Memory.ToArray()); // the same pages, not a copy
    }

    [Fact]
    public void A_wrong_id_pid_descriptor_or_length_maps_nothing()
    {
        using var owner = SharedSegment.Create(8192);
        using var other = SharedSegment.Create(8192);
        Assert.Null(SharedSegment.TryOpen(Environment.ProcessId, owner.Descriptor, other.Id, owner.Length)); // a descriptor reused for another segment
        Assert.Null(SharedSegment.TryOpen(Environment.ProcessId, owner.Descriptor, owner.Id, owner.Length + 4096)); // shorter than claimed
        Assert.Null(SharedSegment.TryOpen(Environment.ProcessId, 0, owner.Id, owner.Length)); // stdin is no segment
        Assert.Null(SharedSegment.TryOpen(int.MaxValue, owner.Descriptor, owner.Id, owner.Length)); // no such process
        Assert.Null(SharedSegment.TryOpen(Environment.ProcessId, -1, owner.Id, owner.Length));
    }

    [Fact]
    public void A_closed_segment_is_unmapped()
    {
        var owner = SharedSegment.Create(4096);
        owner.Close();
        Assert.Throws<ObjectDisposedException>(() => owner.GetSpan().Length);
        owner.Close(); // twice is harmless
    }
}
