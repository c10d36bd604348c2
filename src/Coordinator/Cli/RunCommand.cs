using System.CommandLine;
using Sweep.Coordinator.Engine;
using Sweep.Engine;
using Sweep.Engine.Evaluation;
using Sweep.Engine.Planning;

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
        var command = new Command("run", "Run a sweep on this machine (no servers): every core evaluates chunks into a crash-safe, resumable run directory. " +
                                         "Exit 0 when every chunk is stored, 65 for a bad spec, 70 if chunks failed, 130 if interrupted.");
        var run = new RunInvocation(command, role: "run");
        var workers = new Option<int>("--workers", "-j") { Description = "Worker actors (default: one per core)", DefaultValueFactory = _ => Environment.ProcessorCount };
        var shard = new Option<string?>("--shard")
        {
            Description = "Evaluate only shard i of N (0-based: 0/4 … 3/4; chunks ≡ i mod N) into this run directory; combine shards with 'sweep merge'",
        };
        var fault = new Option<string?>("--inject-fault") { Description = "Testing: fail chunks CHUNKS@ATTEMPTS, e.g. 3,17@2 or 5@all", Hidden = true };
        command.Options.Add(workers);
        command.Options.Add(shard);
        command.Options.Add(fault);
        command.SetAction((parse, _) =>
        {
            if (parse.GetValue(workers) < 1)
            {
                throw new UsageException("--workers must be at least 1");
            }

            var options = new RunOptions
            {
                Workers = parse.GetValue(workers),
                MaxAttempts = run.MaxAttempts(parse),
                Faults = parse.GetValue(fault) is { } f ? ParseFault(f) : null,
                Shard = parse.GetValue(shard) is { } s ? ParseShard(s) : null,
            };
            return run.ExecuteAsync(io, parse, options, EmbeddedRun.ExecuteAsync);
        });
        return command;
    }

    private static Shard ParseShard(string text)
    {
        try
        {
            return Shard.Parse(text);
        }
        catch (FormatException ex)
        {
            throw new UsageException(ex.Message);
        }
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
}
