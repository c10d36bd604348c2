namespace Sweep.Coordinator.Adaptive;

/// <summary>One exported array: float64 (<c>double[]</c>), int32 (<c>int[]</c>) or uint8 (<c>byte[]</c>) values
/// in row-major order over its table's shape, with its unit and meaning.</summary>
public sealed record ExportColumn(string Name, Array Data, string Unit, string Description);

/// <summary>Arrays of one shape (a table: one dimension, its rows; a grid: its dimensions), plus coordinate vectors
/// (a grid's axes; none for a table).</summary>
public sealed record ExportTable(IReadOnlyList<string> Dimensions, long[] Shape, IReadOnlyList<ExportColumn> Columns, IReadOnlyList<ExportColumn> Coordinates);
