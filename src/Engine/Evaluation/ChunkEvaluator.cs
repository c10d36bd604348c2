using System.Buffers;
using System.Diagnostics;
using System.Runtime.InteropServices;
using Sweep.Engine.Messages;
using Sweep.Engine.Planning;
using Sweep.Physics.Models;

namespace Sweep.Engine.Evaluation;

/// <summary>
/// Evaluates chunks of a plan with the models' batch kernels. One instance per worker: it owns the
/// parameter and result buffers and reuses them for every chunk (no per-point allocation). The
/// packed output comes from <see cref="ResultBuffers"/> and goes back there once stored.
/// </summary>
public sealed class ChunkEvaluator(SweepPlan plan)
{
    /// <summary>Where packed result arrays come from; the aggregator returns them after storing.</summary>
    public static ArrayPool<double> ResultBuffers { get; } = ArrayPool<double>.Shared;

    private readonly Dictionary<int, (double[][] Columns, ResultBatch Results)> _scratch = [];

    public ChunkResult Evaluate(WorkItem item, string workerId)
    {
        var started = Stopwatch.GetTimestamp();
        var modelPlan = plan.Models[item.ModelIndex];
        var model = modelPlan.Model;
        var (columns, results) = Scratch(modelPlan);

        modelPlan.FillParameters(item.Start, item.Count, columns);
        var batch = new PointBatch(columns, item.Count, modelPlan.InnerGrid, modelPlan.InnerScale);
        model.Evaluate(batch, results);

        int evaluations = batch.ResultCount;
        int[] selected = modelPlan.ObservableIndices;
        double[] values = ResultBuffers.Rent(selected.Length * evaluations);
        for (int o = 0; o < selected.Length; o++)
        {
            Array.Copy(results.Columns[selected[o]], 0, values, o * evaluations, evaluations);
        }

        byte[] status = MemoryMarshal.AsBytes(results.Status.AsSpan(0, evaluations)).ToArray();

        return new ChunkResult(item, evaluations, selected.Length, values, status, workerId, Stopwatch.GetElapsedTime(started));
    }

    private (double[][] Columns, ResultBatch Results) Scratch(ModelPlan modelPlan)
    {
        if (!_scratch.TryGetValue(modelPlan.Index, out var scratch))
        {
            var columns = modelPlan.Model.Parameters.Select(_ => new double[modelPlan.ChunkSize]).ToArray();
            scratch = (columns, modelPlan.Model.CreateResults(modelPlan.ChunkSize * modelPlan.InnerLength));
            _scratch[modelPlan.Index] = scratch;
        }

        return scratch;
    }
}
