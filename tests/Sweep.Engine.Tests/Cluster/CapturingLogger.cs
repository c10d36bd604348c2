using System.Collections.Concurrent;
using Akka.Actor;
using Akka.Event;

namespace Sweep.Engine.Tests.Cluster;

/// <summary>An Akka logger (akka.loggers) that keeps every log line of its actor system, so a test can
/// look for what a node logged, and for what it must never log.</summary>
public sealed class CapturingLogger : ReceiveActor
{
    private static readonly ConcurrentDictionary<ActorSystem, ConcurrentQueue<string>> LinesBySystem = new();

    public CapturingLogger()
    {
        var lines = Of(Context.System);
        Receive<InitializeLogger>(_ => Sender.Tell(new LoggerInitialized()));
        Receive<LogEvent>(e => lines.Enqueue(e.ToString()));
    }

    public static ConcurrentQueue<string> Of(ActorSystem system) => LinesBySystem.GetOrAdd(system, _ => new ConcurrentQueue<string>());

    public static void Forget(ActorSystem system) => LinesBySystem.TryRemove(system, out _);

    public const string Hocon = """
        akka.loggers = ["Sweep.Engine.Tests.Cluster.CapturingLogger, Sweep.Engine.Tests"]
        akka.stdout-loglevel = OFF
        """;
}
