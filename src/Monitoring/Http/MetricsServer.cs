using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Prometheus;

namespace Sweep.Monitoring.Http;

/// <summary>
/// Kestrel serving <c>/metrics</c> (prometheus-net's middleware: the text format 0.0.4, or
/// OpenMetrics when the scraper asks for it), <c>/healthz</c> and <c>/readyz</c> (ASP.NET Core
/// health checks), nothing else. Built on the empty host builder: no configuration files from the
/// working directory, no logging to stdout (stdout belongs to the command's output).
/// </summary>
public sealed class MetricsServer : IAsyncDisposable
{
    private const string ReadinessTag = "ready";

    private readonly WebApplication _app;

    private MetricsServer(WebApplication app, Uri url)
    {
        _app = app;
        Url = url;
    }

    /// <summary>The address actually bound (with the port chosen when 0 was asked).</summary>
    public Uri Url { get; }

    public static async Task<MetricsServer> StartAsync(MetricsAddress address, CollectorRegistry registry, Health health, CancellationToken cancel = default)
    {
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore().ConfigureKestrel(k => k.Listen(address.Host, address.Port));
        builder.Services.AddRouting().AddLogging(); // logging without providers: the health check service wants a logger
        builder.Services.AddHealthChecks().AddCheck("ready", new ReadinessCheck(health), tags: [ReadinessTag]);
        var app = builder.Build();
        app.MapMetrics(settings => settings.Registry = registry);
        // Liveness runs no check (a probe that followed the cluster would have Kubernetes restart every
        // worker while the coordinator restarts); readiness is the owner's check.
        app.MapHealthChecks("/healthz", new HealthCheckOptions { Predicate = _ => false, ResponseWriter = WriteOk });
        app.MapHealthChecks("/readyz", new HealthCheckOptions { Predicate = c => c.Tags.Contains(ReadinessTag), ResponseWriter = WriteReadiness });
        try
        {
            await app.StartAsync(cancel);
        }
        catch (IOException ex)
        {
            await app.DisposeAsync();
            throw new MetricsUnavailableException($"cannot serve metrics on {address.Host}:{address.Port}: {ex.Message}");
        }

        string bound = app.Urls.First();
        var url = new Uri(bound.Replace("0.0.0.0", "127.0.0.1", StringComparison.Ordinal).Replace("[::]", "[::1]", StringComparison.Ordinal));
        return new MetricsServer(app, url);
    }

    private static Task WriteOk(HttpContext context, HealthReport report)
    {
        context.Response.ContentType = "text/plain; charset=utf-8";
        return context.Response.WriteAsync("ok\n");
    }

    private static Task WriteReadiness(HttpContext context, HealthReport report)
    {
        context.Response.ContentType = "text/plain; charset=utf-8";
        return context.Response.WriteAsync(report.Status == HealthStatus.Healthy
            ? "ready\n"
            : $"not ready: {string.Join("; ", report.Entries.Values.Select(e => e.Description))}\n");
    }

    public async ValueTask DisposeAsync()
    {
        using var grace = new CancellationTokenSource(TimeSpan.FromSeconds(2)); // a scrape in progress gets this long
        await _app.StopAsync(grace.Token);
        await _app.DisposeAsync();
    }

    private sealed class ReadinessCheck(Health health) : IHealthCheck
    {
        public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
            Task.FromResult(health.NotReadyReason is { } reason ? HealthCheckResult.Unhealthy(reason) : HealthCheckResult.Healthy());
    }
}

/// <summary>The metrics port cannot be bound (in use, not permitted); maps to exit code 69.</summary>
public sealed class MetricsUnavailableException(string message) : Exception(message);
