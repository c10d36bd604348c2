using System.Diagnostics;
using Sweep.Engine.Evaluation;
using Sweep.Engine.Messages;
using Sweep.Engine.Planning;
using Sweep.Physics.Models;
using Sweep.Engine.Spec;

namespace Sweep.Benchmarks;

/// <summary>
/// A fresh process's compute throughput over time: one thread evaluates the spec's chunks with
/// <see cref="ChunkEvaluator"/> (what a worker does; nothing stored) for --seconds, and reports
/// points/s per --window, over the first 2 s after the first chunk starts, and over the last 2 s
/// (warmed). Run it as a new process per setting (e.g. DOTNET_TieredPGO=0) to compare JIT settings.
/// <para>With --memory-peer it then runs what issue 16 compares the warmed kernel with: a loop over the
/// model's whole grid that only reads h and T and writes h/T to four arrays of the grid's size (memory
/// bound: 48 bytes a point), and prints the kernel's warmed rate as a fraction of the loop's.</para>
/// <code>dotnet bench/Sweep.Benchmarks/bin/Release/net10.0/Sweep.Benchmarks.dll coldstart --spec FILE [--seconds 6] [--memory-peer]</code>
/// </summary>
internal static class ColdStartBenchmark
{
    public static int Run(string[] args)
    {
        string spec = File.ReadAllText(Option(args, "--spec") ?? throw new ArgumentException("--spec FILE is required"));
        double seconds = double.Parse(Option(args, "--seconds") ?? "6", System.Globalization.CultureInfo.InvariantCulture);
        var plan = SweepPlan.Create(SpecParser.Parse(spec, ModelRegistry.Default, new SpecOverrides()), ModelRegistry.Default);
        var model = plan.Models[0];
        var evaluator = new ChunkEvaluator(plan);

        var marks = new List<(double Seconds, long Points)>();
        var clock = Stopwatch.StartNew();
        long points = 0, pointsAtWarm = -1;
        TimeSpan cpuAtWarm = default;
        for (long chunk = 0; clock.Elapsed.TotalSeconds < seconds; chunk = (chunk + 1) % model.ChunkCount)
        {
            var (start, count) = model.ChunkRange(chunk);
            var result = evaluator.Evaluate(new WorkItem("coldstart", plan.SpecHash, chunk, 0, start, count, 1), "coldstart");
            result.Release();
            points += result.Evaluations;
            marks.Add((clock.Elapsed.TotalSeconds, points));
            if (pointsAtWarm < 0 && clock.Elapsed.TotalSeconds >= seconds - 2)
            {
                (pointsAtWarm, cpuAtWarm) = (points, Process.GetCurrentProcess().TotalProcessorTime);
            }
        }

        // Per CPU-second as well: on a shared machine the wall-clock rate depends on what else runs.
        double warmedPerCpu = (points - pointsAtWarm) / (Process.GetCurrentProcess().TotalProcessorTime - cpuAtWarm).TotalSeconds;

        double Rate(double from, double to)
        {
            var inside = marks.Where(m => m.Seconds >= from && m.Seconds <= to).ToList();
            var before = marks.LastOrDefault(m => m.Seconds < from);
            return inside.Count == 0 ? 0 : (inside[^1].Points - before.Points) / (inside[^1].Seconds - before.Seconds);
        }

        for (double t = 0; t < seconds; t += 0.5)
        {
            Console.WriteLine($"{t,4:F1}-{t + 0.5,4:F1} s: {Rate(t, t + 0.5) / 1e6,7:F2} M points/s");
        }

        double first = Rate(0, 2), warmed = Rate(seconds - 2, seconds);
        Console.WriteLine($"first 2 s {first / 1e6:F2} M/s, last 2 s {warmed / 1e6:F2} M/s, ratio {first / warmed:F2} " +
            $"(process start to first chunk: {(DateTime.Now - Process.GetCurrentProcess().StartTime).TotalSeconds - clock.Elapsed.TotalSeconds:F2} s); " +
            $"last 2 s per CPU-second {warmedPerCpu / 1e6:F2} M/s; {points} points in all");
        if (args.Contains("--memory-peer"))
        {
            double peer = MemoryBoundRate(model);
            Console.WriteLine($"memory-bound peer (h/T into four arrays of {model.EvaluationCount:N0}): {peer / 1e6:F2} M points/s; " +
                $"kernel warmed / peer: {warmed / peer:F2}");
        }

        return 0;
    }

    /// <summary>Points/s of the copy loop over the whole grid (best of three passes; the first also faults the pages in).</summary>
    private static double MemoryBoundRate(ModelPlan model)
    {
        int n = checked((int)model.EvaluationCount);
        var columns = model.Model.Parameters.Select(_ => new double[n]).ToArray();
        model.FillParameters(0, n, columns);
        double[] h = columns[0], t = columns[1];
        var outputs = Enumerable.Range(0, 4).Select(_ => new double[n]).ToArray();
        double best = 0;
        for (int pass = 0; pass < 3; pass++)
        {
            var clock = Stopwatch.StartNew();
            double[] a = outputs[0], b = outputs[1], c = outputs[2], d = outputs[3];
            int i = 0;
            for (; i + System.Numerics.Vector<double>.Count <= n; i += System.Numerics.Vector<double>.Count)
            {
                // SIMD, as a C compiler at -O3 would: the loop is bound by memory, not by its division.
                var v = new System.Numerics.Vector<double>(h, i) / new System.Numerics.Vector<double>(t, i);
                v.CopyTo(a, i);
                v.CopyTo(b, i);
                v.CopyTo(c, i);
                v.CopyTo(d, i);
            }

            for (; i < n; i++)
            {
                double v = h[i] / t[i];
                a[i] = v;
                b[i] = v;
                c[i] = v;
                d[i] = v;
            }

            best = Math.Max(best, n / clock.Elapsed.TotalSeconds);
        }

        return best;
    }

    private static string? Option(string[] args, string name) => args.SkipWhile(a => a != name).Skip(1).FirstOrDefault();
}
