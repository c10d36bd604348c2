using System.Globalization;
using ScottPlot;

namespace Sweep.Coordinator.Plot;

/// <summary>
/// Draws a <see cref="PlotData"/> with ScottPlot into a PNG or SVG. Lines: one per series, split at
/// gaps (points that are not ok are never drawn), coloured by a colour scale over the curves'
/// values; heatmaps: cells coloured by value with a colour bar, non-ok cells hatched per status.
/// Log axes plot log10 of the values with decade ticks. The legend names every kind of gap.
/// </summary>
public static class PlotRenderer
{
    public const int DefaultWidth = 800, DefaultHeight = 600;

    /// <summary>Status hatches and colours, in the order statuses are listed; more statuses reuse them.</summary>
    private static readonly (IHatch Hatch, Color Color)[] GapStyles =
    [
        (new ScottPlot.Hatches.Striped(), Colors.Black),
        (new ScottPlot.Hatches.Checker(), Colors.DarkRed),
        (new ScottPlot.Hatches.Striped(ScottPlot.Hatches.StripeDirection.DiagonalDown), Colors.DarkBlue),
        (new ScottPlot.Hatches.Dots(), Colors.DarkGreen),
        (new ScottPlot.Hatches.Grid(), Colors.Gray),
    ];

    public static void Save(PlotData data, string path, int width = DefaultWidth, int height = DefaultHeight)
    {
        var plot = Render(data);
        string extension = Path.GetExtension(path).ToLowerInvariant();
        string temporary = path + ".partial" + extension;
        if (extension == ".svg")
        {
            plot.SaveSvg(temporary, width, height);
        }
        else
        {
            plot.SavePng(temporary, width, height);
        }

        File.Move(temporary, path, overwrite: true);
    }

    public static ScottPlot.Plot Render(PlotData data)
    {
        var plot = new ScottPlot.Plot();
        plot.Title(data.Title, size: 13);
        plot.XLabel(data.X.Label);
        plot.YLabel(data.Y.Label);
        if (data.Kind == PlotData.Heatmap)
        {
            DrawHeatmap(plot, data);
        }
        else
        {
            DrawLines(plot, data);
        }

        if (data.X.Log)
        {
            LogTicks(plot.Axes.Bottom);
        }

        if (data.Y.Log)
        {
            LogTicks(plot.Axes.Left);
        }

        plot.Legend.IsVisible = plot.Legend.ManualItems.Count > 0 || plot.GetPlottables().Any(p => p.LegendItems.Any(i => !string.IsNullOrEmpty(i.LabelText)));
        plot.Legend.Alignment = Alignment.UpperRight;
        plot.Legend.FontSize = 10;
        return plot;
    }

    private static void DrawLines(ScottPlot.Plot plot, PlotData data)
    {
        double[] xs = data.X.Values!.Select(x => Scale(x, data.X.Log)).ToArray();
        var curves = data.Series.Where(s => s.CurveValue is not null).Select(s => s.CurveValue!.Value).ToArray();
        IColormap colormap = new ScottPlot.Colormaps.Turbo();
        // Legends beyond ~12 entries hide the plot: then only the ends and every k-th curve are named.
        int every = Math.Max(1, (int)Math.Ceiling(data.Series.Count / 10.0));
        for (int s = 0; s < data.Series.Count; s++)
        {
            var series = data.Series[s];
            Color color = curves.Length > 1
                ? colormap.GetColor(s / (double)(data.Series.Count - 1)).WithLightness(0.45f)
                : new ScottPlot.Palettes.Category10().GetColor(s);
            bool named = s % every == 0 || s == data.Series.Count - 1;
            foreach (var (start, end) in Segments(series.Values, data.Y.Log))
            {
                double[] x = xs[start..end], y = series.Values[start..end].Select(v => Scale(v!.Value, data.Y.Log)).ToArray();
                var line = plot.Add.ScatterLine(x, y, color);
                line.LineWidth = 1.8f;
                line.MarkerSize = end - start == 1 ? 4 : 0; // a lone point between gaps stays visible
                if (named)
                {
                    line.LegendText = series.Label;
                    named = false;
                }
            }
        }

        if (data.Range is { } range)
        {
            plot.Axes.SetLimitsY(Scale(range.Min, data.Y.Log), Scale(range.Max, data.Y.Log));
        }

        AddGapLegend(plot, data, hatched: false);
    }

    private static void DrawHeatmap(ScottPlot.Plot plot, PlotData data)
    {
        double[] xs = data.X.Values!.Select(x => Scale(x, data.X.Log)).ToArray();
        double[] ys = data.Y.Values!.Select(y => Scale(y, data.Y.Log)).ToArray();
        bool logZ = data.Z!.Log;
        int rows = ys.Length, columns = xs.Length;
        var intensities = new double[rows, columns];
        for (int r = 0; r < rows; r++)
        {
            for (int c = 0; c < columns; c++)
            {
                double? v = data.Series[r].Values[c];
                intensities[r, c] = v is { } value && (!logZ || value > 0) ? Scale(value, logZ) : double.NaN;
            }
        }

        // Cells are centred on grid values; a grid that is not evenly spaced (in the plotted scale) is
        // drawn over its indices, with its values as tick labels.
        bool uniformX = Uniform(xs), uniformY = Uniform(ys);
        double[] cx = uniformX ? xs : Enumerable.Range(0, columns).Select(i => (double)i).ToArray();
        double[] cy = uniformY ? ys : Enumerable.Range(0, rows).Select(i => (double)i).ToArray();
        double dx = columns > 1 ? (cx[^1] - cx[0]) / (columns - 1) : 1, dy = rows > 1 ? (cy[^1] - cy[0]) / (rows - 1) : 1;
        var heatmap = plot.Add.Heatmap(intensities);
        heatmap.Colormap = new ScottPlot.Colormaps.Viridis();
        heatmap.NaNCellColor = Colors.White;
        heatmap.FlipVertically = true; // row 0 (the first y value) at the bottom
        heatmap.Extent = new CoordinateRect(cx[0], cx[^1], cy[0], cy[^1]); // cell centres: ScottPlot adds the half cells
        if (data.Range is { } range)
        {
            heatmap.ManualRange = new ScottPlot.Range(Scale(range.Min, logZ), Scale(range.Max, logZ));
        }

        var bar = plot.Add.ColorBar(heatmap);
        bar.Label = logZ ? $"log10 {data.Z.Label}" : data.Z.Label;

        var statuses = GapStatuses(data);
        for (int r = 0; r < rows; r++)
        {
            for (int c = 0; c < columns;)
            {
                string status = data.Series[r].Status[c];
                int end = c + 1;
                while (end < columns && data.Series[r].Status[end] == status)
                {
                    end++;
                }

                int style = statuses.IndexOf(status);
                if (style >= 0)
                {
                    var (hatch, color) = GapStyles[style % GapStyles.Length];
                    var cell = plot.Add.Rectangle(cx[c] - dx / 2, cx[end - 1] + dx / 2, cy[r] - dy / 2, cy[r] + dy / 2);
                    cell.FillStyle.Color = Colors.White;
                    cell.FillStyle.Hatch = hatch;
                    cell.FillStyle.HatchColor = color;
                    cell.LineStyle.Width = 0;
                }

                c = end;
            }
        }

        if (!uniformX)
        {
            IndexTicks(plot.Axes.Bottom, data.X.Values!);
        }

        if (!uniformY)
        {
            IndexTicks(plot.Axes.Left, data.Y.Values!);
        }

        plot.Axes.Margins(0, 0);
        AddGapLegend(plot, data, hatched: true);
    }

    /// <summary>Statuses other than ok found in the figure, in a fixed order (ok first in the enum, missing last).</summary>
    private static List<string> GapStatuses(PlotData data) =>
        data.Series.SelectMany(s => s.Status.Select((st, i) => (st, ok: s.Values[i] is not null))).Where(p => !p.ok).Select(p => p.st)
            .Distinct().OrderBy(s => s == "missing").ThenBy(s => s, StringComparer.Ordinal).ToList();

    private static void AddGapLegend(ScottPlot.Plot plot, PlotData data, bool hatched)
    {
        var statuses = GapStatuses(data);
        foreach (var (status, i) in statuses.Select((s, i) => (s, i)))
        {
            int count = data.Series.Sum(s => s.Status.Where((st, k) => st == status && s.Values[k] is null).Count());
            var (hatch, color) = GapStyles[i % GapStyles.Length];
            var item = new LegendItem { LabelText = $"{(hatched ? "hatched" : "gap")}: {status} ({count} points)" };
            if (hatched)
            {
                item.FillStyle.Color = Colors.White;
                item.FillStyle.Hatch = hatch;
                item.FillStyle.HatchColor = color;
                item.OutlineStyle.Width = 1;
                item.OutlineStyle.Color = Colors.Gray;
            }
            else
            {
                item.LineStyle.Width = 0;
            }

            plot.Legend.ManualItems.Add(item);
        }
    }

    /// <summary>Runs of consecutive drawable points (not null; above zero on a log axis).</summary>
    internal static IEnumerable<(int Start, int End)> Segments(double?[] values, bool log)
    {
        for (int i = 0; i < values.Length;)
        {
            while (i < values.Length && !Drawable(values[i], log))
            {
                i++;
            }

            int start = i;
            while (i < values.Length && Drawable(values[i], log))
            {
                i++;
            }

            if (i > start)
            {
                yield return (start, i);
            }
        }
    }

    private static bool Drawable(double? value, bool log) => value is { } v && (!log || v > 0);

    private static double Scale(double value, bool log) => log ? Math.Log10(value) : value;

    private static bool Uniform(double[] grid)
    {
        if (grid.Length < 3)
        {
            return true;
        }

        double step = (grid[^1] - grid[0]) / (grid.Length - 1);
        return grid.Zip(grid.Skip(1)).All(p => Math.Abs(p.Second - p.First - step) <= 1e-6 * Math.Abs(step));
    }

    internal static void LogTicks(IAxis axis)
    {
        axis.TickGenerator = new ScottPlot.TickGenerators.NumericAutomatic
        {
            MinorTickGenerator = new ScottPlot.TickGenerators.LogMinorTickGenerator(),
            IntegerTicksOnly = true,
            LabelFormatter = v => Math.Pow(10, v).ToString("G3", CultureInfo.InvariantCulture),
        };
    }

    private static void IndexTicks(IAxis axis, double[] values)
    {
        var ticks = new ScottPlot.TickGenerators.NumericManual();
        int every = Math.Max(1, values.Length / 8);
        for (int i = 0; i < values.Length; i += every)
        {
            ticks.AddMajor(i, values[i].ToString("G4", CultureInfo.InvariantCulture));
        }

        axis.TickGenerator = ticks;
    }
}
