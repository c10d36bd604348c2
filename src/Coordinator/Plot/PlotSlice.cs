using System.Globalization;
using Sweep.Coordinator.Export;
using Sweep.Engine.Spec;

namespace Sweep.Coordinator.Plot;

/// <summary>
/// Where a figure lies in a model's N-D array: the x dimension, the dimension drawn as curves or
/// as the heatmap's y (if any), and the grid index every other dimension is fixed at (the value
/// nearest to the requested one). Pure: maps (x index, series index) to a flat index.
/// </summary>
public sealed class PlotSlice
{
    public PlotSlice(ExportLayout layout, FigureSpec figure)
    {
        Layout = layout;
        Figure = figure;
        var dims = layout.Dimensions;
        var coordinates = layout.Coordinates().Select(c => c.Values).ToArray();
        X = Array.IndexOf(dims, figure.X);
        Series = (figure.Curves ?? figure.Heatmap) is { } s ? Array.IndexOf(dims, s) : -1;
        Coordinates = coordinates;
        Fixed = new int[dims.Length];
        var notes = new List<FixedDimension>();
        for (int d = 0; d < dims.Length; d++)
        {
            if (d == X || d == Series)
            {
                continue;
            }

            var at = figure.At.FirstOrDefault(a => a.Key == dims[d]);
            double requested = at.Key is null ? coordinates[d][0] : at.Value;
            Fixed[d] = Nearest(coordinates[d], requested);
            notes.Add(new FixedDimension(dims[d], at.Key is null ? null : requested, coordinates[d][Fixed[d]], layout.DimensionUnit(d)));
        }

        FixedDimensions = notes;
        var strides = new long[dims.Length];
        long stride = 1;
        for (int d = dims.Length - 1; d >= 0; d--)
        {
            strides[d] = stride;
            stride *= layout.Shape[d];
        }

        _strides = strides;
        _base = Enumerable.Range(0, dims.Length).Where(d => d != X && d != Series).Sum(d => Fixed[d] * strides[d]);
    }

    private readonly long[] _strides;
    private readonly long _base;

    public ExportLayout Layout { get; }

    public FigureSpec Figure { get; }

    public int X { get; }

    /// <summary>The curves' or heatmap's y dimension, or −1.</summary>
    public int Series { get; }

    public double[][] Coordinates { get; }

    public int[] Fixed { get; }

    public IReadOnlyList<FixedDimension> FixedDimensions { get; }

    public double[] XValues => Coordinates[X];

    public double[] SeriesValues => Series < 0 ? [double.NaN] : Coordinates[Series];

    public long FlatIndex(int x, int series) => _base + x * _strides[X] + (Series < 0 ? 0 : series * _strides[Series]);

    /// <summary>Every flat index the figure reads, series-major.</summary>
    public long[] FlatIndices()
    {
        var indices = new long[SeriesValues.Length * XValues.Length];
        for (int s = 0, k = 0; s < SeriesValues.Length; s++)
        {
            for (int x = 0; x < XValues.Length; x++)
            {
                indices[k++] = FlatIndex(x, s);
            }
        }

        return indices;
    }

    internal static int Nearest(double[] grid, double value)
    {
        int best = 0;
        for (int i = 1; i < grid.Length; i++)
        {
            if (Math.Abs(grid[i] - value) < Math.Abs(grid[best] - value))
            {
                best = i;
            }
        }

        return best;
    }
}

/// <summary>A dimension the figure does not draw: the value asked for (null: it has one value) and the grid value used.</summary>
public sealed record FixedDimension(string Name, double? Requested, double Value, string Unit)
{
    /// <summary>"T = 0.4667 (nearest to 0.5)" — said in the title whenever the grid has no exact match.</summary>
    public override string ToString()
    {
        string text = $"{Name} = {Format(Value)}";
        return Requested is { } r && r != Value ? $"{text} (nearest to {Format(r)})" : text;
    }

    internal static string Format(double value) => value.ToString("G4", CultureInfo.InvariantCulture);
}
