using Sweep.Engine.Cluster;
using Sweep.Engine.Evaluation;

namespace Sweep.Coordinator.Cluster;

/// <summary>
/// The shared segments of one worker process that a result-stream connection has mapped (docs/ENGINE.md, "Results on one
/// machine"): each result sent by reference becomes a <see cref="ResultBuffer"/> borrowed from the worker's segment, which the
/// store writes to disk from; when the store (or a duplicate's drop) returns it, the segment's id goes back to the worker
/// (<paramref name="acknowledge"/>), which may then use that buffer again. A segment stays mapped while the connection lasts
/// (the worker reuses its buffers, so each is mapped once), and at least as long as a result still lies in it.
/// </summary>
public sealed class WorkerSegments : IDisposable
{
    private readonly Action<long> _acknowledge;
    private readonly Dictionary<int, Mapping> _byDescriptor = [];
    private bool _closed;

    private WorkerSegments(int pid, Action<long> acknowledge) => (Pid, _acknowledge) = (pid, acknowledge);

    /// <summary>The segments of process <paramref name="pid"/>, if its <paramref name="probe"/> maps from here (the same
    /// machine, user and process namespace); null if not: that worker sends the bytes.</summary>
    public static WorkerSegments? TryAccept(int pid, ResultStream.SegmentReference probe, Action<long> acknowledge)
    {
        using var mapped = SharedSegment.TryOpen(pid, probe.Descriptor, probe.Id, probe.Length);
        return mapped is null ? null : new WorkerSegments(pid, acknowledge);
    }

    /// <summary>The worker's process id.</summary>
    public int Pid { get; }

    /// <summary>Whether the worker process is still there: once it is gone, a segment nobody mapped is gone with it. (A process
    /// that has exited, a zombie until reaped, has no descriptors left.)</summary>
    public bool WorkerAlive
    {
        get
        {
            try
            {
                return Directory.EnumerateFileSystemEntries($"/proc/{Pid}/fd").Any();
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                return false;
            }
        }
    }

    /// <summary>The first <paramref name="bytes"/> bytes of the referenced segment as a buffer whose return acknowledges it; null if
    /// the segment cannot be mapped or is shorter.</summary>
    public ResultBuffer? Borrow(ResultStream.SegmentReference reference, int bytes)
    {
        Mapping mapping;
        lock (_byDescriptor)
        {
            if (!_byDescriptor.TryGetValue(reference.Descriptor, out mapping!) || mapping.Segment.Id != reference.Id)
            {
                // A descriptor the worker closed and reused for another segment: the old mapping goes once no result lies in it.
                if (mapping is not null)
                {
                    mapping.Stale = true;
                    mapping.DisposeIfUnused(_closed);
                }

                if (SharedSegment.TryOpen(Pid, reference.Descriptor, reference.Id, reference.Length) is not { } segment)
                {
                    _byDescriptor.Remove(reference.Descriptor);
                    return null;
                }

                _byDescriptor[reference.Descriptor] = mapping = new Mapping(segment);
            }

            if (bytes > mapping.Segment.Length)
            {
                return null;
            }

            mapping.Users++;
        }

        long id = reference.Id;
        return ResultBuffer.Borrowed(mapping.Segment.Memory[..bytes], _ =>
        {
            lock (_byDescriptor)
            {
                mapping.Users--;
                mapping.DisposeIfUnused(_closed);
            }

            _acknowledge(id);
        });
    }

    /// <summary>The connection ended: every mapping goes once no result lies in it.</summary>
    public void Dispose()
    {
        lock (_byDescriptor)
        {
            _closed = true;
            foreach (var mapping in _byDescriptor.Values)
            {
                mapping.DisposeIfUnused(closed: true);
            }
        }
    }

    private sealed class Mapping(SharedSegment segment)
    {
        public SharedSegment Segment { get; } = segment;

        public int Users { get; set; }

        public bool Stale { get; set; }

        public void DisposeIfUnused(bool closed)
        {
            if ((Stale || closed) && Users == 0)
            {
                Segment.Close();
            }
        }
    }
}
