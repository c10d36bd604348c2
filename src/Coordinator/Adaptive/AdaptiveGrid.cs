using System.Globalization;
using Sweep.Coordinator.Export;
using Sweep.Engine;
using Sweep.Engine.Planning;
using Sweep.Engine.Spec;

namespace Sweep.Coordinator.Adaptive;

/// <summary>An adaptive run interpolated onto a regular grid the user names (<c>--grid h=log:1e-10:1:200,T=lin:0.01:1:50</c>,
/// one entry per refined axis), with <see cref="AdaptiveInterpolator"/>.</summary>
public static class AdaptiveGrid
{
    /// <summary>Parses the grid: NAME=lin|log:START:END:N per refined axis, within the axis' range.</summary>
    public static AxisSpec[] Parse(string text, AdaptiveLattice lattice)
    {
        var axes = new AxisSpec[lattice.Dimensions];
        foreach (string entry in text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var parts = entry.Split('=', 2);
            int a = Array.FindIndex(lattice.Axes, x => x.Name == parts[0]);
            if (a < 0)
            {
                throw new UsageException($"--grid: '{parts[0]}' is not a refined axis (refined: {string.Join(", ", lattice.Axes.Select(x => x.Name))})");
            }

            var fields = parts.Length == 2 ? parts[1].Split(':') : [];
            if (fields.Length != 4 || fields[0] is not ("lin" or "log")
                || !double.TryParse(fields[1], NumberStyles.Float, CultureInfo.InvariantCulture, out double start)
                || !double.TryParse(fields[2], NumberStyles.Float, CultureInfo.InvariantCulture, out double end)
                || !int.TryParse(fields[3], NumberStyles.None, CultureInfo.InvariantCulture, out int n) || n is < 1 or > 1_000_000)
            {
                throw new UsageException($"--grid: '{entry}' must read NAME=lin|log:START:END:N with 1 ≤ N ≤ 1000000");
            }

            var coarse = lattice.Axes[a].Coarse;
            if (!(start >= coarse.Start && end <= coarse.End && (start < end || (n == 1 && start == end))) || (fields[0] == "log" && !(start > 0)))
            {
                throw new UsageException($"--grid: '{entry}' must lie within the axis' range [{coarse.Start:G6}, {coarse.End:G6}], start < end (log: start > 0)");
            }

            if (axes[a] is not null)
            {
                throw new UsageException($"--grid: '{parts[0]}' is named twice");
            }

            axes[a] = fields[0] == "log" ? AxisSpec.Log(parts[0], start, end, n) : AxisSpec.Lin(parts[0], start, end, n);
        }

        var absent = lattice.Axes.Where((x, a) => axes[a] is null).Select(x => x.Name).ToList();
        return absent.Count == 0 ? axes : throw new UsageException($"--grid: name every refined axis ({string.Join(", ", absent)} missing)");
    }

    /// <summary>The interpolated grid (<see cref="AdaptiveInterpolator"/>): dimensions = the grid's axes, then the unrefined axes and inner grid.</summary>
    public static ExportTable Interpolate(SweepPlan plan, AdaptiveInterpolator interpolator, AxisSpec[] grid)
    {
        var model = plan.Models[0];
        int d = grid.Length, perPoint = interpolator.EvaluationsPerPoint;
        long points = grid.Aggregate(1L, (p, a) => p * a.Count);
        var values = model.ObservableNames.Select(_ => new double[points * perPoint]).ToArray();
        var status = new byte[points * perPoint];
        var gridValues = grid.Select(a => a.ToArray()).ToArray();
        var point = new double[d];
        for (long p = 0; p < points; p++)
        {
            long rest = p;
            for (int a = d - 1; a >= 0; a--)
            {
                point[a] = gridValues[a][rest % grid[a].Count];
                rest /= grid[a].Count;
            }

            interpolator.Interpolate(point, values, status, p * perPoint);
        }

        var rests = model.RestAxes.Select(a => model.Axes[a]).Concat(model.InnerAxis is { } innerAxis ? [innerAxis] : []).ToArray();
        var names = AdaptivePointTable.DimensionNames(plan);
        var shape = grid.Select(a => (long)a.Count).Concat(rests.Select(a => (long)a.Count)).ToArray();
        var coordinates = grid.Concat(rests).Select((a, i) => new ExportColumn(names[i], i < d ? gridValues[i] : a.ToArray(),
            AdaptivePointTable.DimensionUnit(model.Model, names[i]), "coordinate")).ToArray();
        var columns = model.ObservableNames.Select((n, o) => AdaptivePointTable.Observable(model, n, values[o]))
            .Append(new ExportColumn("status", status, "1",
                $"status code of the cell's corners; {AdaptiveInterpolator.Boundary} boundary (corners differ), {ExportLayout.Missing} missing")).ToArray();
        return new ExportTable(names, shape, columns, coordinates);
    }
}
