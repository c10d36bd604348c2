using System.Diagnostics;
using System.Diagnostics.Metrics;
using Sweep.Monitoring.Collection;

namespace Sweep.Monitoring.Tests;

/// <summary>From System.Diagnostics.Metrics instruments to metric families: sums, last values, buckets, labels.</summary>
public sealed class MeterCollectorTests : IDisposable
{
    private readonly Meter _meter = new("Sweep.Test");
    private readonly MeterCollector _collector;

    public MeterCollectorTests() => _collector = new MeterCollector(_meter, [new("role", "test")]);

    public void Dispose()
    {
        _collector.Dispose();
        _meter.Dispose();
    }

    private MetricFamily Family(string name) => _collector.Collect().Single(f => f.Name == name);

    [Fact]
    public void Counters_sum_per_label_set_across_threads_and_get_the_total_suffix()
    {
        var counter = _meter.CreateCounter<long>("sweep_points", description: "points");
        Parallel.For(0, 10_000, i => counter.Add(3, new KeyValuePair<string, object?>("run", i % 2 == 0 ? "a" : "b")));

        var family = Family("sweep_points_total");
        Assert.Equal(MetricType.Counter, family.Type);
        Assert.Equal("points", family.Help);
        Assert.Equal([15_000.0, 15_000.0], family.Series.Select(s => s.Value));
        Assert.All(family.Series, s => Assert.Equal("role", s.Labels[0].Key));
        Assert.Equal(["a", "b"], family.Series.Select(s => s.Labels[1].Value).Order());
    }

    [Fact]
    public void Instrument_tags_are_sorted_after_the_constant_labels()
    {
        var counter = _meter.CreateCounter<long>("sweep_chunks_total");
        counter.Add(1, new TagList { { "run", "r" }, { "model", "mtj" } });

        var labels = Family("sweep_chunks_total").Series.Single().Labels;
        Assert.Equal(["role", "model", "run"], labels.Select(l => l.Key));
        Assert.Equal(["test", "mtj", "r"], labels.Select(l => l.Value));
    }

    [Fact]
    public void Observable_instruments_are_read_at_each_collection_and_a_series_they_stop_reporting_disappears()
    {
        double? eta = 12.5;
        long cpu = 7;
        _meter.CreateObservableGauge("sweep_eta_seconds", () => eta is { } e ? [new Measurement<double>(e)] : Array.Empty<Measurement<double>>());
        _meter.CreateObservableCounter("sweep_cpu_seconds", () => cpu);

        Assert.Equal(12.5, Family("sweep_eta_seconds").Series.Single().Value);
        Assert.Equal(MetricType.Counter, Family("sweep_cpu_seconds_total").Type);
        eta = 3;
        cpu = 9;
        Assert.Equal(3, Family("sweep_eta_seconds").Series.Single().Value);
        Assert.Equal(9, Family("sweep_cpu_seconds_total").Series.Single().Value);

        eta = null;
        Assert.DoesNotContain(_collector.Collect(), f => f.Name == "sweep_eta_seconds");
    }

    [Fact]
    public void Up_down_counters_are_gauges()
    {
        var inFlight = _meter.CreateUpDownCounter<int>("sweep_in_flight");
        inFlight.Add(5);
        inFlight.Add(-2);

        var family = Family("sweep_in_flight");
        Assert.Equal(MetricType.Gauge, family.Type);
        Assert.Equal(3, family.Series.Single().Value);
    }

    [Fact]
    public void Histograms_bucket_by_the_advised_bounds_with_an_observation_on_a_bound_in_that_bucket()
    {
        var histogram = _meter.CreateHistogram("sweep_duration_seconds", unit: "s", description: null, tags: null,
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.1, 1, 10] });
        foreach (double seconds in new[] { 0.05, 0.1, 0.5, 1, 20, 30 })
        {
            histogram.Record(seconds);
        }

        var value = Family("sweep_duration_seconds").Series.Single().Histogram!;
        Assert.Equal([0.1, 1, 10], value.UpperBounds);
        Assert.Equal([2L, 2, 0, 2], value.BucketCounts);
        Assert.Equal(6, value.Count);
        Assert.Equal(51.65, value.Sum, 12);
    }

    [Fact]
    public void Histograms_without_advice_use_the_prometheus_default_buckets()
    {
        _meter.CreateHistogram<double>("sweep_latency_seconds").Record(0.3);
        var value = Family("sweep_latency_seconds").Series.Single().Histogram!;
        Assert.Equal(InstrumentState.DefaultBuckets, value.UpperBounds);
        Assert.Equal(1, value.BucketCounts[Array.IndexOf(InstrumentState.DefaultBuckets, 0.5)]);
    }

    [Fact]
    public void Instruments_of_another_meter_with_the_same_name_are_not_collected()
    {
        using var other = new Meter("Sweep.Test");
        other.CreateCounter<long>("sweep_other").Add(1);
        _meter.CreateCounter<long>("sweep_mine").Add(1);

        Assert.Equal(["sweep_mine_total"], _collector.Collect().Select(f => f.Name));
    }

    [Fact]
    public void Instruments_that_have_recorded_nothing_are_left_out()
    {
        _meter.CreateCounter<long>("sweep_unused");
        Assert.Empty(_collector.Collect());
    }

    [Fact]
    public void Names_and_labels_that_prometheus_cannot_read_are_refused()
    {
        Assert.Throws<ArgumentException>(() => _meter.CreateCounter<long>("sweep.points"));
        var counter = _meter.CreateCounter<long>("sweep_good");
        Assert.Throws<ArgumentException>(() => counter.Add(1, new KeyValuePair<string, object?>("bad-label", "x")));
    }
}
