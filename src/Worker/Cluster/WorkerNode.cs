using System.Collections.Concurrent;
using Akka.Actor;
using Sweep.Engine.Cluster;
using Sweep.Engine.Planning;
using Sweep.Monitoring;
using Sweep.Physics.Models;
using Sweep.Worker.Actors;
using Sweep.Worker.Monitoring;

namespace Sweep.Worker.Cluster;

/// <summary>
/// A worker process in the cluster. Each incarnation is an actor system that joins the seeds, runs a
/// <see cref="ClusterWorkSourceActor"/> and a <see cref="WorkerPoolActor"/> of <c>concurrency</c> workers, and
/// lasts until the process is stopped or the incarnation loses every coordinator: its coordinator left or
/// was removed, or the split brain resolver downed this node because it was cut off from the oldest
/// coordinator (a coordinator killed, or this process frozen). Then the process starts a new incarnation
/// that joins the seeds again, however long the next coordinator takes, so a restarted coordinator finds the same worker processes
/// (docs/ENGINE.md, "Cluster"). Only the very first join may fail the process (exit 69).
/// </summary>
public sealed class WorkerNode(ClusterSettings settings, int concurrency, ModelRegistry registry, TextWriter log, MetricsHost monitoring, WorkerTestHooks hooks)
{
    private readonly ConcurrentDictionary<string, SweepPlan> _plans = new();
    private volatile WorkerNodeState _state = new();

    public string Id { get; } = $"{Environment.MachineName}/{Environment.ProcessId}";

    /// <summary>Serves until <paramref name="stop"/> (then finishes the chunks in hand and leaves the cluster);
    /// throws <see cref="ClusterUnavailableException"/> if the first join finds no seed.</summary>
    public async Task RunAsync(CancellationToken stop)
    {
        monitoring.ObservedGauge("sweep_chunks_in_flight", "Chunks this worker node holds: queued or being evaluated.", () => _state.Held);
        monitoring.ObservedGauge("sweep_worker_concurrency", "Chunks this worker evaluates at once.", () => concurrency);
        monitoring.ObservedGauge("sweep_worker_runs", "Runs this worker currently serves.", () => _state.Runs);
        var metrics = new WorkerMetrics(monitoring);
        using var certificate = settings.Remoting.Certificate(); // the result stream's TLS, as remoting's
        bool joinedBefore = false;
        for (int incarnation = 1; !stop.IsCancellationRequested; incarnation++)
        {
            monitoring.Health.NotReady("joining the cluster");
            // After the first join the node waits for coordinators as long as it takes (the seeds are theirs).
            await using var host = await ClusterJoin.StartNodeAsync(settings with { JoinUntilAnswered = joinedBefore });
            var system = host.System;
            // The work source and the workers start with the node, not once it is Up: the source learns of the
            // coordinators from the membership that the seed's welcome brings and asks them for work while this node
            // is still Joining. (Up comes a leader round and a gossip round later, 0.2–0.4 s, most of a short run's
            // time. Until then the coordinator's watch on this node is Akka.Remote's, by heartbeats; docs/ENGINE.md.)
            var state = _state = new WorkerNodeState();
            // Two chunks per worker asked ahead: a worker finds its next chunk here rather than waiting a round trip.
            var source = system.ActorOf(ClusterWorkSourceActor.Props(_plans, registry, 2 * concurrency, certificate, hooks, log, Id, state),
                ClusterWorkSourceActor.Name);
            system.ActorOf(WorkerPoolActor.Props(concurrency, Id, hash => _plans.GetValueOrDefault(hash), source, source, source, metrics: metrics), "workers");
            if (!await ClusterJoin.WaitUpAsync(system, stop))
            {
                if (stop.IsCancellationRequested)
                {
                    log.WriteLine($"sweep-worker {Id}: stopping while joining the cluster; finishing the {state.Held} chunks in hand");
                    source.Tell(Sweep.Engine.Messages.StopWorking.Instance);
                    await Task.WhenAny(state.Drained, system.WhenTerminated);
                    return;
                }

                if (state.Welcomed)
                {
                    // A seed answered, and the node was removed before it was Up (downed while joining): it joins again.
                    joinedBefore = true;
                    log.WriteLine($"sweep-worker {Id}: removed from the cluster while joining (its coordinator sends the chunks it held " +
                                  "out again); re-joining the seeds");
                    continue;
                }

                if (!joinedBefore)
                {
                    throw new ClusterUnavailableException(ClusterJoin.Unreachable(settings));
                }

                log.WriteLine($"sweep-worker {Id}: {ClusterJoin.Unreachable(settings)}; trying again");
                continue;
            }

            joinedBefore = true;
            var self = Akka.Cluster.Cluster.Get(system).SelfAddress;
            log.WriteLine($"sweep-worker {Id}: joined the cluster as {self} (incarnation {incarnation}), concurrency {concurrency}");
            monitoring.Health.ReadyWhen(() => stop.IsCancellationRequested ? "stopping" : null);

            var stopped = Task.Delay(Timeout.Infinite, stop);
            var ended = await Task.WhenAny(stopped, state.LonelyTask, system.WhenTerminated);
            if (ended == stopped)
            {
                log.WriteLine($"sweep-worker {Id}: stopping; finishing the chunks in hand, then leaving the cluster");
                source.Tell(Sweep.Engine.Messages.StopWorking.Instance);
                await Task.WhenAny(state.Drained, system.WhenTerminated);
                return; // disposing the host leaves the cluster (coordinated shutdown)
            }

            log.WriteLine(ended == state.LonelyTask
                ? $"sweep-worker {Id}: no coordinator left in the cluster; re-joining the seeds"
                : $"sweep-worker {Id}: this node was removed from the cluster (downed); re-joining the seeds");
        }
    }
}
