using Sweep.Coordinator.Export;
using Sweep.Engine.Adaptive;
using Sweep.Engine.Planning;
using Sweep.Engine.Spec;

namespace Sweep.Coordinator.Adaptive;

/// <summary>
/// Interpolates an adaptive run anywhere in its domain: <b>multilinear on the refined cell</b> that holds the
/// point, in the scaled coordinates the refinement uses (the logarithm along a log axis). An observable the
/// spec refines on in log scale is interpolated in log|y| (geometrically) where the cell's corners share a sign
/// and none is 0; every other observable linearly. Where the corners differ in status the point lies on a
/// resolved boundary (<see cref="Boundary"/>, NaN); else it takes the corners' status.
/// </summary>
public sealed class AdaptiveInterpolator(SweepPlan plan, AdaptiveCells cells, AdaptiveSamples samples)
{
    /// <summary>Status of a point whose cell straddles a status boundary.</summary>
    public const byte Boundary = 254;

    private readonly AdaptiveLattice _lattice = plan.Models[0].Lattice!;
    private readonly bool[] _geometric = plan.Models[0].ObservableNames
        .Select(n => plan.Spec.Adaptive!.Observables.Any(o => o.Name == n && o.Scale == AdaptiveScale.Log)).ToArray();

    /// <summary>Evaluations per point (the unrefined axes × inner grid).</summary>
    public int EvaluationsPerPoint => samples.EvaluationsPerPoint;

    /// <summary>Interpolates every observable (as <c>samples</c> holds them, the plan's stored ones) at the point with
    /// refined values <paramref name="values"/> into <paramref name="output"/>[observable][offset + evaluation];
    /// writes the statuses to <paramref name="status"/>[offset + evaluation].</summary>
    public void Interpolate(ReadOnlySpan<double> values, double[][] output, byte[] status, long offset)
    {
        int d = _lattice.Dimensions;
        Span<double> x = stackalloc double[d];
        for (int a = 0; a < d; a++)
        {
            x[a] = Math.Clamp(_lattice.Axes[a].ScaledOf(values[a]), 0, 1) * _lattice.Axes[a].Cells;
            double nearest = Math.Round(x[a]);
            x[a] = Math.Abs(x[a] - nearest) < 1e-9 * Math.Max(1, nearest) ? nearest : x[a]; // a lattice value, up to its log's rounding
        }

        var cell = cells.LeafAt(x);
        long[] corners = cell.Corners(d);
        int at = CornerAt(cell, d, x); // on a corner: its stored value exactly, not exp(log(y))
        bool stored = corners.All(samples.Contains);
        var corner = new double[corners.Length];
        for (int e = 0; e < samples.EvaluationsPerPoint; e++)
        {
            long flat = offset + e;
            byte s = stored ? samples.Status(corners[0], e) : ExportLayout.Missing;
            for (int c = 1; stored && c < corners.Length; c++)
            {
                s = samples.Status(corners[c], e) == s ? s : Boundary;
            }

            status[flat] = s;
            for (int o = 0; o < output.Length; o++)
            {
                output[o][flat] = s != 0 ? double.NaN : at >= 0 ? samples.Value(corners[at], o, e) : Value(cell, d, corners, o, e, corner, x);
            }
        }
    }

    /// <summary>The corner the point sits on, or −1.</summary>
    private static int CornerAt(AdaptiveCell cell, int d, ReadOnlySpan<double> x)
    {
        int corner = 0;
        for (int a = 0; a < d; a++)
        {
            if (x[a] == cell.LoAt(a) + cell.WidthAt(a))
            {
                corner |= 1 << a;
            }
            else if (x[a] != cell.LoAt(a))
            {
                return -1;
            }
        }

        return corner;
    }

    private double Value(AdaptiveCell cell, int d, long[] corners, int o, int e, double[] corner, ReadOnlySpan<double> x)
    {
        bool geometric = _geometric[o];
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
