using Sweep.Coordinator.Export;
using Sweep.Coordinator.Store;
using Sweep.Physics.Models;

namespace Sweep.Coordinator.Plot;

/// <summary>
/// Exactly what a figure draws, in the run's own numbers (the <c>--data</c> sidecar is this, as
/// JSON): the x grid, then either lines (one per observable or per value of the curves
/// dimension) or a heatmap (rows over the y grid). A point whose status is not ok, or that is
/// not stored yet, has a null value and its status name: a gap or a hatched cell, never a number.
/// </summary>
public sealed record PlotData(
    string Figure,
    string Model,
    string Kind,
    string Title,
    string? Caption,
    PlotAxis X,
    PlotAxis Y,
    PlotAxis? Z,
    IReadOnlyList<PlotSeries> Series,
    IReadOnlyList<FixedDimension> Fixed,
    Sweep.Engine.Spec.FigureRange? Range,
    IReadOnlyDictionary<string, int> Gaps)
{
    public const string Lines = "lines";
    public const string Heatmap = "heatmap";

    /// <summary>Reads a figure's slice from the store.</summary>
    public static PlotData Build(RunStore store, ExportLayout layout, Sweep.Engine.Spec.FigureSpec figure)
    {
        var slice = new PlotSlice(layout, figure);
        var plan = layout.Plan;
        var observables = figure.Observables.Select(o => Array.IndexOf(plan.ObservableNames, o)).ToArray();
        var (values, status) = SliceReader.Read(store, layout, observables, slice.FlatIndices());
        var specs = figure.Observables.Select(o => plan.Model.Observables[plan.Model.ObservableIndex(o)]).ToArray();
        int nx = slice.XValues.Length;
        bool heatmap = figure.Heatmap is not null;
        bool logX = figure.Log?.Contains("x") ?? layout.IsLogSpaced(slice.X);
        bool logY = figure.Log?.Contains("y") ?? (heatmap && layout.IsLogSpaced(slice.Series));
        bool logZ = figure.Log?.Contains("z") ?? false;

        var series = new List<PlotSeries>();
        var gaps = new SortedDictionary<string, int>(StringComparer.Ordinal);
        for (int s = 0; s < slice.SeriesValues.Length; s++)
        {
            for (int o = 0; o < observables.Length; o++)
            {
                var y = new double?[nx];
                var names = new string[nx];
                for (int x = 0; x < nx; x++)
                {
                    int k = s * nx + x;
                    names[x] = StatusName(status[k]);
                    bool ok = status[k] == (byte)PointStatus.Ok && double.IsFinite(values[o][k]);
                    y[x] = ok ? values[o][k] : null;
                    if (!ok)
                    {
                        string reason = status[k] == (byte)PointStatus.Ok ? "not a number" : names[x];
                        gaps[reason] = gaps.GetValueOrDefault(reason) + 1;
                    }
                }

                double? curve = slice.Series >= 0 ? slice.SeriesValues[s] : null;
                string label = slice.Series >= 0 ? $"{layout.Dimensions[slice.Series]} = {FixedDimension.Format(slice.SeriesValues[s])}" : specs[o].Name;
                series.Add(new PlotSeries(label, specs[o].Name, curve, y, names));
            }
        }

        var xAxis = new PlotAxis(figure.X, Label(figure.X, layout.DimensionUnit(slice.X)), layout.DimensionUnit(slice.X), logX, slice.XValues);
        var observableAxis = new PlotAxis(string.Join(", ", specs.Select(o => o.Name)),
            specs.Select(o => o.Unit).Distinct().Count() == 1 ? Label(string.Join(", ", specs.Select(o => o.Name)), specs[0].Unit) : string.Join(", ", specs.Select(o => Label(o.Name, o.Unit))),
            specs[0].Unit, heatmap ? logZ : logY, null);
        PlotAxis yAxis = heatmap
            ? new PlotAxis(figure.Heatmap!, Label(figure.Heatmap!, layout.DimensionUnit(slice.Series)), layout.DimensionUnit(slice.Series), logY, slice.SeriesValues)
            : observableAxis;

        string title = figure.Title ?? $"{plan.Model.Name}: {observableAxis.Name} vs {figure.X}";
        // Fixed dimensions with a choice (several grid values, or asked for) are said in the title.
        var chosen = slice.FixedDimensions.Where(f => f.Requested is not null || layout.Shape[Array.IndexOf(layout.Dimensions, f.Name)] > 1).ToList();
        if (chosen.Count > 0)
        {
            title += " at " + string.Join(", ", chosen);
        }

        return new PlotData(figure.Name, plan.Model.Name, heatmap ? Heatmap : Lines, title, figure.Caption, xAxis, yAxis, heatmap ? observableAxis : null,
            series, slice.FixedDimensions, figure.Range, gaps);
    }

    /// <summary>"h (energy)"; a dimensionless quantity is its name alone.</summary>
    public static string Label(string name, string unit) => unit == "1" ? name : $"{name} ({unit})";

    /// <summary>Status names come from the model's status enum (so new codes need no change here); 255 is "missing".</summary>
    public static string StatusName(byte status) =>
        status == ExportLayout.Missing ? "missing" : Enum.IsDefined((PointStatus)status) ? ((PointStatus)status).ToWireName() : $"status {status}";
}

/// <summary>An axis: the dimension or observable it shows, its label with unit, log scale, and its grid (null for an observable).</summary>
public sealed record PlotAxis(string Name, string Label, string Unit, bool Log, double[]? Values);

/// <summary>One line, or one heatmap row: values on the x grid (null where not ok) and each point's status.</summary>
public sealed record PlotSeries(string Label, string Observable, double? CurveValue, double?[] Values, string[] Status);
