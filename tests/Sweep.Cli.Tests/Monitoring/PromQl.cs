using System.Text.Json;
using System.Text.RegularExpressions;

namespace Sweep.Cli.Tests.Monitoring;

/// <summary>Just enough PromQL reading for the dashboard checks: the metric names an expression selects.</summary>
internal static partial class PromQl
{
    private static readonly HashSet<string> Keywords =
        ["and", "or", "unless", "bool", "offset", "by", "without", "on", "ignoring", "group_left", "group_right", "inf", "nan", "le"];

    public static IReadOnlySet<string> MetricNames(string expression)
    {
        string bare = StringLiteral().Replace(expression, "\"\"");
        bare = LabelMatchers().Replace(bare, " ");
        bare = RangesAndSubqueries().Replace(bare, " ");
        bare = Grouping().Replace(bare, " ");
        return Identifier().Matches(bare)
            .Where(m => !bare[(m.Index + m.Length)..].TrimStart().StartsWith('(')) // a function or aggregation
            .Select(m => m.Value)
            .Where(name => !Keywords.Contains(name.ToLowerInvariant()))
            .ToHashSet();
    }

    /// <summary>Every "expr" in a Grafana dashboard (panels, rows' panels, targets).</summary>
    public static IReadOnlyList<string> DashboardExpressions(string dashboardJson)
    {
        var expressions = new List<string>();
        void Walk(JsonElement element)
        {
            switch (element.ValueKind)
            {
                case JsonValueKind.Object:
                    foreach (var property in element.EnumerateObject())
                    {
                        if (property.Name == "expr" && property.Value.ValueKind == JsonValueKind.String)
                        {
                            expressions.Add(property.Value.GetString()!);
                        }
                        else
                        {
                            Walk(property.Value);
                        }
                    }

                    break;
                case JsonValueKind.Array:
                    foreach (var item in element.EnumerateArray())
                    {
                        Walk(item);
                    }

                    break;
            }
        }

        using var document = JsonDocument.Parse(dashboardJson);
        Walk(document.RootElement);
        return expressions;
    }

    /// <summary>An expression with Grafana's variables replaced, as Prometheus would receive it.</summary>
    public static string Expand(string expression) =>
        expression.Replace("$__rate_interval", "1m").Replace("$__interval", "1m").Replace("$run", ".*");

    /// <summary>The sample names in a text exposition (histograms give their _bucket, _sum and _count).</summary>
    public static IReadOnlySet<string> ExposedNames(string exposition) =>
        exposition.Split('\n').Where(l => l.Length > 0 && l[0] != '#').Select(l => SampleName().Match(l).Value).ToHashSet();

    [GeneratedRegex("\"(?:[^\"\\\\]|\\\\.)*\"")]
    private static partial Regex StringLiteral();

    [GeneratedRegex(@"\{[^}]*\}")]
    private static partial Regex LabelMatchers();

    [GeneratedRegex(@"\[[^\]]*\]")]
    private static partial Regex RangesAndSubqueries();

    [GeneratedRegex(@"\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)")]
    private static partial Regex Grouping();

    [GeneratedRegex(@"(?<![\w.])[a-zA-Z_:][a-zA-Z0-9_:]*")]
    private static partial Regex Identifier();

    [GeneratedRegex(@"^[a-zA-Z_:][a-zA-Z0-9_:]*")]
    private static partial Regex SampleName();
}
