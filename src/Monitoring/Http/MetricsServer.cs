using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Hosting;

namespace Sweep.Monitoring.Http;

/// <summary>
/// Kestrel serving <c>/metrics</c> (Prometheus text 0.0.4), <c>/healthz</c> and <c>/readyz</c>,
/// nothing else. Built on the empty host builder: no configuration files from the working
/// directory, no logging to stdout (stdout belongs to the command's output).
/// </summary>
public sealed class MetricsServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private MetricsServer(WebApplication app, Uri url)
    {
        _app = app;
        Url = url;
    }

    /// <summary>The address actually bound (with the port chosen when 0 was asked).</summary>
    public Uri Url { get; }

    public static async Task<MetricsServer> StartAsync(MetricsAddress address, Func<string> scrape, Health health, CancellationToken cancel = default)
    {
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore().ConfigureKestrel(k => k.Listen(address.Host, address.Port));
        var app = builder.Build();
        app.Run(context => Handle(context, scrape, health));
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

    private static Task Handle(HttpContext context, Func<string> scrape, Health health)
    {
        var response = context.Response;
        if (!HttpMethods.IsGet(context.Request.Method) && !HttpMethods.IsHead(context.Request.Method))
        {
            response.StatusCode = StatusCodes.Status405MethodNotAllowed;
            return Task.CompletedTask;
        }

        switch (context.Request.Path.Value)
        {
            case "/metrics":
                response.ContentType = Exposition.PrometheusText.ContentType;
                return response.WriteAsync(scrape());
            case "/healthz":
                response.ContentType = "text/plain; charset=utf-8";
                return response.WriteAsync("ok\n");
            case "/readyz":
                response.ContentType = "text/plain; charset=utf-8";
                string? reason = health.NotReadyReason;
                response.StatusCode = reason is null ? StatusCodes.Status200OK : StatusCodes.Status503ServiceUnavailable;
                return response.WriteAsync(reason is null ? "ready\n" : $"not ready: {reason}\n");
            default:
                response.StatusCode = StatusCodes.Status404NotFound;
                return response.WriteAsync("not found: try /metrics, /healthz or /readyz\n");
        }
    }

    public async ValueTask DisposeAsync()
    {
        using var grace = new CancellationTokenSource(TimeSpan.FromSeconds(2)); // a scrape in progress gets this long
        await _app.StopAsync(grace.Token);
        await _app.DisposeAsync();
    }
}

/// <summary>The metrics port cannot be bound (in use, not permitted); maps to exit code 69.</summary>
public sealed class MetricsUnavailableException(string message) : Exception(message);
