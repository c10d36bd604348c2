using System.Diagnostics;
using System.Text;

namespace Sweep.Cli.Tests.Distributed;

/// <summary>Coordinator and worker processes of one distributed test, killed when the test ends.</summary>
internal sealed class DistributedHarness(BrokerFixture broker, RunHarness run) : IDisposable
{
    private readonly List<(Process Process, StringBuilder Log)> _processes = [];

    public Process Worker(params string[] extra) =>
        Start("sweep-worker.dll", ["--concurrency", "1", .. extra]);

    public Process Coordinator(string name, params string[] extra) =>
        Start("sweep.dll", ["coordinator", run.SpecPath, "--output", run.RunDir(name), "--progress", "json", "--progress-interval", "0.1", .. extra]);

    public string Log(Process process)
    {
        var log = _processes.Single(p => p.Process == process).Log;
        lock (log) // the output readers append on their own threads
        {
            return log.ToString();
        }
    }

    /// <summary>Waits for the process to exit; fails the test with its log if it takes longer than <paramref name="seconds"/>.</summary>
    public async Task<int> ExitCode(Process process, int seconds = 180)
    {
        try
        {
            await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(seconds));
        }
        catch (TimeoutException)
        {
            Assert.Fail($"process did not exit within {seconds} s; its log:\n{Log(process)}");
        }

        process.WaitForExit(); // flush the asynchronous output readers
        return process.ExitCode;
    }

    /// <summary>Waits until the coordinator's progress shows at least <paramref name="chunks"/> stored chunks.</summary>
    public async Task WaitForChunks(Process coordinator, long chunks, int seconds = 120)
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

        Assert.Fail($"fewer than {chunks} chunks stored after {seconds} s:\n{Log(coordinator)}");
    }

    private Process Start(string program, string[] args)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, program));
        foreach (string arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        info.Environment["SWEEP_BROKER_URL"] = broker.Url;
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
                process.Kill(entireProcessTree: true);
            }

            process.Dispose();
        }
    }
}
