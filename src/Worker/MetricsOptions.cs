using System.CommandLine;
using Sweep.Engine;
using Sweep.Monitoring;
using Sweep.Monitoring.Http;

namespace Sweep.Worker;

/// <summary><c>--metrics-port</c> of <c>sweep run</c>, <c>coordinator</c> and <c>worker</c>: serve
/// Prometheus metrics and health probes over HTTP; off unless given.</summary>
public sealed class MetricsOptions
{
    private readonly Option<string?> _port = new("--metrics-port")
    {
        Description = "Serve Prometheus /metrics, /healthz and /readyz on PORT (all interfaces) or HOST:PORT (e.g. 127.0.0.1:9464); off unless given",
    };

    public MetricsOptions(Command command) => command.Options.Add(_port);

    public MetricsAddress? Resolve(ParseResult parse)
    {
        try
        {
            return parse.GetValue(_port) is { } text ? MetricsAddress.Parse(text) : null;
        }
        catch (FormatException ex)
        {
            throw new UsageException(ex.Message);
        }
    }

    /// <summary>Serves <paramref name="host"/> if an address was given, and says where on <paramref name="log"/>.</summary>
    public static async Task ServeAsync(MetricsHost host, MetricsAddress? address, TextWriter log, string program = "sweep")
    {
        if (address is not null)
        {
            await host.ServeAsync(address);
            log.WriteLine($"{program}: metrics on {host.Url} (role {host.Role})");
        }
    }
}
