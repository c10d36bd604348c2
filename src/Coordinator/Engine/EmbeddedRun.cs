using Sweep.Coordinator.Store;
using Sweep.Engine.Planning;
using Sweep.Monitoring;
using Sweep.Worker.Actors;
using Sweep.Worker.Monitoring;

namespace Sweep.Coordinator.Engine;

/// <summary>
/// One process runs the whole sweep: a coordinator, <see cref="RunOptions.Workers"/> workers and an
/// aggregator, connected by mailboxes. Shutdown runs in message order: the coordinator completes
/// the work mailbox, the workers drain it and stop, then the aggregator drains its mailbox.
/// </summary>
public static class EmbeddedRun
{
    public static async Task<RunOutcome> ExecuteAsync(SweepPlan plan, RunStore store, RunOptions options, RunCounters counters, MetricsHost monitoring,
        CancellationToken stop)
    {
        var actors = new RunActors(plan, store.GetMeta("run_id") ?? plan.SpecHash[..16], store, options, counters);
        counters.ObserveWork(() => actors.Work.Reader.Count, () => options.Workers);
        var metrics = new WorkerMetrics(monitoring);
        using var abort = new CancellationTokenSource();
        var workers = Enumerable.Range(0, options.Workers)
            .Select(i => new WorkerActor($"{Environment.MachineName}/{Environment.ProcessId}/w{i}", _ => plan,
                actors.Work.Reader, actors.AggregatorMailbox.Writer, actors.CoordinatorMailbox.Writer, options.Faults, metrics))
            .Select(w => Task.Factory.StartNew(() => w.RunAsync(abort.Token), TaskCreationOptions.LongRunning).Unwrap())
            .ToArray();
        try
        {
            return await actors.RunAsync(store, () => Task.WhenAll(workers), stop);
        }
        finally
        {
            await abort.CancelAsync(); // only matters when storage failed: workers blocked on a full mailbox
        }
    }
}
