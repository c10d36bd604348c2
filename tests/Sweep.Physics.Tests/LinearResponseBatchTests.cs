using System.Runtime.Intrinsics;
using Sweep.Physics.Junction;
using Sweep.Physics.Models;

namespace Sweep.Physics.Tests;

/// <summary>The junction's fused linear-response kernel on each vector width (the 256-bit one forced) against the
/// model's full scalar evaluation: the same numbers to 1e-14 and the same statuses wherever it decides one, and
/// every point it cannot decide (rejected by the range check, biased, critical) handed back.</summary>
public class LinearResponseBatchTests
{
    private static readonly MagnonJunctionModel Model = new();

    public static TheoryData<int, int> WidthsAndCounts()
    {
        var data = new TheoryData<int, int>();
        int[] widths = Vector512.IsHardwareAccelerated ? [256, 512] : [256];
        foreach (int width in widths)
        {
            foreach (int count in (int[])[1, 3, 7, 8, 9, 17, 2003])
            {
                data.Add(width, count);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(WidthsAndCounts))]
    public void Every_output_equals_the_full_evaluation_and_every_decided_status_its_status(int width, int count)
    {
        var batch = Points(count);
        var full = Model.CreateResults(count);
        Model.Evaluate(batch, full);
        var c = batch.Columns;
        var outputs = Enumerable.Range(0, LinearResponseBatch.Observables).Select(_ => new double[count]).ToArray<double[]?>();
        // On entry, the range check's verdicts: the points with T out of range.
        var status = c[1].Take(count).Select(t => t > 0 ? PointStatus.Ok : PointStatus.Invalid).ToArray();
        var undecided = new int[count];
        int open = LinearResponseBatch.Evaluate(new JunctionPoints(c[0], c[1], c[2], c[3], c[4], c[5], c[6]), count, outputs, status,
            undecided, width);

        var handedBack = undecided.Take(open).ToHashSet();
        Assert.Equal(open, handedBack.Count);
        int outside = 0;
        for (int i = 0; i < count; i++)
        {
            bool mustHandBack = c[1][i] <= 0 || c[0][i] == 0 || c[5][i] != 0 || c[6][i] != 0;
            if (handedBack.Contains(i))
            {
                continue;
            }

            Assert.False(mustHandBack, $"point {i} (h = {c[0][i]:R}, T = {c[1][i]:R}, dh = {c[5][i]:R}, dT = {c[6][i]:R}) decided in SIMD");
            Assert.Equal(full.Status[i], status[i]);
            outside += status[i] == PointStatus.Outside ? 1 : 0;
            for (int o = 0; o < LinearResponseBatch.Observables; o++)
            {
                if (status[i] != PointStatus.Ok)
                {
                    Assert.True(double.IsNaN(outputs[o]![i]), $"{Model.Observables[o].Name} at the dense point {i}");
                    continue;
                }

                Near.Relative(full.Columns[o][i], outputs[o]![i], 1e-14,
                    $"{Model.Observables[o].Name} at h = {c[0][i]:R}, T = {c[1][i]:R}, {width} bits, {count} points");
            }
        }

        if (count > 1000)
        {
            Assert.True(outside > 20, $"{outside} dense points decided in SIMD");
            Assert.True(open < count / 4, $"{open} of {count} points handed back");
        }
    }

    [Fact]
    public void The_kernel_s_outputs_are_the_model_s_first_observables_in_its_order()
    {
        (string Name, int Output)[] order =
        [
            ("A", LinearResponseBatch.A), ("L11", LinearResponseBatch.L11), ("L12", LinearResponseBatch.L12), ("L21", LinearResponseBatch.L21),
            ("L22", LinearResponseBatch.L22), ("K", LinearResponseBatch.K), ("l11", LinearResponseBatch.ReducedL11),
            ("l12", LinearResponseBatch.ReducedL12), ("l22", LinearResponseBatch.ReducedL22), ("k", LinearResponseBatch.ReducedK),
            ("seebeck", LinearResponseBatch.Seebeck), ("lorenz", LinearResponseBatch.Lorenz), ("ZT", LinearResponseBatch.ZT),
        ];
        Assert.Equal(LinearResponseBatch.Observables, order.Length);
        Assert.All(order, o => Assert.Equal(Model.ObservableIndex(o.Name), o.Output));
    }

    [Fact]
    public void Unasked_outputs_are_not_written()
    {
        var batch = Points(64);
        var c = batch.Columns;
        var outputs = new double[]?[LinearResponseBatch.Observables];
        outputs[LinearResponseBatch.ReducedK] = new double[64];
        var status = new PointStatus[64];
        LinearResponseBatch.Evaluate(new JunctionPoints(c[0], c[1], c[2], c[3], c[4], c[5], c[6]), 64, outputs, status, new int[64]);
        Assert.All(outputs.Where((_, o) => o != LinearResponseBatch.ReducedK), Assert.Null);
        Assert.Contains(outputs[LinearResponseBatch.ReducedK]!, v => v > 0);
    }

    [Fact]
    public void Bad_arguments_are_refused_with_their_reason()
    {
        var batch = Points(8);
        var c = batch.Columns;
        var points = new JunctionPoints(c[0], c[1], c[2], c[3], c[4], c[5], c[6]);
        Assert.Throws<ArgumentException>(() => LinearResponseBatch.Evaluate(points, 8, new double[]?[3], new PointStatus[8], new int[8]));
        Assert.Throws<ArgumentException>(() => LinearResponseBatch.Evaluate(points, 9, new double[]?[13], new PointStatus[9], new int[9]));
        Assert.Throws<ArgumentOutOfRangeException>(() => LinearResponseBatch.Evaluate(points, 8, new double[]?[13], new PointStatus[8], new int[8], 128));
    }

    private static PointBatch Points(int count) => JunctionTestPoints.Random(count, 1605 + count, invalidFieldBias: false);
}
