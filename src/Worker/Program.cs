using System.CommandLine;
using Sweep.Engine;
using Sweep.Monitoring.Http;
using Sweep.Physics.Models;

namespace Sweep.Worker;

/// <summary>sweep-worker: the distributed worker on its own (the same as <c>sweep worker</c>).
/// An explicit class, not top-level statements: with the ASP.NET Core framework referenced, those
/// would make a public <c>Program</c> that clashes with the referencing programs' own.</summary>
internal static class WorkerProgram
{
    public static async Task<int> Main(string[] args)
    {
        JitProfile.Start("sweep-worker", args);
        var root = WorkerCommand.Configure(new RootCommand(WorkerCommand.Description), Console.Error, ModelRegistry.Default);
        var result = root.Parse(args);
        if (result.Errors.Count > 0)
        {
            Console.Error.WriteLine($"sweep-worker: {string.Join("; ", result.Errors.Select(e => e.Message))} (see 'sweep-worker --help')");
            return ExitCodes.Usage;
        }

        try
        {
            return await result.InvokeAsync(new InvocationConfiguration { EnableDefaultExceptionHandler = false });
        }
        catch (UsageException ex)
        {
            Console.Error.WriteLine($"sweep-worker: {ex.Message}");
            return ExitCodes.Usage;
        }
        catch (MetricsUnavailableException ex)
        {
            Console.Error.WriteLine($"sweep-worker: {ex.Message}");
            return ExitCodes.Unavailable;
        }
    }
}
