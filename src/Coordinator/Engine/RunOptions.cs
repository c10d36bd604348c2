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

    public int Window => DispatchWindow ?? 2 * Workers;
}
