using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Sweep.Monitoring.Collection;

namespace Sweep.Monitoring.Exposition;

/// <summary>
/// Writes metric families in the Prometheus text exposition format, version 0.0.4: a HELP and a
/// TYPE line per family, then one line per series; histograms as cumulative <c>_bucket</c> series
/// with an <c>le</c> label ending at <c>+Inf</c>, then <c>_sum</c> and <c>_count</c>. Families and
/// series come out sorted, so equal states give equal text (snapshot tests, diffable scrapes).
/// </summary>
public static partial class PrometheusText
{
    public const string ContentType = "text/plain; version=0.0.4; charset=utf-8";

    public static string Write(IEnumerable<MetricFamily> families)
    {
        var text = new StringBuilder();
        foreach (var family in families.OrderBy(f => f.Name, StringComparer.Ordinal))
        {
            if (!IsValidName(family.Name))
            {
                throw new ArgumentException($"'{family.Name}' is not a valid Prometheus metric name");
            }

            text.Append("# HELP ").Append(family.Name).Append(' ').Append(EscapeHelp(family.Help)).Append('\n');
            text.Append("# TYPE ").Append(family.Name).Append(' ').Append(family.Type.ToString().ToLowerInvariant()).Append('\n');
            foreach (var series in family.Series.OrderBy(s => LabelKey(s.Labels), StringComparer.Ordinal))
            {
                if (series.Histogram is { } histogram)
                {
                    WriteHistogram(text, family.Name, series.Labels, histogram);
                }
                else
                {
                    WriteSample(text, family.Name, series.Labels, null, series.Value);
                }
            }
        }

        return text.ToString();
    }

    public static bool IsValidName(string name) => MetricName().IsMatch(name);

    public static bool IsValidLabelName(string name) => LabelName().IsMatch(name) && !name.StartsWith("__", StringComparison.Ordinal);

    /// <summary>A float as Prometheus (Go's ParseFloat) reads it: shortest round-trip, +Inf, -Inf, NaN.</summary>
    public static string FormatValue(double value) => value switch
    {
        double.PositiveInfinity => "+Inf",
        double.NegativeInfinity => "-Inf",
        _ when double.IsNaN(value) => "NaN",
        _ => value.ToString("R", CultureInfo.InvariantCulture),
    };

    private static void WriteHistogram(StringBuilder text, string name, IReadOnlyList<KeyValuePair<string, string>> labels, HistogramValue histogram)
    {
        long cumulative = 0;
        for (int i = 0; i <= histogram.UpperBounds.Count; i++)
        {
            cumulative += histogram.BucketCounts[i];
            string le = i < histogram.UpperBounds.Count ? FormatValue(histogram.UpperBounds[i]) : "+Inf";
            WriteSample(text, name + "_bucket", labels, le, cumulative);
        }

        WriteSample(text, name + "_sum", labels, null, histogram.Sum);
        WriteSample(text, name + "_count", labels, null, histogram.Count);
    }

    private static void WriteSample(StringBuilder text, string name, IReadOnlyList<KeyValuePair<string, string>> labels, string? le, double value)
    {
        text.Append(name);
        if (labels.Count > 0 || le is not null)
        {
            text.Append('{');
            string separator = "";
            foreach (var (key, labelValue) in labels)
            {
                text.Append(separator).Append(key).Append("=\"").Append(EscapeLabelValue(labelValue)).Append('"');
                separator = ",";
            }

            if (le is not null)
            {
                text.Append(separator).Append("le=\"").Append(le).Append('"');
            }

            text.Append('}');
        }

        text.Append(' ').Append(FormatValue(value)).Append('\n');
    }

    private static string LabelKey(IReadOnlyList<KeyValuePair<string, string>> labels) =>
        string.Join('\u0001', labels.Select(l => l.Key + '\u0002' + l.Value));

    // 0.0.4: label values escape backslash, double quote and line feed; HELP escapes backslash and line feed.
    private static string EscapeLabelValue(string value) => value.Replace("\\", @"\\").Replace("\"", "\\\"").Replace("\n", @"\n");

    private static string EscapeHelp(string help) => help.Replace("\\", @"\\").Replace("\n", @"\n");

    [GeneratedRegex("^[a-zA-Z_:][a-zA-Z0-9_:]*$")]
    private static partial Regex MetricName();

    [GeneratedRegex("^[a-zA-Z_][a-zA-Z0-9_]*$")]
    private static partial Regex LabelName();
}
