using Sweep.Engine.Messages;

namespace Sweep.Coordinator.Store;

/// <summary>
/// What the aggregator writes to: the run store, or in actor tests a store that is slow on purpose.
/// Storing is three steps, so that the aggregator can write the next results while the previous
/// ones are being made durable: <see cref="Write"/> (data in place, nothing committed),
/// <see cref="MakeDurable"/> (fsync; the only step allowed off the aggregator's thread) and
/// <see cref="Commit"/> (the ledger rows that say the chunks are stored).
/// </summary>
public interface IResultStore
{
    /// <summary>Writes the results that are not duplicates: of a chunk already committed, of one in
    /// <paramref name="pending"/> (written, not yet committed) or of an earlier result in the same list.</summary>
    WrittenBatch Write(IReadOnlyList<ChunkResult> results, Func<int, string> modelName, IReadOnlySet<long> pending);

    /// <summary>Makes the batch's data durable. May run on another thread while <see cref="Write"/> runs.</summary>
    void MakeDurable(WrittenBatch batch);

    /// <summary>Commits the ledger rows of a durable batch: from now on its chunks are stored.</summary>
    void Commit(WrittenBatch batch);

    /// <summary>Records a chunk that failed on every allowed attempt.</summary>
    void RecordFailure(long chunk, string model, long start, int count, int attempts, string error);
}

/// <summary>Results written by <see cref="IResultStore.Write"/>: per result whether it was a duplicate, and
/// the store's own note of where the rest went (offsets, files to make durable).</summary>
public sealed record WrittenBatch(IReadOnlyList<ChunkResult> Results, bool[] Duplicates, object? Placement = null);
