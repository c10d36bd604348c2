using System.Runtime.InteropServices;
using Akka.Actor;
using Sweep.Engine.Evaluation;

namespace Sweep.Engine.Messages;

// Every message the actors exchange, as small immutable records. Those marked ISweepMessage may cross
// a process boundary and go through SweepMessageSerializer (MessagePack); they carry ids and numbers,
// never object references to shared state. Replies go to the envelope's sender, so no message holds
// an actor reference. Local-only messages are marked INoSerializationVerificationNeeded.

/// <summary>Coordinator → worker: evaluate chunk <see cref="Chunk"/> (outer points [Start, Start + Count)
/// of model <see cref="ModelIndex"/>). <see cref="Attempt"/> starts at 1. An adaptive run's chunk carries its points:
/// <see cref="Lattice"/> holds their integer lattice coordinates (Count × refined axes, point-major), from which any
/// worker computes the parameters with the spec alone; <see cref="Start"/> is then the first point's index in its round.</summary>
public sealed record WorkItem(string RunId, string SpecHash, long Chunk, int ModelIndex, long Start, int Count, int Attempt, int[]? Lattice = null) : ISweepMessage;

/// <summary>Coordinator → a worker node's work source: several work items in one message (those that answer one
/// <see cref="RequestWork"/>), so a remote source costs remoting one message per request, not one per chunk.</summary>
public sealed record WorkItems(IReadOnlyList<WorkItem> Items) : ISweepMessage;

/// <summary>Worker → its work source (the coordinator, or a worker node's <c>ClusterWorkSourceActor</c>):
/// the sender has <see cref="Slots"/> more free slots. The source never sends more work items than it
/// was asked for (credit-based pull).</summary>
public sealed record RequestWork(int Slots) : ICoordinatorMessage;

/// <summary>Worker → aggregator: the evaluated chunk. Its <see cref="Buffer"/> holds the selected observables one after
/// another (observable-major), each over all evaluations in flat order, as little-endian float64 bytes, then from
/// <see cref="StatusOffset"/> (page-aligned) one status byte per evaluation; the store writes both to disk from there
/// (docs/ENGINE.md, "Results from kernel to disk"). Whoever ends the result's way (stored, dropped) returns the buffer with
/// <see cref="Release"/>, once.</summary>
public sealed record ChunkResult(WorkItem Item, int Evaluations, int ObservableCount, ResultBuffer Buffer, string WorkerId, TimeSpan Elapsed)
    : IAggregatorMessage
{
    public int ValueBytes => ObservableCount * Evaluations * sizeof(double);

    /// <summary>Where the status bytes start in <see cref="Buffer"/>: after the values, aligned to a page.</summary>
    public int StatusOffset => StatusOffsetOf(ObservableCount, Evaluations);

    /// <summary>Every observable's bytes, one after another.</summary>
    public ReadOnlyMemory<byte> Values => Buffer.Memory[..ValueBytes];

    /// <summary>One status byte per evaluation.</summary>
    public ReadOnlyMemory<byte> Status => Buffer.Memory.Slice(StatusOffset, Evaluations);

    /// <summary>Observable <paramref name="observable"/>'s bytes over all evaluations.</summary>
    public ReadOnlyMemory<byte> ObservableBytes(int observable) =>
        Buffer.Memory.Slice(observable * Evaluations * sizeof(double), Evaluations * sizeof(double));

    /// <summary>Observable <paramref name="observable"/> over all evaluations.</summary>
    public ReadOnlySpan<double> Observable(int observable) => MemoryMarshal.Cast<byte, double>(ObservableBytes(observable).Span);

    /// <summary>Returns <see cref="Buffer"/> to its pool: the result is not to be read after.</summary>
    public void Release() => ResultBuffers.Return(Buffer);

    public static int StatusOffsetOf(int observables, int evaluations) => ResultBuffer.AlignUp(checked(observables * evaluations * sizeof(double)));

    /// <summary>Bytes of the buffer a result of <paramref name="observables"/> × <paramref name="evaluations"/> needs.</summary>
    public static int BufferBytes(int observables, int evaluations) => checked(StatusOffsetOf(observables, evaluations) + evaluations);

    /// <summary>A result holding copies of <paramref name="values"/> (observable-major float64 bytes) and <paramref name="status"/>,
    /// in a rented buffer.</summary>
    public static ChunkResult Copy(WorkItem item, int evaluations, int observables, ReadOnlySpan<byte> values, ReadOnlySpan<byte> status,
        string workerId, TimeSpan elapsed)
    {
        if (values.Length != (long)observables * evaluations * sizeof(double) || status.Length != evaluations)
        {
            throw new ArgumentException($"{values.Length} value bytes and {status.Length} status bytes are not {observables} observables × {evaluations} evaluations");
        }

        var buffer = ResultBuffers.Rent(BufferBytes(observables, evaluations));
        var result = new ChunkResult(item, evaluations, observables, buffer, workerId, elapsed);
        values.CopyTo(buffer.Span);
        status.CopyTo(buffer.Span[result.StatusOffset..]);
        return result;
    }
}

/// <summary>Worker → coordinator: evaluating the chunk threw.</summary>
public sealed record ChunkFailed(WorkItem Item, string Error, string WorkerId) : ICoordinatorMessage;

/// <summary>Aggregator → coordinator: the chunk is durably stored (or was already: <see cref="Duplicate"/>).</summary>
public sealed record ChunkStored(long Chunk, int Evaluations, bool Duplicate) : ICoordinatorMessage;

/// <summary>Coordinator → aggregator: the chunk failed on every allowed attempt; record it.</summary>
public sealed record ChunkAbandoned(long Chunk, int Attempts, string Error) : IAggregatorMessage;

/// <summary>Anyone → coordinator: stop dispatching, let in-flight chunks finish (Ctrl+C).</summary>
public sealed record StopRequested(string Reason) : ICoordinatorMessage;

/// <summary>Coordinator → aggregator, once nothing more will be sent to it: store what is pending and
/// answer <see cref="AggregatorDrained"/> (everything sent before is then durable).</summary>
public sealed record DrainAggregator : IAggregatorMessage
{
    public static DrainAggregator Instance { get; } = new();
}

/// <summary>Aggregator → coordinator: every message sent before <see cref="DrainAggregator"/> is handled.</summary>
public sealed record AggregatorDrained : ICoordinatorMessage
{
    public static AggregatorDrained Instance { get; } = new();
}

/// <summary>Coordinator → itself, periodically (a timer): check leases of in-flight chunks.</summary>
public sealed record LeaseCheck : INoSerializationVerificationNeeded
{
    public static LeaseCheck Instance { get; } = new();
}

/// <summary>Coordinator → its parent: the run is over (every chunk stored or abandoned, or stopped with
/// <see cref="StopReason"/> once the chunks in flight were done), and the aggregator has drained.</summary>
public sealed record RunCompleted(string? StopReason) : INoSerializationVerificationNeeded;

/// <summary>Coordinator → its parent, as it starts: the run's coordinator and aggregator (its child).</summary>
public sealed record CoordinatorReady(IActorRef Coordinator, IActorRef Aggregator) : INoSerializationVerificationNeeded;

/// <summary>Aggregator → itself: store the results gathered so far (queued behind what already arrived).</summary>
public sealed record FlushResults : INoSerializationVerificationNeeded
{
    public static FlushResults Instance { get; } = new();
}

/// <summary>Worker node → a coordinator node's run front (<c>/user/run/workers</c>): which run do you offer?
/// Answered with <see cref="RunOffer"/>; asked again until answered (the run may not have started yet).</summary>
public sealed record DescribeRun : ISweepMessage
{
    public static DescribeRun Instance { get; } = new();
}

/// <summary>Run front → worker node: the run it coordinates. The worker plans <see cref="SpecText"/> itself
/// (with <see cref="ChunkOverride"/> when above 0, and <see cref="ChunkEvaluations"/> in each automatic chunk when above 0: a run
/// directory of an earlier version) and serves the run only if its plan has the same hash. Results go
/// to <see cref="ResultPort"/> on the coordinator node's host: its result stream (docs/ENGINE.md, "Cluster"), not remoting.</summary>
public sealed record RunOffer(string RunId, string SpecHash, string SpecText, int ChunkOverride, int ResultPort, int ChunkEvaluations = 0) : ISweepMessage;

/// <summary>Worker node → its work source: stop asking for work, finish what is in hand, then complete the
/// drained signal (SIGTERM: the node leaves the cluster afterwards).</summary>
public sealed record StopWorking : INoSerializationVerificationNeeded
{
    public static StopWorking Instance { get; } = new();
}

/// <summary>Work source → itself, periodically: ask coordinator nodes that made no offer yet.</summary>
public sealed record AskForRuns : INoSerializationVerificationNeeded
{
    public static AskForRuns Instance { get; } = new();
}

/// <summary>Work source → its uploader: send <see cref="Result"/> to the result stream at <see cref="Host"/>:<see cref="Port"/>
/// (its run's coordinator node); should that fail, <see cref="ChunkFailed"/> goes to <see cref="Front"/>.</summary>
public sealed record UploadResult(IActorRef Front, string Host, int Port, ChunkResult Result) : INoSerializationVerificationNeeded;

/// <summary>Work source → its uploader: the run's coordinator is gone; drop its uploads.</summary>
public sealed record ForgetRun(string RunId) : INoSerializationVerificationNeeded;

/// <summary>Uploader → itself: the current upload's frame was written to the result stream (<see cref="Error"/> null), or not;
/// <see cref="Lent"/>: it went by reference, and the connection holds its buffer until the coordinator acknowledges it.</summary>
public sealed record UploadWritten(string? Error, bool Lent = false) : INoSerializationVerificationNeeded;

/// <summary>Uploader → work source: one upload is over (written to the stream, given up, or dropped with its run).</summary>
public sealed record UploadDone : INoSerializationVerificationNeeded
{
    public static UploadDone Instance { get; } = new();
}

/// <summary>Published on the event stream by the serializer when bytes do not deserialize: counted, then dropped.</summary>
public sealed record MalformedMessage(string Manifest, string Reason) : INoSerializationVerificationNeeded;

/// <summary>A message that may cross a process boundary: bound to <see cref="Serialization.SweepMessageSerializer"/>.</summary>
public interface ISweepMessage;

/// <summary>Anything the coordinator's mailbox accepts from other actors.</summary>
public interface ICoordinatorMessage : ISweepMessage;

/// <summary>Anything the aggregator's mailbox accepts from other actors.</summary>
public interface IAggregatorMessage : ISweepMessage;
