using System.Globalization;
using Sweep.Physics.Models;
using YamlDotNet.RepresentationModel;
using static Sweep.Engine.Spec.YamlFields;

namespace Sweep.Engine.Spec;

/// <summary>Validates the <c>adaptive:</c> section against the rest of the spec (its axes, inner grid,
/// observables and limits); every error names its field and valid range (exit 65).</summary>
internal static class AdaptiveParser
{
    private static readonly string[] Keys = ["axes", "observables", "budget", "tolerance"];

    public static AdaptiveSpec Parse(YamlNode node, SweepSpec spec, List<Model> models)
    {
        var entries = Mapping(node, "adaptive", Keys).ToDictionary(e => e.Key, e => e.Value);
        if (models.Count != 1)
        {
            throw Error(node, "adaptive", $"refines one model; the spec lists {models.Count} (list exactly one under 'models')");
        }

        var model = models[0];
        var axes = ParseAxes(Required(entries, "axes", node), spec, model);
        var observables = ParseObservables(Required(entries, "observables", node), spec, model);

        var budgetNode = Required(entries, "budget", node);
        long coarse = axes.Aggregate(1L, (p, a) => p * Grid(spec, model, a.Name)!.Count);
        long budget = Integer(budgetNode, "adaptive.budget", 1, int.MaxValue);
        if (budget < coarse)
        {
            throw Error(budgetNode, "adaptive.budget", $"{budget} is below the coarse grid's {coarse} points: the budget must be in [{coarse}, {int.MaxValue}]");
        }

        long rest = RestEvaluations(spec, model, axes);
        if (budget > spec.MaxPoints / Math.Max(rest, 1))
        {
            throw Error(budgetNode, "adaptive.budget", $"{budget} points × {rest} evaluations each is above max_points = {spec.MaxPoints:N0}: " +
                                                       $"the budget must be in [{coarse}, {spec.MaxPoints / Math.Max(rest, 1)}]");
        }

        double tolerance = 0;
        if (entries.TryGetValue("tolerance", out var toleranceNode))
        {
            tolerance = Number(toleranceNode, "adaptive.tolerance");
            if (!(tolerance >= 0))
            {
                throw Error(toleranceNode, "adaptive.tolerance", $"{Format(tolerance)} is negative: the tolerance must be in [0, ∞) (0: refine until the budget or the resolution)");
            }
        }

        return new AdaptiveSpec(axes, observables, budget, tolerance);
    }

    /// <summary>The grid behind a refinable name: a spec axis of the model, or its inner grid.</summary>
    internal static AxisSpec? Grid(SweepSpec spec, Model model, string name) =>
        spec.InnerDimension(model) == name ? spec.InnerGridFor(model)
        : spec.Axes.FirstOrDefault(a => a.Parameter == name && model.ParameterIndex(name) >= 0);

    /// <summary>Evaluations per refined point: the grid axes and inner grid that are not refined.</summary>
    internal static long RestEvaluations(SweepSpec spec, Model model, IReadOnlyList<AdaptiveAxis> axes)
    {
        var refined = axes.Select(a => a.Name).ToHashSet();
        long rest = spec.Axes.Where(a => model.ParameterIndex(a.Parameter) >= 0 && !refined.Contains(a.Parameter)).Aggregate(1L, (p, a) => p * a.Count);
        return spec.InnerDimension(model) is { } inner && !refined.Contains(inner) ? rest * spec.InnerGridFor(model)!.Count : rest;
    }

    private static YamlNode Required(Dictionary<string, YamlNode> entries, string key, YamlNode node) =>
        entries.TryGetValue(key, out var value) ? value : throw Error(node, $"adaptive.{key}", "is required");

    private static List<AdaptiveAxis> ParseAxes(YamlNode node, SweepSpec spec, Model model)
    {
        var axes = new List<AdaptiveAxis>();
        string refinable = string.Join(", ", spec.Axes.Where(a => model.ParameterIndex(a.Parameter) >= 0 && a.Kind != AxisKind.Values && a.Count >= 2)
            .Select(a => a.Parameter).Concat(spec.InnerDimension(model) is { } d && spec.InnerGridFor(model) is { Kind: not AxisKind.Values, Count: >= 2 } ? [d] : []));
        foreach (var (name, keyNode, value) in Mapping(node, "adaptive.axes", null))
        {
            string field = $"adaptive.axes.{name}";
            var grid = Grid(spec, model, name)
                       ?? throw Error(keyNode, field, $"'{name}' is not an axis of the spec (refinable: {(refinable.Length > 0 ? refinable : "none")})");
            if (grid.Kind == AxisKind.Values || grid.Count < 2)
            {
                throw Error(keyNode, field, $"'{name}' must be a lin or log axis with n ≥ 2 to be refined (refinable: {refinable})");
            }

            double resolution = Number(value, field);
            double step = CoarseStep(grid);
            string unit = grid.Kind == AxisKind.Log ? " decades" : "";
            if (!(resolution > 0) || resolution > step)
            {
                throw Error(value, field, $"resolution {Format(resolution)} is outside (0, {Format(step)}]{unit}: it must be positive and at most the coarse grid's step");
            }

            int levels = Levels(step, resolution);
            if ((long)(grid.Count - 1) << levels > AdaptiveSpec.MaxLatticeCells)
            {
                double finest = step * (grid.Count - 1) / AdaptiveSpec.MaxLatticeCells;
                throw Error(value, field, $"resolution {Format(resolution)} needs {((long)(grid.Count - 1) << levels):N0} cells along '{name}', " +
                                          $"above {AdaptiveSpec.MaxLatticeCells:N0}: it must be in [{Format(finest)}, {Format(step)}]{unit}");
            }

            axes.Add(new AdaptiveAxis(name, resolution));
        }

        if (axes.Count is 0 or > AdaptiveSpec.MaxAxes)
        {
            throw Error(node, "adaptive.axes", $"name 1 to {AdaptiveSpec.MaxAxes} axes to refine, got {axes.Count} (refinable: {refinable})");
        }

        return axes;
    }

    /// <summary>The coarse grid's step: parameter units, or decades on a log axis.</summary>
    internal static double CoarseStep(AxisSpec grid) => grid.Kind == AxisKind.Log
        ? (Math.Log10(grid.End) - Math.Log10(grid.Start)) / (grid.Count - 1)
        : (grid.End - grid.Start) / (grid.Count - 1);

    /// <summary>Halvings of the coarse step until it is at most the resolution.</summary>
    internal static int Levels(double step, double resolution)
    {
        int levels = 0;
        while (step / Math.Pow(2, levels) > resolution * (1 + 1e-12) && levels < 40)
        {
            levels++;
        }

        return levels;
    }

    private static List<AdaptiveObservable> ParseObservables(YamlNode node, SweepSpec spec, Model model)
    {
        var selected = (spec.Observables ?? model.Observables.Select(o => o.Name).ToArray()).Where(o => model.ObservableIndex(o) >= 0).ToList();
        var observables = new List<AdaptiveObservable>();
        foreach (var (name, keyNode, value) in Mapping(node, "adaptive.observables", null))
        {
            string field = $"adaptive.observables.{name}";
            if (!selected.Contains(name))
            {
                throw Error(keyNode, field, $"'{name}' is not an observable the run stores (stored: {string.Join(", ", selected)})");
            }

            var scale = String(value, field) switch
            {
                "lin" => AdaptiveScale.Lin,
                "log" => AdaptiveScale.Log,
                var other => throw Error(value, field, $"unknown scale '{other}' (lin or log)"),
            };
            observables.Add(new AdaptiveObservable(name, scale));
        }

        return observables.Count > 0 ? observables : throw Error(node, "adaptive.observables", "name at least one observable, with its scale (lin or log)");
    }

    private static string Format(double value) => value.ToString("G6", CultureInfo.InvariantCulture);
}
