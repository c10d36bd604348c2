using System.Text;
using Prometheus;
using Sweep.Monitoring.Http;
using Sweep.Monitoring.Process;

namespace Sweep.Monitoring;

/// <summary>
/// A process's metrics: a prometheus-net registry of its own whose every series carries the process
/// <c>role</c> (a static label), the process and GC metrics, its readiness, and optionally the HTTP
/// server that exposes them. Recording costs nothing noticeable when no server runs. Each command
/// invocation has its own host (tests run several in one process), so none uses the library's
/// global default registry; that also leaves out its default collectors (EventCounter and Meter
/// adapters), whose series promtool rejects.
/// </summary>
public sealed class MetricsHost : IAsyncDisposable
{
    private readonly CollectorRegistry _registry = Metrics.NewCustomRegistry();
    private MetricsServer? _server;

    public MetricsHost(string role)
    {
        Role = role;
        _registry.SetStaticLabels(new Dictionary<string, string> { ["role"] = role });
        Factory = Metrics.WithCustomRegistry(_registry);
        ProcessMetrics.Register(this);
    }

    /// <summary>run, coordinator or worker.</summary>
    public string Role { get; }

    /// <summary>Creates this process's counters, gauges and histograms.</summary>
    public IMetricFactory Factory { get; }

    public Health Health { get; } = new();

    /// <summary>The metrics URL, when serving.</summary>
    public Uri? Url => _server is { } s ? new Uri(s.Url, "metrics") : null;

    /// <summary>Runs <paramref name="update"/> before every scrape: for values read from elsewhere
    /// (counters set with <c>IncTo</c>, gauges with <c>Set</c>).</summary>
    public void BeforeScrape(Action update) => _registry.AddBeforeCollectCallback(update);

    /// <summary>A gauge without labels that reads <paramref name="value"/> at each scrape.</summary>
    public Gauge ObservedGauge(string name, string help, Func<double> value)
    {
        var gauge = Factory.CreateGauge(name, help);
        BeforeScrape(() => gauge.Set(value()));
        return gauge;
    }

    /// <summary>The current metrics in the Prometheus text format (what <c>/metrics</c> serves).</summary>
    public async Task<string> ScrapeAsync(CancellationToken cancel = default)
    {
        using var text = new MemoryStream();
        await _registry.CollectAndExportAsTextAsync(text, cancel);
        return Encoding.UTF8.GetString(text.ToArray());
    }

    /// <summary>Starts serving on <paramref name="address"/>; throws <see cref="MetricsUnavailableException"/> if it cannot bind.</summary>
    public async Task ServeAsync(MetricsAddress address, CancellationToken cancel = default) =>
        _server = await MetricsServer.StartAsync(address, _registry, Health, cancel);

    public async ValueTask DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }
}
