using Sweep.Coordinator.Store;

namespace Sweep.Coordinator.Engine;

/// <summary>How a run ended: every chunk attempted (some may have failed), or stopped early.</summary>
public sealed record RunOutcome(bool Complete, string? StopReason, IReadOnlyList<FailedChunk> Failures)
{
    public static RunOutcome Finished(IReadOnlyList<FailedChunk> failures) => new(true, null, failures);

    public static RunOutcome Stopped(string reason) => new(false, reason, []);

    public bool Succeeded => Complete && Failures.Count == 0;
}
