using Sweep.Engine.Planning;

namespace Sweep.Engine.Adaptive;

/// <summary>
/// A box of the lattice: lower corner <see cref="Lo"/> and widths <see cref="Width"/> (lattice units,
/// powers of two), both packed as lattice keys; <see cref="Parent"/> is the cell whose split made it
/// (null on the coarse grid). Cells order by (Lo, Width): the tie-break of every decision.
/// </summary>
public readonly record struct AdaptiveCell(long Lo, long Width, AdaptiveCellParent? Parent) : IComparable<AdaptiveCell>
{
    public int CompareTo(AdaptiveCell other) => Lo != other.Lo ? Lo.CompareTo(other.Lo) : Width.CompareTo(other.Width);

    public int LoAt(int axis) => AdaptiveLattice.Coordinate(Lo, axis);

    public int WidthAt(int axis) => AdaptiveLattice.Coordinate(Width, axis);

    /// <summary>At the resolution along every axis (width 1 lattice cell): never split.</summary>
    public bool AtResolution(int dimensions)
    {
        for (int a = 0; a < dimensions; a++)
        {
            if (WidthAt(a) > 1)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>The 2^D corner keys, corner c taking the upper side along axis a where bit a of c is set.</summary>
    public long[] Corners(int dimensions)
    {
        var corners = new long[1 << dimensions];
        for (int c = 0; c < corners.Length; c++)
        {
            corners[c] = Lo + Offset(c, dimensions, Width);
        }

        return corners;
    }

    /// <summary>The children of a split: halves along every axis wider than one lattice cell.</summary>
    public AdaptiveCell[] Children(int dimensions)
    {
        long half = 0;
        var split = new List<int>();
        for (int a = 0; a < dimensions; a++)
        {
            int w = WidthAt(a);
            half |= (long)(w > 1 ? w / 2 : w) << (AdaptiveLattice.BitsPerAxis * a);
            if (w > 1)
            {
                split.Add(a);
            }
        }

        var parent = new AdaptiveCellParent(Lo, Width);
        var children = new AdaptiveCell[1 << split.Count];
        for (int c = 0; c < children.Length; c++)
        {
            long lo = Lo;
            for (int s = 0; s < split.Count; s++)
            {
                if ((c >> s & 1) == 1)
                {
                    lo += (long)AdaptiveLattice.Coordinate(half, split[s]) << (AdaptiveLattice.BitsPerAxis * split[s]);
                }
            }

            children[c] = new AdaptiveCell(lo, half, parent);
        }

        Array.Sort(children);
        return children;
    }

    /// <summary>The points a split adds or reuses: every corner of every child.</summary>
    public IEnumerable<long> SplitPoints(int dimensions) => Children(dimensions).SelectMany(c => c.Corners(dimensions)).Distinct();

    /// <summary>Whether a point (fractional lattice coordinates) lies in the closed box.</summary>
    public bool Contains(ReadOnlySpan<double> coordinates)
    {
        for (int a = 0; a < coordinates.Length; a++)
        {
            if (coordinates[a] < LoAt(a) || coordinates[a] > LoAt(a) + WidthAt(a))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>The offset of corner <paramref name="corner"/> from the lower corner: the widths of the axes whose bit is set.</summary>
    private static long Offset(int corner, int dimensions, long width)
    {
        long offset = 0;
        for (int a = 0; a < dimensions; a++)
        {
            if ((corner >> a & 1) == 1)
            {
                offset += (long)AdaptiveLattice.Coordinate(width, a) << (AdaptiveLattice.BitsPerAxis * a);
            }
        }

        return offset;
    }
}

/// <summary>The cell a split came from (its corners give the deviation estimate of its children).</summary>
public sealed record AdaptiveCellParent(long Lo, long Width)
{
    public AdaptiveCell AsCell => new(Lo, Width, null);
}
