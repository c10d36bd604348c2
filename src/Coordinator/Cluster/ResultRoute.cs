using Akka.Actor;
using Sweep.Coordinator.Engine;
using Sweep.Engine.Messages;
using Sweep.Engine.Planning;

namespace Sweep.Coordinator.Cluster;

/// <summary>
/// Where a coordinator node's result stream (<see cref="ResultStreamServer"/>) hands one run's results: each is checked
/// against the plan on the thread that read it and told to the aggregator from there, with no actor between the stream and
/// the aggregator (one dispatch fewer per chunk: docs/BENCHMARKS.md, twelfth part). A result that is not one of this run's
/// chunks as the plan defines it (another run's, an older round's, a chunk out of range or of the wrong size) is released
/// and counted as malformed: the chunk it claims to be goes out again if it is still owed.
/// </summary>
public sealed class ResultRoute(RunOffer offer, SweepPlan plan, IActorRef aggregator, RunCounters counters)
{
    public void Deliver(ChunkResult result)
    {
        if (Fits(result))
        {
            aggregator.Tell(result, ActorRefs.NoSender);
        }
        else
        {
            result.Release();
            counters.Malformed();
        }
    }

    /// <summary>The result is of one of this run's chunks exactly as the plan defines it (an adaptive chunk: with its points).</summary>
    public bool Fits(ChunkResult result)
    {
        var item = result.Item;
        if (item.RunId != offer.RunId || item.SpecHash != plan.SpecHash || item.Chunk < 0 || item.Chunk >= plan.TotalChunks)
        {
            return false;
        }

        var expected = plan.Item(item.Chunk, offer.RunId);
        return expected.ModelIndex == item.ModelIndex && expected.Start == item.Start && expected.Count == item.Count
               && (expected.Lattice ?? []).AsSpan().SequenceEqual(item.Lattice ?? [])
               && result.Evaluations == plan.EvaluationsOf(item);
    }
}
