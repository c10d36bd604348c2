using Sweep.Engine;
using System.Globalization;

namespace Sweep.Coordinator.Cli;

/// <summary>Parses <c>--set name=value</c> arguments. Malformed text is a usage error; a value that
/// parses but is not valid (NaN, ∞, out of range) is left for the model's check to reject.</summary>
public static class ParameterAssignments
{
    public static IReadOnlyList<KeyValuePair<string, double>> Parse(IEnumerable<string> items)
    {
        var result = new List<KeyValuePair<string, double>>();
        foreach (string item in items)
        {
            int eq = item.IndexOf('=');
            if (eq <= 0)
            {
                throw new UsageException($"--set '{item}': expected name=value");
            }

            string name = item[..eq].Trim(), text = item[(eq + 1)..].Trim();
            if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double value))
            {
                throw new UsageException($"--set {name}: '{text}' is not a number");
            }

            if (result.Any(p => p.Key == name))
            {
                throw new UsageException($"--set {name}: given twice");
            }

            result.Add(KeyValuePair.Create(name, value));
        }

        return result;
    }
}
