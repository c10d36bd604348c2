using Akka.Configuration;

namespace Sweep.Engine.Cluster;

/// <summary>
/// A node of the sweep cluster: its remoting, its role (<see cref="CoordinatorRole"/> or
/// <see cref="WorkerRole"/>) and the seed nodes it joins (a coordinator without seeds is its own seed).
/// <see cref="ToConfig"/> composes the cluster, failure-detector and split-brain-resolver settings that
/// docs/ENGINE.md ("Cluster") explains and measures.
/// </summary>
public sealed record ClusterSettings(RemotingSettings Remoting, string Role, IReadOnlyList<HostPort> Seeds)
{
    public const string SystemName = "sweep";
    public const string CoordinatorRole = "coordinator";
    public const string WorkerRole = "worker";

    /// <summary>A node that has not joined any seed by then gives up (exit 69).</summary>
    public static readonly TimeSpan JoinTimeout = TimeSpan.FromSeconds(20);

    /// <summary>A coordinator node's result port (<see cref="ResultStream"/>) on its listen host; 0: any free port
    /// (announced to workers in the run offer). Not used by worker nodes.</summary>
    public int ResultPort { get; init; }

    /// <summary>Join the seeds until one answers, however long that takes (a worker node re-joining after its
    /// coordinators left: it waits for the next one); otherwise give up after <see cref="JoinTimeout"/> (exit 69).</summary>
    public bool JoinUntilAnswered { get; init; }

    /// <summary>The seed addresses, the node's own when it has none.</summary>
    public IReadOnlyList<string> SeedAddresses =>
        (Seeds.Count > 0 ? Seeds : [new HostPort(Remoting.AdvertisedHost, Remoting.Listen.Port)]).Select(Address).ToList();

    /// <summary>A node's actor-system address; the scheme is this node's (TLS or not: every node of a cluster uses the same).</summary>
    public string Address(HostPort node) => $"{Remoting.Protocol}://{SystemName}@{node}";

    public Config ToConfig() => ConfigurationFactory.ParseString($$"""
        akka {
          actor.provider = cluster
          remote.log-remote-lifecycle-events = off
          # Batching holds small writes (work requests, part acknowledgements) up to its 40 ms flush interval
          # when traffic is light: a pull protocol would wait on it at every step (docs/BENCHMARKS.md, "Cluster").
          remote.dot-netty.tcp.batching.enabled = false
          # A worker waiting for its coordinator (not yet started, or restarting) tries again within ~0.2-0.4 s
          # once it is there, instead of after the 5 s gate that follows a refused connection (0.5 s measured
          # 0.1-1.1 s from a coordinator's start to its first dispatch: docs/BENCHMARKS.md, "Cluster").
          remote.retry-gate-closed-for = 200ms
          # A worker serves while still Joining (WorkerNode); until it is Up the coordinator's watch on it is
          # Akka.Remote's, by these heartbeats: the same verdict time as the cluster's detector below, not 10 s.
          remote.watch-failure-detector {
            heartbeat-interval = 500ms
            acceptable-heartbeat-pause = 3s
            threshold = 10
          }
          cluster {
            roles = ["{{Role}}"]
            seed-nodes = [{{string.Join(", ", SeedAddresses.Select(a => $"\"{a}\""))}}]
            # Garbage on the port, a node going away: one line each, not a stream of info messages.
            log-info = off
            # A worker waiting for a coordinator to come back keeps one actor system joining (each new one cost CPU
            # and a new incarnation every 20 s); its repeated warnings are summarised once a minute (StandardErrorLogger).
            shutdown-after-unsuccessful-join-seed-nodes = {{(JoinUntilAnswered ? "off" : $"{JoinTimeout.TotalSeconds}s")}}
            # A restarted worker whose previous incarnation is not yet removed tries again soon.
            retry-unsuccessful-join-after = 2s
            seed-node-timeout = 200ms
            # A joining worker is Up (and asks for work) within a few gossip rounds: with Akka's 1 s defaults it
            # waited 0.7-2.4 s of a 3-5 s benchmark run before the first chunk (docs/BENCHMARKS.md, "Cluster").
            # A handful of nodes gossip a few hundred bytes five times a second.
            periodic-tasks-initial-delay = 100ms
            gossip-interval = 200ms
            leader-actions-interval = 200ms
            run-coordinated-shutdown-when-down = on
            # Measured on a loaded 2-core machine (docs/ENGINE.md, "Cluster"): no false alarms under full load,
            # a killed node removed ~6 s after its death.
            failure-detector {
              heartbeat-interval = 500ms
              acceptable-heartbeat-pause = 3s
              threshold = 10
            }
            downing-provider-class = "Akka.Cluster.SBR.SplitBrainResolverProvider, Akka.Cluster"
            split-brain-resolver {
              active-strategy = keep-oldest
              stable-after = 2s
              # Not "down everyone" when reachability keeps changing (a loaded machine's delayed heartbeats):
              # that would stop the coordinator too; with keep-oldest the coordinator keeps the run and any
              # worker that is downed re-joins as a new incarnation.
              down-all-when-unstable = off
              # The oldest coordinator (the cluster's first node) always survives; nodes cut off from it down
              # themselves, and a worker then re-joins the seeds as a new incarnation (WorkerNode).
              keep-oldest {
                down-if-alone = off
                role = "{{CoordinatorRole}}"
              }
            }
          }
        }
        """).WithFallback(Remoting.ToConfig());
}
