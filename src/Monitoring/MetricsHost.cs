using System.Diagnostics.Metrics;
using Sweep.Monitoring.Collection;
using Sweep.Monitoring.Exposition;
using Sweep.Monitoring.Http;
using Sweep.Monitoring.Process;

namespace Sweep.Monitoring;

/// <summary>
/// A process's metrics: one <see cref="Meter"/> for its instruments (the process and runtime ones
/// included), a collector that labels every series with the process <c>role</c>, its health, and
/// optionally the HTTP server that exposes them. Recording costs nothing noticeable when no
/// server runs. Each command invocation has its own host (tests run several in one process).
/// </summary>
public sealed class MetricsHost : IAsyncDisposable
{
    private readonly MeterCollector _collector;
    private MetricsServer? _server;

    public MetricsHost(string role)
    {
        Role = role;
        Meter = new Meter("Sweep", typeof(MetricsHost).Assembly.GetName().Version?.ToString());
        _collector = new MeterCollector(Meter, [new("role", role)]);
        ProcessInstruments.Register(Meter);
    }

    /// <summary>run, coordinator or worker.</summary>
    public string Role { get; }

    public Meter Meter { get; }

    public Health Health { get; } = new();

    /// <summary>The metrics URL, when serving.</summary>
    public Uri? Url => _server is { } s ? new Uri(s.Url, "metrics") : null;

    /// <summary>The current metrics in the Prometheus text format.</summary>
    public string Scrape() => PrometheusText.Write(_collector.Collect());

    /// <summary>Starts serving on <paramref name="address"/>; throws <see cref="MetricsUnavailableException"/> if it cannot bind.</summary>
    public async Task ServeAsync(MetricsAddress address, CancellationToken cancel = default) =>
        _server = await MetricsServer.StartAsync(address, Scrape, Health, cancel);

    public async ValueTask DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }

        _collector.Dispose();
        Meter.Dispose();
    }
}
