using Sweep.Engine.Messages;

namespace Sweep.Coordinator.Store;

/// <summary>What the aggregator writes to: the run store, or in actor tests a store that is slow on purpose.</summary>
public interface IResultStore
{
    /// <summary>Stores results in one transaction; returns, per result, whether it was a duplicate
    /// (its chunk already stored), in which case it was dropped.</summary>
    bool[] Store(IReadOnlyList<ChunkResult> results, Func<int, string> modelName);

    /// <summary>Records a chunk that failed on every allowed attempt.</summary>
    void RecordFailure(long chunk, string model, long start, int count, int attempts, string error);
}
