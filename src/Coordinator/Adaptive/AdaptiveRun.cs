using Akka.Actor;
using Sweep.Coordinator.Cli;
using Sweep.Coordinator.Engine;
using Sweep.Coordinator.Store;
using Sweep.Engine.Adaptive;
using Sweep.Engine.Planning;
using Sweep.Monitoring;

namespace Sweep.Coordinator.Adaptive;

/// <summary>
/// Runs an adaptive spec round by round: each round's new points go as chunks through the mode's
/// runner (the same coordinator, workers, aggregator and store as any run); once every chunk of the
/// rounds so far is stored, <see cref="Refinement.Next"/> decides the next round from the stored
/// results, which is written to the <see cref="AdaptiveStore"/> before it is dispatched. Resuming
/// loads the rounds and carries on where the store stands.
/// </summary>
public static class AdaptiveRun
{
    /// <summary>The plan with the stored rounds; an adaptive run not yet started gets round 0, the coarse grid.</summary>
    public static SweepPlan Prepare(SweepPlan plan, AdaptiveStore rounds)
    {
        var lattice = plan.Models[0].Lattice!;
        var stored = rounds.LoadRounds(lattice.Dimensions);
        if (stored.Count == 0)
        {
            rounds.AppendRound(new AdaptiveRound(0, lattice.CoarsePoints(), 0, plan.Models[0].ChunkSize), [], double.PositiveInfinity, 0);
            stored = rounds.LoadRounds(lattice.Dimensions);
        }

        return plan.WithRounds(new AdaptiveRounds(stored.Select(r => r.Round).ToArray(), lattice.Dimensions));
    }

    public static async Task<RunOutcome> ExecuteAsync(ActorSystem system, SweepPlan plan, RunStore store, AdaptiveStore rounds, RunOptions options,
        RunCounters counters, MetricsHost monitoring, RunInvocation.Runner runner, TextWriter log, CancellationToken stop)
    {
        var model = plan.Models[0];
        var lattice = model.Lattice!;
        var adaptive = plan.Spec.Adaptive!;
        var driving = adaptive.Observables.Select(o => Array.IndexOf(model.ObservableNames, o.Name)).ToArray();
        var cells = AdaptiveResults.Cells(lattice, rounds.LoadRounds(lattice.Dimensions));
        while (true)
        {
            var outcome = await runner(system, plan, store, options, counters, monitoring, stop);
            if (!outcome.Succeeded || rounds.Finished() is not null)
            {
                return outcome;
            }

            var samples = AdaptiveResults.Samples(store, plan, driving, out _);
            var step = Refinement.Next(cells, samples, adaptive);
            var last = plan.Rounds!;
            if (step.Done is { } reason)
            {
                rounds.SetFinished(reason, step.LargestLoss, step.BoundaryCells);
                log.WriteLine($"sweep: adaptive: {reason} after {last.Rounds.Count} rounds, {last.TotalPoints:N0} points " +
                              $"(largest loss {step.LargestLoss:G3}, {step.BoundaryCells} boundary cells)");
                return outcome;
            }

            foreach (var cell in step.Splits)
            {
                cells.Split(cell);
            }

            var round = new AdaptiveRound(last.Rounds.Count, step.Points, last.TotalChunks, model.ChunkSize);
            rounds.AppendRound(round, step.Splits, step.LargestLoss, step.BoundaryCells);
            plan = plan.WithRounds(new AdaptiveRounds([.. last.Rounds, round], lattice.Dimensions));
            counters.Extend(round.ChunkCount(lattice.Dimensions), (long)step.Points.Length / lattice.Dimensions * model.RowsPerPoint * model.InnerLength);
            log.WriteLine($"sweep: adaptive round {round.Index}: {step.Points.Length / lattice.Dimensions:N0} new points from {step.Splits.Length} cells " +
                          $"(largest loss {step.LargestLoss:G3}, {step.BoundaryCells} boundary cells)");
        }
    }
}
