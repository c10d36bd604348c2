using System.Globalization;
using ScottPlot;
using Sweep.Coordinator.Plot;
using Sweep.Engine;
using Sweep.Engine.Spec;

namespace Sweep.Coordinator.Adaptive;

/// <summary>
/// <c>sweep plot</c> of an adaptive run: every evaluated point in the plane of two refined axes (x, and y given by
/// <c>--heatmap</c>; default the first two), coloured by the observable (Viridis; log10 |y| where the spec refines on
/// it in log scale) — the refinement's density shows where the physics is sharp. Points that are not ok are grey
/// crosses. With one refined axis: the observable against it, as markers. Unrefined axes and an inner grid are shown
/// at their first value.
/// </summary>
public static class AdaptivePlot
{
    public static void Save(ExportTable points, SweepSpec spec, string? observable, string? x, string? y, string file, int width, int height)
    {
        var adaptive = spec.Adaptive!;
        string name = observable ?? adaptive.Observables[0].Name;
        var column = points.Columns.FirstOrDefault(c => c.Name == name && c.Data is double[])
                     ?? throw new UsageException($"-y: '{name}' is not a stored observable of this run");
        var refined = adaptive.Axes.Select(a => a.Name).ToArray();
        string xName = x ?? refined[0];
        string? yName = refined.Length > 1 ? y ?? refined.First(n => n != xName) : null;
        foreach (string axis in new[] { xName, yName }.OfType<string>().Where(a => !refined.Contains(a)))
        {
            throw new UsageException($"'{axis}' is not a refined axis of this adaptive run (refined: {string.Join(", ", refined)})");
        }

        bool logValue = adaptive.Observables.Any(o => o.Name == name && o.Scale == AdaptiveScale.Log);
        bool logX = IsLog(spec, xName), logY = yName is not null && IsLog(spec, yName);
        double[] xs = Coordinates(points, xName), values = (double[])column.Data;
        double[]? ys = yName is null ? null : Coordinates(points, yName);
        byte[] status = (byte[])points.Columns.First(c => c.Name == "status").Data;
        int[] round = (int[])points.Columns.First(c => c.Name == "round").Data;
        var first = FirstEvaluations(points, refined.Length);

        var plot = new ScottPlot.Plot();
        var okX = new List<double>();
        var okY = new List<double>();
        var okV = new List<double>();
        var badX = new List<double>();
        var badY = new List<double>();
        foreach (int i in first)
        {
            double px = Scale(xs[i], logX);
            if (status[i] == 0 && double.IsFinite(values[i]) && (!logValue || values[i] != 0))
            {
                double v = logValue ? Math.Log10(Math.Abs(values[i])) : values[i];
                okX.Add(px);
                okY.Add(ys is null ? v : Scale(ys[i], logY));
                okV.Add(v);
            }
            else
            {
                badX.Add(px);
                badY.Add(ys is null ? 0 : Scale(ys[i], logY));
            }
        }

        double min = okV.DefaultIfEmpty(0).Min(), max = okV.DefaultIfEmpty(1).Max();
        IColormap colormap = new ScottPlot.Colormaps.Viridis();
        const int bins = 64; // one marker plottable per colour bin, not per point
        for (int b = 0; b < bins; b++)
        {
            var inBin = Enumerable.Range(0, okV.Count).Where(i => Bin(okV[i], min, max, bins) == b).ToArray();
            if (inBin.Length > 0)
            {
                var markers = plot.Add.Markers(inBin.Select(i => okX[i]).ToArray(), inBin.Select(i => okY[i]).ToArray(),
                    MarkerShape.FilledCircle, 3, colormap.GetColor((b + 0.5) / bins));
                markers.LegendText = "";
            }
        }

        if (badX.Count > 0)
        {
            var crosses = plot.Add.Markers(badX.ToArray(), badY.ToArray(), MarkerShape.Cross, 4, Colors.Gray);
            crosses.LegendText = "not ok";
        }

        string scaled = logValue ? $"log10 |{name}|" : name;
        plot.Title(string.Create(CultureInfo.InvariantCulture,
            $"{first.Count} points, {round.DefaultIfEmpty(0).Max() + 1} rounds; colour {scaled}: {min:G4} (purple) to {max:G4} (yellow)"), size: 12);
        plot.XLabel(xName);
        plot.YLabel(yName ?? scaled);
        if (logX)
        {
            PlotRenderer.LogTicks(plot.Axes.Bottom);
        }

        if (logY)
        {
            PlotRenderer.LogTicks(plot.Axes.Left);
        }

        plot.Legend.IsVisible = badX.Count > 0;
        string temporary = file + ".partial" + Path.GetExtension(file);
        if (Path.GetExtension(file).Equals(".svg", StringComparison.OrdinalIgnoreCase))
        {
            plot.SaveSvg(temporary, width, height);
        }
        else
        {
            plot.SavePng(temporary, width, height);
        }

        File.Move(temporary, file, overwrite: true);
    }

    private static bool IsLog(SweepSpec spec, string axis) =>
        spec.Axes.FirstOrDefault(a => a.Parameter == axis)?.Kind == AxisKind.Log || (spec.Bias?.Axis.Kind == AxisKind.Log && axis is "v" or "V")
        || (spec.Time?.Kind == AxisKind.Log && axis == "t" && !spec.Axes.Any(a => a.Parameter == "t"));

    private static double[] Coordinates(ExportTable points, string name) => (double[])points.Columns.First(c => c.Name == name).Data;

    /// <summary>The rows of each point's first evaluation (the unrefined axes and inner grid at their first value).</summary>
    private static List<int> FirstEvaluations(ExportTable points, int refined)
    {
        var coordinates = points.Columns.Where(c => c.Description == "coordinate").Skip(refined).Select(c => (double[])c.Data).ToArray();
        var first = new List<int>();
        for (int i = 0; i < points.Shape[0]; i++)
        {
            if (coordinates.All(c => c[i] == c[0]))
            {
                first.Add(i);
            }
        }

        return first;
    }

    private static int Bin(double v, double min, double max, int bins) => max > min ? Math.Clamp((int)((v - min) / (max - min) * bins), 0, bins - 1) : 0;

    private static double Scale(double value, bool log) => log ? Math.Log10(value) : value;
}
