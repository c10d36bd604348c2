using Akka.Actor;
using Sweep.Worker.Cluster;
using ClusterSettings = Sweep.Engine.Cluster.ClusterSettings;
using Sweep.Coordinator.Engine;
using Sweep.Engine.Messages;
using Sweep.Engine.Planning;

namespace Sweep.Coordinator.Cluster;

/// <summary>
/// The run as worker nodes see it, at the well-known path <c>/user/run/workers</c> of a coordinator node:
/// answers <see cref="DescribeRun"/> with the <see cref="RunOffer"/> and forwards work requests and failures
/// to the coordinator (the sender stays the worker node's work source, which the coordinator watches). While it lives,
/// the result stream (<see cref="ResultStreamServer"/>) hands this run's results straight to the aggregator
/// (<see cref="ResultRoute"/>): opened before the run is offered, so no result can arrive before it.
/// </summary>
public sealed class RunFrontActor : ReceiveActor
{
    private readonly RunOffer _offer;
    private readonly ResultStreamServer _results;
    private readonly ResultRoute _route;

    public RunFrontActor(RunOffer offer, ResultStreamServer results, ResultRoute route, IActorRef coordinator)
    {
        (_offer, _results, _route) = (offer, results, route);
        Receive<DescribeRun>(_ => Sender.Tell(_offer));
        Receive<RequestWork>(request => coordinator.Forward(request));
        Receive<ChunkFailed>(failed => coordinator.Forward(failed));
    }

    /// <summary>Opens the run's results route, then offers the run at once to the worker nodes already in the cluster: otherwise
    /// each learns of it at its next ask, up to 0.1 s later, most of a short run's head start (docs/BENCHMARKS.md, tenth part).</summary>
    protected override void PreStart()
    {
        _results.DeliverTo(_route);
        foreach (var member in Akka.Cluster.Cluster.Get(Context.System).State.Members.Where(m => m.HasRole(ClusterSettings.WorkerRole)))
        {
            Context.ActorSelection(new RootActorPath(member.Address) / "user" / ClusterWorkSourceActor.Name).Tell(_offer);
        }
    }

    /// <summary>Results that arrive once the run is over are released (a next round's front may have opened its own route already).</summary>
    protected override void PostStop() => _results.StopDelivering(_route);

    public static Props Props(RunOffer offer, SweepPlan plan, IActorRef coordinator, IActorRef aggregator, RunCounters counters,
        ResultStreamServer results) =>
        Akka.Actor.Props.Create(() => new RunFrontActor(offer, results, new ResultRoute(offer, plan, aggregator, counters), coordinator));
}
