using System.Globalization;
using YamlDotNet.RepresentationModel;

namespace Sweep.Engine.Spec;

/// <summary>Typed reads of YAML nodes that fail with a <see cref="SpecException"/> naming the field and line.</summary>
internal static class YamlFields
{
    public static int Line(YamlNode node) => (int)node.Start.Line;

    public static SpecException Error(YamlNode node, string field, string reason) => new(field, Line(node), reason);

    /// <summary>The entries of a mapping, in order; unknown keys and duplicates are errors.</summary>
    public static List<(string Key, YamlNode Key_, YamlNode Value)> Mapping(YamlNode node, string field, IReadOnlyCollection<string>? allowed)
    {
        if (node is not YamlMappingNode mapping)
        {
            throw Error(node, field, "expected a mapping (key: value)");
        }

        var entries = new List<(string, YamlNode, YamlNode)>();
        foreach (var (keyNode, value) in mapping.Children)
        {
            string key = keyNode is YamlScalarNode { Value: { } k } ? k : throw Error(keyNode, field, "keys must be plain names");
            string child = field.Length == 0 ? key : $"{field}.{key}";
            if (allowed is not null && !allowed.Contains(key))
            {
                throw Error(keyNode, child, $"unknown key '{key}' (allowed: {string.Join(", ", allowed)})");
            }

            if (entries.Any(e => e.Item1 == key))
            {
                throw Error(keyNode, child, $"key '{key}' appears twice");
            }

            entries.Add((key, keyNode, value));
        }

        return entries;
    }

    public static string String(YamlNode node, string field)
    {
        if (node is YamlScalarNode { Value: { Length: > 0 } value })
        {
            return value;
        }

        throw Error(node, field, "expected a non-empty string");
    }

    public static double Number(YamlNode node, string field)
    {
        if (node is YamlScalarNode { Value: { } special } && special.TrimStart('+', '-').ToLowerInvariant() is ".nan" or ".inf")
        {
            throw Error(node, field, $"'{special}' is not a finite number");
        }

        if (node is YamlScalarNode { Value: { } text }
            && double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double value))
        {
            return double.IsFinite(value) ? value : throw Error(node, field, $"'{text}' is not a finite number");
        }

        throw Error(node, field, $"expected a number, got {Describe(node)}");
    }

    public static long Integer(YamlNode node, string field, long min, long max)
    {
        double value = Number(node, field);
        if (value != Math.Floor(value) || value < min || value > max)
        {
            throw Error(node, field, $"expected an integer in [{min}, {max}], got {((YamlScalarNode)node).Value}");
        }

        return (long)value;
    }

    public static List<YamlNode> Sequence(YamlNode node, string field)
    {
        if (node is YamlSequenceNode sequence)
        {
            return sequence.Children.ToList();
        }

        throw Error(node, field, $"expected a list [a, b, …], got {Describe(node)}");
    }

    private static string Describe(YamlNode node) => node switch
    {
        YamlScalarNode s => $"'{s.Value}'",
        YamlSequenceNode => "a list",
        YamlMappingNode => "a mapping",
        _ => "nothing",
    };
}
