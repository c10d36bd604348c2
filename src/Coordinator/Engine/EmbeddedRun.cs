using Akka.Actor;
using Sweep.Coordinator.Store;
using Sweep.Engine.Planning;
using Sweep.Monitoring;
using Sweep.Worker.Actors;
using Sweep.Worker.Monitoring;

namespace Sweep.Coordinator.Engine;

/// <summary>
/// One process runs the whole sweep in one actor system, with no network listener: a coordinator,
/// its aggregator, and <see cref="RunOptions.Workers"/> worker actors that pull work from the
/// coordinator and send results straight to the aggregator.
/// </summary>
public static class EmbeddedRun
{
    public static async Task<RunOutcome> ExecuteAsync(ActorSystem system, SweepPlan plan, RunStore store, RunOptions options, RunCounters counters, MetricsHost monitoring,
        CancellationToken stop)
    {
        var metrics = new WorkerMetrics(monitoring);
        // Workers pull: no work item waits in a queue for a worker.
        counters.ObserveWork(() => 0, () => options.Workers);
        string runId = store.GetMeta("run_id") ?? plan.SpecHash[..16];
        await using var actors = await RunActors.StartAsync(system, plan, runId, store, options, counters,
            (coordinator, aggregator) => WorkerPoolActor.Props(options.Workers, $"{Environment.MachineName}/{Environment.ProcessId}", _ => plan,
                coordinator, aggregator, coordinator, options.Faults, metrics));
        return await actors.WaitAsync(store, stop);
    }
}
