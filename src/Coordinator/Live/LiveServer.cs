using System.Net.Sockets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Sweep.Coordinator.Engine;
using Sweep.Engine.Planning;
using Sweep.Physics.Models;

namespace Sweep.Coordinator.Live;

/// <summary>
/// The live view's Kestrel host (built like the metrics server: the empty host builder, no
/// configuration files, no logging to stdout): the page at <c>/</c> and its JSON at
/// <c>/api/progress</c>, <c>/api/choices</c> and <c>/api/slice</c>. GET only: nothing served can
/// change a run. It is bound before the run directory exists and shows the run once
/// <see cref="Watch"/> hands it over.
/// </summary>
public sealed class LiveServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private LiveRun? _run;

    private LiveServer(WebApplication app, Uri url)
    {
        _app = app;
        Url = url;
    }

    /// <summary>The address actually bound (with the port chosen when 0 was asked).</summary>
    public Uri Url { get; }

    public static async Task<LiveServer> StartAsync(LiveAddress address, CancellationToken cancel = default)
    {
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore().ConfigureKestrel(k => k.Listen(address.Host, address.Port));
        builder.Services.AddRouting();
        var app = builder.Build();
        LiveServer? server = null;
        app.Use((context, next) =>
        {
            // The page may talk to this server only: no external script, style, font or image can load.
            context.Response.Headers.ContentSecurityPolicy = "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; connect-src 'self'";
            context.Response.Headers.XContentTypeOptions = "nosniff";
            context.Response.Headers.CacheControl = "no-store";
            return next(context);
        });
        app.MapGet("/", () => Results.Text(LivePage.Html, "text/html; charset=utf-8"));
        app.MapGet("/api/progress", () => Json(server!._run is { } run ? run.Progress() : LiveRun.Starting));
        app.MapGet("/api/choices", () => server!._run is { } run ? Json(run.Choices()) : NotYet());
        app.MapGet("/api/slice", (HttpRequest request) => server!._run is { } run ? Slice(run, request.Query) : NotYet());
        try
        {
            await app.StartAsync(cancel);
        }
        catch (Exception ex) when (ex is IOException or SocketException)
        {
            await app.DisposeAsync();
            throw new LiveUnavailableException($"cannot serve the live view on {address.Host}:{address.Port}: {ex.Message}");
        }

        string bound = app.Urls.First();
        server = new LiveServer(app, new Uri(bound.Replace("0.0.0.0", "127.0.0.1", StringComparison.Ordinal).Replace("[::]", "[::1]", StringComparison.Ordinal)));
        return server;
    }

    /// <summary>From now on the page shows this run: its counters, and the results stored in <paramref name="directory"/>.</summary>
    public void Watch(SweepPlan plan, string directory, RunCounters counters, ModelRegistry registry) =>
        _run = new LiveRun(plan, directory, counters, registry);

    private static IResult Slice(LiveRun run, IQueryCollection query)
    {
        try
        {
            return Results.Text(run.Slice(query), "application/json");
        }
        catch (Plot.PlotRequestException ex)
        {
            return Results.Json(new Dictionary<string, string> { ["error"] = ex.Message }, statusCode: StatusCodes.Status400BadRequest);
        }
    }

    private static IResult Json(object value) => Results.Text(LiveRun.Serialize(value), "application/json");

    private static IResult NotYet() =>
        Results.Json(new Dictionary<string, string> { ["error"] = "the run has not started yet" }, statusCode: StatusCodes.Status503ServiceUnavailable);

    public async ValueTask DisposeAsync()
    {
        using var grace = new CancellationTokenSource(TimeSpan.FromSeconds(2)); // a request in progress gets this long
        await _app.StopAsync(grace.Token);
        await _app.DisposeAsync();
        _run?.Dispose();
    }
}

/// <summary>The live view's port cannot be bound (in use, not permitted); maps to exit code 69.</summary>
public sealed class LiveUnavailableException(string message) : Exception(message);
