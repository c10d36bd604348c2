using System.Diagnostics;
using System.Text;

namespace Sweep.Cli.Tests.Distributed;

/// <summary>Coordinator and worker processes of one cluster test on 127.0.0.1, killed (by PID) when the test ends.</summary>
internal sealed class DistributedHarness(RunHarness run) : IDisposable
{
    private readonly List<(Process Process, StringBuilder Log)> _processes = [];

    /// <summary>The first coordinator's remoting port: the workers' seed.</summary>
    public int SeedPort { get; } = FreePort();

    /// <summary>A TCP port nobody listens on now, which no outgoing connection can take meanwhile (<see cref="TestPorts"/>).</summary>
    public static int FreePort() => TestPorts.Free();

    public Process Worker(params string[] extra) =>
        Start("sweep-worker.dll", ["--concurrency", "1", "--seed", $"127.0.0.1:{SeedPort}", .. extra]);

    /// <summary>A coordinator of run directory <paramref name="name"/>; the seed unless <paramref name="port"/> says otherwise.</summary>
    public Process Coordinator(string name, params string[] extra) => Coordinator(name, SeedPort, extra);

    public Process Coordinator(string name, int port, params string[] extra) =>
        Start("sweep.dll", ["coordinator", run.SpecPath, "--output", run.RunDir(name), "--listen", $"127.0.0.1:{port}", "--progress", "json",
            "--progress-interval", "0.1", "--result-port", "0", .. extra]);

    /// <summary>The result port <paramref name="coordinator"/> logged (it picks a free one: <c>--result-port 0</c>).</summary>
    public async Task<int> ResultPort(Process coordinator)
    {
        await WaitForLog(coordinator, "sweep: result stream on 127.0.0.1:");
        string log = Log(coordinator);
        int at = log.IndexOf("sweep: result stream on 127.0.0.1:", StringComparison.Ordinal) + "sweep: result stream on 127.0.0.1:".Length;
        return int.Parse(new string(log[at..].TakeWhile(char.IsAsciiDigit).ToArray()), System.Globalization.CultureInfo.InvariantCulture);
    }

    public string Log(Process process)
    {
        var log = _processes.Single(p => p.Process == process).Log;
        lock (log) // the output readers append on their own threads
        {
            return log.ToString();
        }
    }

    /// <summary>Waits for the process to exit; fails the test with its log if it takes longer than <paramref name="seconds"/>.</summary>
    public async Task<int> ExitCode(Process process, int seconds = 120)
    {
        try
        {
            await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(seconds));
        }
        catch (TimeoutException)
        {
            Assert.Fail($"process did not exit within {seconds} s; its log:\n{Log(process)}\nall logs:\n{AllLogs()}");
        }

        process.WaitForExit(); // flush the asynchronous output readers
        return process.ExitCode;
    }

    /// <summary>Waits until the coordinator's progress shows at least <paramref name="chunks"/> stored chunks.</summary>
    public async Task WaitForChunks(Process coordinator, long chunks, int seconds = 60)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (DateTime.UtcNow < deadline)
        {
            string log = Log(coordinator);
            int at = log.LastIndexOf("\"done_chunks\":", StringComparison.Ordinal);
            if (at >= 0 && long.Parse(log[(at + 14)..].Split(',')[0]) >= chunks)
            {
                return;
            }

            Assert.False(coordinator.HasExited, $"coordinator exited early:\n{log}");
            await Task.Delay(50);
        }

        Assert.Fail($"fewer than {chunks} chunks stored after {seconds} s:\n{Log(coordinator)}\nall logs:\n{AllLogs()}");
    }

    /// <summary>Stops <paramref name="worker"/> (SIGSTOP) at a moment it holds chunks of <paramref name="coordinator"/>'s
    /// run, and leaves it stopped: the worker must be the run's only one, so that the chunks the coordinator's progress
    /// shows in flight while it is frozen are its own (it can return none). Tried again after a SIGCONT while none are.</summary>
    public async Task FreezeHoldingChunks(Process coordinator, Process worker, int attempts = 50)
    {
        for (int attempt = 0; attempt < attempts; attempt++)
        {
            int logged = Log(coordinator).Length;
            Signal(worker, "STOP");
            await Task.Delay(350); // three progress lines (--progress-interval 0.1) after the stop
            string since = Log(coordinator)[logged..];
            int at = since.LastIndexOf("\"in_flight\":", StringComparison.Ordinal);
            if (at >= 0 && long.Parse(since[(at + 12)..].Split(',')[0]) > 0)
            {
                return;
            }

            Signal(worker, "CONT");
            await Task.Delay(20);
        }

        Assert.Fail($"the worker never held chunks in {attempts} attempts:\n{Log(coordinator)}");
    }

    /// <summary>Waits until <paramref name="process"/> logged <paramref name="text"/>.</summary>
    public async Task WaitForLog(Process process, string text, int seconds = 60)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (!Log(process).Contains(text, StringComparison.Ordinal))
        {
            Assert.True(DateTime.UtcNow < deadline, $"'{text}' not logged within {seconds} s:\n{Log(process)}");
            await Task.Delay(50);
        }
    }

    public string AllLogs() => string.Join("\n=====\n", _processes.Select(p => $"pid {p.Process.Id}:\n{Log(p.Process)}"));

    public static void Signal(Process process, string signal) => Process.Start("kill", [$"-{signal}", process.Id.ToString()])!.WaitForExit();

    private Process Start(string program, string[] args)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, program));
        foreach (string arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        var process = new Process { StartInfo = info };
        var log = new StringBuilder();
        process.OutputDataReceived += (_, e) => { lock (log) { log.AppendLine(e.Data); } };
        process.ErrorDataReceived += (_, e) => { lock (log) { log.AppendLine(e.Data); } };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _processes.Add((process, log));
        return process;
    }

    public void Dispose()
    {
        foreach (var (process, _) in _processes)
        {
            if (!process.HasExited)
            {
                Signal(process, "CONT"); // a test may have stopped it
                process.Kill(entireProcessTree: true);
            }

            process.Dispose();
        }
    }
}
