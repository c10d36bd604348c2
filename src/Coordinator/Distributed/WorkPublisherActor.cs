using Akka.Actor;
using Google.Protobuf;
using Sweep.Engine.Messages;
using Sweep.Engine.Transport;

namespace Sweep.Coordinator.Distributed;

/// <summary>
/// The work side of a distributed run, as the coordinator sees it: a work source with
/// <see cref="Slots"/> slots, each a publish to the run's work queue awaiting its broker confirm. A
/// slot is asked for again once its confirm arrives, so the coordinator never has more work items
/// on their way to the broker than that. A publish that fails for good (the publisher retries
/// through broker restarts) crashes the actor, and the run's supervisor ends the run.
/// </summary>
public sealed class WorkPublisherActor : ReceiveActor
{
    public const int Slots = 8;

    private readonly IActorRef _coordinator;

    public WorkPublisherActor(IActorRef coordinator, PublisherPool publishers, string workQueue)
    {
        _coordinator = coordinator;
        Receive<WorkItem>(item => publishers.PublishAsync("", workQueue, WireMapping.ToWire(item).ToByteArray())
            .PipeTo(Self, success: () => WorkPublished.Instance));
        Receive<WorkPublished>(_ => _coordinator.Tell(new RequestWork(1)));
        Receive<Status.Failure>(failure => throw new IOException($"publishing a work item to {workQueue} failed", failure.Cause));
    }

    public static Props Props(IActorRef coordinator, PublisherPool publishers, string workQueue) =>
        Akka.Actor.Props.Create(() => new WorkPublisherActor(coordinator, publishers, workQueue));

    protected override void PreStart() => _coordinator.Tell(new RequestWork(Slots));
}
