using Sweep.Engine.Actors;

namespace Sweep.Engine.Actors;

/// <summary>
/// The HOCON every Sweep actor system starts from (coordinator, worker process, actor tests): the
/// MessagePack serializer bound to <see cref="Messages.ISweepMessage"/>, and the dispatchers that keep
/// evaluation and storage off the default dispatcher and the .NET thread pool.
/// </summary>
public static class SweepActorConfig
{
    /// <summary>Worker actors: a thread of its own each (one per worker slot). A chunk computes for
    /// milliseconds on it; messaging (the default dispatcher) is never starved when every core computes.</summary>
    public const string WorkerDispatcher = "sweep-worker-dispatcher";

    /// <summary>The aggregator: a thread of its own, since storing blocks on disk IO.</summary>
    public const string StoreDispatcher = "sweep-store-dispatcher";

    public static readonly string Hocon = $$"""
        akka {
          loglevel = WARNING
          loggers = ["Sweep.Engine.Actors.StandardErrorLogger, Sweep.Engine"]
          # Akka's own logger before the loggers start and after they stop writes to stdout: errors only.
          stdout-loglevel = ERROR
          log-dead-letters = 0
          log-dead-letters-during-shutdown = off
          actor {
            serializers {
              sweep = "Sweep.Engine.Serialization.SweepMessageSerializer, Sweep.Engine"
            }
            serialization-bindings {
              "Sweep.Engine.Messages.ISweepMessage, Sweep.Engine" = sweep
            }
            serialization-identifiers {
              "Sweep.Engine.Serialization.SweepMessageSerializer, Sweep.Engine" = {{Serialization.SweepMessageSerializer.Id}}
            }
          }
          # The run handles SIGINT/SIGTERM itself (in-flight chunks finish, the store closes); the actor
          # system is shut down by the code that started it, not by a process-exit hook.
          coordinated-shutdown.run-by-clr-shutdown-hook = off
          coordinated-shutdown.exit-clr = off
          # Each tick of the timer wheel wakes a thread-pool thread, which spins before it sleeps: an idle worker
          # node used 7.2 % of a core with the 10 ms default, 4.3 % with 20 ms (docs/ENGINE.md, "Cluster").
          scheduler.tick-duration = 20ms
        }
        {{WorkerDispatcher}} {
          type = PinnedDispatcher
          throughput = 1
        }
        {{StoreDispatcher}} {
          type = PinnedDispatcher
          throughput = 100
        }
        """;

    /// <summary>For tests: every message really goes through its serializer, in-process too.</summary>
    public const string SerializeMessages = "akka.actor.serialize-messages = on";
}
