using System.Threading.Channels;
using Sweep.Coordinator.Store;
using Sweep.Engine.Evaluation;
using Sweep.Engine.Messages;
using Sweep.Engine.Planning;
using Sweep.Worker.Actors;

namespace Sweep.Coordinator.Engine;

/// <summary>
/// One process runs the whole sweep: a coordinator, <see cref="RunOptions.Workers"/> workers and an
/// aggregator, connected by mailboxes. Shutdown runs in message order: the coordinator completes
/// the work mailbox, the workers drain it and stop, then the aggregator drains its mailbox.
/// </summary>
public static class EmbeddedRun
{
    public static async Task<RunOutcome> ExecuteAsync(SweepPlan plan, RunStore store, RunOptions options, RunCounters counters, CancellationToken stop)
    {
        string runId = plan.SpecHash[..16];
        var work = Channel.CreateBounded<WorkItem>(new BoundedChannelOptions(options.Window) { SingleWriter = true });
        var stored = store.LoadDone(plan.TotalChunks);
        // Mailboxes: the coordinator's never blocks its writers; the aggregator's applies backpressure to workers.
        var coordinatorMailbox = Channel.CreateUnbounded<ICoordinatorMessage>(new UnboundedChannelOptions { SingleReader = true });
        var aggregatorMailbox = Channel.CreateBounded<IAggregatorMessage>(
            new BoundedChannelOptions(AggregatorActor.MaxBatch) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });
        var coordinator = new CoordinatorActor(plan, runId, stored, coordinatorMailbox.Reader, work.Writer, aggregatorMailbox.Writer, options, counters);
        var aggregator = new AggregatorActor(plan, store, aggregatorMailbox.Reader, coordinatorMailbox.Writer);

        using var abort = new CancellationTokenSource();
        var workers = Enumerable.Range(0, options.Workers)
            .Select(i => new WorkerActor($"{Environment.MachineName}/{Environment.ProcessId}/w{i}", new ChunkEvaluator(plan),
                work.Reader, aggregatorMailbox.Writer, coordinatorMailbox.Writer, options.Faults))
            .Select(w => Task.Factory.StartNew(() => w.RunAsync(abort.Token), TaskCreationOptions.LongRunning).Unwrap())
            .ToArray();
        var aggregatorTask = Task.Run(aggregator.RunAsync);

        using var stopRegistration = stop.Register(() => coordinatorMailbox.Writer.TryWrite(new StopRequested("cancelled")));
        using var leaseTimer = new PeriodicTimer(TimeSpan.FromSeconds(Math.Clamp(options.LeaseTimeout.TotalSeconds / 4, 0.05, 30)));
        var leases = Task.Run(async () =>
        {
            while (await leaseTimer.WaitForNextTickAsync())
            {
                coordinatorMailbox.Writer.TryWrite(new LeaseCheck(DateTimeOffset.UtcNow));
            }
        });

        var coordinatorTask = coordinator.RunAsync();
        // A storage failure ends the run: nothing else could be recorded.
        if (await Task.WhenAny(coordinatorTask, aggregatorTask) == aggregatorTask && aggregatorTask.IsFaulted)
        {
            await abort.CancelAsync();
            await aggregatorTask;
        }

        await coordinatorTask;
        await Task.WhenAll(workers);
        aggregatorMailbox.Writer.Complete();
        await aggregatorTask;
        leaseTimer.Dispose();
        await leases;

        return coordinator.StopReason is { } reason ? RunOutcome.Stopped(reason) : RunOutcome.Finished(store.Failures());
    }
}
