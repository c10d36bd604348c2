using Sweep.Coordinator.Cli;

namespace Sweep.Cli.Tests;

/// <summary>Runs the <c>sweep</c> command line in-process with captured streams.</summary>
internal static class CliRunner
{
    public static (int ExitCode, string Out, string Error) RunWithInput(string stdin, params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        int code = SweepCli.Run(args, stdout, stderr, new StringReader(stdin));
        return (code, stdout.ToString(), stderr.ToString());
    }

    public static (int ExitCode, string Out, string Error) Run(params string[] args) => RunWithInput("", args);
}
