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

    /// <summary>Eight chunks per worker: the store makes each batch durable (fsync) before it acknowledges it,
    /// and the workers must have chunks to compute meanwhile. Measured with two per worker, a cold
    /// <c>-j 1</c> run of bench/peers waited on fsync for ~40% of its wall time; eight matches a run without
    /// fsync (docs/BENCHMARKS.md). Costs memory: a result buffer per chunk in flight.</summary>
    public int Window => DispatchWindow ?? WindowPerWorker * Workers;

    public const int WindowPerWorker = 8;
}
