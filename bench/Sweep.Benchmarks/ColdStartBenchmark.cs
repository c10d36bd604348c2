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
/// <code>dotnet bench/Sweep.Benchmarks/bin/Release/net10.0/Sweep.Benchmarks.dll coldstart --spec FILE [--seconds 6]</code>
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
        long points = 0;
        for (long chunk = 0; clock.Elapsed.TotalSeconds < seconds; chunk = (chunk + 1) % model.ChunkCount)
        {
            var (start, count) = model.ChunkRange(chunk);
            var result = evaluator.Evaluate(new WorkItem("coldstart", plan.SpecHash, chunk, 0, start, count, 1), "coldstart");
            ChunkEvaluator.ResultBuffers.Return(result.Values);
            points += result.Evaluations;
            marks.Add((clock.Elapsed.TotalSeconds, points));
        }

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
            $"(process start to first chunk: {(DateTime.Now - Process.GetCurrentProcess().StartTime).TotalSeconds - clock.Elapsed.TotalSeconds:F2} s)");
        return 0;
    }

    private static string? Option(string[] args, string name) => args.SkipWhile(a => a != name).Skip(1).FirstOrDefault();
}
