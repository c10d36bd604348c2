using System.Text.RegularExpressions;
using Sweep.Physics.Models;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;
using static Sweep.Engine.Spec.YamlFields;

namespace Sweep.Engine.Spec;

/// <summary>
/// Parses and validates a sweep spec (YAML). Everything that would make the run fail or produce
/// garbage is rejected here, before anything is written: unknown keys, empty or reversed ranges,
/// n &lt; 1, log ranges through zero, values outside a parameter's valid range, unknown models,
/// parameters or observables, missing required parameters, and plans above <c>max_points</c>.
/// </summary>
public static partial class SpecParser
{
    private static readonly string[] TopLevelKeys = ["name", "models", "axes", "constants", "bias", "time", "observables", "chunk", "output", "max_points", "figures", "adaptive"];
    private static readonly string[] AxisKeys = ["lin", "log", "values", "n"];
    private static readonly string[] BiasKeys = ["lin", "log", "values", "n", "unit"];

    /// <summary>Most points per axis: far beyond any useful grid, and keeps indices in int.</summary>
    public const int MaxAxisLength = 100_000_000;

    /// <summary>Most points of the inner bias grid, which every worker holds.</summary>
    public const int MaxBiasLength = 1_000_000;

    public static SweepSpec Parse(string yaml, ModelRegistry registry, SpecOverrides? overrides = null)
    {
        var root = Load(yaml);
        var entries = Mapping(root, "", TopLevelKeys).ToDictionary(e => e.Key, e => (e.Key_, e.Value));

        string name = Required(entries, "name", root, n => String(n, "name"));
        if (!NamePattern().IsMatch(name))
        {
            throw Error(entries["name"].Value, "name", "use letters, digits, '.', '_' and '-' only");
        }

        var models = Required(entries, "models", root, n => ParseModels(n, registry));
        var axes = entries.TryGetValue("axes", out var a) ? ParseAxes(a.Value, models) : [];
        var constants = entries.TryGetValue("constants", out var c) ? ParseConstants(c.Value, models, axes) : [];
        var bias = entries.TryGetValue("bias", out var b) ? ParseBias(b.Value, models, constants) : null;
        var time = entries.TryGetValue("time", out var tm) ? ParseTime(tm.Value, models, constants) : null;
        var observables = entries.TryGetValue("observables", out var o) ? ParseObservables(o.Value, models) : null;
        int? chunk = entries.TryGetValue("chunk", out var ch) ? (int)Integer(ch.Value, "chunk", 1, 10_000_000) : null;
        string output = entries.TryGetValue("output", out var outNode) ? String(outNode.Value, "output") : Path.Combine("runs", name);
        long maxPoints = entries.TryGetValue("max_points", out var mp) ? Integer(mp.Value, "max_points", 1, long.MaxValue / 2) : SweepSpec.DefaultMaxPoints;
        chunk = overrides?.Chunk ?? chunk;
        output = overrides?.Output ?? output;
        maxPoints = overrides?.MaxPoints ?? maxPoints;

        var spec = new SweepSpec(name, models.Select(m => m.Name).ToArray(), axes, constants, bias, time, observables, chunk, output, maxPoints)
        {
            SourceText = yaml,
            ChunkEvaluations = overrides?.ChunkEvaluations,
        };
        CheckRequiredParameters(models, spec, root);
        CheckPlanSize(spec, models, entries.TryGetValue("max_points", out mp) ? mp.Value : root);
        if (entries.TryGetValue("adaptive", out var ad))
        {
            spec = spec with { Adaptive = AdaptiveParser.Parse(ad.Value, spec, models) };
        }

        return entries.TryGetValue("figures", out var f) ? spec with { Figures = FigureParser.Parse(f.Value, spec, models) } : spec;
    }

    private static YamlNode Load(string yaml)
    {
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(yaml));
        }
        catch (YamlException ex)
        {
            throw new SpecException("(document)", (int)ex.Start.Line, $"malformed YAML: {ex.InnerException?.Message ?? ex.Message}");
        }
        catch (InvalidOperationException)
        {
            // YamlDotNet 16.3's scanner throws this instead of a YamlException on some malformed flow
            // mappings (e.g. "{a: 1, b[: 2}"; found by the spec fuzzer): still the user's bad YAML.
            throw new SpecException("(document)", null, "malformed YAML: the parser could not read a flow mapping or sequence ({ … } or [ … ])");
        }

        if (stream.Documents.Count != 1)
        {
            throw new SpecException("(document)", null, $"expected one YAML document, found {stream.Documents.Count}");
        }

        return stream.Documents[0].RootNode;
    }

    private static T Required<T>(Dictionary<string, (YamlNode Key, YamlNode Value)> entries, string key, YamlNode root, Func<YamlNode, T> parse) =>
        entries.TryGetValue(key, out var entry) ? parse(entry.Value) : throw Error(root, key, "is required");

    private static List<Model> ParseModels(YamlNode node, ModelRegistry registry)
    {
        var items = node is YamlScalarNode ? [node] : Sequence(node, "models");
        if (items.Count == 0)
        {
            throw Error(node, "models", "name at least one model");
        }

        var models = new List<Model>();
        foreach (var item in items)
        {
            string name = String(item, "models");
            var model = registry.Find(name) ?? throw Error(item, "models", $"unknown model '{name}' (models: {string.Join(", ", registry.Names)})");
            if (models.Contains(model))
            {
                throw Error(item, "models", $"model '{name}' is listed twice");
            }

            models.Add(model);
        }

        return models;
    }

    private static List<AxisSpec> ParseAxes(YamlNode node, List<Model> models)
    {
        var axes = new List<AxisSpec>();
        foreach (var (parameter, keyNode, value) in Mapping(node, "axes", null))
        {
            string field = $"axes.{parameter}";
            var specs = ParameterOf(models, parameter, keyNode, field);
            if (models.Any(m => m.InnerAxis == parameter))
            {
                throw Error(keyNode, field, $"'{parameter}' is the inner axis: give its grid under '{SweepSpec.InnerGridKey(parameter)}'");
            }

            var axis = ParseAxis(value, field, parameter, AxisKeys);
            CheckValues(axis, specs, value, field);
            axes.Add(axis);
        }

        return axes;
    }

    private static AxisSpec ParseAxis(YamlNode node, string field, string parameter, string[] allowed)
    {
        var entries = Mapping(node, field, allowed);
        var kinds = entries.Where(e => e.Key is "lin" or "log" or "values").ToList();
        if (kinds.Count != 1)
        {
            throw Error(node, field, "give exactly one of {lin: [a, b], n: N}, {log: [a, b], n: N}, {values: [...]}");
        }

        var (kind, _, rangeNode) = kinds[0];
        var n = entries.FirstOrDefault(e => e.Key == "n");
        if (kind == "values")
        {
            if (n.Value is not null)
            {
                throw Error(n.Key_, $"{field}.n", "'n' goes with lin and log, not with values");
            }

            var values = Sequence(rangeNode, $"{field}.values").Select(v => Number(v, $"{field}.values")).ToArray();
            if (values.Length == 0)
            {
                throw Error(rangeNode, $"{field}.values", "the list is empty");
            }

            if (values.Distinct().Count() != values.Length)
            {
                throw Error(rangeNode, $"{field}.values", "values repeat: each coordinate must be unique");
            }

            return AxisSpec.List(parameter, values);
        }

        if (n.Value is null)
        {
            throw Error(node, $"{field}.n", $"'{kind}' needs n, the number of points");
        }

        int count = (int)Integer(n.Value, $"{field}.n", 1, MaxAxisLength);
        var ends = Sequence(rangeNode, $"{field}.{kind}");
        if (ends.Count != 2)
        {
            throw Error(rangeNode, $"{field}.{kind}", "expected two numbers [start, end]");
        }

        double start = Number(ends[0], $"{field}.{kind}"), end = Number(ends[1], $"{field}.{kind}");
        if (count > 1 && !(start < end))
        {
            throw Error(rangeNode, $"{field}.{kind}", start == end
                ? $"empty range [{start}, {end}] with n = {count}: use n: 1 or values"
                : $"reversed range [{start}, {end}]: start must be below end");
        }

        if (kind == "log" && !(start > 0))
        {
            throw Error(rangeNode, $"{field}.log", $"a log range must lie above zero, got [{start}, {end}]");
        }

        return kind == "lin" ? AxisSpec.Lin(parameter, start, end, count) : AxisSpec.Log(parameter, start, end, count);
    }

    private static List<KeyValuePair<string, double>> ParseConstants(YamlNode node, List<Model> models, List<AxisSpec> axes)
    {
        var constants = new List<KeyValuePair<string, double>>();
        foreach (var (parameter, keyNode, value) in Mapping(node, "constants", null))
        {
            string field = $"constants.{parameter}";
            var specs = ParameterOf(models, parameter, keyNode, field);
            if (axes.Any(a => a.Parameter == parameter))
            {
                throw Error(keyNode, field, $"'{parameter}' is also an axis");
            }

            double number = Number(value, field);
            foreach (var spec in specs.Where(s => !s.Range.Contains(number)))
            {
                throw Error(value, field, $"{number} is outside the valid range {spec.Range} of '{parameter}'");
            }

            constants.Add(KeyValuePair.Create(parameter, number));
        }

        return constants;
    }

    private static BiasSpec ParseBias(YamlNode node, List<Model> models, List<KeyValuePair<string, double>> constants)
    {
        var inner = models.FirstOrDefault(m => m.InnerAxis == SweepSpec.BiasParameter)
                    ?? throw Error(node, "bias", $"no listed model has a bias axis (models with one: mtj)");
        if (constants.Any(c => c.Key == inner.InnerAxis))
        {
            throw Error(node, "bias", $"'{inner.InnerAxis}' is also given as a constant");
        }

        var unitNode = Mapping(node, "bias", BiasKeys).FirstOrDefault(e => e.Key == "unit").Value
                       ?? throw Error(node, "bias.unit", "say which unit the bias grid is in: 'unit: h' (V/h) or 'unit: absolute'");
        var unit = String(unitNode, "bias.unit") switch
        {
            "h" => BiasUnit.Field,
            "absolute" => BiasUnit.Absolute,
            var other => throw Error(unitNode, "bias.unit", $"unknown unit '{other}' (h or absolute)"),
        };
        var axis = ParseAxis(node, "bias", inner.InnerAxis!, BiasKeys);
        if (axis.Count > MaxBiasLength)
        {
            throw Error(node, "bias.n", $"at most {MaxBiasLength} bias points (the grid is held in memory)");
        }

        var spec = inner.Parameters[inner.InnerAxisIndex];
        var range = unit == BiasUnit.Absolute ? spec.Range : new ValidRange(-Physics.Mtj.MtjModel.MaxReducedBias, Physics.Mtj.MtjModel.MaxReducedBias);
        CheckValues(axis, [new ParameterSpec(spec.Name, spec.Unit, null, range, spec.Description)], node, "bias");
        return new BiasSpec(axis, unit);
    }

    private static AxisSpec ParseTime(YamlNode node, List<Model> models, List<KeyValuePair<string, double>> constants)
    {
        var inner = models.FirstOrDefault(m => m.InnerAxis == SweepSpec.TimeParameter)
                    ?? throw Error(node, "time", "no listed model has a time axis (models with one: magnon-junction, spin-chain)");
        if (constants.Any(c => c.Key == SweepSpec.TimeParameter))
        {
            throw Error(node, "time", $"'{SweepSpec.TimeParameter}' is also given as a constant");
        }

        var axis = ParseAxis(node, "time", SweepSpec.TimeParameter, AxisKeys);
        if (axis.Count > MaxBiasLength)
        {
            throw Error(node, "time.n", $"at most {MaxBiasLength} time points (the grid is held in memory)");
        }

        CheckValues(axis, [inner.Parameters[inner.InnerAxisIndex]], node, "time");
        return axis;
    }

    private static List<string> ParseObservables(YamlNode node, List<Model> models)
    {
        var names = new List<string>();
        foreach (var item in Sequence(node, "observables"))
        {
            string name = String(item, "observables");
            if (!models.Any(m => m.ObservableIndex(name) >= 0))
            {
                throw Error(item, "observables", $"no listed model has an observable '{name}' " +
                    $"(available: {string.Join(", ", models.SelectMany(m => m.Observables.Select(o => o.Name)).Distinct())})");
            }

            if (names.Contains(name))
            {
                throw Error(item, "observables", $"'{name}' is listed twice");
            }

            names.Add(name);
        }

        return names.Count > 0 ? names : throw Error(node, "observables", "list at least one observable, or leave the key out for all");
    }

    private static List<ParameterSpec> ParameterOf(List<Model> models, string parameter, YamlNode node, string field)
    {
        var specs = models.Select(m => m.ParameterIndex(parameter) is var i and >= 0 ? m.Parameters[i] : null).OfType<ParameterSpec>().ToList();
        return specs.Count > 0 ? specs : throw Error(node, field, $"no listed model has a parameter '{parameter}' " +
            $"(parameters: {string.Join(", ", models.SelectMany(m => m.Parameters.Select(p => p.Name)).Distinct())})");
    }

    private static void CheckValues(AxisSpec axis, List<ParameterSpec> specs, YamlNode node, string field)
    {
        // Lin and log grids are monotone: their ends bound every value.
        var values = axis.Kind == AxisKind.Values ? axis.Values : [axis.Start, axis.End];
        foreach (var spec in specs)
        {
            foreach (double value in values.Where(v => !spec.Range.Contains(v)))
            {
                throw Error(node, field, $"{value} is outside the valid range {spec.Range} of '{spec.Name}'");
            }
        }
    }

    private static void CheckRequiredParameters(List<Model> models, SweepSpec spec, YamlNode root)
    {
        foreach (var model in models)
        {
            foreach (var p in model.Parameters.Where(p => p.IsRequired))
            {
                bool given = spec.Axes.Any(a => a.Parameter == p.Name) || spec.Constants.Any(c => c.Key == p.Name)
                             || (p.Name == model.InnerAxis && spec.InnerGridFor(model) is not null);
                if (!given)
                {
                    throw Error(root, $"axes.{p.Name}", $"model '{model.Name}' needs parameter '{p.Name}' (valid range {p.Range}): give it an axis or a constant");
                }
            }
        }
    }

    private static void CheckPlanSize(SweepSpec spec, List<Model> models, YamlNode node)
    {
        long total = 0;
        foreach (var model in models)
        {
            long points = Planning.SweepPlan.OuterShape(spec, model).Aggregate(1L, (p, n) => SaturatingMultiply(p, n));
            long inner = spec.InnerGridFor(model)?.Count ?? 1;
            total = SaturatingAdd(total, SaturatingMultiply(points, inner));
        }

        if (total > spec.MaxPoints)
        {
            throw Error(node, "max_points", $"the plan has {total:N0} points, above max_points = {spec.MaxPoints:N0}: coarsen the axes or raise max_points");
        }
    }

    private static long SaturatingMultiply(long a, long b) => a > long.MaxValue / Math.Max(b, 1) ? long.MaxValue : a * b;

    private static long SaturatingAdd(long a, long b) => a > long.MaxValue - b ? long.MaxValue : a + b;

    [GeneratedRegex("^[A-Za-z0-9._-]+$")]
    private static partial Regex NamePattern();
}
