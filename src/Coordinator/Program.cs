using Sweep.Coordinator.Cli;

namespace Sweep.Coordinator;

/// <summary>The <c>sweep</c> program. An explicit class, not top-level statements: with the ASP.NET
/// Core framework referenced (the metrics server), those would make a public <c>Program</c>.</summary>
internal static class SweepProgram
{
    public static int Main(string[] args)
    {
        Sweep.Engine.JitProfile.Start("sweep", args);
        return SweepCli.Run(args, Console.Out, Console.Error, Console.In);
    }
}
