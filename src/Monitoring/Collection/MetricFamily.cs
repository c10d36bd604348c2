namespace Sweep.Monitoring.Collection;

// One scrape's worth of metrics, independent of how they were recorded: what the exposition formats.

public enum MetricType
{
    Counter,
    Gauge,
    Histogram,
}

/// <summary>All series of one metric name. <see cref="Name"/> is the exposed name (a counter's
/// includes its <c>_total</c> suffix).</summary>
public sealed record MetricFamily(string Name, string Help, MetricType Type, IReadOnlyList<MetricSeries> Series);

/// <summary>One label set's value: <see cref="Value"/> for counters and gauges, <see cref="Histogram"/> for histograms.</summary>
public sealed record MetricSeries(IReadOnlyList<KeyValuePair<string, string>> Labels, double Value, HistogramValue? Histogram = null);

/// <summary>A histogram's state: <see cref="BucketCounts"/>[i] counts observations ≤ <see cref="UpperBounds"/>[i]
/// and above the previous bound (not cumulative); the last entry counts those above every bound.</summary>
public sealed record HistogramValue(IReadOnlyList<double> UpperBounds, IReadOnlyList<long> BucketCounts, double Sum, long Count);
