using System.CommandLine;
using System.Runtime.InteropServices;
using Sweep.Engine;
using Sweep.Engine.Cluster;
using Sweep.Engine.Evaluation;
using Sweep.Monitoring;
using Sweep.Physics.Models;
using Sweep.Worker.Cluster;

namespace Sweep.Worker;

/// <summary><c>sweep worker</c> / <c>sweep-worker</c>: a worker node serving every run in the cluster until SIGTERM or Ctrl+C.</summary>
public static class WorkerCommand
{
    public const string Description = "Join the cluster of the coordinator at --seed and evaluate chunks for every run its coordinators offer. " +
                                      "Outlives coordinators (re-joins the seeds when none is left, and waits there for the next one). SIGTERM stops asking " +
                                      "for work, finishes the chunks in hand, leaves the cluster and exits 0. Exit 69 if no seed answers its first join within 20 s.";

    /// <summary>The <c>sweep worker</c> subcommand.</summary>
    public static Command Create(TextWriter log, ModelRegistry registry) => Configure(new Command("worker", Description), log, registry);

    /// <summary>Adds the worker's options and action to <paramref name="command"/> (a subcommand, or sweep-worker's root).</summary>
    public static T Configure<T>(T command, TextWriter log, ModelRegistry registry)
        where T : Command
    {
        var cluster = new ClusterOptions(command, ClusterSettings.WorkerRole);
        var metrics = new MetricsOptions(command);
        var concurrency = new Option<int>("--concurrency", "-j") { Description = "Chunks evaluated at once (default: one per core)", DefaultValueFactory = _ => Environment.ProcessorCount };
        var crash = new Option<long?>("--crash-on-chunk") { Description = "Testing: SIGKILL this process when it receives the chunk", Hidden = true };
        command.Options.Add(concurrency);
        var noSharedMemory = new Option<bool>("--no-shared-memory")
        {
            Description = "Send results to a coordinator on this machine over its result stream's socket, not by reference to shared memory",
        };
        command.Options.Add(noSharedMemory);
        var cut = new Option<long?>("--cut-upload-of-chunk")
        {
            Description = "Testing: write half of the chunk's result to the result stream, then SIGKILL this process", Hidden = true,
        };
        command.Options.Add(crash);
        command.Options.Add(cut);
        command.SetAction(async (parse, _) =>
        {
            if (parse.GetValue(concurrency) < 1)
            {
                throw new UsageException("--concurrency must be at least 1");
            }

            var settings = cluster.Resolve(parse);
            var metricsAddress = metrics.Resolve(parse);
            if (settings.Remoting.InsecureWarning is { } warning)
            {
                log.WriteLine($"sweep-worker: {warning}");
            }

            using var stop = new CancellationTokenSource();
            using var term = PosixSignalRegistration.Create(PosixSignal.SIGTERM, c => { c.Cancel = true; stop.Cancel(); });
            using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, c => { c.Cancel = true; stop.Cancel(); });
            // Shared result buffers: a coordinator on this machine stores straight from them (docs/ENGINE.md, "Results on one machine").
            if (!parse.GetValue(noSharedMemory) && !ResultBuffers.ShareFromNowOn())
            {
                log.WriteLine("sweep-worker: no shared memory on this machine (memfd); results go to every coordinator over its socket");
            }

            await using var monitoring = new MetricsHost("worker");
            await MetricsOptions.ServeAsync(monitoring, metricsAddress, log, "sweep-worker");
            try
            {
                await new WorkerNode(settings, parse.GetValue(concurrency), registry, log, monitoring, new WorkerTestHooks(parse.GetValue(crash), parse.GetValue(cut))).RunAsync(stop.Token);
            }
            catch (ClusterUnavailableException ex)
            {
                log.WriteLine($"sweep-worker: {ex.Message}");
                return ExitCodes.Unavailable;
            }

            log.WriteLine("sweep-worker: left the cluster");
            return ExitCodes.Ok;
        });
        return command;
    }
}
