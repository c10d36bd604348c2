using Sweep.Engine.Planning;

namespace Sweep.Engine.Adaptive;

/// <summary>
/// The cells of an adaptive run: the coarse grid's cells, split as the rounds decided (each split
/// replaces a leaf by its children). The leaves tile the domain; every corner of a leaf is a point.
/// </summary>
public sealed class AdaptiveCells
{
    private readonly SortedSet<AdaptiveCell> _leaves = [];
    private readonly HashSet<(long Lo, long Width)> _split = [];

    public AdaptiveCells(AdaptiveLattice lattice)
    {
        Lattice = lattice;
        int d = lattice.Dimensions;
        long width = 0;
        for (int a = 0; a < d; a++)
        {
            width |= (long)(1 << lattice.Axes[a].Levels) << (AdaptiveLattice.BitsPerAxis * a);
        }

        var counts = lattice.Axes.Select(a => a.Coarse.Count - 1).ToArray();
        long total = counts.Aggregate(1L, (p, n) => p * n);
        var lo = new int[d];
        for (long c = 0; c < total; c++)
        {
            long rest = c;
            for (int a = d - 1; a >= 0; a--)
            {
                lo[a] = (int)(rest % counts[a]) << lattice.Axes[a].Levels;
                rest /= counts[a];
            }

            _leaves.Add(new AdaptiveCell(AdaptiveLattice.Key(lo), width, null));
        }
    }

    public AdaptiveLattice Lattice { get; }

    public IReadOnlyCollection<AdaptiveCell> Leaves => _leaves;

    /// <summary>Replaces leaf <paramref name="cell"/> by its children.</summary>
    public void Split(AdaptiveCell cell)
    {
        var leaf = _leaves.TryGetValue(cell, out var found) ? found : throw new ArgumentException($"cell {cell.Lo}/{cell.Width} is not a leaf", nameof(cell));
        _leaves.Remove(leaf);
        _split.Add((leaf.Lo, leaf.Width));
        foreach (var child in leaf.Children(Lattice.Dimensions))
        {
            _leaves.Add(child);
        }
    }

    /// <summary>The leaf holding a point given by fractional lattice coordinates (the lowest such leaf on a shared face).</summary>
    public AdaptiveCell LeafAt(ReadOnlySpan<double> coordinates)
    {
        int d = Lattice.Dimensions;
        var lo = new int[d];
        long width = 0;
        for (int a = 0; a < d; a++)
        {
            int w = 1 << Lattice.Axes[a].Levels;
            lo[a] = Math.Clamp((int)Math.Floor(coordinates[a] / w), 0, Lattice.Axes[a].Coarse.Count - 2) * w;
            width |= (long)w << (AdaptiveLattice.BitsPerAxis * a);
        }

        var cell = new AdaptiveCell(AdaptiveLattice.Key(lo), width, null);
        while (_split.Contains((cell.Lo, cell.Width)))
        {
            var children = cell.Children(d);
            int inside = 0;
            while (inside < children.Length - 1 && !children[inside].Contains(coordinates))
            {
                inside++;
            }

            cell = children[inside];
        }

        return cell;
    }
}
