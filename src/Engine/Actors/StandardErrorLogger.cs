using Akka.Actor;
using Akka.Dispatch;
using Akka.Event;

namespace Sweep.Engine.Actors;

/// <summary>
/// Akka's log events on stderr, one line each. Akka's default logger writes to stdout, which
/// belongs to the commands' output (<c>sweep run</c> prints the run directory there).
/// </summary>
public sealed class StandardErrorLogger : ReceiveActor, IRequiresMessageQueue<ILoggerMessageQueueSemantics>
{
    public StandardErrorLogger()
    {
        Receive<InitializeLogger>(_ => Sender.Tell(new LoggerInitialized()));
        Receive<LogEvent>(e => Console.Error.WriteLine($"sweep: [akka {e.LogLevel().ToString().Replace("Level", "", StringComparison.Ordinal).ToLowerInvariant()}] " +
                                                       $"{e.LogSource}: {e.Message}{(e.Cause is { } cause ? $" ({cause.GetType().Name}: {cause.Message})" : "")}"));
    }
}
