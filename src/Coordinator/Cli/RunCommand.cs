using System.CommandLine;
using System.Runtime.InteropServices;
using Sweep.Coordinator.Engine;
using Sweep.Coordinator.Progress;
using Sweep.Coordinator.Store;
using Sweep.Engine.Evaluation;
using Sweep.Engine.Planning;
using Sweep.Engine.Spec;

namespace Sweep.Coordinator.Cli;

/// <summary>
/// <c>sweep run SPEC</c>: the embedded engine (coordinator, workers and aggregator in this process)
/// into a run directory. Rerunning the same spec resumes; Ctrl+C or SIGTERM stops after the
/// in-flight chunks are stored (a second Ctrl+C exits at once; the store stays consistent).
/// </summary>
public static class RunCommand
{
    public static Command Create(CommandIO io)
    {
        var spec = new Argument<string>("SPEC") { Description = "Sweep spec (YAML; see 'sweep schema' and examples/)" };
        var output = new Option<string?>("--output", "-o") { Description = "Run directory (default: the spec's output, else runs/NAME)" };
        var workers = new Option<int>("--workers", "-j") { Description = "Worker actors (default: one per core)", DefaultValueFactory = _ => Environment.ProcessorCount };
        var force = new Option<bool>("--force") { Description = "Discard a run directory that holds a different spec" };
        var progress = new Option<string>("--progress") { Description = "Progress on stderr: auto (bar on a terminal, else json), bar, json or none", DefaultValueFactory = _ => "auto" };
        progress.AcceptOnlyFromAmong("auto", "bar", "json", "none");
        var interval = new Option<double>("--progress-interval") { Description = "Seconds between progress reports", DefaultValueFactory = _ => 1.0 };
        var maxPoints = new Option<long?>("--max-points") { Description = "Refuse plans with more evaluations than this (default: the spec's max_points, else 1e8)" };
        var chunk = new Option<int?>("--chunk") { Description = "Outer points per chunk (default: the spec's chunk, else automatic)" };
        var attempts = new Option<int>("--max-attempts") { Description = "Attempts per chunk before it is recorded as failed", DefaultValueFactory = _ => 3 };
        var fault = new Option<string?>("--inject-fault") { Description = "Testing: fail chunks CHUNKS@ATTEMPTS, e.g. 3,17@2 or 5@all", Hidden = true };

        var command = new Command("run", "Run a sweep on this machine (no servers): every core evaluates chunks into a crash-safe, resumable run directory. " +
                                         "Exit 0 when every chunk is stored, 65 for a bad spec, 70 if chunks failed, 130 if interrupted.")
        {
            spec, output, workers, force, progress, interval, maxPoints, chunk, attempts, fault,
        };
        command.SetAction((parse, token) =>
        {
            if (parse.GetValue(workers) < 1 || parse.GetValue(attempts) < 1 || parse.GetValue(interval) <= 0)
            {
                throw new UsageException("--workers and --max-attempts must be at least 1, --progress-interval above 0");
            }

            var options = new RunOptions
            {
                Workers = parse.GetValue(workers),
                MaxAttempts = parse.GetValue(attempts),
                Faults = parse.GetValue(fault) is { } f ? ParseFault(f) : null,
            };
            var overrides = new SpecOverrides(parse.GetValue(output), parse.GetValue(maxPoints), parse.GetValue(chunk));
            var style = ProgressReporter.Resolve(Enum.Parse<ProgressStyle>(parse.GetValue(progress)!, ignoreCase: true));
            return ExecuteAsync(io, parse.GetValue(spec)!, overrides, options, parse.GetValue(force), style,
                TimeSpan.FromSeconds(parse.GetValue(interval)));
        });
        return command;
    }

    private static async Task<int> ExecuteAsync(CommandIO io, string specPath, SpecOverrides overrides, RunOptions options, bool force,
        ProgressStyle style, TimeSpan interval)
    {
        var plan = SweepPlan.Create(SpecFile.Parse(specPath, io.Registry, overrides), io.Registry);
        string directory = plan.Spec.Output;
        using var store = RunDirectory.OpenForRun(directory, plan, overrides.Chunk, force, out bool resumed);

        var counters = new RunCounters(plan.TotalChunks, plan.TotalEvaluations);
        var ledger = store.Summary();
        counters.Resumed(ledger.DoneChunks, ledger.DoneEvaluations);
        if (resumed)
        {
            io.Error.WriteLine($"sweep: resuming '{directory}': {ledger.DoneChunks}/{plan.TotalChunks} chunks already stored");
        }

        var manifest = Manifest.Start(plan, options.Workers);
        manifest.Write(directory);

        using var stop = new CancellationTokenSource();
        using var signals = new StopSignals(stop, io.Error);
        var reporter = new ProgressReporter(counters, io.Error, style, interval);
        using var reporting = new CancellationTokenSource();
        var reporterTask = reporter.RunAsync(reporting.Token);

        var started = DateTimeOffset.UtcNow;
        var outcome = await EmbeddedRun.ExecuteAsync(plan, store, options, counters, stop.Token);
        await reporting.CancelAsync();
        await reporterTask;
        reporter.Report(final: true);

        string status = !outcome.Complete ? "cancelled" : outcome.Succeeded ? "completed" : "failed";
        (manifest with
        {
            Status = status,
            Ended = DateTimeOffset.UtcNow,
            DoneChunks = counters.DoneChunks,
            FailedChunks = outcome.Failures.Count,
            DuplicateResults = counters.DuplicateResults,
        }).Write(directory);

        double seconds = (DateTimeOffset.UtcNow - started).TotalSeconds;
        long computed = counters.DoneEvaluations - counters.ResumedEvaluations;
        long peakRss = System.Diagnostics.Process.GetCurrentProcess().PeakWorkingSet64;
        io.Error.WriteLine($"sweep: {status}: {counters.DoneChunks}/{plan.TotalChunks} chunks, {computed:N0} points computed in {seconds:F2} s " +
                           $"({computed / Math.Max(seconds, 1e-9):N0} points/s, peak RSS {peakRss / 1048576} MiB) into '{directory}'");
        foreach (var failure in outcome.Failures)
        {
            io.Error.WriteLine($"sweep: chunk {failure.Chunk} ({failure.Model}, points {failure.Start}…{failure.Start + failure.Count - 1}) " +
                               $"failed after {failure.Attempts} attempts: {failure.Error}");
        }

        io.Out.WriteLine(directory);
        if (!outcome.Complete)
        {
            io.Error.WriteLine("sweep: interrupted; run the same command again to resume");
            return ExitCodes.Cancelled;
        }

        return outcome.Succeeded ? ExitCodes.Ok : ExitCodes.Internal;
    }

    private static FaultInjection ParseFault(string text)
    {
        try
        {
            return FaultInjection.Parse(text);
        }
        catch (FormatException ex)
        {
            throw new UsageException(ex.Message);
        }
    }

    /// <summary>First Ctrl+C or SIGTERM: stop gracefully. Second Ctrl+C: exit now (130).</summary>
    private sealed class StopSignals : IDisposable
    {
        private readonly PosixSignalRegistration _interrupt, _terminate;

        public StopSignals(CancellationTokenSource stop, TextWriter error)
        {
            void Handle(PosixSignalContext context)
            {
                context.Cancel = true;
                if (stop.IsCancellationRequested && context.Signal == PosixSignal.SIGINT)
                {
                    error.WriteLine("\nsweep: interrupted again; exiting now (stored chunks are safe)");
                    Environment.Exit(ExitCodes.Cancelled);
                }

                error.WriteLine($"\nsweep: {context.Signal}: finishing the chunks in flight (Ctrl+C again to exit now)");
                stop.Cancel();
            }

            _interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, Handle);
            _terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Handle);
        }

        public void Dispose()
        {
            _interrupt.Dispose();
            _terminate.Dispose();
        }
    }
}
