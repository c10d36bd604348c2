using Sweep.Coordinator.Export;
using Sweep.Coordinator.Plot;

namespace Sweep.Cli.Tests.Export;

/// <summary>The pure parts of HDF5 export and plotting: chunk shapes that are contiguous blocks of the
/// flat array, and line segments that skip every point that is not drawable.</summary>
public class Hdf5LayoutTests
{
    [Theory]
    [InlineData(new long[] { 250, 200, 20, 10 }, new uint[] { 1, 200, 20, 10 })]
    [InlineData(new long[] { 3, 4, 1, 3, 13 }, new uint[] { 3, 4, 1, 3, 13 })]
    [InlineData(new long[] { 100, 1_000_000 }, new uint[] { 1, 65536 })]
    [InlineData(new long[] { 7 }, new uint[] { 7 })]
    [InlineData(new long[] { 1000, 300 }, new uint[] { 218, 300 })]
    public void Chunks_are_whole_trailing_dimensions_then_part_of_one(long[] shape, uint[] expected)
    {
        uint[] chunk = Hdf5Exporter.ChunkShape(shape);
        Assert.Equal(expected, chunk);
        Assert.True(chunk.Aggregate(1L, (p, c) => p * c) <= 65536 || chunk.All(c => c == 1));
    }

    [Fact]
    public void Segments_split_lines_at_gaps_and_at_non_positive_values_on_a_log_axis()
    {
        double?[] values = [null, 1, 2, null, 3, -1, 4, 5, null];
        Assert.Equal([(1, 3), (4, 8)], PlotRenderer.Segments(values, log: false));
        Assert.Equal([(1, 3), (4, 5), (6, 8)], PlotRenderer.Segments(values, log: true));
        Assert.Empty(PlotRenderer.Segments([null, null], log: false));
    }

    [Fact]
    public void Nearest_grid_value_is_chosen_for_a_fixed_dimension()
    {
        Assert.Equal(1, PlotSlice.Nearest([0.2, 0.4667, 0.7333, 1.0], 0.5));
        Assert.Equal(3, PlotSlice.Nearest([0.2, 0.4667, 0.7333, 1.0], 7));
        Assert.Equal("T = 0.4667 (nearest to 0.5)", new FixedDimension("T", 0.5, 0.4667, "energy").ToString());
        Assert.Equal("eta = 1", new FixedDimension("eta", 1, 1, "1").ToString());
        Assert.Equal("S = 5", new FixedDimension("S", null, 5, "1").ToString());
    }
}
