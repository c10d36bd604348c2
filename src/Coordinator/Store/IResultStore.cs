using Sweep.Engine.Messages;

namespace Sweep.Coordinator.Store;

/// <summary>
/// What the aggregator writes to: the run store, or in actor tests a store that is slow on purpose.
/// Storing is four steps, so that the disk has the next batch's writes to do while an fsync waits:
/// <see cref="Place"/> (duplicates dropped, places given), <see cref="Write"/> (the data in place),
/// <see cref="MakeDurable"/> (fsync; the only step off the aggregator's thread, beside the next batches'
/// <see cref="Write"/>) and <see cref="Commit"/> (the ledger rows that say the chunks are stored).
/// </summary>
public interface IResultStore
{
    /// <summary>Places the results that are not duplicates: of a chunk already committed, of one in
    /// <paramref name="pending"/> (placed, not yet committed) or of an earlier result in the same list.</summary>
    PlacedBatch Place(IReadOnlyList<ChunkResult> results, Func<int, string> modelName, IReadOnlySet<long> pending);

    /// <summary>Writes the batches' data, beside <see cref="MakeDurable"/> of earlier batches on another thread;
    /// the result buffers stay the batches' until they are committed.</summary>
    void Write(IReadOnlyList<PlacedBatch> batches);

    /// <summary>Makes the written batches' data durable (one fsync for them all). Runs on a pool thread,
    /// beside <see cref="Write"/> of later batches.</summary>
    void MakeDurable(IReadOnlyList<PlacedBatch> batches);

    /// <summary>Commits the ledger rows of a durable batch: from now on its chunks are stored.</summary>
    void Commit(PlacedBatch batch);

    /// <summary>Records a chunk that failed on every allowed attempt.</summary>
    void RecordFailure(long chunk, string model, long start, int count, int attempts, string error);
}

/// <summary>Results placed by <see cref="IResultStore.Place"/>: per result whether it was a duplicate, and
/// the store's own note of where the rest go (offsets).</summary>
public sealed record PlacedBatch(IReadOnlyList<ChunkResult> Results, bool[] Duplicates, object? Placement = null);
