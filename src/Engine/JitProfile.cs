using System.Runtime;

namespace Sweep.Engine;

/// <summary>
/// Multi-core JIT (.NET's <see cref="ProfileOptimization"/>): a fresh process compiles, on a background thread and
/// ahead of their first call, the methods that the previous process of the same command had to compile at run
/// time — the generic instances across assemblies that ReadyToRun images cannot hold (1 504 in a coordinator run,
/// 875 in an embedded one; docs/BENCHMARKS.md, seventh part). Without it each is compiled on the thread that first
/// calls it, on the critical path of a run's start. The profiles are kept beside the program (one per command, a
/// few KiB each); a build that cannot write there (a read-only image) records nothing and replays nothing, and
/// <c>SWEEP_JIT_PROFILE=0</c> turns it off. A profile of another build is ignored (the runtime checks each
/// module's identity). A process that may use one core only (affinity, a CPU quota) records and replays nothing: the
/// runtime turns multi-core JIT off where there is no second core to compile on.
/// </summary>
public static class JitProfile
{
    public const string Switch = "SWEEP_JIT_PROFILE";

    /// <summary>Call first thing in <c>Main</c>, before the command's code is loaded.</summary>
    public static void Start(string program, string[] args)
    {
        if (Environment.GetEnvironmentVariable(Switch) == "0")
        {
            return;
        }

        // The command's methods differ (a coordinator's remoting, an embedded run's workers): a profile each.
        string command = args.Length > 0 && args[0].Length <= 20 && char.IsAsciiLetterLower(args[0][0]) && args[0].All(c => c is >= 'a' and <= 'z' or '-') ? args[0] : "default";
        string directory = Path.Combine(AppContext.BaseDirectory, "jit-profiles");
        try
        {
            Directory.CreateDirectory(directory);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return;
        }

        ProfileOptimization.SetProfileRoot(directory);
        ProfileOptimization.StartProfile($"{program}-{command}.jitprofile");
    }
}
