using Akka.Actor;
using Sweep.Engine.Messages;

namespace Sweep.Worker.Actors;

/// <summary>
/// The work source of a worker process: holds the work items the broker delivered (at most its
/// prefetch, so this queue is bounded by the broker) and hands each to a worker that asked for one
/// (<see cref="RequestWork"/>), never more than asked for, in the order they arrived.
/// </summary>
public sealed class DeliveredWorkActor : ReceiveActor
{
    private readonly Queue<WorkItem> _items = new();
    private readonly Queue<IActorRef> _credits = new();

    public DeliveredWorkActor()
    {
        Receive<WorkItem>(item =>
        {
            _items.Enqueue(item);
            Hand();
        });
        Receive<RequestWork>(request =>
        {
            for (int i = 0; i < request.Slots; i++)
            {
                _credits.Enqueue(Sender);
            }

            Hand();
        });
    }

    public static Props Props() => Akka.Actor.Props.Create(() => new DeliveredWorkActor());

    private void Hand()
    {
        while (_items.Count > 0 && _credits.Count > 0)
        {
            _credits.Dequeue().Tell(_items.Dequeue(), Self);
        }
    }
}
