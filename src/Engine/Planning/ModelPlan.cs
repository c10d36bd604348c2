using System.Numerics;
using Sweep.Engine.Spec;
using Sweep.Physics.Models;

namespace Sweep.Engine.Planning;

/// <summary>
/// One model's share of a sweep: the outer product of the spec axes that are its parameters (in
/// spec order, last fastest), constants or defaults for the rest, the inner bias grid, and the
/// chunking. Nothing is materialised: any flat index decodes to its parameter values.
/// </summary>
public sealed class ModelPlan
{
    internal ModelPlan(int index, Model model, SweepSpec spec, int? chunk, long firstChunk)
    {
        Index = index;
        Model = model;
        Axes = spec.Axes.Where(a => model.ParameterIndex(a.Parameter) >= 0).ToArray();
        Shape = Axes.Select(a => a.Count).ToArray();
        OuterCount = Shape.Aggregate(1L, (p, n) => p * n);

        InnerScale = -1;
        if (spec.InnerGridFor(model) is { } grid)
        {
            InnerGrid = grid.ToArray();
            InnerAxis = grid;
            if (model.InnerAxis == SweepSpec.BiasParameter && spec.Bias is { } bias)
            {
                InnerScale = bias.Unit == Spec.BiasUnit.Field ? model.ParameterIndex("h") : -1;
                BiasUnit = bias.Unit;
            }
        }

        // A parameter comes from an axis (its position in Axes), else a constant, else its default.
        _axisOf = model.Parameters.Select(p => Array.FindIndex(Axes, a => a.Parameter == p.Name)).ToArray();
        _axisValues = Axes.Select(a => a.Count <= MaxCachedAxisLength ? a.ToArray() : null).ToArray();
        _strides = Enumerable.Range(0, Axes.Length).Select(a => Shape.Skip(a + 1).Aggregate(1L, (p, n) => p * n)).ToArray();
        _patterns = Patterns(Axes, _axisValues, _strides);
        _constant = model.Parameters.Select(p =>
            spec.Constants.FirstOrDefault(c => c.Key == p.Name) is { Key: not null } c ? c.Value : p.Default ?? double.NaN).ToArray();

        ObservableIndices = (spec.Observables ?? model.Observables.Select(o => o.Name).ToArray())
            .Select(model.ObservableIndex).Where(i => i >= 0).ToArray();
        ObservableNames = ObservableIndices.Select(i => model.Observables[i].Name).ToArray();

        if (spec.Adaptive is not null)
        {
            // Adaptive points carry their refined coordinates; the other axes (and an unrefined inner grid) stay grids.
            Lattice = new AdaptiveLattice(spec, model);
            var refined = Lattice.Axes.Select(a => a.Name).ToHashSet();
            _restAxes = Enumerable.Range(0, Axes.Length).Where(a => !refined.Contains(Axes[a].Parameter)).ToArray();
            RowsPerPoint = (int)_restAxes.Aggregate(1L, (p, a) => p * Shape[a]);
            _refinedParameter = Lattice.Axes.Select(a => model.ParameterIndex(a.Name) is var i and >= 0 && spec.InnerDimension(model) != a.Name ? i : model.InnerAxisIndex).ToArray();
            if (spec.InnerDimension(model) is { } inner && refined.Contains(inner))
            {
                _refinedInnerScale = InnerScale;
                (InnerGrid, InnerAxis, InnerScale) = (null, null, -1);
            }

            ChunkSize = chunk ?? model.PreferredChunkPoints ?? Math.Max(1, AutomaticEvaluations(spec) / (RowsPerPoint * InnerLength));
        }
        else
        {
            ChunkSize = (int)Math.Min(chunk ?? model.PreferredChunkPoints ?? Math.Max(1, AutomaticEvaluations(spec) / InnerLength), Math.Max(1, OuterCount));
        }

        ChunkCount = (OuterCount + ChunkSize - 1) / ChunkSize;
        FirstChunk = firstChunk;
        for (int p = 0; p < Math.Min(_axisOf.Length, 64); p++)
        {
            if (_axisOf[p] < 0 && Array.IndexOf(_refinedParameter, p) < 0)
            {
                ConstantColumns |= 1UL << p;
            }
        }
    }

    /// <summary>Bit p set: parameter p is the same constant at every point (filled from the spec or
    /// its default), so a batch may treat its column as uniform (<see cref="PointBatch.UniformColumns"/>).</summary>
    public ulong ConstantColumns { get; }

    /// <summary>Evaluations (outer points × inner points) in an automatic chunk: the largest power of two whose results
    /// (values and status bytes) fit in <see cref="ChunkResultBytes"/>, within [<see cref="MinChunkEvaluations"/>,
    /// <see cref="MaxChunkEvaluations"/>]. Each chunk costs a work message, a result frame, a ledger row and a write, so
    /// a chunk should carry enough to make those small; a chunk's bytes are what its writes, frames and in-flight buffers
    /// cost, so the cheap observables (a few ns each, SIMD) get large chunks and the full set keeps the former 32768
    /// (docs/ENGINE.md, "Chunks"). Powers of two keep every slice of a chunk whole 4 KiB blocks for direct writes.</summary>
    public static int AutomaticChunkEvaluations(int observables)
    {
        long fit = ChunkResultBytes / (observables * (long)sizeof(double) + 1);
        return (int)Math.Clamp(1L << BitOperations.Log2((ulong)Math.Max(fit, 1)), MinChunkEvaluations, MaxChunkEvaluations);
    }

    /// <summary>The result bytes an automatic chunk aims at (<see cref="AutomaticChunkEvaluations"/>).</summary>
    public const long ChunkResultBytes = 4L << 20;

    public const int MinChunkEvaluations = 1 << 15;

    public const int MaxChunkEvaluations = 1 << 18;

    /// <summary>Evaluations in every automatic chunk before they were sized by result bytes: run directories made then are
    /// planned with it to be resumed and read (<see cref="Spec.SweepSpec.ChunkEvaluations"/>).</summary>
    public const int FormerChunkEvaluations = 1 << 15;

    private int AutomaticEvaluations(SweepSpec spec) => spec.ChunkEvaluations ?? AutomaticChunkEvaluations(ObservableIndices.Length);

    /// <summary>Axes up to this length keep their values in memory (8 MiB each at most); longer
    /// ones are computed point by point, so memory stays bounded for any plan.</summary>
    private const int MaxCachedAxisLength = 1 << 20;

    /// <summary>An axis repeating within this many points is filled from its pattern (at most 512 KiB each).</summary>
    private const int MaxPatternLength = 1 << 16;

    /// <summary>Patterns hold whole periods, at least this many points: a tile's column is one or two block copies.</summary>
    private const int MinPatternLength = 4096;

    private readonly int[] _axisOf;
    private readonly double[]?[] _axisValues;
    private readonly long[] _strides;
    private readonly double[]?[] _patterns;
    private readonly double[] _constant;
    private readonly int[] _restAxes = [];
    private readonly int[] _refinedParameter = [];
    private readonly int _refinedInnerScale = -1;

    public int Index { get; }

    public Model Model { get; }

    /// <summary>The spec axes this model depends on, in spec order.</summary>
    public AxisSpec[] Axes { get; }

    public int[] Shape { get; }

    public long OuterCount { get; }

    /// <summary>The inner grid: mtj's bias (v = V/h for <see cref="Spec.BiasUnit.Field"/>, else V) or
    /// spin-chain's times; null without one.</summary>
    public double[]? InnerGrid { get; }

    /// <summary>The lattice of an adaptive run (its refined axes), or null for a grid run.</summary>
    public AdaptiveLattice? Lattice { get; }

    /// <summary>Adaptive runs: parameter rows per refined point (the product of the unrefined spec axes), each with the inner grid.</summary>
    public int RowsPerPoint { get; } = 1;

    /// <summary>The spec's axis behind <see cref="InnerGrid"/> (how it is spaced), or null.</summary>
    public AxisSpec? InnerAxis { get; }

    public int InnerScale { get; }

    /// <summary>Adaptive runs: the indices into <see cref="Axes"/> of the unrefined axes, in spec order (last fastest).</summary>
    public IReadOnlyList<int> RestAxes => _restAxes;

    /// <summary>The bias grid's unit (mtj only).</summary>
    public BiasUnit? BiasUnit { get; }

    /// <summary>The name of the inner dimension in exports: v (bias in units of h), V or t.</summary>
    public string? InnerDimension => InnerGrid is null ? null : BiasUnit == Spec.BiasUnit.Field ? "v" : Model.InnerAxis;

    public int InnerLength => InnerGrid?.Length ?? 1;

    public long EvaluationCount => OuterCount * InnerLength;

    public int[] ObservableIndices { get; }

    public string[] ObservableNames { get; }

    /// <summary>Outer points per chunk (each carries the whole inner grid).</summary>
    public int ChunkSize { get; }

    public long ChunkCount { get; }

    /// <summary>Global number of this model's chunk 0.</summary>
    public long FirstChunk { get; }

    /// <summary>Outer points [start, start + count) of local chunk <paramref name="local"/>.</summary>
    public (long Start, int Count) ChunkRange(long local)
    {
        long start = local * ChunkSize;
        return (start, (int)Math.Min(ChunkSize, OuterCount - start));
    }

    /// <summary>Writes the spec's constants into <paramref name="columns"/>[parameter][0 … count).</summary>
    public void FillConstants(int count, double[][] columns)
    {
        for (int p = 0; p < _axisOf.Length; p++)
        {
            if (_axisOf[p] < 0)
            {
                Array.Fill(columns[p], _constant[p], 0, count);
            }
        }
    }

    /// <summary>Writes the parameter values of outer points [start, start + count) into
    /// <paramref name="columns"/>[parameter][0 … count). With <paramref name="constants"/> false the spec's
    /// constants are taken to be there already (<see cref="FillConstants"/>, once per reused set of columns).</summary>
    /// <remarks>Column by column: an axis's values repeat with the period <c>Shape[a] × stride</c> along the flat index, so
    /// an axis whose period is short (the last axes) is copied from its pattern (<see cref="_patterns"/>) in one or two
    /// block copies per column, and an axis of long period holds each value over <c>stride</c> points (one fill per run).
    /// Decoding run by run along the last axis instead took a fill call per parameter every <c>Shape[last]</c> points:
    /// with 10 values of S last, ~800 small copies and fills per 2048-point tile, about 30 % of the raw junction loop
    /// (docs/BENCHMARKS.md, seventh part).</remarks>
    public void FillParameters(long start, int count, double[][] columns, bool constants = true)
    {
        if (constants)
        {
            FillConstants(count, columns);
        }

        for (int p = 0; p < _axisOf.Length; p++)
        {
            if (_axisOf[p] is var a and >= 0)
            {
                FillAxis(a, start, columns[p].AsSpan(0, count));
            }
        }
    }

    /// <summary>Axis <paramref name="a"/>'s values at outer points [start, start + column.Length).</summary>
    private void FillAxis(int a, long start, Span<double> column)
    {
        if (_patterns[a] is { } pattern)
        {
            for (int done = 0, at = (int)(start % pattern.Length); done < column.Length; at = 0)
            {
                int run = Math.Min(column.Length - done, pattern.Length - at);
                pattern.AsSpan(at, run).CopyTo(column[done..]);
                done += run;
            }

            return;
        }

        long stride = _strides[a];
        for (int done = 0; done < column.Length;)
        {
            long flat = start + done, step = flat / stride;
            int i = (int)(step % Shape[a]);
            if (stride == 1)
            {
                int run = Math.Min(column.Length - done, Shape[a] - i);
                if (_axisValues[a] is { } values)
                {
                    values.AsSpan(i, run).CopyTo(column[done..]);
                }
                else
                {
                    for (int k = 0; k < run; k++)
                    {
                        column[done + k] = Axes[a].ValueAt(i + k);
                    }
                }

                done += run;
            }
            else
            {
                int run = (int)Math.Min(column.Length - done, stride - (flat - step * stride));
                column.Slice(done, run).Fill(AxisValue(a, i));
                done += run;
            }
        }
    }

    /// <summary>Per axis, its values as they repeat along the flat index (each held <c>stride</c> points), over a whole
    /// number of periods and at least <see cref="MinPatternLength"/> long; null where one period is longer than
    /// <see cref="MaxPatternLength"/> (each value then holds for thousands of points: filled run by run).</summary>
    private static double[]?[] Patterns(AxisSpec[] axes, double[]?[] values, long[] strides)
    {
        var patterns = new double[]?[axes.Length];
        for (int a = 0; a < axes.Length; a++)
        {
            long period = axes[a].Count * strides[a];
            if (values[a] is not { } axis || period > MaxPatternLength)
            {
                continue;
            }

            var pattern = new double[(int)(period * Math.Max(1, (MinPatternLength + period - 1) / period))];
            for (int k = 0; k < pattern.Length; k++)
            {
                pattern[k] = axis[(int)(k / strides[a] % axis.Length)];
            }

            patterns[a] = pattern;
        }

        return patterns;
    }

    private double AxisValue(int axis, int i) => _axisValues[axis] is { } cached ? cached[i] : Axes[axis].ValueAt(i);

    /// <summary>Adaptive runs: writes the parameters of rows [firstRow, firstRow + count) of the points whose
    /// lattice coordinates <paramref name="lattice"/> holds (point-major: row = point × <see cref="RowsPerPoint"/>
    /// + index over the unrefined axes, last fastest) into <paramref name="columns"/>.</summary>
    public void FillLattice(ReadOnlySpan<int> lattice, int firstRow, int count, double[][] columns)
    {
        var latticeAxes = Lattice!.Axes;
        int dimensions = latticeAxes.Length;
        for (int r = 0; r < count; r++)
        {
            int point = (firstRow + r) / RowsPerPoint;
            for (int a = 0; a < dimensions; a++)
            {
                columns[_refinedParameter[a]][r] = latticeAxes[a].Value(lattice[point * dimensions + a]);
            }
        }

        FillRest(firstRow, count, columns);
    }

    /// <summary>Adaptive runs: like <see cref="FillLattice"/> for points anywhere in the domain, one row block per
    /// point; <paramref name="refined"/>[point × refined axes + axis] holds the refined values.</summary>
    public void FillPoints(ReadOnlySpan<double> refined, int firstRow, int count, double[][] columns)
    {
        int dimensions = Lattice!.Dimensions;
        for (int r = 0; r < count; r++)
        {
            int point = (firstRow + r) / RowsPerPoint;
            for (int a = 0; a < dimensions; a++)
            {
                columns[_refinedParameter[a]][r] = refined[point * dimensions + a];
            }
        }

        FillRest(firstRow, count, columns);
    }

    /// <summary>Everything but the refined values (already in place): constants, the unrefined axes, and V = v h for a refined bias in units of h.</summary>
    private void FillRest(int firstRow, int count, double[][] columns)
    {
        for (int r = 0; r < count; r++)
        {
            int rest = (firstRow + r) % RowsPerPoint;
            for (int p = 0; p < _axisOf.Length; p++)
            {
                if (Array.IndexOf(_refinedParameter, p) < 0)
                {
                    columns[p][r] = _constant[p];
                }
            }

            for (int k = _restAxes.Length - 1; k >= 0; k--)
            {
                int a = _restAxes[k];
                columns[Model.ParameterIndex(Axes[a].Parameter)][r] = AxisValue(a, rest % Shape[a]);
                rest /= Shape[a];
            }

            if (_refinedInnerScale >= 0)
            {
                // A refined bias in units of h: the lattice holds v, the model takes V = v h.
                columns[Model.InnerAxisIndex][r] *= columns[_refinedInnerScale][r];
            }
        }
    }
}
