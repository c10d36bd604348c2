using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Sweep.Coordinator.Engine;
using Sweep.Coordinator.Live;
using Sweep.Coordinator.Store;
using Sweep.Physics.Models;

namespace Sweep.Cli.Tests.Live;

/// <summary>The live view's data endpoints over HTTP (a server watching a real run directory), and
/// <c>--serve</c>'s exit codes and warnings on the command line.</summary>
public class LiveViewTests
{
    // 3 × 5 points, one chunk per temperature (the test makes chunk 1, T = 0.5, fail for good).
    private const string Spec = """
        name: live-http
        models: [magnon-junction]
        axes:
          T: {values: [0.3, 0.5, 0.7]}
          h: {lin: [0.1, 0.5], n: 5}
        constants: {J_T: 0.1, S: 1, J: 1, N_r: 1}
        observables: [L11, K]
        chunk: 5
        """;

    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(10) };

    [Fact]
    public async Task The_data_endpoints_give_the_runs_progress_failures_and_the_same_slice_as_sweep_plot()
    {
        using var run = new RunHarness(Spec);
        var (code, _, error) = run.Run("r", "--inject-fault", "1@all", "--max-attempts", "1");
        Assert.True(code == 70, error); // a failed chunk: the run reports failure
        string dir = run.RunDir("r");
        string png = Path.Combine(run.Root, "p.png"), data = Path.Combine(run.Root, "p.json");
        var plot = CliRunner.Run("plot", dir, "-y", "L11", "-x", "h", "--at", "T=0.5", "-o", png, "--data", data);
        Assert.True(plot.ExitCode == 0, plot.Error);

        await using var server = await LiveServer.StartAsync(new LiveAddress(IPAddress.Loopback, 0));
        // Before the run is handed over: the page can load, its data says the run is starting.
        Assert.Equal("starting", (await GetJson(server, "/api/progress")).GetProperty("status").GetString());
        using (var early = await Http.GetAsync(new Uri(server.Url, "/api/slice?y=L11&x=h")))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, early.StatusCode);
        }

        LoadAndWatch(server, dir);

        var progress = await GetJson(server, "/api/progress");
        Assert.Equal("running", progress.GetProperty("status").GetString());
        Assert.Equal("live-http", progress.GetProperty("name").GetString());
        Assert.Equal(15, progress.GetProperty("total_points").GetInt64());
        Assert.Equal(10, progress.GetProperty("done_points").GetInt64());
        Assert.Equal(2, progress.GetProperty("done_chunks").GetInt64());
        Assert.Equal(3, progress.GetProperty("total_chunks").GetInt64());
        Assert.Equal(1, progress.GetProperty("failed_chunks").GetInt64());
        var failure = Assert.Single(progress.GetProperty("failures").EnumerateArray().ToList());
        Assert.Equal(1, failure.GetProperty("chunk").GetInt64());
        Assert.Contains("injected", failure.GetProperty("error").GetString(), StringComparison.OrdinalIgnoreCase);

        // The slice is exactly what `sweep plot --data` wrote for the same request (T = 0.5 is the failed chunk: all gaps).
        Assert.Equal(File.ReadAllText(data), await Http.GetStringAsync(new Uri(server.Url, "/api/slice?y=L11&x=h&at=T%3D0.5")));
        var stored = await GetJson(server, "/api/slice?y=L11&x=h&at=T%3D0.3");
        var values = stored.GetProperty("series")[0].GetProperty("values").EnumerateArray().Select(v => v.GetDouble()).ToArray();
        Assert.Equal(5, values.Length);
        Assert.All(values, v => Assert.True(v > 0, $"L11 = {v}"));
        var gaps = (await GetJson(server, "/api/slice?y=L11&x=h&at=T%3D0.5")).GetProperty("series")[0].GetProperty("values");
        Assert.All(gaps.EnumerateArray(), v => Assert.Equal(JsonValueKind.Null, v.ValueKind));

        var choices = await GetJson(server, "/api/choices");
        var model = Assert.Single(choices.GetProperty("models").EnumerateArray().ToList());
        Assert.Equal(["L11", "K"], model.GetProperty("observables").EnumerateArray().Select(o => o.GetString()!).ToArray());
        Assert.Equal(["T", "h"], model.GetProperty("dimensions").EnumerateArray().Select(d => d.GetProperty("name").GetString()!).ToArray());
        var fallback = choices.GetProperty("default");
        Assert.Equal("T", fallback.GetProperty("x").GetString());
        Assert.Equal(["h=0.1"], fallback.GetProperty("at").EnumerateArray().Select(a => a.GetString()!).ToArray());
    }

    [Fact]
    public async Task Bad_slice_requests_are_400_naming_the_field_and_nothing_but_get_is_served()
    {
        using var run = new RunHarness(Spec);
        Assert.Equal(0, run.Run("r").ExitCode);
        await using var server = await LiveServer.StartAsync(new LiveAddress(IPAddress.Loopback, 0));
        LoadAndWatch(server, run.RunDir("r"));

        foreach (var (query, field) in new[]
                 {
                     ("y=nope&x=h&at=T%3D0.3", "y:"), ("y=L11&x=nope", "x:"), ("x=h", "y:"), ("y=L11&x=h&at=T", "at:"), ("y=L11&x=h", "at:"),
                     ("figure=none", "figure:"),
                 })
        {
            using var response = await Http.GetAsync(new Uri(server.Url, "/api/slice?" + query));
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            string message = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("error").GetString()!;
            Assert.StartsWith(field, message);
        }

        foreach (var method in new[] { HttpMethod.Post, HttpMethod.Put, HttpMethod.Delete })
        {
            foreach (string path in new[] { "/", "/api/progress", "/api/slice?y=L11&x=h&at=T%3D0.3" })
            {
                using var response = await Http.SendAsync(new HttpRequestMessage(method, new Uri(server.Url, path)));
                Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
            }
        }

        using var missing = await Http.GetAsync(new Uri(server.Url, "/api/stop"));
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
    }

    [Fact]
    public async Task The_page_is_self_contained_and_may_load_nothing_from_elsewhere()
    {
        await using var server = await LiveServer.StartAsync(new LiveAddress(IPAddress.Loopback, 0));
        using var response = await Http.GetAsync(server.Url);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType!.MediaType);
        string csp = string.Join(" ", response.Headers.GetValues("Content-Security-Policy"));
        Assert.Contains("default-src 'none'", csp);
        Assert.Contains("connect-src 'self'", csp);
        string html = await response.Content.ReadAsStringAsync();
        Assert.Contains("<canvas id=\"plot\"", html);
        Assert.DoesNotContain("http://", html);
        Assert.DoesNotContain("https://", html);
        Assert.DoesNotContain("src=", html);
        Assert.DoesNotContain("<link", html);
        // Only GETs of its own API: no request that could change anything.
        Assert.DoesNotContain("method:", html);
    }

    [Fact]
    public void A_bad_serve_value_is_a_usage_error_and_touches_nothing()
    {
        using var run = new RunHarness(Spec);
        foreach (string value in new[] { "nope", "70000", "example.org:80", "-1" })
        {
            var (code, _, error) = run.Run("r", "--serve", value);
            Assert.True(code == 64, $"--serve {value}: exit {code}: {error}");
            Assert.Contains("--serve", error);
            Assert.False(Directory.Exists(run.RunDir("r")));
        }
    }

    [Fact]
    public void A_port_in_use_exits_69_before_the_run_directory_is_touched()
    {
        using var run = new RunHarness(Spec);
        using var taken = new TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        int port = ((IPEndPoint)taken.LocalEndpoint).Port;
        var (code, _, error) = run.Run("r", "--serve", port.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.True(code == 69, error);
        Assert.Contains("cannot serve the live view", error);
        Assert.False(Directory.Exists(run.RunDir("r")));
    }

    [Fact]
    public void Loopback_is_the_default_and_a_non_loopback_bind_warns_that_the_page_is_unauthenticated()
    {
        using var run = new RunHarness(Spec);
        var loopback = run.Run("a", "--serve", "0");
        Assert.True(loopback.ExitCode == 0, loopback.Error);
        Assert.Matches(@"live view on http://127\.0\.0\.1:\d+/", loopback.Error);
        Assert.DoesNotContain("unauthenticated", loopback.Error);

        var open = run.Run("b", "--serve", "0.0.0.0:0");
        Assert.True(open.ExitCode == 0, open.Error);
        Assert.Contains("warning: the live view on 0.0.0.0 is reachable from other machines and unauthenticated", open.Error);
        Assert.Equal(run.ExportNpz("a")["magnon-junction/L11.npy"], run.ExportNpz("b")["magnon-junction/L11.npy"]);
    }

    [Fact]
    public void Help_of_run_and_coordinator_describes_serve()
    {
        foreach (string command in new[] { "run", "coordinator" })
        {
            var (code, output, _) = CliRunner.Run(command, "--help");
            Assert.Equal(0, code);
            Assert.Contains("--serve", output);
            Assert.Contains("read-only", output);
        }
    }

    private static void LoadAndWatch(LiveServer server, string dir)
    {
        using var store = RunDirectory.OpenExisting(dir);
        var plan = RunDirectory.LoadPlan(store, ModelRegistry.Default, dir);
        var ledger = store.Summary();
        var counters = new RunCounters(plan.TotalChunks, plan.TotalEvaluations);
        counters.Resumed(ledger.DoneChunks, ledger.DoneEvaluations);
        foreach (var _ in ledger.Failures)
        {
            counters.Failed();
        }

        server.Watch(plan, dir, counters, ModelRegistry.Default);
    }

    private static async Task<JsonElement> GetJson(LiveServer server, string path) =>
        JsonDocument.Parse(await Http.GetStringAsync(new Uri(server.Url, path))).RootElement;
}
