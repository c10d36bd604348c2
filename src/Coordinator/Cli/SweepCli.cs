using Sweep.Engine;
using System.CommandLine;
using Sweep.Coordinator.Store;
using Sweep.Engine.Spec;
using Sweep.Physics.Models;
using Sweep.Worker;

namespace Sweep.Coordinator.Cli;

/// <summary>The <c>sweep</c> command line: builds the commands, maps parse errors to exit code 64
/// and unexpected exceptions to 70. All IO goes through the given writers (tests run it in-process).</summary>
public static class SweepCli
{
    public const string ExitCodeHelp =
        "Exit codes: 0 ok, 64 usage error, 65 invalid data, 69 service unavailable, 70 internal error, 130 cancelled.";

    private const int SqliteCorrupt = 11, SqliteNotADatabase = 26;

    public static int Run(string[] args, TextWriter stdout, TextWriter stderr, TextReader stdin)
    {
        var io = new CommandIO(stdout, stderr, stdin, ModelRegistry.Default);
        var root = new RootCommand("Sweep: parameter sweeps of spin and heat transport through magnon tunnel junctions.\n" + ExitCodeHelp)
        {
            RunCommand.Create(io),
            CoordinatorCommand.Create(io),
            WorkerCommand.Create(stderr, ModelRegistry.Default),
            StatusCommand.Create(io),
            MergeCommand.Create(io),
            ExportCommand.Create(io),
            PlotCommand.Create(io),
            SchemaCommand.Create(io),
            ModelsCommand.Create(io),
            EvalCommand.Create(io),
        };

        var parse = root.Parse(args);
        if (parse.Errors.Count > 0)
        {
            // One line, most specific first: System.CommandLine lists "Required command" before the bad token.
            var messages = parse.Errors.Select(e => e.Message.TrimEnd('.')).OrderBy(m => m.StartsWith("Required command", StringComparison.Ordinal));
            stderr.WriteLine($"sweep: {string.Join("; ", messages.Distinct())} (see 'sweep --help')");
            return ExitCodes.Usage;
        }

        try
        {
            return parse.Invoke(new InvocationConfiguration { Output = stdout, Error = stderr, EnableDefaultExceptionHandler = false });
        }
        catch (UsageException ex)
        {
            stderr.WriteLine($"sweep: {ex.Message}");
            return ExitCodes.Usage;
        }
        catch (Exception ex) when (ex is Sweep.Monitoring.Http.MetricsUnavailableException or Live.LiveUnavailableException)
        {
            stderr.WriteLine($"sweep: {ex.Message}");
            return ExitCodes.Unavailable;
        }
        catch (Exception ex) when (ex is SpecException or RunDirectoryException)
        {
            stderr.WriteLine($"sweep: {ex.Message}");
            return ExitCodes.DataError;
        }
        catch (Microsoft.Data.Sqlite.SqliteException ex) when (ex.SqliteErrorCode is SqliteCorrupt or SqliteNotADatabase)
        {
            // Damage found after a store was opened (a page read mid-export): bad data, not a bug.
            stderr.WriteLine($"sweep: a run store is damaged (SQLite: {ex.Message.TrimEnd('.')}); nothing was changed");
            return ExitCodes.DataError;
        }
        catch (Exception ex)
        {
            stderr.WriteLine($"sweep: internal error: {ex.GetType().Name}: {ex.Message}");
            return ExitCodes.Internal;
        }
        finally
        {
            stdout.Flush();
        }
    }
}

/// <summary>What every command reads and writes.</summary>
public sealed record CommandIO(TextWriter Out, TextWriter Error, TextReader In, ModelRegistry Registry);
