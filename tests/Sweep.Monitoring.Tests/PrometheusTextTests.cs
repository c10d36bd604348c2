using Sweep.Monitoring.Collection;
using Sweep.Monitoring.Exposition;

namespace Sweep.Monitoring.Tests;

/// <summary>The text exposition format 0.0.4, as a snapshot: ordering, escaping, histograms, special values.</summary>
public class PrometheusTextTests
{
    private static KeyValuePair<string, string>[] L(params string[] pairs) =>
        Enumerable.Range(0, pairs.Length / 2).Select(i => new KeyValuePair<string, string>(pairs[2 * i], pairs[2 * i + 1])).ToArray();

    [Fact]
    public void Writes_families_sorted_with_help_type_escaped_labels_and_cumulative_histogram_buckets()
    {
        var families = new[]
        {
            new MetricFamily("sweep_chunk_duration_seconds", "Wall time per chunk.", MetricType.Histogram,
            [
                new MetricSeries(L("role", "worker", "run", "r1"), 0.75, new HistogramValue([0.1, 0.5, 1], [1, 0, 2, 1], 2.75, 4)),
            ]),
            new MetricFamily("sweep_run_eta_seconds", "Seconds left.\nSecond line with a \\ backslash.", MetricType.Gauge,
            [
                new MetricSeries(L("run", "b"), double.PositiveInfinity),
                new MetricSeries(L("run", "a"), double.NaN),
                new MetricSeries(L("run", "c"), -0.0625),
            ]),
            new MetricFamily("sweep_points_evaluated_total", "Points.", MetricType.Counter,
            [
                new MetricSeries(L("model", "say \"hi\"\\\n"), 1e21),
                new MetricSeries([], 42),
            ]),
        };

        Assert.Equal("""
            # HELP sweep_chunk_duration_seconds Wall time per chunk.
            # TYPE sweep_chunk_duration_seconds histogram
            sweep_chunk_duration_seconds_bucket{role="worker",run="r1",le="0.1"} 1
            sweep_chunk_duration_seconds_bucket{role="worker",run="r1",le="0.5"} 1
            sweep_chunk_duration_seconds_bucket{role="worker",run="r1",le="1"} 3
            sweep_chunk_duration_seconds_bucket{role="worker",run="r1",le="+Inf"} 4
            sweep_chunk_duration_seconds_sum{role="worker",run="r1"} 2.75
            sweep_chunk_duration_seconds_count{role="worker",run="r1"} 4
            # HELP sweep_points_evaluated_total Points.
            # TYPE sweep_points_evaluated_total counter
            sweep_points_evaluated_total 42
            sweep_points_evaluated_total{model="say \"hi\"\\\n"} 1E+21
            # HELP sweep_run_eta_seconds Seconds left.\nSecond line with a \\ backslash.
            # TYPE sweep_run_eta_seconds gauge
            sweep_run_eta_seconds{run="a"} NaN
            sweep_run_eta_seconds{run="b"} +Inf
            sweep_run_eta_seconds{run="c"} -0.0625

            """.ReplaceLineEndings("\n"), PrometheusText.Write(families));
    }

    [Theory]
    [InlineData("sweep_points_total", true)]
    [InlineData("a:b_c", true)]
    [InlineData("_x", true)]
    [InlineData("1x", false)]
    [InlineData("sweep.points", false)]
    [InlineData("sweep-points", false)]
    [InlineData("", false)]
    public void Validates_metric_names(string name, bool valid) => Assert.Equal(valid, PrometheusText.IsValidName(name));

    [Theory]
    [InlineData("run", true)]
    [InlineData("__name__", false)]
    [InlineData("a:b", false)]
    [InlineData("9", false)]
    public void Validates_label_names(string name, bool valid) => Assert.Equal(valid, PrometheusText.IsValidLabelName(name));

    [Fact]
    public void Refuses_a_family_with_an_invalid_name()
    {
        var family = new MetricFamily("bad.name", "", MetricType.Gauge, [new MetricSeries([], 1)]);
        Assert.Throws<ArgumentException>(() => PrometheusText.Write([family]));
    }

    [Theory]
    [InlineData(0.1, "0.1")]
    [InlineData(1.0, "1")]
    [InlineData(123456789012.0, "123456789012")]
    [InlineData(1e-7, "1E-07")]
    [InlineData(double.NegativeInfinity, "-Inf")]
    public void Formats_values_as_round_trip_floats(double value, string text)
    {
        Assert.Equal(text, PrometheusText.FormatValue(value));
        if (double.IsFinite(value))
        {
            Assert.Equal(value, double.Parse(text, System.Globalization.CultureInfo.InvariantCulture));
        }
    }
}
