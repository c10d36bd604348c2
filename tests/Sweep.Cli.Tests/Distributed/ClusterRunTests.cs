using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using Microsoft.Data.Sqlite;
using Sweep.Engine;
using Sweep.Engine.Cluster;
using Xunit.Abstractions;

namespace Sweep.Cli.Tests.Distributed;

/// <summary>Cluster mode with real <c>sweep coordinator</c> and <c>sweep worker</c> processes on 127.0.0.1,
/// doing the bad things for real: SIGKILL of a worker and of the coordinator, SIGSTOP past the failure
/// detector, a poison chunk, garbage on the remoting and result ports, an upload cut off mid-frame, an unreachable
/// seed, SIGTERM on a worker.</summary>
[Collection("cluster")]
public partial class ClusterRunTests(ITestOutputHelper output)
{
    // 600 one-point junction chunks and 600 mtj chunks: a few seconds of messaging for a few workers.
    private const string Spec = """
        name: dist
        models: [magnon-junction, mtj]
        axes:
          h: {log: [1.0e-3, 1.0], n: 15}
          T: {lin: [0.05, 2.0], n: 10}
          J_T: {log: [0.05, 0.5], n: 4}
          S: {values: [50]}
          alpha_p: {values: [0.05]}
        bias: {lin: [-6, 6], n: 101, unit: h}
        observables: [L11, Ns, i]
        chunk: 1
        """;

    private const long Chunks = 600 + 600;

    [Fact]
    public async Task One_coordinator_and_three_workers_match_the_embedded_run_bitwise_and_garbage_on_either_port_is_harmless()
    {
        using var run = new RunHarness(Spec);
        using var cluster = new DistributedHarness(run);
        var coordinator = cluster.Coordinator("d");
        // The result port, before any worker (so the run cannot be over yet): bytes that are not a frame, a frame asking
        // for 2 GiB, a well-framed payload that is not a result. One logged line each; the connection is closed.
        int resultPort = await cluster.ResultPort(coordinator);
        foreach (byte[] garbage in new[] { "GET / HTTP/1.1\r\nHost: sweep\r\n\r\n"u8.ToArray(), Frame(5, 1, int.MaxValue, 0, []), Frame(5, 1, 16, 0, new byte[16]) })
        {
            using var client = new TcpClient();
            await client.ConnectAsync("127.0.0.1", resultPort);
            await client.GetStream().WriteAsync(garbage);
            try
            {
                Assert.Equal(0, await client.GetStream().ReadAsync(new byte[1])); // closed by the coordinator
            }
            catch (IOException)
            {
                // closed with bytes unread: a reset
            }
        }

        await cluster.WaitForLog(coordinator, "garbage: the frame for chunk 5 does not start with a result's head");
        Assert.Equal(3, Regex.Count(cluster.Log(coordinator), @"result stream: closed the connection from 127\.0\.0\.1:\d+: garbage"));
        Assert.Contains("garbage: not a result frame (starts with 47455420", cluster.Log(coordinator));
        Assert.Contains("garbage: a result frame for chunk 5, attempt 1, of 2147483647 + 0 bytes", cluster.Log(coordinator));
        // Two workers send their results by reference to shared memory (on the coordinator's machine), one over the socket.
        var workers = new[] { cluster.Worker(), cluster.Worker(), cluster.Worker("--no-shared-memory") };

        await cluster.WaitForChunks(coordinator, 100);
        foreach (byte[] garbage in new[] { "GET / HTTP/1.1\r\n\r\n"u8.ToArray(), new byte[] { 0, 0, 0, 8, 1, 2, 3, 4, 5, 6, 7, 8 }, new byte[] { 0x7f, 0xff, 0xff, 0xff } })
        {
            using var client = new TcpClient();
            await client.ConnectAsync("127.0.0.1", cluster.SeedPort);
            await client.GetStream().WriteAsync(garbage);
            await Task.Delay(100);
        }

        Assert.True(await cluster.ExitCode(coordinator) == 0, cluster.AllLogs());
        // Rejected by the framing (DotNetty's length-field decoder), one line each; the connection is closed.
        Assert.True(Regex.Count(cluster.Log(coordinator), @"TcpServerHandler \(akka://sweep\): Error caught channel .*(TooLongFrame|CorruptedFrame)") >= 3,
            cluster.Log(coordinator));
        AssertLedgerExact(run.RunDir("d"));
        AssertMatchesEmbedded(run, "d");
        const string byReference = "go by reference to shared memory";
        Assert.True(workers[..2].Any(w => cluster.Log(w).Contains(byReference)) && !cluster.Log(workers[2]).Contains(byReference), cluster.AllLogs());
    }

    [Fact]
    public async Task Sigkill_of_a_worker_has_its_chunks_redispatched_once_it_is_removed_and_every_chunk_stored_exactly_once()
    {
        // mtj chunks ten times heavier than the other tests': the run is still going when the victim is removed,
        // even on an idle machine (the victim then always holds chunks).
        using var run = new RunHarness(Spec.Replace("n: 101, unit: h", "n: 1001, unit: h"));
        using var cluster = new DistributedHarness(run);
        var coordinator = cluster.Coordinator("d");
        var victim = cluster.Worker();
        // The victim serves the run alone, and is killed frozen at a moment the coordinator shows chunks in flight, so
        // it holds chunks then: killed at any moment, it could hold none (its results returned, the coordinator's window
        // full of chunks being stored: CI runs ended without anything to re-dispatch). The run cannot end before they
        // are dispatched again.
        await cluster.WaitForLog(victim, "serving run");
        await cluster.WaitForChunks(coordinator, 200);
        await cluster.FreezeHoldingChunks(coordinator, victim);
        victim.Kill();
        var killed = DateTimeOffset.UtcNow;
        cluster.Worker();
        cluster.Worker();
        await cluster.WaitForLog(coordinator, "re-dispatching them");
        var line = RedispatchLine().Match(cluster.Log(coordinator));
        Assert.True(line.Success, cluster.Log(coordinator));
        var redispatched = DateTimeOffset.Parse(line.Groups[1].Value, CultureInfo.InvariantCulture);
        output.WriteLine($"worker {victim.Id} SIGKILLed at {killed:O}; its chunks {line.Groups[2].Value} re-dispatched at {redispatched:O}, " +
                         $"{(redispatched - killed).TotalSeconds:F1} s after the kill");
        Assert.True(await cluster.ExitCode(coordinator) == 0, cluster.AllLogs());
        AssertLedgerExact(run.RunDir("d"));
        AssertMatchesEmbedded(run, "d");
    }

    [Fact]
    public async Task An_upload_cut_off_inside_its_frame_is_dropped_and_its_chunk_stored_exactly_once_after_redispatch()
    {
        using var run = new RunHarness(Spec);
        using var cluster = new DistributedHarness(run);
        var coordinator = cluster.Coordinator("d");
        // Half of chunk 7's frame reaches the result port, then the worker is SIGKILLed: the kernel closes the connection.
        var cut = cluster.Worker("--cut-upload-of-chunk", "7");
        Assert.True(await cluster.ExitCode(cut, seconds: 60) != 0, cluster.Log(cut));
        Assert.Contains("test hook: cut the upload of chunk 7", cluster.Log(cut));
        await cluster.WaitForLog(coordinator, "the upload of chunk 7 (attempt 1) was cut after");
        cluster.Worker();
        Assert.True(await cluster.ExitCode(coordinator) == 0, cluster.AllLogs());
        var line = RedispatchLine().Match(cluster.Log(coordinator));
        Assert.True(line.Success, cluster.Log(coordinator));
        Assert.Contains("7", line.Groups[2].Value.Split(", "));
        AssertLedgerExact(run.RunDir("d"));
        AssertMatchesEmbedded(run, "d");
    }

    [Fact]
    public async Task Sigstop_of_a_worker_past_the_failure_detector_then_sigcont_completes_the_run_exactly()
    {
        using var run = new RunHarness(Spec);
        using var cluster = new DistributedHarness(run);
        var coordinator = cluster.Coordinator("d");
        var frozen = cluster.Worker();
        cluster.Worker();
        cluster.Worker();
        await cluster.WaitForChunks(coordinator, 200);
        DistributedHarness.Signal(frozen, "STOP");
        await cluster.WaitForLog(coordinator, "Marking node(s) as UNREACHABLE"); // the failure detector noticed
        // Frozen past the failure detector's pause until the split brain resolver downed it (its chunks then go
        // out again), or the run ended without them (it held none when it stopped).
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (!cluster.Log(coordinator).Contains("re-dispatching them", StringComparison.Ordinal) && !coordinator.HasExited)
        {
            Assert.True(DateTime.UtcNow < deadline, cluster.AllLogs());
            await Task.Delay(50);
        }

        DistributedHarness.Signal(frozen, "CONT");
        Assert.True(await cluster.ExitCode(coordinator) == 0, cluster.AllLogs());
        AssertLedgerExact(run.RunDir("d"));
        AssertMatchesEmbedded(run, "d");
        // The same process goes on as a new incarnation (it was removed from the cluster while frozen).
        await cluster.WaitForLog(frozen, "re-joining the seeds");
        Assert.False(frozen.HasExited, cluster.Log(frozen));
    }

    [Fact]
    public async Task Sigkill_of_the_coordinator_then_restart_is_finished_by_the_same_worker_processes_identically()
    {
        using var run = new RunHarness(Spec);
        using var cluster = new DistributedHarness(run);
        var first = cluster.Coordinator("d");
        var workers = new[] { cluster.Worker(), cluster.Worker() };
        await cluster.WaitForChunks(first, 200);
        first.Kill();
        await first.WaitForExitAsync();
        var second = cluster.Coordinator("d");
        Assert.True(await cluster.ExitCode(second) == 0, cluster.AllLogs());
        Assert.Contains("resuming", cluster.Log(second));
        // Only these two worker processes exist, so they finished the run. Depending on timing they re-joined the
        // restarted coordinator as a new incarnation (the old one removed first) or reached it at the same address
        // before the old one was removed; either way the same PIDs are still running.
        foreach (var worker in workers)
        {
            Assert.False(worker.HasExited, cluster.Log(worker));
            Assert.Contains("serving run", cluster.Log(worker));
        }

        AssertLedgerExact(run.RunDir("d"));
        AssertMatchesEmbedded(run, "d");
    }

    [Fact]
    public async Task A_poison_chunk_that_kills_every_worker_taking_it_is_recorded_as_failed_and_everything_else_stored()
    {
        const long poison = 700; // an mtj chunk
        using var run = new RunHarness(Spec);
        using var cluster = new DistributedHarness(run);
        var coordinator = cluster.Coordinator("d");
        var workers = Enumerable.Range(0, 3).Select(_ => cluster.Worker("--crash-on-chunk", $"{poison}")).ToList();
        while (!coordinator.HasExited)
        {
            // A supervisor, as Kubernetes would be: replace crashed workers.
            for (int i = 0; i < workers.Count; i++)
            {
                if (workers[i].HasExited)
                {
                    workers[i] = cluster.Worker("--crash-on-chunk", $"{poison}");
                }
            }

            await Task.Delay(100);
        }

        Assert.True(await cluster.ExitCode(coordinator) == ExitCodes.Internal, cluster.AllLogs());
        Assert.Contains($"chunk {poison} (mtj", cluster.Log(coordinator));
        Assert.Contains("failed after 3 attempts", cluster.Log(coordinator));
        var status = RunHarness.Status(run.RunDir("d"));
        Assert.Equal(poison, status.GetProperty("failed_chunks").EnumerateArray().Single().GetProperty("chunk").GetInt64());
        Assert.Equal(Chunks - 1, status.GetProperty("done_chunks").GetInt64());
    }

    [Fact]
    public async Task A_worker_waiting_longer_than_the_join_timeout_for_its_next_coordinator_stays_one_incarnation_with_a_quiet_log()
    {
        // Between two runs the worker joins the seed for longer than the first join may take (20 s): it keeps joining
        // (no new actor system, no "could not join" line), and Akka's warning of each join attempt (every 0.2 s) is
        // printed once, the rest summarised a minute later.
        using var run = new RunHarness(Spec.Replace("n: 15", "n: 2").Replace("n: 10", "n: 2"));
        using var cluster = new DistributedHarness(run);
        var worker = cluster.Worker();
        Assert.True(await cluster.ExitCode(cluster.Coordinator("a")) == 0, cluster.AllLogs());
        await cluster.WaitForLog(worker, "re-joining the seeds");
        await Task.Delay(ClusterSettings.JoinTimeout + TimeSpan.FromSeconds(2));
        Assert.True(await cluster.ExitCode(cluster.Coordinator("b")) == 0, cluster.AllLogs());
        string log = cluster.Log(worker);
        Assert.Contains("(incarnation 2)", log);
        Assert.DoesNotContain("could not join", log, StringComparison.Ordinal);
        // The wait, up to the join that ended it (the worker's first join, before the first coordinator listened, may have
        // logged its own pair; and once the second coordinator has gone, a new wait begins, whose first warnings are its own).
        int waitStart = log.IndexOf("re-joining the seeds", StringComparison.Ordinal);
        string waiting = log[waitStart..log.IndexOf("(incarnation 2)", waitStart, StringComparison.Ordinal)];
        Assert.True(Regex.Count(waiting, "Couldn't join seed nodes") <= 1, log);
        Assert.True(Regex.Count(waiting, "Tried to associate with unreachable remote address") <= 1, log);
    }

    [Fact]
    public async Task Two_coordinators_with_different_runs_share_one_worker_pool_and_both_complete_correctly()
    {
        using var first = new RunHarness(Spec);
        using var second = new RunHarness(Spec.Replace("values: [50]", "values: [20]"));
        using var cluster = new DistributedHarness(first);
        using var other = new DistributedHarness(second);
        var a = cluster.Coordinator("a");
        var b = other.Coordinator("b", other.SeedPort, "--seed", $"127.0.0.1:{cluster.SeedPort}");
        var workers = new[] { cluster.Worker(), cluster.Worker() };
        Assert.True(await cluster.ExitCode(a) == 0, cluster.AllLogs());
        Assert.True(await other.ExitCode(b) == 0, other.Log(b));
        foreach (var worker in workers)
        {
            Assert.Equal(2, Regex.Count(cluster.Log(worker), "serving run"));
        }

        AssertMatchesEmbedded(first, "a");
        AssertMatchesEmbedded(second, "b");
    }

    [Fact]
    public async Task A_chunk_with_over_16_MB_of_results_arrives_on_the_result_stream_and_matches_the_embedded_run()
    {
        // One mtj chunk of 600 points × 2001 biases × 2 observables: 19.2 MB of float64.
        using var run = new RunHarness("""
            name: big
            models: [mtj]
            axes:
              h: {log: [1.0e-3, 1.0], n: 15}
              T: {lin: [0.05, 2.0], n: 10}
              J_T: {log: [0.05, 0.5], n: 4}
              S: {values: [50]}
              alpha_p: {values: [0.05]}
            bias: {lin: [-6, 6], n: 2001, unit: h}
            observables: [Ns, i]
            chunk: 600
            """);
        using var cluster = new DistributedHarness(run);
        var coordinator = cluster.Coordinator("d");
        var worker = cluster.Worker();
        Assert.True(await cluster.ExitCode(coordinator) == 0, cluster.AllLogs());
        Assert.DoesNotContain("Oversized", cluster.AllLogs(), StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("unreachable", cluster.Log(coordinator), StringComparison.OrdinalIgnoreCase); // heartbeats kept flowing
        Assert.Equal(600L * 2001, StoredEvaluations(run.RunDir("d"))); // × 2 observables × 8 bytes = 19.2 MB in one result
        AssertMatchesEmbedded(run, "d");
        Assert.False(worker.HasExited);
    }

    [Fact]
    public async Task An_unreachable_seed_is_exit_69_within_30_s_naming_its_host_and_port()
    {
        using var run = new RunHarness(Spec);
        // Bound but not listening: connections are refused, and no other process (nor this test's own
        // --listen, which once drew the same free port and joined itself) can take the port meanwhile.
        using var reserved = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        reserved.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        int closed = ((IPEndPoint)reserved.LocalEndPoint!).Port;
        await Task.WhenAll(new[]
        {
            new[] { "worker", "--seed", $"127.0.0.1:{closed}" },
            new[] { "coordinator", run.SpecPath, "--output", run.RunDir("x"), "--listen", $"127.0.0.1:{DistributedHarness.FreePort()}", "--seed", $"127.0.0.1:{closed}" },
        }.Select(async args =>
        {
            var info = new ProcessStartInfo("dotnet") { RedirectStandardError = true, RedirectStandardOutput = true };
            info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "sweep.dll"));
            args.ToList().ForEach(info.ArgumentList.Add);
            var clock = Stopwatch.StartNew();
            using var process = Process.Start(info)!;
            var error = process.StandardError.ReadToEndAsync();
            _ = process.StandardOutput.ReadToEndAsync();
            await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
            Assert.True(process.ExitCode == ExitCodes.Unavailable, await error);
            Assert.Contains($"could not join the cluster through its seed nodes 127.0.0.1:{closed}: none answered within 20 s", await error);
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30), $"took {clock.Elapsed}");
        }));
    }

    [Fact]
    public void A_listen_port_in_use_is_exit_69_naming_it_and_the_coordinator_writes_nothing()
    {
        using var run = new RunHarness(Spec);
        using var busy = new TcpListener(System.Net.IPAddress.Loopback, 0);
        busy.Start();
        int port = ((System.Net.IPEndPoint)busy.LocalEndpoint).Port;
        var (code, _, error) = CliRunner.Run("coordinator", run.SpecPath, "--output", run.RunDir("x"), "--listen", $"127.0.0.1:{port}", "--progress", "none");
        Assert.True(code == ExitCodes.Unavailable, error);
        Assert.Contains($"cannot listen on 127.0.0.1:{port}", error);
        Assert.False(Directory.Exists(run.RunDir("x")));
    }

    [Fact]
    public void A_result_port_in_use_is_exit_69_naming_it_and_a_bad_one_is_a_usage_error_and_the_coordinator_writes_nothing()
    {
        using var run = new RunHarness(Spec);
        using var busy = new TcpListener(System.Net.IPAddress.Loopback, 0);
        busy.Start();
        int taken = ((System.Net.IPEndPoint)busy.LocalEndpoint).Port, listen = DistributedHarness.FreePort();
        var (code, _, error) = CliRunner.Run("coordinator", run.SpecPath, "--output", run.RunDir("x"), "--listen", $"127.0.0.1:{listen}",
            "--result-port", taken.ToString(CultureInfo.InvariantCulture), "--progress", "none");
        Assert.True(code == ExitCodes.Unavailable, error);
        Assert.Contains($"cannot listen on 127.0.0.1:{taken} (--result-port", error);
        foreach (string port in new[] { listen.ToString(CultureInfo.InvariantCulture), "65536", "-1" })
        {
            (code, _, error) = CliRunner.Run("coordinator", run.SpecPath, "--output", run.RunDir("x"), "--listen", $"127.0.0.1:{listen}", "--result-port", port);
            Assert.True(code == ExitCodes.Usage, error);
            Assert.Contains($"--result-port {port}: a port from 1 to 65535 other than the --listen port, or 0", error);
        }

        Assert.False(Directory.Exists(run.RunDir("x")));
    }

    [Fact]
    public async Task Sigterm_on_a_worker_stops_asking_finishes_its_chunks_leaves_and_exits_0()
    {
        using var run = new RunHarness(Spec);
        using var cluster = new DistributedHarness(run);
        var coordinator = cluster.Coordinator("d");
        var leaving = cluster.Worker();
        cluster.Worker();
        await cluster.WaitForChunks(coordinator, 200);
        DistributedHarness.Signal(leaving, "TERM"); // Kubernetes scale-in
        Assert.True(await cluster.ExitCode(leaving, seconds: 30) == 0, cluster.Log(leaving));
        // Usually serving ("finishing the chunks in hand, then leaving"); on a loaded machine it may have been
        // downed by a late heartbeat a moment before and be joining again ("stopping while joining").
        Assert.Matches("stopping(; finishing the chunks in hand, then leaving the cluster| while joining the cluster)", cluster.Log(leaving));
        Assert.Contains("left the cluster", cluster.Log(leaving));
        Assert.True(await cluster.ExitCode(coordinator) == 0, cluster.AllLogs());
        AssertLedgerExact(run.RunDir("d"));
        AssertMatchesEmbedded(run, "d");
    }

    [GeneratedRegex(@"\] [^ ]+: (\S+): work source \S+ is gone holding chunks ([0-9, ]+); re-dispatching them")]
    private static partial Regex RedispatchLine();

    /// <summary>A result-stream frame header (<see cref="ResultStream"/>) followed by <paramref name="payload"/>.</summary>
    private static byte[] Frame(long chunk, int attempt, int headLength, int dataLength, byte[] payload)
    {
        var frame = new byte[ResultStream.HeaderBytes + payload.Length];
        ResultStream.WriteHeader(frame, chunk, attempt, headLength, dataLength);
        payload.CopyTo(frame, ResultStream.HeaderBytes);
        return frame;
    }

    private static long StoredEvaluations(string runDir)
    {
        using var connection = new SqliteConnection($"Data Source={Path.Combine(runDir, "run.sqlite")};Pooling=False;Mode=ReadOnly");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT SUM(evaluations) FROM chunks WHERE status = 'done'";
        return (long)command.ExecuteScalar()!;
    }

    /// <summary>Every chunk stored exactly once: one ledger row each (the chunk is its primary key), all 'done'.</summary>
    private static void AssertLedgerExact(string runDir, long chunks = Chunks)
    {
        using var connection = new SqliteConnection($"Data Source={Path.Combine(runDir, "run.sqlite")};Pooling=False;Mode=ReadOnly");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT (SELECT COUNT(*) FROM chunks WHERE status = 'done'), (SELECT COUNT(DISTINCT chunk) FROM chunks), (SELECT COUNT(*) FROM chunks)";
        using var reader = command.ExecuteReader();
        reader.Read();
        Assert.Equal((chunks, chunks, chunks), (reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2)));
        var status = RunHarness.Status(runDir);
        Assert.True(status.GetProperty("duplicates_dropped").GetInt64() >= 0);
        Assert.Equal("completed", status.GetProperty("status").GetString());
    }

    private static void AssertMatchesEmbedded(RunHarness run, string name)
    {
        Assert.Equal(0, run.Run("embedded-" + name).ExitCode);
        var expected = run.ExportNpz("embedded-" + name);
        var actual = run.ExportNpz(name);
        Assert.Equal(expected.Keys.Order(), actual.Keys.Order());
        Assert.All(expected, e => Assert.True(e.Value.AsSpan().SequenceEqual(actual[e.Key]), $"{e.Key} differs"));
    }
}
