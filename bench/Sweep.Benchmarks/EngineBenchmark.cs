using System.Diagnostics;
using Sweep.Coordinator.Engine;
using Sweep.Coordinator.Store;
using Sweep.Engine.Evaluation;
using Sweep.Engine.Planning;
using Sweep.Engine.Spec;
using Sweep.Physics.Models;
using Sweep.Worker.Actors;

namespace Sweep.Benchmarks;

/// <summary>
/// Engine measurements that BenchmarkDotNet's micro-benchmark model does not fit (whole runs of
/// seconds, files on disk, peak memory):
/// <list type="bullet">
/// <item>efficiency: the raw kernel loop (the plan's points in cache-sized tiles on the same number
/// of threads; no packing, actors or store) ÷ a full embedded run of the same points (--h-points N
/// scales the plan: 250 gives 10^7 points, 2500 10^8), and the fixed cost of a one-point run;</item>
/// <item>per-chunk overhead: the same run with small and with large chunks;</item>
/// <item>peak RSS of a run whose plan has 1e9 points, stopped after a few seconds, next to a 1e6 plan;</item>
/// <item>alone: the embedded run only (<c>--embedded-only</c>), or the disk's ceiling beside it (<c>--disk-ceiling</c>).</item>
/// </list>
/// Each timing is the best of <c>--repeat</c> runs (default 3): the machine's noise only adds time.
/// </summary>
public static class EngineBenchmark
{
    private const string JunctionSpec = """
        name: engine-bench
        models: [magnon-junction]
        axes:
          h: {log: [1.0e-5, 3.0], n: HPOINTS}
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
        int hPoints = Option(args, "--h-points", 250); // 250: 10^7 points; 2500: 10^8
        string spec = JunctionSpec.Replace("OBSERVABLES", observables.Replace(",", ", ")).Replace("HPOINTS", hPoints.ToString());
        int chunk = Option(args, "--chunk", 0); // 0: automatic, as a spec without `chunk:`
        var plan = Plan(spec, chunk: chunk > 0 ? chunk : null);
        Console.WriteLine($"machine: {Environment.ProcessorCount} cores, {Environment.OSVersion}, .NET {Environment.Version}; workers {workers}");
        Console.WriteLine($"spec: magnon-junction, {plan.TotalEvaluations:N0} points, observables [{observables}], chunk {plan.Models[0].ChunkSize}");

        await Actors.Value; // started once, untimed, as in a long-lived process
        if (args.Contains("--embedded-only"))
        {
            // Only the embedded run, `repeat` times: a phase to profile (`perf record`) by itself.
            for (int i = 0; i < repeat; i++)
            {
                var cpu = CpuClock();
                double wall = await EngineRun(plan, workers);
                Console.WriteLine($"embedded run: {wall:F3} s, {cpu():F3} CPU-s");
            }

            return 0;
        }

        if (args.Contains("--disk-ceiling"))
        {
            await DiskCeiling(plan, workers, repeat, observables.Split(',').Length);
            return 0;
        }

        double rawCpu = Best(repeat, () => CpuSeconds(() => RawKernelLoop(plan, workers)));
        double engineCpu = await BestAsync(repeat, async () => { var cpu = CpuClock(); await EngineRun(plan, workers); return cpu(); });
        // On a shared, oversubscribed machine wall time measures the neighbours; the process's CPU time
        // (all its threads: workers, aggregator, actors, checkpoints) measures what the engine costs.
        Console.WriteLine($"CPU time: raw kernel loop {rawCpu:F3} s, embedded run {engineCpu:F3} s; efficiency (CPU): {rawCpu / engineCpu:F3}");
        double raw = Best(repeat, () => RawKernelLoop(plan, workers));
        double evaluator = Best(repeat, () => ChunkEvaluatorLoop(plan, workers));
        Console.WriteLine($"chunk evaluator: {evaluator:F3} s (plan decoding, tiles, packing; no actors, no store)");
        var gc = GcCounts();
        double engine = await BestAsync(repeat, () => EngineRun(plan, workers));
        var gcAfter = GcCounts();
        Console.WriteLine($"GC collections per 10^7 points (gen0/gen1/gen2, mean of {repeat} runs): " +
                          string.Join("/", gc.Zip(gcAfter, (b, a) => ((a - b) / (double)repeat * 1e7 / plan.TotalEvaluations).ToString("F1"))));
        Console.WriteLine($"raw kernel loop: {raw:F3} s ({plan.TotalEvaluations / raw / 1e6:F2} M points/s on {workers} threads)");
        Console.WriteLine($"embedded run:    {engine:F3} s ({plan.TotalEvaluations / engine / 1e6:F2} M points/s)");
        Console.WriteLine($"efficiency:      {raw / engine:F3}");

        // What every run pays whatever its size (run directory, ledger, array files, actors, the last
        // fsync and commit): a one-point run; and the efficiency of the points' part of a run without it.
        var onePoint = Plan(spec.Replace($"n: {hPoints}", "n: 1").Replace("n: 200", "n: 1").Replace("n: 20", "n: 1")
            .Replace("[0.5, 1, 2.5, 5, 10, 50, 100, 500, 1000, 5000]", "[1]"), chunk: null);
        double fixedCost = await BestAsync(repeat, () => EngineRun(onePoint, workers));
        Console.WriteLine($"fixed cost of a run ({onePoint.TotalEvaluations} point): {fixedCost * 1e3:F1} ms; " +
                          $"efficiency without it: {raw / (engine - fixedCost):F3}");

        var small = Plan(spec, chunk: 1024);
        double smallChunks = await BestAsync(repeat, () => EngineRun(small, workers));
        double perChunk = (smallChunks - engine) / (small.TotalChunks - plan.TotalChunks);
        Console.WriteLine($"per-chunk overhead: {perChunk * 1e6:F1} µs wall per chunk ({small.TotalChunks} chunks of 1024: {smallChunks:F3} s " +
                          $"vs {plan.TotalChunks} chunks: {engine:F3} s)");
        Console.WriteLine($"chunks per second with 1024-point chunks: {small.TotalChunks / smallChunks:F0}");

        foreach (long points in new[] { 1_000_000L, 1_000_000_000L })
        {
            long rss = await PeakRssAfter(points, workers, TimeSpan.FromSeconds(8));
            Console.WriteLine($"peak RSS, plan of {points:N0} points (run to the end or stopped after 8 s): {rss / 1048576.0:F0} MiB");
        }

        return 0;
    }

    /// <summary>The kernels over the sweep's own points: per cache-sized tile, fill the inputs and
    /// evaluate the stored observables (the model's path for that selection); nothing is packed, sent or stored. (Re-evaluating one fixed batch instead would let
    /// the branch predictor learn the inputs and overstate the kernels by ~15%.)</summary>
    private static double RawKernelLoop(SweepPlan plan, int workers)
    {
        var model = plan.Models[0];
        int tile = Math.Min(ChunkEvaluator.TileEvaluations, model.ChunkSize);
        long tiles = (model.OuterCount + tile - 1) / tile;
        long next = -1;
        var clock = Stopwatch.StartNew();
        Parallel.For(0, workers, new ParallelOptions { MaxDegreeOfParallelism = workers }, _ =>
        {
            var columns = model.Model.Parameters.Select(_ => new double[tile]).ToArray();
            var results = model.Model.CreateResults(tile);
            long t;
            while ((t = Interlocked.Increment(ref next)) < tiles)
            {
                int count = (int)Math.Min(tile, model.OuterCount - t * tile);
                model.FillParameters(t * tile, count, columns);
                model.Model.Evaluate(new PointBatch(columns, count, uniformColumns: model.ConstantColumns), results, model.ObservableIndices); // as a worker does
            }
        });
        return clock.Elapsed.TotalSeconds;
    }

    /// <summary>
    /// The most an embedded run could reach on this machine if the engine cost nothing but the disk: the raw kernel loop
    /// alone, then again while <c>dd</c> writes the bytes a run stores (observables and status bytes) to the run
    /// directories' disk with direct I/O and an fsync, as the store does. The ceiling is the raw loop alone ÷ the time
    /// until both are done: the disk's own time and the CPU its I/O path takes from the kernels. Each round then runs the
    /// embedded run of the same points, so its efficiency and the ceiling come from the same minute (the host's load and
    /// the virtual disk's rate change from minute to minute).
    /// </summary>
    private static async Task DiskCeiling(SweepPlan plan, int workers, int repeat, int observables)
    {
        long bytes = plan.TotalEvaluations * (observables * sizeof(double) + 1);
        const int block = 4 << 20;
        string directory = Directory.CreateTempSubdirectory("sweep-ceiling-").FullName;
        try
        {
            Console.WriteLine($"bytes a run stores: {bytes / 1e9:F2} GB; dd writes them in {block >> 20} MiB blocks, oflag=direct conv=fsync, into {directory}");
            RawKernelLoop(plan, workers); // warm: the first calls run code not yet fully compiled
            await EngineRun(plan, workers);
            for (int i = 0; i < repeat; i++)
            {
                double alone = RawKernelLoop(plan, workers);
                var (ddAlone, _) = await Dd(directory, bytes / block, before: null);
                double raw = 0;
                var (dd, both) = await Dd(directory, bytes / block, before: () => raw = RawKernelLoop(plan, workers));
                double engine = await EngineRun(plan, workers);
                Console.WriteLine($"raw loop alone {alone:F3} s; dd alone {ddAlone:F3} s ({bytes / ddAlone / 1e9:F2} GB/s); together: raw loop {raw:F3} s, " +
                                  $"dd {dd:F3} s, both done {both:F3} s; ceiling {alone / both:F3}; embedded run {engine:F3} s, efficiency {alone / engine:F3}, " +
                                  $"÷ ceiling {both / engine:F3}");
            }
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    /// <summary>Runs <c>dd</c> (started, then <paramref name="before"/> run on this thread beside it); returns dd's wall
    /// time and the time until both were done.</summary>
    private static async Task<(double Dd, double Both)> Dd(string directory, long blocks, Action? before)
    {
        string file = Path.Combine(directory, "dd.bin");
        var info = new ProcessStartInfo("dd") { RedirectStandardError = true };
        foreach (string arg in new[] { "if=/dev/zero", $"of={file}", "bs=4M", $"count={blocks}", "oflag=direct", "conv=fsync" })
        {
            info.ArgumentList.Add(arg);
        }

        var clock = Stopwatch.StartNew();
        using var process = Process.Start(info)!;
        var exited = process.WaitForExitAsync().ContinueWith(_ => clock.Elapsed.TotalSeconds);
        before?.Invoke();
        string stderr = await process.StandardError.ReadToEndAsync();
        double dd = await exited;
        double both = clock.Elapsed.TotalSeconds;
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException("dd failed: " + stderr);
        }

        File.Delete(file);
        return (dd, both);
    }

    /// <summary>What a worker does per chunk, without mailboxes or the store.</summary>
    private static double ChunkEvaluatorLoop(SweepPlan plan, int workers)
    {
        long next = -1;
        var clock = Stopwatch.StartNew();
        Parallel.For(0, workers, new ParallelOptions { MaxDegreeOfParallelism = workers }, _ =>
        {
            var evaluator = new ChunkEvaluator(plan);
            long chunk;
            while ((chunk = Interlocked.Increment(ref next)) < plan.TotalChunks)
            {
                var (model, local) = plan.Locate(chunk);
                var (start, count) = model.ChunkRange(local);
                var result = evaluator.Evaluate(new Sweep.Engine.Messages.WorkItem("b", plan.SpecHash, chunk, model.Index, start, count, 1), "b");
                result.Release();
            }
        });
        return clock.Elapsed.TotalSeconds;
    }

    /// <summary>One actor system for every run of this process, as in a long-lived process; its start is not timed.</summary>
    private static readonly Lazy<Task<ActorHost>> Actors = new(() => ActorHost.StartAsync("bench"));

    private static async Task<double> EngineRun(SweepPlan plan, int workers)
    {
        string directory = Directory.CreateTempSubdirectory("sweep-bench-").FullName;
        try
        {
            var clock = Stopwatch.StartNew();
            using var store = RunDirectory.OpenForRun(Path.Combine(directory, "run"), ref plan, plan.Spec.Chunk, force: false, out _);
            await using var monitoring = new Sweep.Monitoring.MetricsHost("run"); // recorded as in `sweep run`, not served
            var outcome = await EmbeddedRun.ExecuteAsync(Actors.Value.Result.System, plan, store, new RunOptions { Workers = workers },
                new RunCounters(plan.TotalChunks, plan.TotalEvaluations), monitoring, CancellationToken.None);
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

    private static int[] GcCounts() => [GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2)];

    private static SweepPlan Plan(string spec, int? chunk) =>
        SweepPlan.Create(SpecParser.Parse(spec, ModelRegistry.Default, new SpecOverrides(Chunk: chunk)), ModelRegistry.Default);

    /// <summary>Starts a clock of this process's CPU time (every thread); calling it returns the seconds since.</summary>
    private static Func<double> CpuClock()
    {
        var start = Process.GetCurrentProcess().TotalProcessorTime;
        return () => (Process.GetCurrentProcess().TotalProcessorTime - start).TotalSeconds;
    }

    private static double CpuSeconds(Action action)
    {
        var cpu = CpuClock();
        action();
        return cpu();
    }

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
