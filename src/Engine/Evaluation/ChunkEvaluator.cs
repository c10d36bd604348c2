using System.Diagnostics;
using System.Runtime.InteropServices;
using Sweep.Engine.Messages;
using Sweep.Engine.Planning;
using Sweep.Physics.Models;

namespace Sweep.Engine.Evaluation;

/// <summary>
/// Evaluates chunks of a plan with the models' batch kernels. One instance per worker: it owns the
/// parameter and result buffers and reuses them for every chunk (no per-point allocation).
/// <para>A chunk (the unit of storage and messaging) is evaluated in tiles of about
/// <see cref="TileEvaluations"/> evaluations, whose 22-odd result columns stay in the core's cache;
/// each tile's selected observables are packed into the output at once. Measured: evaluating
/// 32768-point chunks whole ran 1.5× slower than in tiles (docs/BENCHMARKS.md).</para>
/// The packed output is a <see cref="ResultBuffer"/>, which goes back to its pool once stored.
/// </summary>
public sealed class ChunkEvaluator(SweepPlan plan)
{
    /// <summary>Evaluations per tile: inputs and all results of a tile fit in a 512 KiB L2 cache.</summary>
    public const int TileEvaluations = 2048;

    private readonly Dictionary<int, (double[][] Columns, ResultBatch Results, int Tile)> _scratch = [];

    public ChunkResult Evaluate(WorkItem item, string workerId)
    {
        var started = Stopwatch.GetTimestamp();
        var modelPlan = plan.Models[item.ModelIndex];
        var model = modelPlan.Model;
        var (columns, results, tile) = Scratch(modelPlan);
        int inner = modelPlan.InnerLength;
        int evaluations = plan.EvaluationsOf(item);
        int rows = evaluations / inner;
        int[] selected = modelPlan.ObservableIndices;

        var buffer = ResultBuffers.Rent(ChunkResult.BufferBytes(selected.Length, evaluations));
        var packed = MemoryMarshal.Cast<byte, double>(buffer.Span[..(selected.Length * evaluations * sizeof(double))]);
        var status = buffer.Span.Slice(ChunkResult.StatusOffsetOf(selected.Length, evaluations), evaluations);
        try
        {
            for (int first = 0; first < rows; first += tile)
            {
                int count = Math.Min(tile, rows - first);
                if (item.Lattice is { } lattice)
                {
                    modelPlan.FillLattice(lattice, first, count, columns);
                }
                else
                {
                    modelPlan.FillParameters(item.Start + first, count, columns, constants: false); // filled with the scratch
                }

                model.Evaluate(new PointBatch(columns, count, modelPlan.InnerGrid, modelPlan.InnerScale, modelPlan.ConstantColumns),
                    results, selected);

                int offset = first * inner, length = count * inner;
                for (int o = 0; o < selected.Length; o++)
                {
                    StreamingCopy.Copy(results.Columns[selected[o]].AsSpan(0, length), packed.Slice(o * evaluations + offset, length));
                }

                MemoryMarshal.AsBytes(results.Status.AsSpan(0, length)).CopyTo(status[offset..]);
            }

            StreamingCopy.Publish(); // the buffer goes to another thread (the store) or process next
        }
        catch
        {
            ResultBuffers.Return(buffer); // a kernel that threw: the chunk is reported failed, its buffer reused
            throw;
        }

        return new ChunkResult(item, evaluations, selected.Length, buffer, workerId, Stopwatch.GetElapsedTime(started));
    }

    private (double[][] Columns, ResultBatch Results, int Tile) Scratch(ModelPlan modelPlan)
    {
        if (!_scratch.TryGetValue(modelPlan.Index, out var scratch))
        {
            int tile = Math.Clamp(TileEvaluations / modelPlan.InnerLength, 1, modelPlan.ChunkSize * modelPlan.RowsPerPoint);
            var columns = modelPlan.Model.Parameters.Select(_ => new double[tile]).ToArray();
            modelPlan.FillConstants(tile, columns); // once: tiles overwrite only the swept columns (measured: refilling them was 5 % of a run)
            scratch = (columns, modelPlan.Model.CreateResults(tile * modelPlan.InnerLength), tile);
            _scratch[modelPlan.Index] = scratch;
        }

        return scratch;
    }
}
