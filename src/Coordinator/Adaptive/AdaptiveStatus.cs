using Sweep.Coordinator.Store;
using Sweep.Engine.Planning;

namespace Sweep.Coordinator.Adaptive;

/// <summary>Where an adaptive run stands, for <c>sweep status</c>: rounds and points so far, the largest loss of a
/// refinable cell and the boundary cells when the last round was decided (or at the end), and why it ended.</summary>
public sealed record AdaptiveStatus(int Rounds, long Points, double? LargestLoss, int BoundaryCells, string? Finished)
{
    /// <summary>The status of the adaptive run in <paramref name="directory"/>, or null for a grid run.</summary>
    public static AdaptiveStatus? Read(string directory, SweepPlan plan)
    {
        if (plan.Spec.Adaptive is null || !File.Exists(Path.Combine(directory, AdaptiveStore.FileName)))
        {
            return null;
        }

        using var store = AdaptiveStore.Open(directory, readOnly: true);
        var rounds = store.LoadRounds(plan.Models[0].Lattice!.Dimensions);
        var finished = store.Finished();
        var last = rounds.Count > 0 ? rounds[^1] : null;
        double loss = finished?.LargestLoss ?? last?.LargestLoss ?? double.NaN;
        return new AdaptiveStatus(rounds.Count, rounds.Sum(r => (long)r.Round.Points.Length / plan.Models[0].Lattice!.Dimensions),
            double.IsFinite(loss) ? loss : null, finished?.BoundaryCells ?? last?.BoundaryCells ?? 0, finished?.Reason);
    }
}
