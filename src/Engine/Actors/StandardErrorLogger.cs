using Akka.Actor;
using Akka.Dispatch;
using Akka.Event;

namespace Sweep.Engine.Actors;

/// <summary>
/// Akka's log events on stderr, one line each. Akka's default logger writes to stdout, which
/// belongs to the commands' output (<c>sweep run</c> prints the run directory there). Akka's own warnings
/// that repeat within a minute are summarised (<see cref="RepeatedWarnings"/>); errors, and whatever the run's
/// actors (under <c>/user</c>) log, are written as they come.
/// </summary>
public sealed class StandardErrorLogger : ReceiveActor, IRequiresMessageQueue<ILoggerMessageQueueSemantics>
{
    private readonly RepeatedWarnings _repeated = new();

    public StandardErrorLogger()
    {
        Receive<InitializeLogger>(_ => Sender.Tell(new LoggerInitialized()));
        Receive<LogEvent>(Write);
    }

    private void Write(LogEvent e)
    {
        string line = $"{e.Message}{(e.Cause is { } cause ? $" ({cause.GetType().Name}: {cause.Message})" : "")}";
        string? text = e is Error || e.LogSource.Contains("/user/", StringComparison.Ordinal) ? line : _repeated.Admit(e.LogSource, line, DateTime.UtcNow);
        if (text is not null)
        {
            Console.Error.WriteLine($"sweep: [akka {e.LogLevel().ToString().Replace("Level", "", StringComparison.Ordinal).ToLowerInvariant()}] {e.LogSource}: {text}");
        }
    }
}
