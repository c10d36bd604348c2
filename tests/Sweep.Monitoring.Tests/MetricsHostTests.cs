using Prometheus;

namespace Sweep.Monitoring.Tests;

/// <summary>What a host exports, read back from its text exposition: names, the role label, histogram
/// buckets, the process and GC metrics, and nothing of the library's own default collectors.</summary>
public class MetricsHostTests
{
    [Fact]
    public async Task Counters_keep_their_total_suffix_and_every_series_carries_the_role()
    {
        await using var host = new MetricsHost("worker");
        var points = host.Factory.CreateCounter("sweep_points_evaluated_total", "Points evaluated.", ["model", "run"]);
        Parallel.For(0, 10_000, i => points.WithLabels("mtj", i % 2 == 0 ? "a" : "b").Inc(3));

        var text = Exposition.Parse(await host.ScrapeAsync());
        Assert.Equal("counter", text.Types["sweep_points_evaluated_total"]);
        Assert.Equal("Points evaluated.", text.Help["sweep_points_evaluated_total"]);
        Assert.Equal(15_000, text.Value("sweep_points_evaluated_total", ("model", "mtj"), ("run", "a")));
        Assert.Equal(15_000, text.Value("sweep_points_evaluated_total", ("model", "mtj"), ("run", "b")));
        Assert.All(text.Samples, s => Assert.Equal("worker", s.Labels["role"]));
    }

    [Fact]
    public async Task Histograms_are_cumulative_buckets_with_an_observation_on_a_bound_in_that_bucket()
    {
        await using var host = new MetricsHost("run");
        var duration = host.Factory.CreateHistogram("sweep_chunk_duration_seconds", "Wall time per chunk.", ["model"],
            new HistogramConfiguration { Buckets = [0.1, 1, 10] });
        foreach (double seconds in new[] { 0.05, 0.1, 0.5, 1, 20, 30 })
        {
            duration.WithLabels("mtj").Observe(seconds);
        }

        var text = Exposition.Parse(await host.ScrapeAsync());
        Assert.Equal("histogram", text.Types["sweep_chunk_duration_seconds"]);
        Assert.Equal([2.0, 4, 4, 6], new[] { "0.1", "1", "10", "+Inf" }.Select(le => text.Value("sweep_chunk_duration_seconds_bucket", ("le", le))));
        Assert.Equal(6, text.Value("sweep_chunk_duration_seconds_count"));
        Assert.Equal(51.65, text.Value("sweep_chunk_duration_seconds_sum"), 12);
    }

    [Fact]
    public async Task Counts_made_before_the_first_scrape_are_kept()
    {
        await using var host = new MetricsHost("run");
        host.Factory.CreateCounter("sweep_chunks_evaluated_total", "Chunks.").Inc(5);
        Assert.Equal(5, Exposition.Parse(await host.ScrapeAsync()).Value("sweep_chunks_evaluated_total"));
    }

    [Fact]
    public async Task Observed_gauges_are_read_at_each_scrape()
    {
        await using var host = new MetricsHost("worker");
        int runs = 2;
        host.ObservedGauge("sweep_worker_runs", "Runs served.", () => runs);
        Assert.Equal(2, Exposition.Parse(await host.ScrapeAsync()).Value("sweep_worker_runs"));
        runs = 0;
        Assert.Equal(0, Exposition.Parse(await host.ScrapeAsync()).Value("sweep_worker_runs"));
    }

    [Fact]
    public async Task Hosts_in_one_process_are_independent()
    {
        await using var run = new MetricsHost("run");
        await using var coordinator = new MetricsHost("coordinator");
        run.Factory.CreateGauge("sweep_run_points", "Points.").Set(7);
        coordinator.Factory.CreateGauge("sweep_run_points", "Points.").Set(9);

        Assert.Equal(7, Exposition.Parse(await run.ScrapeAsync()).Value("sweep_run_points", ("role", "run")));
        Assert.Equal(9, Exposition.Parse(await coordinator.ScrapeAsync()).Value("sweep_run_points", ("role", "coordinator")));
    }

    [Fact]
    public async Task Exports_the_standard_process_and_gc_metrics_and_none_of_the_library_defaults()
    {
        await using var host = new MetricsHost("worker");
        GC.Collect(2); // a gen2 collection counts in every generation
        var text = Exposition.Parse(await host.ScrapeAsync());

        Assert.Equal("counter", text.Types["process_cpu_seconds_total"]);
        Assert.True(text.Value("process_cpu_seconds_total") > 0);
        Assert.True(text.Value("process_resident_memory_bytes") > 1 << 20);
        Assert.True(text.Value("process_virtual_memory_bytes") >= text.Value("process_resident_memory_bytes"));
        Assert.True(text.Value("process_threads") >= 1);
        Assert.True(text.Value("process_open_fds") >= 3);
        double started = text.Value("process_start_time_seconds");
        // Now in fractional seconds (whole ones made a start within the current second look up to 1 s ahead,
        // as in one CI run), and a second's tolerance for the start's conversion from clock ticks since boot.
        Assert.InRange(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / 1e3 - started, -1, 24 * 3600);
        Assert.True(text.Value("dotnet_gc_collections_total", ("generation", "gen2")) >= 1);
        Assert.True(text.Value("dotnet_gc_collections_total", ("generation", "gen0")) >= text.Value("dotnet_gc_collections_total", ("generation", "gen2")));
        Assert.True(text.Value("dotnet_gc_allocated_bytes_total") > 0);
        Assert.True(text.Value("dotnet_gc_heap_size_bytes") > 0);
        Assert.True(text.Value("dotnet_gc_pause_seconds_total") >= 0);
        Assert.True(text.Value("dotnet_threadpool_threads") >= 0);

        var build = Assert.Single(text.Samples, s => s.Name == "sweep_build_info");
        Assert.Equal(1, build.Value);
        Assert.Matches(@"^\d+\.\d+\.\d+$", build.Labels["version"]);
        Assert.Equal(Environment.Version.ToString(), build.Labels["dotnet_version"]);

        // Only our own families: the library's DotNetStats, EventCounter and Meter adapters stay off.
        Assert.Equal(
            ["dotnet_gc_allocated_bytes_total", "dotnet_gc_collections_total", "dotnet_gc_heap_size_bytes", "dotnet_gc_pause_seconds_total",
             "dotnet_threadpool_threads", "process_cpu_seconds_total", "process_open_fds", "process_resident_memory_bytes",
             "process_start_time_seconds", "process_threads", "process_virtual_memory_bytes", "sweep_build_info"],
            text.Types.Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Names_and_labels_that_prometheus_cannot_read_are_refused()
    {
        var factory = Metrics.WithCustomRegistry(Metrics.NewCustomRegistry());
        Assert.ThrowsAny<ArgumentException>(() => factory.CreateCounter("sweep.points", ""));
        Assert.ThrowsAny<ArgumentException>(() => factory.CreateCounter("sweep_points_total", "", ["bad-label"]));
    }

    [Fact]
    public async Task Process_metrics_from_procfs_agree_with_what_dotnet_reports()
    {
        await using var host = new MetricsHost("run");
        using var self = System.Diagnostics.Process.GetCurrentProcess();
        var opened = Enumerable.Range(0, 50).Select(_ => File.OpenRead("/proc/self/stat")).ToList();
        try
        {
            var text = Exposition.Parse(await host.ScrapeAsync());
            Assert.InRange(text.Value("process_threads"), self.Threads.Count - 10, self.Threads.Count + 10);
            Assert.InRange(text.Value("process_resident_memory_bytes"), 0.5 * self.WorkingSet64, 2.0 * self.WorkingSet64);
            Assert.InRange(text.Value("process_virtual_memory_bytes"), 0.5 * self.VirtualMemorySize64, 2.0 * self.VirtualMemorySize64);
            Assert.InRange(text.Value("process_open_fds"), Directory.GetFiles("/proc/self/fd").Length - 10, Directory.GetFiles("/proc/self/fd").Length + 10);
            Assert.True(text.Value("process_open_fds") >= 50);
            Assert.InRange(text.Value("process_cpu_seconds_total"), 0.5 * self.TotalProcessorTime.TotalSeconds, 2.0 * self.TotalProcessorTime.TotalSeconds + 1);
        }
        finally
        {
            opened.ForEach(f => f.Dispose());
        }
    }
}
