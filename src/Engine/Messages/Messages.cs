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

/// <summary>Worker → its work source (the coordinator, or a worker process's queue of broker deliveries):
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

/// <summary>Broker → coordinator: the work item was delivered as often as the work queue allows without
/// being acknowledged (workers died holding it) and was dead-lettered; record it as failed.</summary>
public sealed record ChunkDeadLettered(WorkItem Item, string Reason) : ICoordinatorMessage;

/// <summary>Aggregator → coordinator: the chunk is durably stored (or was already: <see cref="Duplicate"/>).</summary>
public sealed record ChunkStored(long Chunk, int Evaluations, bool Duplicate) : ICoordinatorMessage;

/// <summary>Coordinator → aggregator: the chunk failed on every allowed attempt; record it.</summary>
public sealed record ChunkAbandoned(long Chunk, int Attempts, string Error) : IAggregatorMessage;

/// <summary>Transport → coordinator: results the broker held may be lost (its connection was recovered,
/// or the results queue went away); send every in-flight chunk again. Duplicates this makes are dropped
/// when stored, so a needless redispatch costs only evaluations.</summary>
public sealed record RedispatchInFlight(string Reason) : ICoordinatorMessage;

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

/// <summary>Work publisher (distributed mode) → itself: the broker confirmed a work item.</summary>
public sealed record WorkPublished : INoSerializationVerificationNeeded
{
    public static WorkPublished Instance { get; } = new();
}

/// <summary>Published on the event stream by the serializer when bytes do not deserialize: counted, then dropped.</summary>
public sealed record MalformedMessage(string Manifest, string Reason) : INoSerializationVerificationNeeded;

/// <summary>A message that may cross a process boundary: bound to <see cref="Serialization.SweepMessageSerializer"/>.</summary>
public interface ISweepMessage;

/// <summary>Anything the coordinator's mailbox accepts from other actors.</summary>
public interface ICoordinatorMessage : ISweepMessage;

/// <summary>Anything the aggregator's mailbox accepts from other actors.</summary>
public interface IAggregatorMessage : ISweepMessage;
