using Akka.Actor;
using Sweep.Engine.Messages;

namespace Sweep.Coordinator.Engine;

/// <summary>
/// The root of one run: starts the coordinator (which starts the aggregator), then the run's work
/// side — in-process worker actors, or the run front that worker nodes of a cluster talk to — wired to both. Supervises
/// explicitly: the worker side restarts its own workers, so any failure that reaches this actor (a
/// storage failure, a worker that kept crashing, a coordinator bug) stops the run and fails it with
/// that exception rather than leave the run waiting for chunks that will never come.
/// </summary>
public sealed class RunSupervisorActor : ReceiveActor
{
    private readonly TaskCompletionSource<string?> _completed;
    private Exception? _failure;

    /// <param name="workers">The work side, given the coordinator (its work source, where failures go) and the aggregator (where results go).</param>
    /// <param name="ready">Completed with the coordinator and aggregator once both are running.</param>
    /// <param name="completed">Completed with the stop reason (null: ran to the end) or the failure that ended the run.</param>
    public RunSupervisorActor(Props coordinator, Func<IActorRef, IActorRef, Props> workers, TaskCompletionSource<CoordinatorReady> ready,
        TaskCompletionSource<string?> completed)
    {
        _completed = completed;
        Context.Watch(Context.ActorOf(coordinator, "coordinator"));
        Receive<CoordinatorReady>(started =>
        {
            Context.Watch(Context.ActorOf(workers(started.Coordinator, started.Aggregator), "workers"));
            ready.TrySetResult(started);
        });
        Receive<RunCompleted>(done => _completed.TrySetResult(done.StopReason));
        Receive<Terminated>(t => _completed.TrySetException(
            _failure ?? new InvalidOperationException($"the run's {t.ActorRef.Path.Name} stopped before the run was complete")));
    }

    public static Props Props(Props coordinator, Func<IActorRef, IActorRef, Props> workers, TaskCompletionSource<CoordinatorReady> ready,
        TaskCompletionSource<string?> completed) =>
        Akka.Actor.Props.Create(() => new RunSupervisorActor(coordinator, workers, ready, completed));

    protected override SupervisorStrategy SupervisorStrategy() => new OneForOneStrategy(ex =>
    {
        _failure ??= ex;
        return Directive.Stop;
    });
}
