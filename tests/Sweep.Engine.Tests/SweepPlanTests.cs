using Sweep.Engine.Evaluation;
using Sweep.Engine.Messages;
using Sweep.Engine.Planning;
using Sweep.Engine.Spec;
using Sweep.Physics.Models;

namespace Sweep.Engine.Tests;

public class SweepPlanTests
{
    private static SweepPlan Plan(string yaml) => SweepPlan.Create(SpecParser.Parse(yaml, ModelRegistry.Default), ModelRegistry.Default);

    [Fact]
    public void Each_model_spans_only_its_own_axes()
    {
        var plan = Plan(SpecParserTests.Valid);
        var junction = plan.Models[0];
        var mtj = plan.Models[1];
        Assert.Equal(["h", "T", "J_T"], junction.Axes.Select(a => a.Parameter)); // no alpha_p: no replicated work
        Assert.Equal(["h", "T", "J_T", "alpha_p"], mtj.Axes.Select(a => a.Parameter));
        Assert.Equal(30, junction.OuterCount);
        Assert.Equal(60 * 9, mtj.EvaluationCount);
        Assert.Equal(30 + 60 * 9, plan.TotalEvaluations);
        Assert.Equal((8 + 15, 8L), (plan.TotalChunks, mtj.FirstChunk)); // chunk: 4 outer points
        Assert.Equal(junction.Model.ParameterIndex("h"), mtj.InnerScale >= 0 ? 0 : -1);
    }

    [Theory]
    [InlineData(1, 1 << 18)] // 9 bytes an evaluation: 466 033 fit in 4 MiB, capped
    [InlineData(2, 1 << 17)] // 17 bytes: 246 723 fit
    [InlineData(4, 1 << 16)] // 33 bytes: 127 100 fit
    [InlineData(6, 1 << 16)] // 49 bytes: 85 598 fit
    [InlineData(25, 1 << 15)] // every junction observable, 201 bytes: 20 866 fit, raised to the former 32 768
    public void Automatic_chunks_hold_about_4_MiB_of_results_in_a_power_of_two_of_evaluations(int observables, int evaluations)
    {
        Assert.Equal(evaluations, ModelPlan.AutomaticChunkEvaluations(observables));
        long bytes = (long)evaluations * (observables * sizeof(double) + 1);
        Assert.True(bytes <= ModelPlan.ChunkResultBytes || evaluations == ModelPlan.MinChunkEvaluations, $"{bytes} bytes");
        Assert.Equal(0, evaluations % 4096); // each slice of a chunk, status bytes included, is whole 4 KiB blocks
    }

    [Fact]
    public void Automatic_chunks_follow_the_stored_observables_and_the_inner_grid_and_the_former_size_when_asked()
    {
        const string Spec = """
            name: chunks
            models: [magnon-junction, mtj]
            axes:
              h: {log: [1.0e-4, 2.0], n: 1000}
              T: {lin: [0.1, 2.0], n: 1000}
            constants: {J_T: 0.1, S: 1, alpha_p: 0.01, P_L: 0.2, eta: -1, G0_over_Gphi: 2000}
            bias: {lin: [-8, 8], n: 161, unit: h}
            observables: [L11, K, Ns]
            max_points: 200000000
            """;
        var plan = Plan(Spec);
        var (junction, mtj) = (plan.Models[0], plan.Models[1]);
        Assert.Equal(1 << 17, junction.ChunkSize); // L11 and K: 17 bytes an evaluation
        Assert.Equal((1 << 18) / 161, mtj.ChunkSize); // Ns alone: 9 bytes an evaluation, 161 bias points each outer point

        var former = SweepPlan.Create(SpecParser.Parse(Spec, ModelRegistry.Default, new SpecOverrides(ChunkEvaluations: ModelPlan.FormerChunkEvaluations)),
            ModelRegistry.Default);
        Assert.Equal((32768, 32768 / 161), (former.Models[0].ChunkSize, former.Models[1].ChunkSize));
        Assert.NotEqual(plan.SpecHash, former.SpecHash); // the chunking is part of what a run directory holds
        var everything = Plan(Spec.Replace("observables: [L11, K, Ns]\n", ""));
        Assert.Equal((32768, 32768 / 161), (everything.Models[0].ChunkSize, everything.Models[1].ChunkSize));
    }

    [Fact]
    public void Chunks_tile_the_flat_index_and_decode_like_nested_loops()
    {
        var plan = Plan(SpecParserTests.Valid);
        var mtj = plan.Models[1];
        var expected = new List<double[]>();
        foreach (double h in mtj.Axes[0].ToArray())
        foreach (double t in mtj.Axes[1].ToArray())
        foreach (double jt in mtj.Axes[2].ToArray())
        foreach (double ap in mtj.Axes[3].ToArray())
        {
            expected.Add([h, t, jt, ap]);
        }

        var columns = mtj.Model.Parameters.Select(_ => new double[mtj.ChunkSize]).ToArray();
        int[] at = new[] { "h", "T", "J_T", "alpha_p" }.Select(mtj.Model.ParameterIndex).ToArray();
        long next = 0;
        for (long local = 0; local < mtj.ChunkCount; local++)
        {
            var (start, count) = mtj.ChunkRange(local);
            Assert.Equal(next, start);
            mtj.FillParameters(start, count, columns);
            for (int i = 0; i < count; i++)
            {
                Assert.Equal(expected[(int)(start + i)], at.Select(p => columns[p][i]));
                Assert.Equal(2.0, columns[mtj.Model.ParameterIndex("S")][i]);      // constant
                Assert.Equal(0.2, columns[mtj.Model.ParameterIndex("P_L")][i]);    // default
            }

            next += count;
        }

        Assert.Equal(mtj.OuterCount, next);
    }

    [Theory]
    [InlineData("h: {log: [1.0e-6, 1], n: 70}, T: {lin: [0.1, 1], n: 13}, J_T: {lin: [0.01, 0.1], n: 3}, S: {values: [0.5, 1, 2.5, 5, 10]}", "J: 0.7")]
    [InlineData("h: {log: [1.0e-6, 1], n: 3}, T: {lin: [0.1, 1], n: 300}, J_T: {lin: [0.01, 0.1], n: 300}", "J: 0.7, S: 2")] // h and T: periods too long for a pattern
    [InlineData("h: {log: [1.0e-6, 1], n: 2}, T: {lin: [0.1, 1], n: 70000}", "J: 0.7, S: 2, J_T: 0.1")] // T last, longer than a pattern
    [InlineData("T: {lin: [0.1, 1], n: 4099}", "J: 0.7, S: 2, J_T: 0.1, h: 0.01")] // one axis, a period just over a pattern's minimum
    public void Parameters_of_any_span_of_points_equal_the_nested_loops(string axes, string constants)
    {
        var junction = Plan($"name: fill\nmodels: [magnon-junction]\naxes: {{{axes}}}\nconstants: {{{constants}}}\nmax_points: 1000000\n").Models[0];
        int[] at = junction.Axes.Select(a => junction.Model.ParameterIndex(a.Parameter)).ToArray();
        double[][] values = junction.Axes.Select(a => a.ToArray()).ToArray();
        var random = new Random(16);
        var columns = junction.Model.Parameters.Select(_ => new double[20_000]).ToArray();
        for (int trial = 0; trial < 200; trial++)
        {
            int count = (int)Math.Min(junction.OuterCount, random.Next(1, trial % 4 == 0 ? 20_000 : 2_100));
            long start = random.NextInt64(0, junction.OuterCount - count + 1);
            junction.FillParameters(start, count, columns);
            for (int i = 0; i < count; i += 1 + i % 5)
            {
                long rest = start + i;
                for (int a = junction.Axes.Length - 1; a >= 0; a--)
                {
                    Assert.Equal(values[a][rest % values[a].Length], columns[at[a]][i]);
                    rest /= values[a].Length;
                }

                Assert.Equal(0.7, columns[junction.Model.ParameterIndex("J")][i]);
            }
        }
    }

    [Fact]
    public void A_billion_point_plan_costs_constant_memory()
    {
        const string yaml = """
            name: big
            models: [magnon-junction]
            axes: {h: {log: [1.0e-6, 1], n: 1000}, T: {lin: [0.1, 1], n: 1000}, J_T: {lin: [0.01, 0.1], n: 1000}, S: {values: [1]}}
            max_points: 2000000000
            """;
        long before = GC.GetAllocatedBytesForCurrentThread();
        var plan = Plan(yaml);
        var (model, local) = plan.Locate(plan.TotalChunks - 1);
        var (start, count) = model.ChunkRange(local);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(1_000_000_000, plan.TotalEvaluations);
        Assert.Equal(1_000_000_000, start + count);
        Assert.True(allocated < 1_000_000, $"planning 1e9 points allocated {allocated} bytes");
    }

    [Fact]
    public void The_spec_hash_covers_results_and_chunking_but_not_name_or_output()
    {
        string hash = Plan(SpecParserTests.Valid).SpecHash;
        Assert.Equal(hash, Plan(SpecParserTests.Valid.Replace("name: t", "name: other") + "\noutput: somewhere\n").SpecHash);
        Assert.NotEqual(hash, Plan(SpecParserTests.Valid.Replace("chunk: 4", "chunk: 5")).SpecHash);
        Assert.NotEqual(hash, Plan(SpecParserTests.Valid.Replace("S: 2", "S: 3")).SpecHash);
        Assert.NotEqual(hash, Plan(SpecParserTests.Valid.Replace("unit: h", "unit: absolute")).SpecHash);
    }

    [Fact]
    public void A_chunk_holds_the_model_values_of_its_points_bitwise()
    {
        var plan = Plan(SpecParserTests.Valid);
        var mtj = plan.Models[1];
        var (start, count) = mtj.ChunkRange(3);
        var result = new ChunkEvaluator(plan).Evaluate(new WorkItem("r", plan.SpecHash, mtj.FirstChunk + 3, 1, start, count, 1), "w");
        Assert.Equal((count * 9, 2), (result.Evaluations, result.ObservableCount)); // Ns, i (L11 is not an mtj observable)

        var columns = mtj.Model.Parameters.Select(_ => new double[mtj.ChunkSize]).ToArray();
        mtj.FillParameters(start, count, columns);
        int v = mtj.Model.ParameterIndex("V"), h = mtj.Model.ParameterIndex("h");
        for (int i = 0; i < count; i++)
        {
            for (int j = 0; j < 9; j++)
            {
                double[] point = columns.Select(c => c[i]).ToArray();
                point[v] = mtj.InnerGrid![j] * point[h]; // bias in units of h
                var single = mtj.Model.CreateResults(1);
                mtj.Model.Evaluate(PointBatch.Single(point), single);
                int k = i * 9 + j;
                Assert.Equal((byte)single.Status[0], result.Status.Span[k]);
                Assert.Equal(single.Columns[mtj.Model.ObservableIndex("Ns")][0], result.Observable(0)[k]);
                Assert.Equal(single.Columns[mtj.Model.ObservableIndex("i")][0], result.Observable(1)[k]);
            }
        }
    }

    [Fact]
    public void A_chunk_of_reduced_conductances_only_takes_the_junction_s_selected_path_and_matches_the_full_one()
    {
        // h from 0 (critical) up, so the chunk holds rejected points beside every regime of x = h/T.
        var plan = Plan("""
            name: reduced
            models: [magnon-junction]
            axes:
              h: {values: [0, 1.0e-9, 0.3, 1.49, 1.51, 40, 600, 9000]}
              T: {lin: [0.5, 2], n: 5}
            constants: {J_T: 0.1, S: 1}
            observables: [k, l11]
            """);
        var junction = plan.Models[0];
        var (start, count) = junction.ChunkRange(0);
        Assert.Equal(40, count);
        var result = new ChunkEvaluator(plan).Evaluate(new WorkItem("r", plan.SpecHash, 0, 0, start, count, 1), "w");

        var columns = junction.Model.Parameters.Select(_ => new double[count]).ToArray();
        junction.FillParameters(start, count, columns);
        var full = junction.Model.CreateResults(count);
        junction.Model.Evaluate(new PointBatch(columns, count), full); // no selection: every observable
        int k = junction.Model.ObservableIndex("k"), l11 = junction.Model.ObservableIndex("l11");
        for (int i = 0; i < count; i++)
        {
            Assert.Equal((byte)full.Status[i], result.Status.Span[i]);
            foreach (var (column, o) in new[] { (0, k), (1, l11) })
            {
                double expected = full.Columns[o][i], actual = result.Observable(column)[i];
                Assert.True(double.IsNaN(expected) ? double.IsNaN(actual) : Math.Abs(actual - expected) <= 4e-15 * Math.Abs(expected),
                    $"point {i}, observable {column}: {actual:R} vs {expected:R}");
            }
        }

        Assert.Equal(5, result.Status.ToArray().Count(s => s == (byte)PointStatus.Critical));
    }

    [Fact]
    public void An_evaluator_reused_over_chunks_and_tiles_keeps_the_constants_it_wrote_once()
    {
        // Chunks of 3000 points in tiles of 2048: the constants (J_T, S, J, N_r and the bias defaults) are written into
        // the evaluator's columns once, the swept h and T every tile; every chunk must equal a fresh fill.
        var plan = Plan("""
            name: reuse
            models: [magnon-junction]
            axes:
              h: {log: [1.0e-6, 30], n: 30}
              T: {lin: [0.5, 2], n: 400}
            constants: {J_T: 0.1, S: 2, J: 0.7}
            observables: [l11, K]
            chunk: 3000
            """);
        var junction = plan.Models[0];
        var evaluator = new ChunkEvaluator(plan);
        Assert.Equal(4, junction.ChunkCount);
        for (long chunk = junction.ChunkCount - 1; chunk >= 0; chunk--)
        {
            var (start, count) = junction.ChunkRange(chunk);
            var result = evaluator.Evaluate(new WorkItem("r", plan.SpecHash, chunk, 0, start, count, 1), "w");
            var columns = junction.Model.Parameters.Select(_ => new double[count]).ToArray();
            junction.FillParameters(start, count, columns);
            var expected = junction.Model.CreateResults(count);
            junction.Model.Evaluate(new PointBatch(columns, count), expected, junction.ObservableIndices);
            for (int o = 0; o < junction.ObservableIndices.Length; o++)
            {
                for (int i = 0; i < count; i++)
                {
                    Assert.Equal((byte)expected.Status[i], result.Status.Span[i]);
                    Assert.Equal(expected.Columns[junction.ObservableIndices[o]][i], result.Observable(o)[i], 1e-14 * Math.Abs(result.Observable(o)[i]));
                }
            }
        }
    }

    [Fact]
    public void Injected_faults_fail_chosen_attempts()
    {
        var fault = FaultInjection.Parse("3,5@2");
        var item = new WorkItem("r", "h", 3, 0, 0, 1, 1);
        Assert.Throws<InjectedFaultException>(() => fault.Check(item));
        Assert.Throws<InjectedFaultException>(() => fault.Check(item with { Attempt = 2 }));
        fault.Check(item with { Attempt = 3 });
        fault.Check(item with { Chunk = 4 });
        Assert.Throws<InjectedFaultException>(() => FaultInjection.Parse("5@all").Check(item with { Chunk = 5, Attempt = 99 }));
        Assert.Throws<FormatException>(() => FaultInjection.Parse("x@1"));
    }
}
