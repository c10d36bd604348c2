using Akka.Actor;
using Sweep.Engine.Evaluation;
using Sweep.Engine.Planning;
using Sweep.Worker.Monitoring;

namespace Sweep.Worker.Actors;

/// <summary>
/// Supervises a process's <see cref="WorkerActor"/>s, one per worker slot: a worker that crashes is
/// restarted (it reports its chunk failed and asks for work again). A worker crashing more than
/// <see cref="MaxRestarts"/> times a minute is a bug, not bad luck: it is stopped, and the failure
/// escalates to whoever runs the pool, which ends the run rather than wait for workers that are gone.
/// </summary>
public sealed class WorkerPoolActor : ReceiveActor
{
    public const int MaxRestarts = 10;

    public WorkerPoolActor(int slots, string idPrefix, Func<string, SweepPlan?> plans, IActorRef source, IActorRef results, IActorRef failures,
        FaultInjection? faults, WorkerMetrics? metrics)
    {
        for (int i = 0; i < slots; i++)
        {
            Context.Watch(Context.ActorOf(WorkerActor.Props($"{idPrefix}/w{i}", plans, source, results, failures, faults, metrics), $"w{i}"));
        }

        Receive<Terminated>(t => throw new WorkerLostException($"worker {t.ActorRef.Path.Name} stopped after crashing more than {MaxRestarts} times a minute"));
    }

    public static Props Props(int slots, string idPrefix, Func<string, SweepPlan?> plans, IActorRef source, IActorRef results, IActorRef failures,
        FaultInjection? faults = null, WorkerMetrics? metrics = null) =>
        Akka.Actor.Props.Create(() => new WorkerPoolActor(slots, idPrefix, plans, source, results, failures, faults, metrics));

    protected override SupervisorStrategy SupervisorStrategy() =>
        new OneForOneStrategy(MaxRestarts, TimeSpan.FromMinutes(1), _ => Directive.Restart);
}

/// <summary>A worker slot is gone for good (it kept crashing).</summary>
public sealed class WorkerLostException(string message) : Exception(message);
