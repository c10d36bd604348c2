using System.CommandLine;
using System.Runtime.InteropServices;
using Sweep.Engine;
using Sweep.Engine.Transport;
using Sweep.Monitoring;
using Sweep.Physics.Models;
using Sweep.Worker.Distributed;

namespace Sweep.Worker;

/// <summary><c>sweep worker</c> / <c>sweep-worker</c>: serve every announced run on a broker until SIGTERM or Ctrl+C.</summary>
public static class WorkerCommand
{
    public const string Description = "Evaluate chunks for every run announced on the broker (distributed mode). SIGTERM finishes the chunks in hand " +
                                      "and returns the rest to the queue. Exit 69 if the broker cannot be reached.";

    /// <summary>The <c>sweep worker</c> subcommand.</summary>
    public static Command Create(TextWriter log, ModelRegistry registry) => Configure(new Command("worker", Description), log, registry);

    /// <summary>Adds the worker's options and action to <paramref name="command"/> (a subcommand, or sweep-worker's root).</summary>
    public static T Configure<T>(T command, TextWriter log, ModelRegistry registry)
        where T : Command
    {
        var broker = new BrokerOptions(command);
        var metrics = new MetricsOptions(command);
        var concurrency = new Option<int>("--concurrency", "-j") { Description = "Chunks evaluated at once (default: one per core)", DefaultValueFactory = _ => Environment.ProcessorCount };
        var crash = new Option<long?>("--crash-on-chunk") { Description = "Testing: SIGKILL this process when it receives the chunk", Hidden = true };
        command.Options.Add(concurrency);
        command.Options.Add(crash);
        command.SetAction(async (parse, _) =>
        {
            if (parse.GetValue(concurrency) < 1)
            {
                throw new UsageException("--concurrency must be at least 1");
            }

            var address = broker.Resolve(parse);
            var metricsAddress = metrics.Resolve(parse);

            using var stop = new CancellationTokenSource();
            using var term = PosixSignalRegistration.Create(PosixSignal.SIGTERM, c => { c.Cancel = true; stop.Cancel(); });
            using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, c => { c.Cancel = true; stop.Cancel(); });
            await using var monitoring = new MetricsHost("worker");
            await MetricsOptions.ServeAsync(monitoring, metricsAddress, log, "sweep-worker");
            try
            {
                await new WorkerHost(address, parse.GetValue(concurrency), registry, log, monitoring, parse.GetValue(crash)).RunAsync(stop.Token);
            }
            catch (BrokerUnavailableException ex)
            {
                log.WriteLine($"sweep: {ex.Message}");
                return ExitCodes.Unavailable;
            }

            return ExitCodes.Ok;
        });
        return command;
    }
}
