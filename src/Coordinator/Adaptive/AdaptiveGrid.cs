using System.Globalization;
using Sweep.Coordinator.Export;
using Sweep.Engine;
using Sweep.Engine.Adaptive;
using Sweep.Engine.Planning;
using Sweep.Engine.Spec;

namespace Sweep.Coordinator.Adaptive;

/// <summary>
/// Interpolates an adaptive run onto a regular grid the user names (<c>--grid h=log:1e-10:1:200,T=lin:0.01:1:50</c>,
/// one entry per refined axis). The interpolation is <b>multilinear on the refined cell</b> that holds the grid point,
/// in the scaled coordinates the refinement uses (the logarithm along a log axis) — the same estimate the
/// loss controls. An observable the spec refines on in log scale is interpolated in log|y| (geometric) where its
/// corners share a sign and none is 0, every other one linearly. A grid point whose cell's corners differ in status
/// lies on a resolved boundary: status 254 (boundary), NaN values; otherwise it takes the corners' status.
/// </summary>
public static class AdaptiveGrid
{
    /// <summary>Status of a grid point whose cell straddles a status boundary.</summary>
    public const byte Boundary = 254;

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

    /// <summary>The interpolated grid: dimensions = the grid's axes, then the unrefined axes and inner grid.</summary>
    public static ExportTable Interpolate(SweepPlan plan, AdaptiveCells cells, AdaptiveSamples samples, AxisSpec[] grid)
    {
        var model = plan.Models[0];
        var lattice = model.Lattice!;
        int d = lattice.Dimensions, perPoint = samples.EvaluationsPerPoint, observables = model.ObservableNames.Length;
        var logScaled = model.ObservableNames.Select(n => plan.Spec.Adaptive!.Observables.Any(o => o.Name == n && o.Scale == AdaptiveScale.Log)).ToArray();
        long points = grid.Aggregate(1L, (p, a) => p * a.Count);
        var values = Enumerable.Range(0, observables).Select(_ => new double[points * perPoint]).ToArray();
        var status = new byte[points * perPoint];
        var gridValues = grid.Select(a => a.ToArray()).ToArray();
        var x = new double[d];
        var index = new int[d];
        var corner = new double[1 << d];
        for (long p = 0; p < points; p++)
        {
            long rest = p;
            for (int a = d - 1; a >= 0; a--)
            {
                index[a] = (int)(rest % grid[a].Count);
                rest /= grid[a].Count;
                x[a] = Math.Clamp(lattice.Axes[a].ScaledOf(gridValues[a][index[a]]), 0, 1) * lattice.Axes[a].Cells;
            }

            var cell = cells.LeafAt(x);
            long[] corners = cell.Corners(d);
            bool stored = corners.All(samples.Contains);
            for (int e = 0; e < perPoint; e++)
            {
                long flat = p * perPoint + e;
                byte s = stored ? samples.Status(corners[0], e) : ExportLayout.Missing;
                if (stored && corners.Any(k => samples.Status(k, e) != s))
                {
                    s = Boundary;
                }

                status[flat] = s;
                for (int o = 0; o < observables; o++)
                {
                    values[o][flat] = s == 0 ? Value(cell, d, corners, samples, o, e, logScaled[o], corner, x) : double.NaN;
                }
            }
        }

        var rests = model.RestAxes.Select(a => model.Axes[a]).Concat(model.InnerAxis is { } innerAxis ? [innerAxis] : []).ToArray();
        var names = AdaptivePointTable.DimensionNames(plan);
        var shape = grid.Select(a => (long)a.Count).Concat(rests.Select(a => (long)a.Count)).ToArray();
        var coordinates = grid.Concat(rests).Select((a, i) => new ExportColumn(names[i], i < d ? gridValues[i] : a.ToArray(),
            AdaptivePointTable.DimensionUnit(model.Model, names[i]), "coordinate")).ToArray();
        var columns = model.ObservableNames.Select((n, o) => AdaptivePointTable.Observable(model, n, values[o]))
            .Append(new ExportColumn("status", status, "1", $"status code of the cell's corners; {Boundary} boundary (corners differ), {ExportLayout.Missing} missing")).ToArray();
        return new ExportTable(names, shape, columns, coordinates);
    }

    private static double Value(AdaptiveCell cell, int d, long[] corners, AdaptiveSamples samples, int o, int e, bool log, double[] corner, double[] x)
    {
        bool geometric = log;
        for (int c = 0; c < corners.Length; c++)
        {
            corner[c] = samples.Value(corners[c], o, e);
            geometric &= corner[c] != 0 && Math.Sign(corner[c]) == Math.Sign(corner[0]);
        }

        if (!geometric)
        {
            return Refinement.Interpolate(cell, d, corner, x);
        }

        double sign = Math.Sign(corner[0]);
        for (int c = 0; c < corners.Length; c++)
        {
            corner[c] = Math.Log(Math.Abs(corner[c]));
        }

        return sign * Math.Exp(Refinement.Interpolate(cell, d, corner, x));
    }
}
