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
        host.Factory.CreateCounter("sweep_points_evaluated_total", "Points.").Inc(7);
        await host.ServeAsync(new MetricsAddress(IPAddress.Loopback, 0));
        var root = new Uri(host.Url!, "/");
        Assert.NotEqual(0, host.Url!.Port);

        using var metrics = await Http.GetAsync(host.Url);
        Assert.Equal(HttpStatusCode.OK, metrics.StatusCode);
        Assert.Equal("text/plain; version=0.0.4; charset=utf-8", metrics.Content.Headers.ContentType!.ToString());
        var text = Exposition.Parse(await metrics.Content.ReadAsStringAsync());
        Assert.Equal(7, text.Value("sweep_points_evaluated_total", ("role", "worker")));
        Assert.True(text.Value("process_cpu_seconds_total", ("role", "worker")) > 0);

        Assert.Equal("ok\n", await Http.GetStringAsync(new Uri(root, "healthz")));
        using var starting = await Http.GetAsync(new Uri(root, "readyz"));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, starting.StatusCode);
        Assert.Equal("not ready: starting\n", await starting.Content.ReadAsStringAsync());

        bool connected = true;
        host.Health.ReadyWhen(() => connected ? null : "not a member of the cluster");
        using (var ready = await Http.GetAsync(new Uri(root, "readyz")))
        {
            Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
            Assert.Equal("ready\n", await ready.Content.ReadAsStringAsync());
        }

        connected = false;
        using (var lost = await Http.GetAsync(new Uri(root, "readyz")))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, lost.StatusCode);
            Assert.Equal("not ready: not a member of the cluster\n", await lost.Content.ReadAsStringAsync());
        }

        Assert.Equal(HttpStatusCode.OK, (await Http.GetAsync(new Uri(root, "healthz"))).StatusCode); // liveness does not follow the cluster
        Assert.Equal(HttpStatusCode.NotFound, (await Http.GetAsync(new Uri(root, "other"))).StatusCode);
    }

    [Fact]
    public async Task Serves_openmetrics_to_a_scraper_that_asks_for_it()
    {
        await using var host = new MetricsHost("run");
        host.Factory.CreateCounter("sweep_points_stored_total", "Points.").Inc(3);
        await host.ServeAsync(new MetricsAddress(IPAddress.Loopback, 0));

        using var request = new HttpRequestMessage(HttpMethod.Get, host.Url);
        request.Headers.Accept.ParseAdd("application/openmetrics-text;version=1.0.0;q=0.5,text/plain;version=0.0.4;q=0.4");
        using var response = await Http.SendAsync(request);
        Assert.StartsWith("application/openmetrics-text", response.Content.Headers.ContentType!.ToString());
        string text = await response.Content.ReadAsStringAsync();
        Assert.Contains("# TYPE sweep_points_stored counter\n", text);
        Assert.Contains("sweep_points_stored_total{role=\"run\"} 3", text);
        Assert.EndsWith("# EOF\n", text);
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
