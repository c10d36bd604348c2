using System.CommandLine;
using Sweep.Coordinator.Distributed;
using Sweep.Coordinator.Engine;
using Sweep.Engine;
using Sweep.Engine.Transport;
using Sweep.Worker;

namespace Sweep.Coordinator.Cli;

/// <summary>
/// <c>sweep coordinator SPEC</c>: the distributed run's coordinator. Owns the run directory like
/// <c>sweep run</c>, publishes a bounded window of chunks to the broker, stores the results that
/// workers (<c>sweep worker</c>) send back, and resumes from the run directory when restarted.
/// </summary>
public static class CoordinatorCommand
{
    public static Command Create(CommandIO io)
    {
        var command = new Command("coordinator", "Coordinate a distributed run through a RabbitMQ broker; workers run 'sweep worker'. " +
                                                 "Same run directory, resume and exit codes as 'run'; 69 if the broker cannot be reached.");
        var run = new RunInvocation(command, role: "coordinator");
        var broker = new BrokerOptions(command);
        var window = new Option<int>("--window") { Description = "Chunks published and not yet stored, at most (keeps every worker busy)", DefaultValueFactory = _ => 64 };
        command.Options.Add(window);
        command.SetAction(async (parse, _) =>
        {
            if (parse.GetValue(window) < 1)
            {
                throw new UsageException("--window must be at least 1");
            }

            var address = broker.Resolve(parse);

            var options = new RunOptions { Workers = 0, DispatchWindow = parse.GetValue(window), MaxAttempts = run.MaxAttempts(parse) };
            try
            {
                await using var connection = await BrokerConnection.OpenAsync(address, $"sweep-coordinator {Environment.MachineName}/{Environment.ProcessId}",
                    TimeSpan.FromSeconds(10));
                io.Error.WriteLine($"sweep: coordinator connected to {address.Redacted}");
                return await run.ExecuteAsync(io, parse, options,
                    (actors, plan, store, o, counters, monitoring, stop) => DistributedRun.ExecuteAsync(actors, plan, store, connection, o, counters, monitoring, io.Error, stop));
            }
            catch (BrokerUnavailableException ex)
            {
                io.Error.WriteLine($"sweep: {ex.Message}");
                return ExitCodes.Unavailable;
            }
        });
        return command;
    }
}
