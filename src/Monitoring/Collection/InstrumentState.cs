using System.Diagnostics.Metrics;
using System.Globalization;
using Sweep.Monitoring.Exposition;

namespace Sweep.Monitoring.Collection;

/// <summary>What a <see cref="MeterCollector"/> keeps for one instrument: a value per label set.</summary>
internal abstract class InstrumentState(string name, string help, MetricType type, KeyValuePair<string, string>[] constantLabels)
{
    /// <summary>Prometheus' default buckets, for histograms that advise none.</summary>
    public static readonly double[] DefaultBuckets = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

    private readonly Dictionary<string, Series> _series = new(StringComparer.Ordinal);

    public static InstrumentState For(Instrument instrument, KeyValuePair<string, string>[] constantLabels)
    {
        string name = instrument.Name, help = instrument.Description ?? "";
        if (!PrometheusText.IsValidName(name))
        {
            throw new ArgumentException($"instrument '{name}' does not have a valid Prometheus metric name");
        }

        Type kind = instrument.GetType().GetGenericTypeDefinition();
        string total = name.EndsWith("_total", StringComparison.Ordinal) ? name : name + "_total";
        return kind switch
        {
            _ when kind == typeof(Counter<>) => new Sum(total, help, MetricType.Counter, constantLabels),
            _ when kind == typeof(UpDownCounter<>) => new Sum(name, help, MetricType.Gauge, constantLabels),
            _ when kind == typeof(ObservableCounter<>) => new LastValue(total, help, MetricType.Counter, constantLabels),
            _ when kind == typeof(ObservableGauge<>) || kind == typeof(ObservableUpDownCounter<>) || kind == typeof(Gauge<>) =>
                new LastValue(name, help, MetricType.Gauge, constantLabels),
            _ when kind == typeof(Histogram<>) => new Buckets(name, help, AdvisedBuckets(instrument) ?? DefaultBuckets, constantLabels),
            _ => throw new ArgumentException($"instrument '{name}' is a {kind.Name}, which this collector does not export"),
        };
    }

    /// <summary>Called before observable instruments are read for a scrape.</summary>
    public virtual void BeginCollection()
    {
    }

    public void Record<T>(T value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
        where T : struct
    {
        double number = Convert.ToDouble(value, CultureInfo.InvariantCulture);
        var labels = Labels(tags);
        string key = string.Join('\u0001', labels.Select(l => l.Key + '\u0002' + l.Value));
        lock (_series)
        {
            if (!_series.TryGetValue(key, out var series))
            {
                _series[key] = series = new Series(labels);
            }

            Update(series, number);
        }
    }

    public MetricFamily Snapshot()
    {
        lock (_series)
        {
            return new MetricFamily(name, help, type, _series.Values.Select(ToSeries).ToArray());
        }
    }

    protected abstract void Update(Series series, double value);

    protected abstract MetricSeries ToSeries(Series series);

    protected void ClearSeries()
    {
        lock (_series)
        {
            _series.Clear();
        }
    }

    private KeyValuePair<string, string>[] Labels(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var labels = new KeyValuePair<string, string>[constantLabels.Length + tags.Length];
        constantLabels.CopyTo(labels, 0);
        for (int i = 0; i < tags.Length; i++)
        {
            if (!PrometheusText.IsValidLabelName(tags[i].Key))
            {
                throw new ArgumentException($"'{tags[i].Key}' is not a valid Prometheus label name (metric {name})");
            }

            labels[constantLabels.Length + i] = new(tags[i].Key, Convert.ToString(tags[i].Value, CultureInfo.InvariantCulture) ?? "");
        }

        Array.Sort(labels, constantLabels.Length, tags.Length, Comparer<KeyValuePair<string, string>>.Create((a, b) => string.CompareOrdinal(a.Key, b.Key)));
        return labels;
    }

    private static double[]? AdvisedBuckets(Instrument instrument) => instrument switch
    {
        Histogram<double> h => h.Advice?.HistogramBucketBoundaries?.ToArray(),
        Histogram<long> h => h.Advice?.HistogramBucketBoundaries?.Select(b => (double)b).ToArray(),
        _ => null,
    };

    protected sealed class Series(KeyValuePair<string, string>[] labels)
    {
        public KeyValuePair<string, string>[] Labels { get; } = labels;

        public double Value { get; set; }

        public long[]? Counts { get; set; }

        public long Count { get; set; }
    }

    private sealed class Sum(string name, string help, MetricType type, KeyValuePair<string, string>[] constant) : InstrumentState(name, help, type, constant)
    {
        protected override void Update(Series series, double value) => series.Value += value;

        protected override MetricSeries ToSeries(Series series) => new(series.Labels, series.Value);
    }

    private sealed class LastValue(string name, string help, MetricType type, KeyValuePair<string, string>[] constant) : InstrumentState(name, help, type, constant)
    {
        public override void BeginCollection() => ClearSeries();

        protected override void Update(Series series, double value) => series.Value = value;

        protected override MetricSeries ToSeries(Series series) => new(series.Labels, series.Value);
    }

    private sealed class Buckets(string name, string help, double[] bounds, KeyValuePair<string, string>[] constant)
        : InstrumentState(name, help, MetricType.Histogram, constant)
    {
        protected override void Update(Series series, double value)
        {
            series.Counts ??= new long[bounds.Length + 1];
            int bucket = Array.BinarySearch(bounds, value);
            series.Counts[bucket >= 0 ? bucket : ~bucket]++; // an observation equal to a bound belongs to that bound's bucket (le)
            series.Value += value;
            series.Count++;
        }

        protected override MetricSeries ToSeries(Series series) =>
            new(series.Labels, series.Value, new HistogramValue(bounds, (long[])series.Counts!.Clone(), series.Value, series.Count));
    }
}
