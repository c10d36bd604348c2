using System.Globalization;
using System.Text.RegularExpressions;

namespace Sweep.Monitoring.Tests;

/// <summary>A Prometheus text exposition read back for assertions: HELP and TYPE per family, and the samples.</summary>
internal sealed partial class Exposition
{
    public Dictionary<string, string> Types { get; } = [];

    public Dictionary<string, string> Help { get; } = [];

    public List<(string Name, Dictionary<string, string> Labels, double Value)> Samples { get; } = [];

    public static Exposition Parse(string text)
    {
        var exposition = new Exposition();
        foreach (string line in text.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            if (line.StartsWith("# TYPE ", StringComparison.Ordinal))
            {
                string[] parts = line.Split(' ');
                exposition.Types[parts[2]] = parts[3];
            }
            else if (line.StartsWith("# HELP ", StringComparison.Ordinal))
            {
                string[] parts = line.Split(' ', 4);
                exposition.Help[parts[2]] = parts.Length > 3 ? parts[3] : "";
            }
            else if (!line.StartsWith('#'))
            {
                var match = SampleLine().Match(line);
                Assert.True(match.Success, $"not a sample line: {line}");
                var labels = LabelPair().Matches(match.Groups["labels"].Value)
                    .ToDictionary(m => m.Groups[1].Value, m => Regex.Unescape(m.Groups[2].Value));
                string value = match.Groups["value"].Value;
                exposition.Samples.Add((match.Groups["name"].Value, labels, value switch
                {
                    "+Inf" => double.PositiveInfinity,
                    "-Inf" => double.NegativeInfinity,
                    _ => double.Parse(value, CultureInfo.InvariantCulture),
                }));
            }
        }

        return exposition;
    }

    /// <summary>The value of the one sample of <paramref name="name"/> that has these labels (and maybe others).</summary>
    public double Value(string name, params (string Key, string Value)[] labels) =>
        Assert.Single(Samples, s => s.Name == name && labels.All(l => s.Labels.GetValueOrDefault(l.Key) == l.Value)).Value;

    [GeneratedRegex(@"^(?<name>[a-zA-Z_:][a-zA-Z0-9_:]*)(\{(?<labels>.*)\})? (?<value>\S+)$")]
    private static partial Regex SampleLine();

    [GeneratedRegex(@"([a-zA-Z_][a-zA-Z0-9_]*)=""((?:[^""\\]|\\.)*)""")]
    private static partial Regex LabelPair();
}
