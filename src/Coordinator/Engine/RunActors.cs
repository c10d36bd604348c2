using Akka.Actor;
using Sweep.Coordinator.Store;
using Sweep.Engine.Messages;
using Sweep.Engine.Planning;

namespace Sweep.Coordinator.Engine;

/// <summary>
/// The actors of one run in this process's actor system, as both modes start them: a
/// <see cref="RunSupervisorActor"/> over the coordinator, its aggregator, and the work side the mode
/// supplies. Disposing stops them (the actor system is the process's and outlives the run).
/// </summary>
public sealed class RunActors : IAsyncDisposable
{
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(30);

    private readonly IActorRef _supervisor;
    private readonly Task<string?> _completed;

    private readonly ActorSystem _system;

    private RunActors(ActorSystem system, IActorRef supervisor, CoordinatorReady refs, Task<string?> completed)
    {
        (_system, _supervisor, _completed) = (system, supervisor, completed);
        Coordinator = refs.Coordinator;
        Aggregator = refs.Aggregator;
    }

    public IActorRef Coordinator { get; }

    public IActorRef Aggregator { get; }

    /// <param name="workers">The work side, given the coordinator and the aggregator.</param>
    /// <param name="stored">Told about each result once it is committed.</param>
    /// <param name="name">The supervisor's actor name (a cluster coordinator's run is at a well-known path), else generated.</param>
    public static async Task<RunActors> StartAsync(ActorSystem system, SweepPlan plan, string runId, RunStore store, RunOptions options,
        RunCounters counters, Func<IActorRef, IActorRef, Props> workers, Action<ChunkResult>? stored = null, string? name = null)
    {
        var skip = store.LoadDone(plan.TotalChunks);
        options.Shard?.ExcludeOthers(skip);
        var ready = new TaskCompletionSource<CoordinatorReady>(TaskCreationOptions.RunContinuationsAsynchronously);
        var completed = new TaskCompletionSource<string?>(TaskCreationOptions.RunContinuationsAsynchronously);
        var coordinator = CoordinatorActor.Props(plan, runId, skip, AggregatorActor.Props(plan, store, stored: stored), options, counters);
        var supervisor = await StartSupervisorAsync(system, RunSupervisorActor.Props(coordinator, workers, ready, completed), name);
        if (await Task.WhenAny(ready.Task, completed.Task) == completed.Task)
        {
            await supervisor.GracefulStop(StopTimeout);
            await completed.Task; // failed while starting: rethrows
        }

        return new RunActors(system, supervisor, await ready.Task, completed.Task);
    }

    /// <summary>Starts the supervisor under its well-known name, once the previous run's (an adaptive run's previous round)
    /// has released it: the guardian frees a name only when it handles the child's termination, which may come just after
    /// <see cref="DisposeAsync"/>'s watcher has seen it stop.</summary>
    private static async Task<IActorRef> StartSupervisorAsync(ActorSystem system, Props props, string? name)
    {
        for (var deadline = DateTime.UtcNow + StopTimeout; ; await Task.Delay(10))
        {
            try
            {
                return system.ActorOf(props, name);
            }
            catch (InvalidActorNameException) when (name is not null && DateTime.UtcNow < deadline)
            {
            }
        }
    }

    /// <summary>Waits until the run is over: every chunk stored or abandoned, or stopped (by
    /// <paramref name="stop"/>) once the chunks in flight are done. A storage failure ends the run with its exception.</summary>
    public async Task<RunOutcome> WaitAsync(RunStore store, CancellationToken stop)
    {
        using var stopRegistration = stop.Register(() => Coordinator.Tell(new StopRequested("cancelled")));
        return await _completed is { } reason ? RunOutcome.Stopped(reason) : RunOutcome.Finished(store.Failures());
    }

    /// <summary>Stops the run's actors and waits until they are stopped: nothing touches the store afterwards
    /// (nothing to stop if the actor system is gone already: a cluster node that was downed).</summary>
    public async ValueTask DisposeAsync()
    {
        if (!_system.WhenTerminated.IsCompleted)
        {
            await _supervisor.GracefulStop(StopTimeout);
        }
    }
}
