using Sweep.Engine.Planning;
using Sweep.Engine.Spec;

namespace Sweep.Engine.Adaptive;

/// <summary>
/// One round's decision (docs/ADAPTIVE.md): score every leaf cell, split the worst, return the new
/// points. Pure and deterministic: the same cells and samples give the same round, bit for bit.
/// <list type="bullet">
/// <item>A cell whose corners differ in status (at any evaluation of the unrefined axes) is a
/// <b>boundary</b>: loss +∞ until it reaches the resolution, so thresholds are located to it.</item>
/// <item>Otherwise its loss is, over the driving observables in their scale (log10 |y|, or y ÷ its
/// range) and every evaluation where the corners are ok, the largest deviation of its corners from
/// the multilinear interpolation of its parent cell: the error the coarser cell made here. A coarse
/// cell has no parent: its loss is the spread (max − min) of its corners.</item>
/// <item>A cell at the resolution along every axis is never split (the loss is bounded by it).</item>
/// </list>
/// Cells with loss above the tolerance and within a factor 2 of the largest finite loss, and every
/// boundary cell, are split in order of loss (ties: the cell order), as long as the new points fit the budget.
/// </summary>
public static class Refinement
{
    public static RefinementStep Next(AdaptiveCells cells, AdaptiveSamples samples, AdaptiveSpec spec)
    {
        int d = cells.Lattice.Dimensions;
        var ranges = spec.Observables.Select((o, i) => o.Scale == AdaptiveScale.Lin ? samples.Range(i) : 1).ToArray();
        var scored = new List<(AdaptiveCell Cell, double Loss)>();
        double largest = 0;
        int boundaries = 0;
        foreach (var cell in cells.Leaves)
        {
            double loss = Loss(cell, d, samples, spec, ranges);
            if (double.IsPositiveInfinity(loss))
            {
                boundaries++;
            }

            if (!cell.AtResolution(d))
            {
                if (double.IsFinite(loss))
                {
                    largest = Math.Max(largest, loss);
                }

                if (loss > spec.Tolerance)
                {
                    scored.Add((cell, loss));
                }
            }
        }

        var candidates = scored.Where(s => double.IsPositiveInfinity(s.Loss) || s.Loss >= largest / 2)
            .OrderByDescending(s => s.Loss).ThenBy(s => s.Cell).ToList();
        var added = new HashSet<long>();
        var splits = new List<AdaptiveCell>();
        foreach (var (cell, _) in candidates)
        {
            var fresh = cell.SplitPoints(d).Where(k => !samples.Contains(k) && !added.Contains(k)).ToList();
            if (samples.Count + added.Count + fresh.Count > spec.Budget)
            {
                break; // in order of loss: a worse cell never waits behind a better one
            }

            fresh.ForEach(k => added.Add(k));
            splits.Add(cell);
        }

        var keys = added.Order().ToArray();
        var points = new int[keys.Length * d];
        for (int p = 0; p < keys.Length; p++)
        {
            for (int a = 0; a < d; a++)
            {
                points[p * d + a] = AdaptiveLattice.Coordinate(keys[p], a);
            }
        }

        string? done = splits.Count > 0 ? null
            : scored.Count == 0 ? "converged: every cell is within the tolerance or at the resolution"
            : "budget reached";
        return new RefinementStep(points, splits.ToArray(), largest, boundaries, done);
    }

    /// <summary>The cell's loss (see the class summary): +∞ on a boundary, 0 where no corner is ok.</summary>
    public static double Loss(AdaptiveCell cell, int d, AdaptiveSamples samples, AdaptiveSpec spec, double[] ranges)
    {
        long[] corners = cell.Corners(d);
        long[]? parent = cell.Parent?.AsCell.Corners(d);
        double loss = 0;
        for (int e = 0; e < samples.EvaluationsPerPoint; e++)
        {
            byte status = samples.Status(corners[0], e);
            for (int c = 1; c < corners.Length; c++)
            {
                if (samples.Status(corners[c], e) != status)
                {
                    return double.PositiveInfinity;
                }
            }

            if (status != 0)
            {
                continue;
            }

            for (int o = 0; o < spec.Observables.Count; o++)
            {
                var scale = spec.Observables[o].Scale;
                double Scaled(long key) => samples.Scaled(key, o, e, scale, ranges[o]);
                if (parent is null || !parent.All(k => samples.Status(k, e) == 0))
                {
                    double min = double.PositiveInfinity, max = double.NegativeInfinity;
                    foreach (long k in corners)
                    {
                        double y = Scaled(k);
                        if (double.IsFinite(y))
                        {
                            (min, max) = (Math.Min(min, y), Math.Max(max, y));
                        }
                    }

                    loss = max > min ? Math.Max(loss, max - min) : loss;
                    continue;
                }

                var parentValues = parent.Select(Scaled).ToArray();
                var parentCell = cell.Parent!.AsCell;
                foreach (long k in corners)
                {
                    double y = Scaled(k), predicted = Interpolate(parentCell, d, parentValues, k);
                    if (double.IsFinite(y) && double.IsFinite(predicted))
                    {
                        loss = Math.Max(loss, Math.Abs(y - predicted));
                    }
                }
            }
        }

        return loss;
    }

    /// <summary>Multilinear interpolation in <paramref name="cell"/> (corner values in <see cref="AdaptiveCell.Corners"/>
    /// order) at lattice point <paramref name="key"/>.</summary>
    public static double Interpolate(AdaptiveCell cell, int d, double[] cornerValues, long key)
    {
        Span<double> x = stackalloc double[d];
        for (int a = 0; a < d; a++)
        {
            x[a] = AdaptiveLattice.Coordinate(key, a);
        }

        return Interpolate(cell, d, cornerValues, x);
    }

    /// <summary>Multilinear interpolation at fractional lattice coordinates <paramref name="x"/>.</summary>
    public static double Interpolate(AdaptiveCell cell, int d, double[] cornerValues, ReadOnlySpan<double> x)
    {
        double sum = 0;
        for (int c = 0; c < cornerValues.Length; c++)
        {
            double weight = 1;
            for (int a = 0; a < d; a++)
            {
                double t = (x[a] - cell.LoAt(a)) / cell.WidthAt(a);
                weight *= (c >> a & 1) == 1 ? t : 1 - t;
            }

            if (weight != 0)
            {
                sum += weight * cornerValues[c];
            }
        }

        return sum;
    }
}

/// <summary>A round's decision: the new points (lattice coordinates, point-major, sorted by key), the cells
/// split, the largest finite loss of a refinable cell, the boundary cells, and why refinement ends (null: it goes on).</summary>
public sealed record RefinementStep(int[] Points, AdaptiveCell[] Splits, double LargestLoss, int BoundaryCells, string? Done);
