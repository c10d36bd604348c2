using System.Net;
using System.Net.Sockets;
using Sweep.Monitoring.Http;

namespace Sweep.Monitoring.Tests;

/// <summary>The HTTP side, on a real Kestrel bound to loopback: the three endpoints and a port in use.</summary>
public class MetricsServerTests
{
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(10) };

    [Fact]
    public async Task Serves_metrics_in_the_0_0_4_text_format_and_answers_the_probes()
    {
        await using var host = new MetricsHost("worker");
        host.Meter.CreateCounter<long>("sweep_points_evaluated").Add(7);
        await host.ServeAsync(new MetricsAddress(IPAddress.Loopback, 0));
        var root = new Uri(host.Url!, "/");
        Assert.NotEqual(0, host.Url!.Port);

        using var metrics = await Http.GetAsync(host.Url);
        Assert.Equal(HttpStatusCode.OK, metrics.StatusCode);
        Assert.Equal("text/plain; version=0.0.4; charset=utf-8", metrics.Content.Headers.ContentType!.ToString());
        string text = await metrics.Content.ReadAsStringAsync();
        Assert.Contains("sweep_points_evaluated_total{role=\"worker\"} 7\n", text);
        Assert.Contains("process_cpu_seconds_total{role=\"worker\"} ", text);
        Assert.Contains("process_resident_memory_bytes{role=\"worker\"} ", text);
        Assert.Contains("dotnet_gc_collections_total{role=\"worker\",generation=\"gen2\"} ", text);

        Assert.Equal(HttpStatusCode.OK, (await Http.GetAsync(new Uri(root, "healthz"))).StatusCode);
        using var starting = await Http.GetAsync(new Uri(root, "readyz"));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, starting.StatusCode);
        Assert.Equal("not ready: starting\n", await starting.Content.ReadAsStringAsync());

        bool connected = true;
        host.Health.ReadyWhen(() => connected ? null : "broker connection lost");
        Assert.Equal(HttpStatusCode.OK, (await Http.GetAsync(new Uri(root, "readyz"))).StatusCode);
        connected = false;
        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await Http.GetAsync(new Uri(root, "readyz"))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await Http.GetAsync(new Uri(root, "healthz"))).StatusCode); // liveness does not follow the broker

        Assert.Equal(HttpStatusCode.NotFound, (await Http.GetAsync(new Uri(root, "other"))).StatusCode);
        Assert.Equal(HttpStatusCode.MethodNotAllowed, (await Http.PostAsync(host.Url, new StringContent(""))).StatusCode);
    }

    [Fact]
    public async Task A_port_in_use_is_a_clear_error()
    {
        using var taken = new TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        int port = ((IPEndPoint)taken.LocalEndpoint).Port;

        await using var host = new MetricsHost("run");
        var error = await Assert.ThrowsAsync<MetricsUnavailableException>(() => host.ServeAsync(new MetricsAddress(IPAddress.Loopback, port)));
        Assert.Contains($"127.0.0.1:{port}", error.Message);
    }

    [Theory]
    [InlineData("9464", "0.0.0.0", 9464)]
    [InlineData("127.0.0.1:0", "127.0.0.1", 0)]
    [InlineData("localhost:9100", "127.0.0.1", 9100)]
    [InlineData("[::1]:9464", "::1", 9464)]
    [InlineData(":8080", "0.0.0.0", 8080)]
    public void Parses_port_or_host_and_port(string text, string host, int port)
    {
        var address = MetricsAddress.Parse(text);
        Assert.Equal(IPAddress.Parse(host), address.Host);
        Assert.Equal(port, address.Port);
    }

    [Theory]
    [InlineData("")]
    [InlineData("http")]
    [InlineData("65536")]
    [InlineData("-1")]
    [InlineData("example.org:9464")]
    [InlineData("127.0.0.1:")]
    public void Refuses_anything_else_naming_the_option(string text)
    {
        var error = Assert.Throws<FormatException>(() => MetricsAddress.Parse(text));
        Assert.StartsWith("--metrics-port", error.Message);
    }
}
