using System.CommandLine;
using Sweep.Engine;
using Sweep.Physics.Models;
using Sweep.Worker;

// sweep-worker: the distributed worker on its own (the same as `sweep worker`).
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
