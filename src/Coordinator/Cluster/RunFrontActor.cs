using Akka.Actor;
using Sweep.Worker.Cluster;
using ClusterSettings = Sweep.Engine.Cluster.ClusterSettings;
using Sweep.Coordinator.Engine;
using Sweep.Engine.Messages;
using Sweep.Engine.Planning;

namespace Sweep.Coordinator.Cluster;

/// <summary>
/// The run as worker nodes see it, at the well-known path <c>/user/run/workers</c> of a coordinator node:
/// answers <see cref="DescribeRun"/> with the <see cref="RunOffer"/>, forwards work requests and failures
/// to the coordinator (the sender stays the worker node's work source, which the coordinator watches),
/// and results, which arrive on the result stream (<see cref="ResultStreamServer"/>), to the aggregator. A result that
/// is not one of this run's chunks as the plan defines it is dropped and counted as malformed.
/// </summary>
public sealed class RunFrontActor : ReceiveActor
{
    private readonly RunOffer _offer;
    private readonly SweepPlan _plan;
    private readonly IActorRef _coordinator, _aggregator;
    private readonly RunCounters _counters;

    public RunFrontActor(RunOffer offer, SweepPlan plan, IActorRef coordinator, IActorRef aggregator, RunCounters counters)
    {
        (_offer, _plan, _coordinator, _aggregator, _counters) = (offer, plan, coordinator, aggregator, counters);
        Receive<DescribeRun>(_ => Sender.Tell(_offer));
        Receive<RequestWork>(request => _coordinator.Forward(request));
        Receive<ChunkFailed>(failed => _coordinator.Forward(failed));
        Receive<ChunkResult>(OnResult);
    }

    /// <summary>Offers the run at once to the worker nodes already in the cluster: otherwise each learns of it at its next ask,
    /// up to 0.1 s later, most of a short run's head start (docs/BENCHMARKS.md, tenth part).</summary>
    protected override void PreStart()
    {
        foreach (var member in Akka.Cluster.Cluster.Get(Context.System).State.Members.Where(m => m.HasRole(ClusterSettings.WorkerRole)))
        {
            Context.ActorSelection(new RootActorPath(member.Address) / "user" / ClusterWorkSourceActor.Name).Tell(_offer);
        }
    }

    public static Props Props(RunOffer offer, SweepPlan plan, IActorRef coordinator, IActorRef aggregator, RunCounters counters) =>
        Akka.Actor.Props.Create(() => new RunFrontActor(offer, plan, coordinator, aggregator, counters));

    private void OnResult(ChunkResult result)
    {
        if (Fits(result.Item) && result.Evaluations == _plan.EvaluationsOf(result.Item))
        {
            _aggregator.Forward(result);
        }
        else
        {
            result.Release();
            _counters.Malformed();
        }
    }

    /// <summary>The item is one of this run's chunks exactly as the plan defines it (an adaptive chunk: with its points).</summary>
    private bool Fits(WorkItem item)
    {
        if (item.RunId != _offer.RunId || item.SpecHash != _plan.SpecHash || item.Chunk < 0 || item.Chunk >= _plan.TotalChunks)
        {
            return false;
        }

        var expected = _plan.Item(item.Chunk, _offer.RunId);
        return expected.ModelIndex == item.ModelIndex && expected.Start == item.Start && expected.Count == item.Count
               && (expected.Lattice ?? []).AsSpan().SequenceEqual(item.Lattice ?? []);
    }
}
