using Akka.Actor;
using Akka.Cluster;
using Sweep.Coordinator.Engine;
using Sweep.Coordinator.Store;
using ClusterSettings = Sweep.Engine.Cluster.ClusterSettings;
using Sweep.Engine.Messages;
using Sweep.Engine.Planning;
using Sweep.Monitoring;
using Sweep.Worker.Cluster;

namespace Sweep.Coordinator.Cluster;

/// <summary>
/// A coordinator node's run: the same coordinator and aggregator actors as the embedded run, with a
/// <see cref="RunFrontActor"/> at <c>/user/run/workers</c> in place of in-process workers. Worker nodes
/// find it through cluster membership, pull work from the coordinator and send results over the result stream
/// (<see cref="ResultStreamServer"/>), which hands them to the aggregator; a worker node that is removed from the cluster (DeathWatch) has its
/// chunks dispatched again at once.
/// </summary>
public static class ClusterRun
{
    /// <summary>The supervisor's name: the run's actors are at <c>/user/run/…</c> on every coordinator node.</summary>
    public const string Name = "run";

    public static async Task<RunOutcome> ExecuteAsync(ActorSystem system, SweepPlan plan, RunStore store, RunOptions options, RunCounters counters,
        MetricsHost monitoring, ResultStreamServer results, CancellationToken stop)
    {
        var cluster = Akka.Cluster.Cluster.Get(system);
        // Workers pull: nothing waits in a queue. Worker nodes Up in the cluster serve every run in it.
        counters.ObserveWork(() => 0, () => cluster.State.Members.Count(m => m.Status == MemberStatus.Up && m.HasRole(ClusterSettings.WorkerRole)));
        monitoring.Health.ReadyWhen(() => cluster.SelfMember.Status == MemberStatus.Up ? null : $"cluster member {cluster.SelfMember.Status}");
        string runId = store.GetMeta("run_id") ?? throw new RunDirectoryException("the run store has no run id");
        var offer = new RunOffer(runId, plan.SpecHash, plan.Spec.SourceText, plan.Spec.Chunk ?? 0, results.Port, plan.Spec.ChunkEvaluations ?? 0);
        await using var actors = await RunActors.StartAsync(system, plan, runId, store, options, counters,
            (coordinator, aggregator) => RunFrontActor.Props(offer, plan, coordinator, aggregator, counters, results), name: Name);
        var outcome = actors.WaitAsync(store, stop);
        if (await Task.WhenAny(outcome, system.WhenTerminated) != outcome)
        {
            // Downed (cut off from an older coordinator): the run's actors are gone with the actor system.
            throw new ClusterUnavailableException("this coordinator node was removed from the cluster; run the same command again to resume");
        }

        return await outcome;
    }
}
