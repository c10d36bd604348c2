using Sweep.Engine.Evaluation;
using Sweep.Engine.Planning;

namespace Sweep.Coordinator.Engine;

/// <summary>How a run executes (not what it computes: that is the spec).</summary>
public sealed record RunOptions
{
    /// <summary>Worker actors; default one per core.</summary>
    public int Workers { get; init; } = Environment.ProcessorCount;

    /// <summary>Attempts per chunk before it is recorded as failed.</summary>
    public int MaxAttempts { get; init; } = 3;

    /// <summary>A dispatched chunk not stored within this time is dispatched again (a lost or hung worker).</summary>
    public TimeSpan LeaseTimeout { get; init; } = TimeSpan.FromMinutes(10);

    public FaultInjection? Faults { get; init; }

    /// <summary>Run only this shard's chunks (<c>sweep run --shard i/N</c>), or all when null.</summary>
    public Shard? Shard { get; init; }

    /// <summary>Chunks in flight at once, if set; else enough to keep every local worker busy while results are stored.</summary>
    public int? DispatchWindow { get; init; }

    /// <summary>Chunks in flight per local worker: as many as fit <see cref="ResultBudgetBytes"/> of results,
    /// between <see cref="MinWindowPerWorker"/> and <see cref="MaxWindowPerWorker"/>. The store makes each
    /// batch durable (fsync) before it acknowledges it, and the workers must have chunks to compute
    /// meanwhile: with two per worker a cold <c>-j 1</c> run of bench/peers waited on fsync for ~40% of its
    /// wall time; with the SIMD kernel (1 MB chunks in ~1 ms) eight still left the worker waiting, 32 did
    /// not (docs/BENCHMARKS.md). The byte budget keeps big results (all 22 junction observables: 5.8 MB a
    /// chunk) from holding hundreds of MB per worker.</summary>
    public int WindowFor(SweepPlan plan)
    {
        if (DispatchWindow is { } window)
        {
            return window;
        }

        long chunkBytes = plan.Models.Max(m => (long)m.ChunkSize * m.InnerLength * m.RowsPerPoint * (m.ObservableIndices.Length * sizeof(double) + 1));
        long perWorker = Math.Clamp(ResultBudgetBytes / Math.Max(chunkBytes, 1), MinWindowPerWorker, MaxWindowPerWorker);
        return (int)perWorker * Math.Max(Workers, 1);
    }

    public const int MinWindowPerWorker = 8;

    public const int MaxWindowPerWorker = 32;

    /// <summary>Result bytes in flight per worker that <see cref="WindowFor"/> aims at.</summary>
    public const long ResultBudgetBytes = 32L << 20;
}
