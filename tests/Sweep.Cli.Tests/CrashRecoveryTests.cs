using Sweep.Engine;
using System.Diagnostics;
using System.Text.Json;
using Sweep.Coordinator.Cli;

namespace Sweep.Cli.Tests;

/// <summary>Doing the bad thing for real: SIGKILL and SIGINT a running sweep process, then resume.</summary>
public class CrashRecoveryTests
{
    // ~20k one-point chunks: long enough (seconds) to be interrupted mid-run, small on disk.
    private const string Spec = """
        name: crash
        models: [mtj]
        axes:
          h: {log: [1.0e-3, 1.0], n: 40}
          T: {lin: [0.05, 2.0], n: 25}
          J_T: {log: [0.05, 0.5], n: 20}
          S: {values: [50]}
          alpha_p: {values: [0.05]}
        bias: {lin: [-6, 6], n: 201, unit: h}
        observables: [Ns]
        chunk: 1
        """;

    [Fact]
    public async Task Sigkill_mid_run_then_resume_gives_the_uninterrupted_results()
    {
        using var run = new RunHarness(Spec);
        using (var process = RunHarness.Start("run", run.SpecPath, "--output", run.RunDir("killed"), "--progress", "json", "--progress-interval", "0.05"))
        {
            long done = await WaitForProgress(process, minimumChunks: 300);
            process.Kill(); // SIGKILL: no handler runs
            await process.WaitForExitAsync();
            Assert.True(done < 20_000, "the run finished before it could be killed");
        }

        var before = RunHarness.Status(run.RunDir("killed"));
        Assert.Equal("running", before.GetProperty("status").GetString()); // the manifest never saw an ending
        long stored = before.GetProperty("done_chunks").GetInt64();
        Assert.InRange(stored, 300, 19_999);

        var (code, _, error) = run.Run("killed");
        Assert.True(code == 0, error);
        Assert.Contains($"resuming '{run.RunDir("killed")}': {stored}/20000 chunks already stored", error);
        Assert.Equal(0, run.Run("reference").ExitCode);
        AssertSameResults(run, "killed", "reference");
    }

    [Fact]
    public async Task Sigint_stops_gracefully_with_exit_130_and_resumes()
    {
        using var run = new RunHarness(Spec);
        using (var process = RunHarness.StartAsFromATerminal("run", run.SpecPath, "--output", run.RunDir("r"), "--progress", "json", "--progress-interval", "0.05"))
        {
            await WaitForProgress(process, minimumChunks: 300);
            Process.Start("kill", ["-INT", process.Id.ToString()])!.WaitForExit();
            await process.WaitForExitAsync();
            Assert.Equal(ExitCodes.Cancelled, process.ExitCode);
        }

        var status = RunHarness.Status(run.RunDir("r"));
        Assert.Equal("cancelled", status.GetProperty("status").GetString());
        Assert.Equal(0, run.Run("r").ExitCode);
        Assert.Equal(0, run.Run("reference").ExitCode);
        AssertSameResults(run, "r", "reference");
    }

    // 40 000 chunks of 201 evaluations, two observables: several seconds with one worker (7 s on the dev VM; 10 000
    // chunks of 804 took 2.4 s once storing got faster, and a run ended before its third kill), writing all the while,
    // so that 24 kills (each at most 1.5 s after a fresh start) land before the run could end, even on an idle machine.
    // A slice is 1 608 bytes at an unaligned offset, and a batch's adjacent slices are written as one: their whole
    // 4 KiB blocks go to the disk with direct I/O, their ends through the page cache (ArrayFiles), so a kill lands in either.
    private const string ManyKillsSpec = """
        name: kills
        models: [mtj]
        axes:
          h: {log: [1.0e-3, 1.0], n: 80}
          T: {lin: [0.05, 2.0], n: 25}
          J_T: {log: [0.05, 0.5], n: 20}
          S: {values: [50]}
          alpha_p: {values: [0.05]}
        bias: {lin: [-6, 6], n: 201, unit: h}
        observables: [Ns, i]
        chunk: 1
        """;

    [Fact]
    public void Twenty_four_sigkills_at_random_moments_each_resumed_give_bitwise_the_uninterrupted_export()
    {
        using var run = new RunHarness(ManyKillsSpec);
        var random = new Random(16);
        string directory = run.RunDir("killed");
        int kills = 0, afterStores = 0;
        long stored = 0;
        while (kills < 24)
        {
            using var process = RunHarness.Start("run", run.SpecPath, "--output", directory, "-j", "1", "--progress", "json", "--progress-interval", "0.02");
            long reported = -1; // done_chunks of this process's latest progress line, read as it comes (the pipe never fills)
            process.ErrorDataReceived += (_, e) =>
            {
                if (e.Data is { } line && line.StartsWith('{') && DoneChunks(line) is { } done)
                {
                    Interlocked.Exchange(ref reported, done);
                }
            };
            process.BeginErrorReadLine();
            if (kills % 4 == 0)
            {
                // Any moment from the start: creating the store and its array files, resuming, storing.
                Thread.Sleep(random.Next(0, 1500));
            }
            else
            {
                // Once this process has stored a chunk, within a few milliseconds: mostly mid-batch
                // (positional writes, fsync, ledger commit).
                var deadline = DateTime.UtcNow.AddSeconds(60);
                while (Interlocked.Read(ref reported) <= stored && !process.HasExited && DateTime.UtcNow < deadline)
                {
                    Thread.Sleep(2);
                }

                Thread.Sleep(random.Next(0, 25));
                afterStores++;
            }

            process.Kill(); // SIGKILL
            process.WaitForExit();
            Assert.True(process.ExitCode == 137, $"kill {kills + 1}: the run was not killed but ended with exit {process.ExitCode}");
            kills++;
            if (File.Exists(Path.Combine(directory, "manifest.json")))
            {
                long now = RunHarness.Status(directory).GetProperty("done_chunks").GetInt64();
                Assert.True(now >= stored, $"kill {kills}: {now} chunks stored, fewer than the {stored} before");
                stored = now;
            }
        }

        Assert.InRange(stored, 1, 39999);
        var (code, _, error) = run.Run("killed");
        Assert.True(code == 0, error);
        Assert.Equal(0, run.Run("reference").ExitCode);
        AssertSameResults(run, "killed", "reference");
        Assert.Equal(18, afterStores);
    }

    /// <summary>done_chunks of a progress line; null for the last line of a killed process, cut off mid-write.
    /// (An exception in the output handler would crash the test host.)</summary>
    private static long? DoneChunks(string line)
    {
        try
        {
            return JsonDocument.Parse(line).RootElement.GetProperty("done_chunks").GetInt64();
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>Reads JSON progress lines until at least <paramref name="minimumChunks"/> are stored.</summary>
    private static async Task<long> WaitForProgress(Process process, long minimumChunks)
    {
        var deadline = DateTime.UtcNow.AddSeconds(120);
        while (DateTime.UtcNow < deadline && await process.StandardError.ReadLineAsync() is { } line)
        {
            if (line.StartsWith('{') && JsonDocument.Parse(line).RootElement.GetProperty("done_chunks").GetInt64() is var done && done >= minimumChunks)
            {
                return done;
            }
        }

        throw new TimeoutException($"no progress line reached {minimumChunks} chunks; exit code {(process.HasExited ? process.ExitCode : null)}");
    }

    private static void AssertSameResults(RunHarness run, string a, string b)
    {
        var left = run.ExportNpz(a);
        var right = run.ExportNpz(b);
        Assert.Equal(left.Keys.Order(), right.Keys.Order());
        Assert.All(left, e => Assert.True(e.Value.AsSpan().SequenceEqual(right[e.Key]), $"{e.Key} differs"));
        Assert.DoesNotContain((byte)255, left["mtj/status.npy"][128..]);
    }
}
