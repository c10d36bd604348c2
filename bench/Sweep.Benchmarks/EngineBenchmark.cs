using System.Diagnostics;
using Sweep.Coordinator.Engine;
using Sweep.Coordinator.Store;
using Sweep.Engine.Planning;
using Sweep.Engine.Spec;
using Sweep.Physics.Models;

namespace Sweep.Benchmarks;

/// <summary>
/// Engine measurements that BenchmarkDotNet's micro-benchmark model does not fit (whole runs of
/// seconds, files on disk, peak memory):
/// <list type="bullet">
/// <item>efficiency: the raw kernel loop (pre-filled batches of the plan's chunk size on the same
/// number of threads; no plan decoding, actors or store) ÷ a full embedded run of the same points;</item>
/// <item>per-chunk overhead: the same run with small and with large chunks;</item>
/// <item>peak RSS of a run whose plan has 1e9 points, stopped after a few seconds, next to a 1e6 plan.</item>
/// </list>
/// Each timing is the best of <c>--repeat</c> runs (default 3): the machine's noise only adds time.
/// </summary>
public static class EngineBenchmark
{
    private const string JunctionSpec = """
        name: engine-bench
        models: [magnon-junction]
        axes:
          h: {log: [1.0e-5, 3.0], n: 250}
          T: {lin: [0.05, 2.0], n: 200}
          J_T: {log: [0.01, 0.5], n: 20}
          S: {values: [0.5, 1, 2.5, 5, 10, 50, 100, 500, 1000, 5000]}
        observables: [OBSERVABLES]
        max_points: 2000000000
        """;

    public static async Task<int> RunAsync(string[] args)
    {
        int workers = Option(args, "--workers", Environment.ProcessorCount);
        int repeat = Option(args, "--repeat", 3);
        string observables = args.SkipWhile(a => a != "--observables").Skip(1).FirstOrDefault() ?? "L11";
        string spec = JunctionSpec.Replace("OBSERVABLES", observables.Replace(",", ", "));
        var plan = Plan(spec, chunk: null);
        Console.WriteLine($"machine: {Environment.ProcessorCount} cores, {Environment.OSVersion}, .NET {Environment.Version}; workers {workers}");
        Console.WriteLine($"spec: magnon-junction, {plan.TotalEvaluations:N0} points, observables [{observables}], chunk {plan.Models[0].ChunkSize}");

        double raw = Best(repeat, () => RawKernelLoop(plan, workers));
        double engine = await BestAsync(repeat, () => EngineRun(plan, workers));
        Console.WriteLine($"raw kernel loop: {raw:F3} s ({plan.TotalEvaluations / raw / 1e6:F2} M points/s on {workers} threads)");
        Console.WriteLine($"embedded run:    {engine:F3} s ({plan.TotalEvaluations / engine / 1e6:F2} M points/s)");
        Console.WriteLine($"efficiency:      {raw / engine:F3}");

        var small = Plan(spec, chunk: 1024);
        double smallChunks = await BestAsync(repeat, () => EngineRun(small, workers));
        double perChunk = (smallChunks - engine) / (small.TotalChunks - plan.TotalChunks);
        Console.WriteLine($"per-chunk overhead: {perChunk * 1e6:F1} µs wall per chunk ({small.TotalChunks} chunks of 1024: {smallChunks:F3} s " +
                          $"vs {plan.TotalChunks} chunks: {engine:F3} s)");

        foreach (long points in new[] { 1_000_000L, 1_000_000_000L })
        {
            long rss = await PeakRssAfter(points, workers, TimeSpan.FromSeconds(8));
            Console.WriteLine($"peak RSS, plan of {points:N0} points (run to the end or stopped after 8 s): {rss / 1048576.0:F0} MiB");
        }

        return 0;
    }

    /// <summary>The kernels alone: each thread evaluates pre-filled batches of the chunk size until
    /// the plan's point count is covered.</summary>
    private static double RawKernelLoop(SweepPlan plan, int workers)
    {
        var model = plan.Models[0];
        long chunks = plan.TotalChunks;
        var batches = Enumerable.Range(0, workers).Select(w =>
        {
            var columns = model.Model.Parameters.Select(_ => new double[model.ChunkSize]).ToArray();
            model.FillParameters(model.ChunkRange(w % chunks).Start, model.ChunkRange(w % chunks).Count, columns);
            return (Batch: new PointBatch(columns, model.ChunkRange(w % chunks).Count), Results: model.Model.CreateResults(model.ChunkSize));
        }).ToArray();
        long next = -1;
        var clock = Stopwatch.StartNew();
        Parallel.For(0, workers, new ParallelOptions { MaxDegreeOfParallelism = workers }, w =>
        {
            while (Interlocked.Increment(ref next) < chunks)
            {
                model.Model.Evaluate(batches[w].Batch, batches[w].Results);
            }
        });
        return clock.Elapsed.TotalSeconds;
    }

    private static async Task<double> EngineRun(SweepPlan plan, int workers)
    {
        string directory = Directory.CreateTempSubdirectory("sweep-bench-").FullName;
        try
        {
            var clock = Stopwatch.StartNew();
            using var store = RunDirectory.OpenForRun(Path.Combine(directory, "run"), plan, plan.Spec.Chunk, force: false, out _);
            var outcome = await EmbeddedRun.ExecuteAsync(plan, store, new RunOptions { Workers = workers },
                new RunCounters(plan.TotalChunks, plan.TotalEvaluations), CancellationToken.None);
            if (!outcome.Succeeded)
            {
                throw new InvalidOperationException("benchmark run failed");
            }

            return clock.Elapsed.TotalSeconds;
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    /// <summary>Runs a plan of <paramref name="points"/> points in a child process for a while, then
    /// reads the peak resident set it reports when it stops.</summary>
    private static async Task<long> PeakRssAfter(long points, int workers, TimeSpan duration)
    {
        long perAxis = (long)Math.Round(Math.Cbrt(points));
        string spec = $"name: rss\nmodels: [magnon-junction]\naxes:\n  h: {{log: [1.0e-5, 3.0], n: {perAxis}}}\n  T: {{lin: [0.05, 2.0], n: {perAxis}}}\n" +
                      $"  J_T: {{log: [0.01, 0.5], n: {perAxis}}}\n  S: {{values: [1]}}\nobservables: [L11]\nmax_points: 2000000000\n";
        string directory = Directory.CreateTempSubdirectory("sweep-rss-").FullName;
        try
        {
            string specPath = Path.Combine(directory, "spec.yaml");
            await File.WriteAllTextAsync(specPath, spec);
            var info = new ProcessStartInfo("dotnet") { RedirectStandardError = true, RedirectStandardOutput = true };
            foreach (string arg in new[] { Path.Combine(AppContext.BaseDirectory, "sweep.dll"), "run", specPath, "-o", Path.Combine(directory, "run"),
                         "--progress", "none", "--workers", workers.ToString() })
            {
                info.ArgumentList.Add(arg);
            }

            using var process = Process.Start(info)!;
            var stderr = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(duration))
            {
                Process.Start("kill", ["-INT", process.Id.ToString()])!.WaitForExit(); // graceful stop: the summary line is printed
            }

            await process.WaitForExitAsync();
            string summary = (await stderr).Split('\n').Last(l => l.Contains("peak RSS", StringComparison.Ordinal));
            string mib = summary[(summary.IndexOf("peak RSS ", StringComparison.Ordinal) + 9)..].Split(' ')[0];
            return long.Parse(mib) * 1048576;
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    private static SweepPlan Plan(string spec, int? chunk) =>
        SweepPlan.Create(SpecParser.Parse(spec, ModelRegistry.Default, new SpecOverrides(Chunk: chunk)), ModelRegistry.Default);

    private static double Best(int repeat, Func<double> measure) => Enumerable.Range(0, repeat).Select(_ => measure()).Min();

    private static async Task<double> BestAsync(int repeat, Func<Task<double>> measure)
    {
        double best = double.MaxValue;
        for (int i = 0; i < repeat; i++)
        {
            best = Math.Min(best, await measure());
        }

        return best;
    }

    private static int Option(string[] args, string name, int fallback) =>
        args.SkipWhile(a => a != name).Skip(1).FirstOrDefault() is { } text ? int.Parse(text) : fallback;
}
