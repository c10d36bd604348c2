namespace Sweep.Physics.Models;

/// <summary>
/// A physical model the engine can evaluate: declared parameters and observables, a point check
/// that explains itself, and a batch evaluator over structure-of-arrays input.
/// <para>The batch path applies the same rules as <see cref="Check"/>: parameter ranges here,
/// the model's own conditions (critical, unstable, cross-parameter limits) in the model.</para>
/// </summary>
public abstract class Model
{
    protected Model(string name, string description, IReadOnlyList<ParameterSpec> parameters,
        IReadOnlyList<ObservableSpec> observables, string? innerAxis = null, string? validity = null)
    {
        Validity = validity ?? "no boundary inside the parameter ranges";
        Name = name;
        Description = description;
        Parameters = parameters;
        Observables = observables;
        InnerAxis = innerAxis;
        InnerAxisIndex = innerAxis is null ? -1 : ParameterIndex(innerAxis);
        if (innerAxis is not null && InnerAxisIndex < 0)
        {
            throw new ArgumentException($"inner axis '{innerAxis}' is not a parameter of '{name}'", nameof(innerAxis));
        }
    }

    public string Name { get; }

    public string Description { get; }

    /// <summary>Where the model's approximations end, in PHYSICS.md §6 terms; points beyond get
    /// <see cref="PointStatus.Outside"/>.</summary>
    public string Validity { get; }

    public IReadOnlyList<ParameterSpec> Parameters { get; }

    public IReadOnlyList<ObservableSpec> Observables { get; }

    /// <summary>The parameter that a batch may sweep as an inner grid (the bias of <c>mtj</c>), or null.</summary>
    public string? InnerAxis { get; }

    public int InnerAxisIndex { get; }

    public int ParameterIndex(string name)
    {
        for (int i = 0; i < Parameters.Count; i++)
        {
            if (Parameters[i].Name == name)
            {
                return i;
            }
        }

        return -1;
    }

    public int ObservableIndex(string name)
    {
        for (int i = 0; i < Observables.Count; i++)
        {
            if (Observables[i].Name == name)
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>Checks one point, given as a full parameter vector in declaration order.</summary>
    public PointCheck Check(ReadOnlySpan<double> values)
    {
        if (values.Length != Parameters.Count)
        {
            throw new ArgumentException($"'{Name}' takes {Parameters.Count} parameters, got {values.Length}", nameof(values));
        }

        for (int i = 0; i < values.Length; i++)
        {
            var check = Parameters[i].Check(values[i]);
            if (!check.IsOk)
            {
                return check;
            }
        }

        return CheckPhysics(values);
    }

    /// <summary>A result batch sized for <paramref name="capacity"/> results.</summary>
    public ResultBatch CreateResults(int capacity) => new(Observables.Count, capacity);

    /// <summary>Evaluates every point of the batch into <paramref name="results"/> (index = point ×
    /// inner length + inner index). Points that fail a check get their status and NaN.
    /// <para>With <paramref name="observables"/> (indices) given, only those columns are promised: a
    /// model may then compute just them and what they depend on, and leave the other columns as they were.</para></summary>
    public void Evaluate(PointBatch batch, ResultBatch results, ReadOnlySpan<int> observables = default)
    {
        ArgumentNullException.ThrowIfNull(batch);
        ArgumentNullException.ThrowIfNull(results);
        if (batch.Columns.Length != Parameters.Count)
        {
            throw new ArgumentException($"'{Name}' takes {Parameters.Count} parameter columns, got {batch.Columns.Length}", nameof(batch));
        }

        if (batch.InnerGrid is not null && InnerAxis is null)
        {
            throw new ArgumentException($"'{Name}' has no inner axis to put a grid on", nameof(batch));
        }

        if (results.Columns.Length != Observables.Count || results.Capacity < batch.ResultCount)
        {
            throw new ArgumentException("result batch does not fit this model and batch", nameof(results));
        }

        MarkOutOfRange(batch, results);
        if (observables.IsEmpty || !EvaluateSelected(batch, results, observables))
        {
            EvaluateCore(batch, results);
        }
    }

    /// <summary>Outer points per chunk for a model whose points are expensive, or null for the
    /// engine's automatic size (by result bytes: 32768–262144 evaluations per chunk).</summary>
    public virtual int? PreferredChunkPoints => null;

    /// <summary>Why <see cref="Evaluate"/> gave <paramref name="status"/> to a point that <see cref="Check"/>
    /// passed, for conditions only the evaluation itself can find (the spin chain's steady state);
    /// null where the model has none, so a disagreement is a bug.</summary>
    public virtual string? EvaluationOnlyMessage(PointStatus status) => null;

    /// <summary>The model's conditions beyond the parameter ranges; called with in-range values.</summary>
    protected virtual PointCheck CheckPhysics(ReadOnlySpan<double> values) => PointCheck.Ok;

    /// <summary>Evaluates only <paramref name="observables"/> (and their status) where the model has a
    /// faster path for that selection; returns false, having written nothing, where it has none.</summary>
    protected virtual bool EvaluateSelected(PointBatch batch, ResultBatch results, ReadOnlySpan<int> observables) => false;

    /// <summary>Evaluates results whose status is still <see cref="PointStatus.Ok"/> after the
    /// range check; rejects (with <see cref="ResultBatch.Reject"/>) those that fail the model's own conditions.</summary>
    protected abstract void EvaluateCore(PointBatch batch, ResultBatch results);

    private void MarkOutOfRange(PointBatch batch, ResultBatch results)
    {
        int inner = batch.InnerLength;
        Array.Clear(results.Status, 0, batch.ResultCount);
        for (int p = 0; p < Parameters.Count; p++)
        {
            var range = Parameters[p].Range;
            if (p == InnerAxisIndex && batch.InnerGrid is { } grid)
            {
                // An absolute grid is checked once; a scaled one (bias in units of h) point by point.
                for (int j = 0; j < grid.Length; j++)
                {
                    if (batch.InnerScale < 0 && range.Contains(grid[j]))
                    {
                        continue;
                    }

                    for (int i = 0; i < batch.Count; i++)
                    {
                        if (batch.InnerScale < 0 || !range.Contains(batch.InnerValue(i, j)))
                        {
                            results.Reject(i * inner + j, PointStatus.Invalid);
                        }
                    }
                }

                continue;
            }

            var column = batch.Columns[p];
            if (batch.Count == 0 || (batch.IsUniform(p) ? range.Contains(column[0]) : range.ContainsAll(column.AsSpan(0, batch.Count))))
            {
                continue; // the common case, checked in SIMD
            }

            for (int i = 0; i < batch.Count; i++)
            {
                if (!range.Contains(column[i]))
                {
                    for (int j = 0; j < inner; j++)
                    {
                        results.Reject(i * inner + j, PointStatus.Invalid);
                    }
                }
            }
        }
    }
}
