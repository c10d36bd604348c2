using System.CommandLine;
using Sweep.Coordinator.Cluster;
using Sweep.Coordinator.Engine;
using Sweep.Engine;
using Sweep.Engine.Cluster;
using Sweep.Worker;
using Sweep.Worker.Cluster;

namespace Sweep.Coordinator.Cli;

/// <summary>
/// <c>sweep coordinator SPEC --listen HOST:PORT</c>: a coordinator node of the cluster. Owns the run
/// directory like <c>sweep run</c>, offers its run to every worker node (<c>sweep worker</c>) in the
/// cluster, stores their results, and resumes from the run directory when restarted.
/// </summary>
public static class CoordinatorCommand
{
    public static Command Create(CommandIO io)
    {
        var command = new Command("coordinator", "Coordinate a run on a cluster of worker nodes ('sweep worker --seed HOST:PORT'). " +
                                                 "Same run directory, resume and exit codes as 'run'; 69 if a --seed cannot be reached.");
        var run = new RunInvocation(command, role: "coordinator");
        var cluster = new ClusterOptions(command, ClusterSettings.CoordinatorRole);
        var window = new Option<int>("--window") { Description = "Chunks dispatched and not yet stored, at most (keeps every worker busy)", DefaultValueFactory = _ => 64 };
        command.Options.Add(window);
        command.SetAction(async (parse, _) =>
        {
            if (parse.GetValue(window) < 1)
            {
                throw new UsageException("--window must be at least 1");
            }

            var settings = cluster.Resolve(parse);
            if (settings.Remoting.InsecureWarning is { } warning)
            {
                io.Error.WriteLine($"sweep: {warning}");
            }

            var options = new RunOptions { Workers = 0, DispatchWindow = parse.GetValue(window), MaxAttempts = run.MaxAttempts(parse) };
            try
            {
                // Bound before the run directory is touched: a result port that cannot be bound leaves nothing behind.
                await using var results = ResultStreamServer.Start(settings, io.Error);
                io.Error.WriteLine($"sweep: result stream on {settings.Remoting.Listen.Host}:{results.Port}{(settings.Remoting.Tls ? " (TLS)" : "")}");
                return await run.ExecuteAsync(io, parse, options,
                    (system, plan, store, options, counters, monitoring, stop) => ClusterRun.ExecuteAsync(system, plan, store, options, counters, monitoring, results, stop),
                    settings);
            }
            catch (ClusterUnavailableException ex)
            {
                io.Error.WriteLine($"sweep: {ex.Message}");
                return ExitCodes.Unavailable;
            }
        });
        return command;
    }
}
