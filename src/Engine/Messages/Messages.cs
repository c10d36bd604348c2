using System.Runtime.InteropServices;

namespace Sweep.Engine.Messages;

// Every message the actors exchange, as small immutable records. The same records travel between
// processes in distributed mode, so they carry ids and numbers, never object references to shared state.

/// <summary>Coordinator → worker: evaluate chunk <see cref="Chunk"/> (outer points [Start, Start + Count)
/// of model <see cref="ModelIndex"/>). <see cref="Attempt"/> starts at 1.</summary>
public sealed record WorkItem(string RunId, string SpecHash, long Chunk, int ModelIndex, long Start, int Count, int Attempt);

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

/// <summary>Coordinator → itself, periodically: check leases of in-flight chunks.</summary>
public sealed record LeaseCheck(DateTimeOffset Now) : ICoordinatorMessage;

/// <summary>Anyone → coordinator: stop dispatching, let in-flight chunks finish (Ctrl+C).</summary>
public sealed record StopRequested(string Reason) : ICoordinatorMessage;

/// <summary>Anything the coordinator's mailbox accepts.</summary>
public interface ICoordinatorMessage;

/// <summary>Anything the aggregator's mailbox accepts.</summary>
public interface IAggregatorMessage;
