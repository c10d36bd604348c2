using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using Sweep.Cli.Tests.Distributed;

namespace Sweep.Cli.Tests.Monitoring;

/// <summary>
/// /metrics of real coordinator and worker processes during a distributed run: checked by promtool,
/// and scraped by a real Prometheus whose PromQL answers afterwards give the run's point count.
/// </summary>
[Collection("cluster")]
public partial class LiveMetricsTests
{
    // 24 pumped spin-chain points integrated to their steady state (~0.4 s each, one per chunk):
    // seconds of work for two single-threaded workers, so that Prometheus sees the run in progress.
    private const string Spec = """
        name: monitored
        models: [spin-chain]
        axes:
          gamma_I: {values: [0.31, 1.24]}
          T2: {lin: [0.2, 2], n: 12}
        constants: {N: 7, T1: 0, profile: 1, gamma: 3.102, site_offset: 1}
        time: {lin: [0, 30], n: 121}
        observables: [j, j_steady]
        """;

    private const long Points = 2 * 12 * 121;

    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(10) };

    [Fact]
    public async Task Promtool_accepts_the_live_metrics_of_a_coordinator_and_of_a_worker()
    {
        using var run = new RunHarness(Spec);
        using var cluster = new DistributedHarness(run);
        var worker = cluster.Worker("--metrics-port", "127.0.0.1:0");
        cluster.Worker();
        var coordinator = cluster.Coordinator("d", "--metrics-port", "127.0.0.1:0");
        await cluster.WaitForChunks(coordinator, 2);
        Uri coordinatorUrl = MetricsUrl(cluster, coordinator), workerUrl = MetricsUrl(cluster, worker);

        string coordinatorText = await ScrapeWhenAsync(coordinatorUrl, text => Sample(text, "sweep_workers_connected") >= 1);
        string workerText = await ScrapeWhenAsync(workerUrl, text => Sample(text, "sweep_points_evaluated_total") > 0);
        foreach (string text in new[] { coordinatorText, workerText })
        {
            var (code, output) = await PrometheusServer.CheckMetricsAsync(text);
            Assert.True(code == 0 && output.Trim().Length == 0, $"promtool check metrics: exit {code}\n{output}\n---\n{text}");
            Assert.Contains("process_cpu_seconds_total", text);
            Assert.Contains("process_resident_memory_bytes", text);
            Assert.Contains("dotnet_gc_collections_total", text);
            Assert.DoesNotContain("guest", text);
        }

        Assert.Equal(Points, Sample(coordinatorText, "sweep_run_points"));
        Assert.Contains("role=\"coordinator\"", coordinatorText);
        Assert.NotNull(Sample(coordinatorText, "sweep_work_queue_depth"));
        Assert.InRange(Sample(coordinatorText, "sweep_chunks_pending") ?? -1, 1, 24); // the KEDA trigger: chunks neither stored nor abandoned
        Assert.Contains("role=\"worker\"", workerText);
        Assert.Matches("sweep_chunk_duration_seconds_bucket\\{model=\"spin-chain\",run=\"[0-9a-f]+\",role=\"worker\",le=\"0.5\"\\} ", workerText);
        Assert.Equal(1, Sample(workerText, "sweep_worker_concurrency"));

        using var ready = await Http.GetAsync(new Uri(workerUrl, "/readyz"));
        Assert.Equal(System.Net.HttpStatusCode.OK, ready.StatusCode);
        Assert.True(await cluster.ExitCode(coordinator) == 0, cluster.Log(coordinator));
    }

    [Fact]
    public async Task A_real_prometheus_scrapes_the_coordinator_during_the_run_and_promql_returns_its_point_count()
    {
        using var run = new RunHarness(Spec);
        using var cluster = new DistributedHarness(run);
        int port = DistributedHarness.FreePort();
        await using var prometheus = await PrometheusServer.StartAsync($"127.0.0.1:{port}");
        cluster.Worker();
        cluster.Worker();
        // Linger past a scrape interval so that the final values are scraped before the process exits.
        var coordinator = cluster.Coordinator("d", "--metrics-port", $"127.0.0.1:{port}", "--metrics-linger", "3");
        Assert.True(await cluster.ExitCode(coordinator) == 0, cluster.Log(coordinator));

        string runId = RunHarness.RunId(run.RunDir("d"));
        // The target is gone now: query the samples it left (an instant query would meet the staleness marker).
        var done = await prometheus.QueryAsync($"max_over_time(sweep_run_points_done{{run=\"{runId}\"}}[5m])");
        Assert.Equal(Points, Assert.Single(done).Value);
        var stored = await prometheus.QueryAsync($"max_over_time(sweep_points_stored_total{{role=\"coordinator\",run=\"{runId}\"}}[5m])");
        Assert.Equal(Points, Assert.Single(stored).Value);
        var info = await prometheus.QueryAsync($"max_over_time(sweep_run_info{{run=\"{runId}\"}}[5m])");
        Assert.Equal("monitored", Assert.Single(info).Labels["name"]);
        // Scraped during the run, not only at its end: progress was seen below 1.
        var progress = await prometheus.QueryAsync($"min_over_time(sweep_run_progress_ratio{{run=\"{runId}\"}}[5m])");
        Assert.InRange(Assert.Single(progress).Value, 0, 0.999);
    }

    [Fact]
    public async Task Every_metric_the_dashboard_queries_is_exported_by_sweep_and_every_query_parses()
    {
        string dashboard = await File.ReadAllTextAsync(Path.Combine(ModelsCommandTests.RepositoryRoot(), "deploy", "grafana", "sweep-dashboard.json"));
        var expressions = PromQl.DashboardExpressions(dashboard);
        Assert.True(expressions.Count >= 20, $"only {expressions.Count} queries in the dashboard");

        using var run = new RunHarness(Spec);
        using var cluster = new DistributedHarness(run);
        var worker = cluster.Worker("--metrics-port", "127.0.0.1:0");
        var coordinator = cluster.Coordinator("d", "--metrics-port", "127.0.0.1:0");
        await cluster.WaitForChunks(coordinator, 1);
        var exposed = new HashSet<string>();
        exposed.UnionWith(PromQl.ExposedNames(await ScrapeWhenAsync(MetricsUrl(cluster, coordinator), t => Sample(t, "sweep_workers_connected") >= 1)));
        exposed.UnionWith(PromQl.ExposedNames(await ScrapeWhenAsync(MetricsUrl(cluster, worker), t => Sample(t, "sweep_chunk_duration_seconds_count") > 0)));
        Assert.True(await cluster.ExitCode(coordinator) == 0, cluster.Log(coordinator));

        var unknown = expressions.SelectMany(e => PromQl.MetricNames(e).Select(name => (name, e))).Where(x => !exposed.Contains(x.name)).ToList();
        Assert.True(unknown.Count == 0, "not exported: " + string.Join("; ", unknown.Select(x => $"{x.name} in {x.e}")));
        Assert.Contains("sweep_run_progress_ratio", PromQl.MetricNames(expressions[0]));

        // promtool parses every query (as recording rules), with Grafana's variables filled in.
        string rules = Path.Combine(run.Root, "dashboard-rules.yml");
        await File.WriteAllTextAsync(rules, "groups:\n  - name: dashboard\n    rules:\n" + string.Concat(expressions.Select((e, i) =>
            $"      - record: dashboard:query{i}\n        expr: {System.Text.Json.JsonSerializer.Serialize(PromQl.Expand(e))}\n")));
        var (code, output) = await PrometheusServer.RunPromtoolAsync("check", "rules", rules);
        Assert.True(code == 0, output);
    }

    private static Uri MetricsUrl(DistributedHarness cluster, Process process)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (DateTime.UtcNow < deadline)
        {
            if (MetricsLine().Match(cluster.Log(process)) is { Success: true } match)
            {
                return new Uri(match.Groups[1].Value);
            }

            Thread.Sleep(50);
        }

        throw new InvalidOperationException($"no metrics URL in the log:\n{cluster.Log(process)}");
    }

    private static async Task<string> ScrapeWhenAsync(Uri url, Func<string, bool> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        string text;
        do
        {
            text = await Http.GetStringAsync(url);
            if (condition(text))
            {
                return text;
            }

            await Task.Delay(200);
        }
        while (DateTime.UtcNow < deadline);

        throw new InvalidOperationException($"the metrics never met the condition:\n{text}");
    }

    /// <summary>The value of the first sample of <paramref name="name"/> (exactly that name), or null.</summary>
    private static double? Sample(string exposition, string name) =>
        exposition.Split('\n').Where(l => l.StartsWith(name + "{", StringComparison.Ordinal) || l.StartsWith(name + " ", StringComparison.Ordinal))
            .Select(l => (double?)double.Parse(l[(l.LastIndexOf(' ') + 1)..], CultureInfo.InvariantCulture)).FirstOrDefault();

    [GeneratedRegex(@"metrics on (http://\S+/metrics)")]
    private static partial Regex MetricsLine();
}
