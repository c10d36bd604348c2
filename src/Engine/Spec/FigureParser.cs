using System.Text.RegularExpressions;
using Sweep.Physics.Models;
using YamlDotNet.RepresentationModel;
using static Sweep.Engine.Spec.YamlFields;

namespace Sweep.Engine.Spec;

/// <summary>Parses and checks a spec's <c>figures:</c> list against the spec itself: every name a
/// figure uses (model, observables, dimensions) must exist in the run, and every dimension it does
/// not draw must have one value or be fixed by <c>at</c>. Errors name the field, e.g. <c>figures[2].x</c>.</summary>
public static partial class FigureParser
{
    private static readonly string[] Keys = ["name", "model", "y", "x", "curves", "heatmap", "at", "log", "range", "title", "caption"];
    private static readonly string[] LogAxes = ["x", "y", "z"];

    public static List<FigureSpec> Parse(YamlNode node, SweepSpec spec, List<Model> models)
    {
        var figures = new List<FigureSpec>();
        var items = Sequence(node, "figures");
        for (int i = 0; i < items.Count; i++)
        {
            var figure = ParseOne(items[i], $"figures[{i}]", spec, models);
            if (figures.Any(f => f.Name == figure.Name))
            {
                throw Error(items[i], $"figures[{i}].name", $"figure name '{figure.Name}' is used twice (it names the image file)");
            }

            figures.Add(figure);
        }

        return figures;
    }

    /// <summary>One figure given as a YAML mapping outside a spec (the options of <c>sweep plot</c>),
    /// checked against the run's spec; errors name <paramref name="field"/>.KEY.</summary>
    public static FigureSpec ParseOne(YamlMappingNode node, string field, SweepSpec spec, ModelRegistry registry) =>
        ParseOne((YamlNode)node, field, spec, spec.Models.Select(m => registry.Find(m)!).ToList());

    /// <summary>The dimensions of a model's arrays, as exports name them, with their lengths.</summary>
    internal static List<(string Name, AxisSpec Axis)> Dimensions(SweepSpec spec, Model model)
    {
        var dims = spec.Axes.Where(a => model.ParameterIndex(a.Parameter) >= 0).Select(a => (a.Parameter, a)).ToList();
        if (spec.InnerGridFor(model) is { } inner)
        {
            dims.Add((model.InnerAxis == SweepSpec.BiasParameter && spec.Bias?.Unit == BiasUnit.Field ? "v" : model.InnerAxis!, inner));
        }

        return dims;
    }

    private static FigureSpec ParseOne(YamlNode node, string field, SweepSpec spec, List<Model> models)
    {
        var entries = Mapping(node, field, Keys).ToDictionary(e => e.Key, e => e.Value);
        YamlNode Need(string key) => entries.TryGetValue(key, out var v) ? v : throw Error(node, $"{field}.{key}", "is required");

        string name = String(Need("name"), $"{field}.name");
        if (!NamePattern().IsMatch(name))
        {
            throw Error(entries["name"], $"{field}.name", "use letters, digits, '.', '_' and '-' only (it names the image file)");
        }

        Model model;
        if (entries.TryGetValue("model", out var modelNode))
        {
            string modelName = String(modelNode, $"{field}.model");
            model = models.FirstOrDefault(m => m.Name == modelName)
                    ?? throw Error(modelNode, $"{field}.model", $"'{modelName}' is not one of the spec's models ({string.Join(", ", spec.Models)})");
        }
        else
        {
            model = models.Count == 1 ? models[0] : throw Error(node, $"{field}.model", $"is required: the spec has several models ({string.Join(", ", spec.Models)})");
        }

        var stored = (spec.Observables ?? model.Observables.Select(o => o.Name)).Where(o => model.ObservableIndex(o) >= 0).ToList();
        var yNode = Need("y");
        var ys = (yNode is YamlScalarNode ? [yNode] : Sequence(yNode, $"{field}.y")).Select(n => (Node: n, Name: String(n, $"{field}.y"))).ToList();
        foreach (var (n, y) in ys.Where(y => !stored.Contains(y.Name)))
        {
            throw Error(n, $"{field}.y", $"'{y}' is not an observable the run stores for '{model.Name}' (stored: {string.Join(", ", stored)})");
        }

        if (ys.Count == 0 || ys.Select(y => y.Name).Distinct().Count() != ys.Count)
        {
            throw Error(yNode, $"{field}.y", "name one or more distinct observables");
        }

        var dims = Dimensions(spec, model);
        string Dimension(string key)
        {
            var value = Need(key);
            string dim = String(value, $"{field}.{key}");
            return dims.Any(d => d.Name == dim) ? dim
                : throw Error(value, $"{field}.{key}", $"'{dim}' is not a dimension of '{model.Name}' in this spec (dimensions: {string.Join(", ", dims.Select(d => d.Name))})");
        }

        string x = Dimension("x");
        string? curves = entries.ContainsKey("curves") ? Dimension("curves") : null;
        string? heatmap = entries.ContainsKey("heatmap") ? Dimension("heatmap") : null;
        if (curves is not null && heatmap is not null)
        {
            throw Error(node, $"{field}.heatmap", "give curves or heatmap, not both");
        }

        if ((curves ?? heatmap) == x)
        {
            throw Error(entries[curves is null ? "heatmap" : "curves"], $"{field}.{(curves is null ? "heatmap" : "curves")}", $"'{x}' is already the x axis");
        }

        foreach (string dim in heatmap is null ? [] : new[] { x, heatmap }.Where(d => dims.First(e => e.Name == d).Axis.Count < 2))
        {
            throw Error(entries["heatmap"], $"{field}.heatmap", $"a heatmap needs two dimensions with several values each; '{dim}' has one");
        }

        if (ys.Count > 1 && (curves ?? heatmap) is not null)
        {
            throw Error(yNode, $"{field}.y", "several observables are drawn as one line each: leave out curves and heatmap, or name one observable");
        }

        var at = new List<KeyValuePair<string, double>>();
        if (entries.TryGetValue("at", out var atNode))
        {
            foreach (var (dim, keyNode, value) in Mapping(atNode, $"{field}.at", null))
            {
                if (!dims.Any(d => d.Name == dim) || dim == x || dim == curves || dim == heatmap)
                {
                    throw Error(keyNode, $"{field}.at.{dim}", dims.Any(d => d.Name == dim)
                        ? $"'{dim}' is drawn by this figure; fix only the other dimensions"
                        : $"'{dim}' is not a dimension of '{model.Name}' in this spec (dimensions: {string.Join(", ", dims.Select(d => d.Name))})");
                }

                at.Add(KeyValuePair.Create(dim, Number(value, $"{field}.at.{dim}")));
            }
        }

        foreach (var (dim, axis) in dims.Where(d => d.Axis.Count > 1 && d.Name != x && d.Name != curves && d.Name != heatmap && at.All(a => a.Key != d.Name)))
        {
            throw Error(node, $"{field}.at", $"dimension '{dim}' has {axis.Count} values ({axis.Start} … {axis.End}): fix it with at: {{{dim}: VALUE}} (sweep plot: --at {dim}=VALUE)");
        }

        HashSet<string>? log = null;
        if (entries.TryGetValue("log", out var logNode))
        {
            log = [];
            foreach (var item in Sequence(logNode, $"{field}.log"))
            {
                string axis = String(item, $"{field}.log");
                if (!LogAxes.Contains(axis) || (axis == "z" && heatmap is null))
                {
                    throw Error(item, $"{field}.log", $"'{axis}' is not an axis of this figure (x, y{(heatmap is null ? "" : ", z: the colour")})");
                }

                log.Add(axis);
            }
        }

        foreach (var (axis, dim) in new[] { ("x", x), ("y", heatmap) })
        {
            if (dim is not null && log is not null && log.Contains(axis) && dims.First(d => d.Name == dim).Axis is { } grid && (grid.Kind == AxisKind.Values ? grid.Values.Min() : grid.Start) <= 0)
            {
                throw Error(logNode!, $"{field}.log", $"a log {axis} axis needs '{dim}' above zero, and its grid starts at {(grid.Kind == AxisKind.Values ? grid.Values.Min() : grid.Start)}");
            }
        }

        FigureRange? range = null;
        if (entries.TryGetValue("range", out var rangeNode))
        {
            var ends = Sequence(rangeNode, $"{field}.range");
            double lo = ends.Count == 2 ? Number(ends[0], $"{field}.range") : double.NaN, hi = ends.Count == 2 ? Number(ends[1], $"{field}.range") : double.NaN;
            if (!(lo < hi))
            {
                throw Error(rangeNode, $"{field}.range", "expected [min, max] with min < max: the range of the values shown (y of lines, colour of a heatmap)");
            }

            range = new FigureRange(lo, hi);
        }

        string? title = entries.TryGetValue("title", out var t) ? String(t, $"{field}.title") : null;
        string? caption = entries.TryGetValue("caption", out var c) ? String(c, $"{field}.caption") : null;
        return new FigureSpec(name, model.Name, ys.Select(y => y.Name).ToArray(), x, curves, heatmap, at, log, range, title, caption);
    }

    [GeneratedRegex("^[A-Za-z0-9._-]+$")]
    private static partial Regex NamePattern();
}
