using System.CommandLine;
using Sweep.Engine;

namespace Sweep.Coordinator.Live;

/// <summary>The <c>--serve</c> option of <c>run</c> and <c>coordinator</c>: parsed (64 on a bad value) and
/// served before the run directory is touched (69 when the port cannot be bound).</summary>
public sealed class LiveOptions
{
    private readonly Option<string?> _serve = new("--serve")
    {
        Description = "Serve a live, read-only page of the run (progress, ETA, throughput, failures, a plot that fills in) on PORT " +
                      "(loopback) or HOST:PORT; off unless given",
    };

    public LiveOptions(Command command) => command.Options.Add(_serve);

    /// <summary>Whether <c>--serve</c> was given.</summary>
    public bool Requested(ParseResult parse) => parse.GetValue(_serve) is not null;

    /// <summary>Starts the live view if <c>--serve</c> was given (null otherwise) and says where on <paramref name="log"/>.</summary>
    public async Task<LiveServer?> ServeAsync(ParseResult parse, TextWriter log)
    {
        if (parse.GetValue(_serve) is not { } text)
        {
            return null;
        }

        LiveAddress address;
        try
        {
            address = LiveAddress.Parse(text);
        }
        catch (FormatException ex)
        {
            throw new UsageException(ex.Message);
        }

        var server = await LiveServer.StartAsync(address);
        log.WriteLine($"sweep: live view on {server.Url}");
        if (!address.IsLoopback)
        {
            log.WriteLine($"sweep: warning: the live view on {address.Host} is reachable from other machines and unauthenticated " +
                          "(read-only: it shows the run's progress and results to anyone who can connect)");
        }

        return server;
    }
}
