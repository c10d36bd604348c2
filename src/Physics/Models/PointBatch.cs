namespace Sweep.Physics.Models;

/// <summary>
/// Points to evaluate, as structure of arrays: <see cref="Columns"/>[parameter][point] in the model's
/// parameter order, <see cref="Count"/> points.
/// <para>A model with an inner axis (the bias of <c>mtj</c>) may be given an <see cref="InnerGrid"/>:
/// then every point is evaluated at each grid value, which replaces that parameter's column, and
/// the results are laid out point-major (index = point × grid length + grid index). With
/// <see cref="InnerScale"/> ≥ 0 the grid is relative: point i sees grid[j] × Columns[InnerScale][i]
/// (a bias given in units of h).</para>
/// <para><see cref="UniformColumns"/> marks the columns that hold one value throughout (a spec's
/// constants): per-point work that only depends on the parameter's value (its range check) is then
/// done once.</para>
/// </summary>
public sealed class PointBatch
{
    public PointBatch(double[][] columns, int count, double[]? innerGrid = null, int innerScale = -1, ulong uniformColumns = 0)
    {
        ArgumentNullException.ThrowIfNull(columns);
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        foreach (var column in columns)
        {
            if (column.Length < count)
            {
                throw new ArgumentException("every column must hold at least count values", nameof(columns));
            }
        }

        if (innerGrid is { Length: 0 })
        {
            throw new ArgumentException("an inner grid needs at least one value", nameof(innerGrid));
        }

        if (innerScale >= columns.Length || (innerScale >= 0 && innerGrid is null))
        {
            throw new ArgumentOutOfRangeException(nameof(innerScale), innerScale, "must name a parameter column, and needs an inner grid");
        }

        if (columns.Length < 64 && uniformColumns >> columns.Length != 0)
        {
            throw new ArgumentOutOfRangeException(nameof(uniformColumns), uniformColumns, "marks a column the batch does not have");
        }

        Columns = columns;
        Count = count;
        UniformColumns = uniformColumns;
        InnerGrid = innerGrid;
        InnerScale = innerScale;
    }

    public double[][] Columns { get; }

    public int Count { get; }

    public double[]? InnerGrid { get; }

    /// <summary>Bit p set: every value of column p equals its first (the caller's promise, not checked).</summary>
    public ulong UniformColumns { get; }

    /// <summary>Whether column <paramref name="parameter"/> holds one value throughout.</summary>
    public bool IsUniform(int parameter) => parameter < 64 && (UniformColumns >> parameter & 1) != 0;

    /// <summary>The parameter column that scales the inner grid per point, or −1 for absolute values.</summary>
    public int InnerScale { get; }

    /// <summary>The inner-axis value of result (point, j).</summary>
    public double InnerValue(int point, int j) => InnerScale >= 0 ? InnerGrid![j] * Columns[InnerScale][point] : InnerGrid![j];

    /// <summary>Results per point: the inner grid's length, or 1.</summary>
    public int InnerLength => InnerGrid?.Length ?? 1;

    /// <summary>Number of results the batch produces.</summary>
    public int ResultCount => Count * InnerLength;

    /// <summary>A batch of one point, from a full parameter vector.</summary>
    public static PointBatch Single(ReadOnlySpan<double> values)
    {
        var columns = new double[values.Length][];
        for (int i = 0; i < values.Length; i++)
        {
            columns[i] = [values[i]];
        }

        return new PointBatch(columns, 1);
    }
}
