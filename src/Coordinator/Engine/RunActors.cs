using System.Threading.Channels;
using Sweep.Coordinator.Store;
using Sweep.Engine.Messages;
using Sweep.Engine.Planning;

namespace Sweep.Coordinator.Engine;

/// <summary>
/// The coordinator and aggregator of a run with their mailboxes, as both modes wire them. The
/// workers (in-process or behind a broker) read <see cref="Work"/> and write to the two mailboxes.
/// </summary>
public sealed class RunActors
{
    public RunActors(SweepPlan plan, string runId, RunStore store, RunOptions options, RunCounters counters, Action<ChunkResult>? stored = null)
    {
        // The coordinator bounds the work by its window (chunks in flight), so the work mailbox needs no
        // bound of its own, and must have none: in distributed mode a result left by a previous
        // coordinator can arrive before its chunk's new work item has even been published, freeing a
        // window slot while the mailbox still holds that item. Neither the coordinator's mailbox nor
        // the work mailbox ever blocks its writer; the aggregator's applies backpressure to workers.
        Work = Channel.CreateUnbounded<WorkItem>(new UnboundedChannelOptions { SingleWriter = true });
        CoordinatorMailbox = Channel.CreateUnbounded<ICoordinatorMessage>(new UnboundedChannelOptions { SingleReader = true });
        AggregatorMailbox = Channel.CreateBounded<IAggregatorMessage>(
            new BoundedChannelOptions(AggregatorActor.MaxBatch) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });
        var skip = store.LoadDone(plan.TotalChunks);
        options.Shard?.ExcludeOthers(skip);
        Coordinator = new CoordinatorActor(plan, runId, skip, CoordinatorMailbox.Reader, Work.Writer,
            AggregatorMailbox.Writer, options, counters);
        Aggregator = new AggregatorActor(plan, store, AggregatorMailbox.Reader, CoordinatorMailbox.Writer, stored);
        _leaseInterval = TimeSpan.FromSeconds(Math.Clamp(options.LeaseTimeout.TotalSeconds / 4, 0.05, 30));
    }

    private readonly TimeSpan _leaseInterval;

    public Channel<WorkItem> Work { get; }

    public Channel<ICoordinatorMessage> CoordinatorMailbox { get; }

    public Channel<IAggregatorMessage> AggregatorMailbox { get; }

    public CoordinatorActor Coordinator { get; }

    public AggregatorActor Aggregator { get; }

    /// <summary>Runs coordinator and aggregator until the coordinator is done and the aggregator has
    /// drained; <paramref name="workersDone"/> completes when nothing more will reach the aggregator.
    /// A storage failure ends the run with its exception.</summary>
    public async Task<RunOutcome> RunAsync(RunStore store, Func<Task> workersDone, CancellationToken stop)
    {
        var aggregatorTask = Task.Run(Aggregator.RunAsync);
        using var stopRegistration = stop.Register(() => CoordinatorMailbox.Writer.TryWrite(new StopRequested("cancelled")));
        using var leaseTimer = new PeriodicTimer(_leaseInterval);
        var leases = Task.Run(async () =>
        {
            while (await leaseTimer.WaitForNextTickAsync())
            {
                CoordinatorMailbox.Writer.TryWrite(new LeaseCheck(DateTimeOffset.UtcNow));
            }
        });

        var coordinatorTask = Coordinator.RunAsync();
        if (await Task.WhenAny(coordinatorTask, aggregatorTask) == aggregatorTask && aggregatorTask.IsFaulted)
        {
            await aggregatorTask; // rethrows: nothing else could be recorded
        }

        await coordinatorTask;
        await workersDone();
        AggregatorMailbox.Writer.Complete();
        await aggregatorTask;
        leaseTimer.Dispose();
        await leases;
        return Coordinator.StopReason is { } reason ? RunOutcome.Stopped(reason) : RunOutcome.Finished(store.Failures());
    }
}
