using Sweep.Engine.Spec;
using Sweep.Physics.Models;

namespace Sweep.Engine.Planning;

/// <summary>
/// The integer lattice adaptive points live on. Refined axis a with a coarse grid of n points and
/// L levels of halving (enough to reach its resolution) has cells 0 … N = (n − 1)·2^L; lattice
/// coordinate i is the value at fraction i/N of the range (linear, or linear in the logarithm for a
/// log axis), so coarse point j is lattice point j·2^L with bitwise the coarse grid's value. A point's
/// identity is its coordinates, packed into one 64-bit key (21 bits per axis).
/// </summary>
public sealed class AdaptiveLattice
{
    public const int BitsPerAxis = 21;

    public AdaptiveLattice(SweepSpec spec, Model model)
    {
        var adaptive = spec.Adaptive ?? throw new ArgumentException("the spec has no adaptive section", nameof(spec));
        Axes = adaptive.Axes.Select(a =>
        {
            var grid = AdaptiveParser.Grid(spec, model, a.Name)!;
            int levels = AdaptiveParser.Levels(AdaptiveParser.CoarseStep(grid), a.Resolution);
            int cells = (grid.Count - 1) << levels;
            var fine = grid.Kind == AxisKind.Log ? AxisSpec.Log(a.Name, grid.Start, grid.End, cells + 1) : AxisSpec.Lin(a.Name, grid.Start, grid.End, cells + 1);
            return new LatticeAxis(a.Name, grid, fine, levels, cells);
        }).ToArray();
    }

    public LatticeAxis[] Axes { get; }

    public int Dimensions => Axes.Length;

    public static long Key(ReadOnlySpan<int> coordinates)
    {
        long key = 0;
        for (int a = 0; a < coordinates.Length; a++)
        {
            key |= (long)coordinates[a] << (BitsPerAxis * a);
        }

        return key;
    }

    public static int Coordinate(long key, int axis) => (int)((key >> (BitsPerAxis * axis)) & ((1L << BitsPerAxis) - 1));

    /// <summary>The coarse grid (the spec's points along the refined axes), in key order of its coordinates (last axis fastest).</summary>
    public int[] CoarsePoints()
    {
        var counts = Axes.Select(a => a.Coarse.Count).ToArray();
        long total = counts.Aggregate(1L, (p, n) => p * n);
        var points = new int[total * Dimensions];
        for (long p = 0; p < total; p++)
        {
            long rest = p;
            for (int a = Dimensions - 1; a >= 0; a--)
            {
                points[p * Dimensions + a] = (int)(rest % counts[a]) << Axes[a].Levels;
                rest /= counts[a];
            }
        }

        return points;
    }
}

/// <summary>One refined axis: its coarse grid, the fine grid of its lattice (N + 1 values) and its levels.</summary>
public sealed record LatticeAxis(string Name, AxisSpec Coarse, AxisSpec Fine, int Levels, int Cells)
{
    public double Value(int i) => Fine.ValueAt(i);

    /// <summary>The coordinate as a fraction of the range, in the axis' own spacing (log for a log axis): where loss and interpolation measure.</summary>
    public double Scaled(int i) => (double)i / Cells;

    public bool IsLog => Coarse.Kind == AxisKind.Log;

    /// <summary>The scaled coordinate of <paramref name="value"/> (its fractional lattice position ÷ N).</summary>
    public double ScaledOf(double value) => IsLog
        ? (Math.Log(value) - Math.Log(Coarse.Start)) / (Math.Log(Coarse.End) - Math.Log(Coarse.Start))
        : (value - Coarse.Start) / (Coarse.End - Coarse.Start);
}
