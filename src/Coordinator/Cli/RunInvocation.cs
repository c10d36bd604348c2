using System.CommandLine;
using System.Runtime.InteropServices;
using Akka.Actor;
using Sweep.Coordinator.Adaptive;
using Sweep.Coordinator.Engine;
using Sweep.Coordinator.Live;
using Sweep.Coordinator.Monitoring;
using Sweep.Coordinator.Progress;
using Sweep.Coordinator.Store;
using Sweep.Engine;
using Sweep.Engine.Cluster;
using Sweep.Engine.Planning;
using Sweep.Engine.Spec;
using Sweep.Monitoring;
using Sweep.Monitoring.Http;
using Sweep.Worker;
using Sweep.Worker.Actors;
using Sweep.Worker.Cluster;

namespace Sweep.Coordinator.Cli;

/// <summary>
/// What <c>sweep run</c> and <c>sweep coordinator</c> share: the spec and run-directory options, and
/// running a plan into a run directory with progress, manifest, signals and the final report. They
/// differ only in where the workers are (<see cref="Runner"/>).
/// </summary>
public sealed class RunInvocation
{
    public delegate Task<RunOutcome> Runner(ActorSystem actors, SweepPlan plan, RunStore store, RunOptions options, RunCounters counters, MetricsHost monitoring,
        CancellationToken stop);

    private readonly Argument<string> _spec = new("SPEC") { Description = "Sweep spec (YAML; see 'sweep schema' and examples/)" };
    private readonly Option<string?> _output = new("--output", "-o") { Description = "Run directory (default: the spec's output, else runs/NAME)" };
    private readonly Option<bool> _force = new("--force") { Description = "Discard a run directory that holds a different spec" };
    private readonly Option<string> _progress = new("--progress") { Description = "Progress on stderr: auto (bar on a terminal, else json), bar, json or none", DefaultValueFactory = _ => "auto" };
    private readonly Option<double> _interval = new("--progress-interval") { Description = "Seconds between progress reports", DefaultValueFactory = _ => 1.0 };
    private readonly Option<long?> _maxPoints = new("--max-points") { Description = "Refuse plans with more evaluations than this (default: the spec's max_points, else 1e8)" };
    private readonly Option<int?> _chunk = new("--chunk") { Description = "Outer points per chunk (default: the spec's chunk, else automatic)" };
    private readonly Option<int> _attempts = new("--max-attempts") { Description = "Attempts per chunk before it is recorded as failed", DefaultValueFactory = _ => 3 };
    private readonly Option<double> _linger = new("--metrics-linger")
    {
        Description = "Seconds to keep serving /metrics after the run ends, so that Prometheus scrapes the final values", DefaultValueFactory = _ => 0.0,
    };

    private readonly MetricsOptions _metrics;
    private readonly LiveOptions _live;
    private readonly string _role;

    /// <param name="role">The <c>role</c> label of this process's metrics: run or coordinator.</param>
    public RunInvocation(Command command, string role)
    {
        _role = role;
        _progress.AcceptOnlyFromAmong("auto", "bar", "json", "none");
        command.Arguments.Add(_spec);
        foreach (var option in new Option[] { _output, _force, _progress, _interval, _maxPoints, _chunk, _attempts })
        {
            command.Options.Add(option);
        }

        _metrics = new MetricsOptions(command);
        command.Options.Add(_linger);
        _live = new LiveOptions(command);
    }

    public int MaxAttempts(ParseResult parse) => parse.GetValue(_attempts) is var n and >= 1 ? n : throw new UsageException("--max-attempts must be at least 1");

    /// <param name="cluster">A cluster coordinator's node settings; null: a process of its own (<c>sweep run</c>).</param>
    public async Task<int> ExecuteAsync(CommandIO io, ParseResult parse, RunOptions options, Runner runner, ClusterSettings? cluster = null)
    {
        double seconds = parse.GetValue(_interval), linger = parse.GetValue(_linger);
        if (seconds <= 0)
        {
            throw new UsageException("--progress-interval must be above 0");
        }

        if (!(linger is >= 0 and <= 3600))
        {
            throw new UsageException("--metrics-linger must be between 0 and 3600 seconds");
        }

        var metricsAddress = _metrics.Resolve(parse);
        // The actor system starts (JIT, configuration: a few hundred ms) on another thread while the plan and the
        // run directory are prepared; building the host is synchronous work that would otherwise run first.
        var actorHost = Task.Run(() => cluster is null ? ActorHost.StartAsync(ClusterSettings.SystemName) : ClusterJoin.StartNodeAsync(cluster));
        try
        {
            if (cluster is not null && !await ClusterJoin.WaitUpAsync((await actorHost).System, CancellationToken.None))
            {
                throw new ClusterUnavailableException(ClusterJoin.Unreachable(cluster));
            }

            return await ExecuteAsync(io, parse, options, runner, metricsAddress, actorHost, seconds, linger);
        }
        finally
        {
            await (await actorHost).DisposeAsync();
        }
    }

    private async Task<int> ExecuteAsync(CommandIO io, ParseResult parse, RunOptions options, Runner runner, MetricsAddress? metricsAddress,
        Task<ActorHost> actorHost, double seconds, double linger)
    {

        var overrides = new SpecOverrides(parse.GetValue(_output), parse.GetValue(_maxPoints), parse.GetValue(_chunk));
        var style = ProgressReporter.Resolve(Enum.Parse<ProgressStyle>(parse.GetValue(_progress)!, ignoreCase: true));
        var plan = SweepPlan.Create(SpecFile.Parse(parse.GetValue(_spec)!, io.Registry, overrides), io.Registry);
        string directory = plan.Spec.Output;
        if (plan.Spec.Adaptive is not null && (options.Shard is not null || _live.Requested(parse)))
        {
            throw new UsageException(options.Shard is not null ? "--shard splits a grid's chunks; an adaptive run's rounds depend on each other: run it whole"
                : "--serve shows grid runs; follow an adaptive run with 'sweep status' and 'sweep plot'");
        }

        // Served before the run directory is touched: a port that cannot be bound leaves nothing behind.
        await using var monitoring = new MetricsHost(_role);
        await MetricsOptions.ServeAsync(monitoring, metricsAddress, io.Error);
        await using var live = await _live.ServeAsync(parse, io.Error);

        using var store = RunDirectory.OpenForRun(directory, ref plan, overrides.Chunk, parse.GetValue(_force), out bool resumed, options.Shard);
        using var rounds = plan.Spec.Adaptive is null ? null : AdaptiveStore.Open(directory);
        if (rounds is not null)
        {
            plan = AdaptiveRun.Prepare(plan, rounds);
        }

        var manifest = Manifest.Start(plan, options.Workers, options.Shard);
        var counters = new RunCounters(manifest.TotalChunks, manifest.TotalEvaluations);
        var ledger = store.Summary();
        counters.Resumed(ledger.DoneChunks, ledger.DoneEvaluations);
        if (resumed)
        {
            io.Error.WriteLine($"sweep: resuming '{directory}': {ledger.DoneChunks}/{counters.TotalChunks} chunks already stored");
        }

        if (options.Shard is { } shard)
        {
            io.Error.WriteLine($"sweep: shard {shard}: {counters.TotalChunks} of the run's {plan.TotalChunks} chunks");
        }

        manifest.Write(directory);

        RunMetrics.Register(monitoring, store.GetMeta("run_id") ?? plan.SpecHash[..16], plan, counters);
        monitoring.Health.ReadyWhen(() => null);
        live?.Watch(plan, directory, counters, io.Registry);

        using var stop = new CancellationTokenSource();
        using var signals = new StopSignals(stop, io.Error);
        var reporter = new ProgressReporter(counters, io.Error, style, TimeSpan.FromSeconds(seconds));
        using var reporting = new CancellationTokenSource();
        var reporterTask = reporter.RunAsync(reporting.Token);

        var started = DateTimeOffset.UtcNow;
        RunOutcome outcome;
        try
        {
            outcome = rounds is null
                ? await runner((await actorHost).System, plan, store, options, counters, monitoring, stop.Token)
                : await AdaptiveRun.ExecuteAsync((await actorHost).System, plan, store, rounds, options, counters, monitoring, runner, io.Error, stop.Token);
        }
        finally
        {
            await reporting.CancelAsync();
            await reporterTask;
        }

        reporter.Report(final: true);
        string status = !outcome.Complete ? "cancelled" : outcome.Succeeded ? "completed" : "failed";
        (manifest with
        {
            Status = status,
            Ended = DateTimeOffset.UtcNow,
            TotalChunks = counters.TotalChunks,
            TotalEvaluations = counters.TotalEvaluations,
            DoneChunks = counters.DoneChunks,
            FailedChunks = outcome.Failures.Count,
            DuplicateResults = counters.DuplicateResults,
        }).Write(directory);

        double elapsed = (DateTimeOffset.UtcNow - started).TotalSeconds;
        long computed = counters.DoneEvaluations - counters.ResumedEvaluations;
        long peakRss = System.Diagnostics.Process.GetCurrentProcess().PeakWorkingSet64;
        io.Error.WriteLine($"sweep: {status}: {counters.DoneChunks}/{counters.TotalChunks} chunks, {computed:N0} points computed in {elapsed:F2} s " +
                           $"({computed / Math.Max(elapsed, 1e-9):N0} points/s, peak RSS {peakRss / 1048576} MiB) into '{directory}'");
        if (counters.DuplicateResults > 0 || counters.MalformedMessages > 0)
        {
            io.Error.WriteLine($"sweep: {counters.DuplicateResults} duplicate results dropped, {counters.MalformedMessages} malformed messages dropped");
        }

        foreach (var failure in outcome.Failures)
        {
            io.Error.WriteLine($"sweep: chunk {failure.Chunk} ({failure.Model}, points {failure.Start}…{failure.Start + failure.Count - 1}) " +
                               $"failed after {failure.Attempts} attempts: {failure.Error}");
        }

        io.Out.WriteLine(directory);
        if (monitoring.Url is not null && linger > 0 && !stop.IsCancellationRequested)
        {
            monitoring.Health.NotReady($"run {status}");
            io.Error.WriteLine($"sweep: serving the final metrics for {linger:0.###} s (--metrics-linger)");
            await Task.Delay(TimeSpan.FromSeconds(linger));
        }

        if (!outcome.Complete)
        {
            io.Error.WriteLine("sweep: interrupted; run the same command again to resume");
            return ExitCodes.Cancelled;
        }

        return outcome.Succeeded ? ExitCodes.Ok : ExitCodes.Internal;
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
