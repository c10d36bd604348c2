using System.Runtime.InteropServices;
using Akka.Actor;

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

/// <summary>Worker → its work source (the coordinator, or a worker node's <c>ClusterWorkSourceActor</c>):
/// the sender has <see cref="Slots"/> more free slots. The source never sends more work items than it
/// was asked for (credit-based pull).</summary>
public sealed record RequestWork(int Slots) : ICoordinatorMessage;

/// <summary>Worker → aggregator: the evaluated chunk. <see cref="Values"/> holds the selected
/// observables one after another (observable-major), each over all evaluations in flat order, as
/// little-endian float64 bytes; only its first <see cref="ValueBytes"/> bytes count (the array is
/// pooled and may be longer). <see cref="Status"/> is one byte per evaluation.</summary>
public sealed record ChunkResult(WorkItem Item, int Evaluations, int ObservableCount, byte[] Values, byte[] Status, string WorkerId, TimeSpan Elapsed)
    : IAggregatorMessage
{
    public int ValueBytes => ObservableCount * Evaluations * sizeof(double);

    /// <summary>Observable <paramref name="observable"/> over all evaluations.</summary>
    public ReadOnlySpan<double> Observable(int observable) =>
        MemoryMarshal.Cast<byte, double>(Values.AsSpan(observable * Evaluations * sizeof(double), Evaluations * sizeof(double)));
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
/// (with <see cref="ChunkOverride"/> when above 0) and serves the run only if its plan has the same hash. Results go
/// to <see cref="ResultPort"/> on the coordinator node's host: its result stream (docs/ENGINE.md, "Cluster"), not remoting.</summary>
public sealed record RunOffer(string RunId, string SpecHash, string SpecText, int ChunkOverride, int ResultPort) : ISweepMessage;

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

/// <summary>Uploader → itself: the current upload's frame was written to the result stream (<see cref="Error"/> null), or not.</summary>
public sealed record UploadWritten(string? Error) : INoSerializationVerificationNeeded;

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
