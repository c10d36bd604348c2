using System.Diagnostics;
using Sweep.Engine;

namespace Sweep.Cli.Tests;

/// <summary>Multi-core JIT (<see cref="JitProfile"/>): a process records the methods it had to compile beside the program,
/// one profile per command, for the next process of that command to compile ahead of use; off with SWEEP_JIT_PROFILE=0.</summary>
public class JitProfileTests
{
    private static string Profile(string command) => Path.Combine(AppContext.BaseDirectory, "jit-profiles", $"sweep-{command}.jitprofile");

    private static void Forget(string command)
    {
        if (File.Exists(Profile(command)))
        {
            File.Delete(Profile(command));
        }
    }

    private static async Task<int> Sweep(string command, bool profile)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "sweep.dll"));
        info.ArgumentList.Add(command);
        info.Environment[JitProfile.Switch] = profile ? "1" : "0";
        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        await Task.WhenAll(output, error);
        return process.ExitCode;
    }

    [Fact]
    public async Task A_command_leaves_its_profile_for_the_next_process_and_replays_it()
    {
        Forget("models");
        Assert.Equal(0, await Sweep("models", profile: true));
        if (Environment.ProcessorCount == 1)
        {
            // The runtime turns multi-core JIT off where the process may use one core only (affinity, a CPU quota): no second
            // core to compile on ahead of use, so nothing is recorded and the command runs as without a profile.
            Assert.False(File.Exists(Profile("models")));
            return;
        }

        long recorded = new FileInfo(Profile("models")).Length;
        Assert.True(recorded > 0);
        Assert.Equal(0, await Sweep("models", profile: true)); // replays it, and records it again
        Assert.True(new FileInfo(Profile("models")).Length > 0);
    }

    [Fact]
    public async Task The_switch_turns_it_off()
    {
        Forget("schema");
        Assert.Equal(0, await Sweep("schema", profile: false));
        Assert.False(File.Exists(Profile("schema")));
    }
}
