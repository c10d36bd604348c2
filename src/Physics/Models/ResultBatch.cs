namespace Sweep.Physics.Models;

/// <summary>
/// Evaluated results as structure of arrays: <see cref="Columns"/>[observable][result] in the
/// model's observable order, and a <see cref="Status"/> per result. A result whose status is not
/// <see cref="PointStatus.Ok"/> holds NaN in every column.
/// </summary>
public sealed class ResultBatch
{
    public ResultBatch(int observableCount, int capacity)
    {
        Columns = new double[observableCount][];
        for (int i = 0; i < observableCount; i++)
        {
            Columns[i] = new double[capacity];
        }

        Status = new PointStatus[capacity];
    }

    public double[][] Columns { get; }

    public PointStatus[] Status { get; }

    public int Capacity => Status.Length;

    /// <summary>Marks result <paramref name="index"/> as not evaluated: NaN everywhere.</summary>
    public void Reject(int index, PointStatus status)
    {
        Status[index] = status;
        foreach (var column in Columns)
        {
            column[index] = double.NaN;
        }
    }
}
