using System.Diagnostics;
using Microsoft.Data.Sqlite;
using RabbitMQ.Client;
using Sweep.Engine;

namespace Sweep.Cli.Tests.Distributed;

/// <summary>Distributed mode against a real broker, doing the bad things for real: SIGKILL of a worker
/// and of the coordinator, a broker restart, a poison chunk, malformed messages, two runs at once.</summary>
[Collection("broker")]
public class DistributedRunTests(BrokerFixture broker)
{
    // 3000 one-point mtj chunks (plus a few junction chunks): seconds of messaging, small on disk.
    private const string Spec = """
        name: dist
        models: [magnon-junction, mtj]
        axes:
          h: {log: [1.0e-3, 1.0], n: 15}
          T: {lin: [0.05, 2.0], n: 10}
          J_T: {log: [0.05, 0.5], n: 20}
          S: {values: [50]}
          alpha_p: {values: [0.05]}
        bias: {lin: [-6, 6], n: 101, unit: h}
        observables: [L11, Ns, i]
        chunk: 1
        """;

    private const long Chunks = 3000 + 3000;

    [Fact]
    public async Task One_coordinator_and_three_workers_match_the_embedded_run_and_survive_malformed_messages()
    {
        using var run = new RunHarness(Spec);
        using var cluster = new DistributedHarness(broker, run);
        for (int i = 0; i < 3; i++)
        {
            cluster.Worker();
        }

        var coordinator = cluster.Coordinator("d");
        await cluster.WaitForChunks(coordinator, 100);
        await PublishGarbage(ResultQueue(run.RunDir("d")));
        Assert.True(await cluster.ExitCode(coordinator) == 0, cluster.Log(coordinator));
        Assert.Contains("dropped a malformed message", cluster.Log(coordinator));
        Assert.Contains("3 malformed messages dropped", cluster.Log(coordinator));
        Assert.DoesNotContain("guest:guest", cluster.Log(coordinator));
        AssertMatchesEmbedded(run, "d");
    }

    [Fact]
    public async Task Sigkill_of_a_worker_loses_no_chunk_and_stores_none_twice()
    {
        using var run = new RunHarness(Spec);
        using var cluster = new DistributedHarness(broker, run);
        var victim = cluster.Worker();
        cluster.Worker();
        var coordinator = cluster.Coordinator("d");
        await cluster.WaitForChunks(coordinator, 300);
        victim.Kill();
        cluster.Worker();
        Assert.True(await cluster.ExitCode(coordinator) == 0, cluster.Log(coordinator));
        AssertLedgerExact(run.RunDir("d"));
        AssertMatchesEmbedded(run, "d");
    }

    [Fact]
    public async Task Sigterm_on_a_worker_finishes_its_chunk_and_exits_cleanly()
    {
        using var run = new RunHarness(Spec);
        using var cluster = new DistributedHarness(broker, run);
        var leaving = cluster.Worker();
        cluster.Worker();
        var coordinator = cluster.Coordinator("d");
        await cluster.WaitForChunks(coordinator, 300);
        Process.Start("kill", ["-TERM", leaving.Id.ToString()])!.WaitForExit(); // Kubernetes scale-in
        Assert.True(await cluster.ExitCode(leaving, seconds: 30) == 0, cluster.Log(leaving));
        Assert.Contains("stopping; finishing the chunks already taken", cluster.Log(leaving));
        Assert.True(await cluster.ExitCode(coordinator) == 0, cluster.Log(coordinator));
        AssertLedgerExact(run.RunDir("d"));
        AssertMatchesEmbedded(run, "d");
    }

    [Fact]
    public async Task Sigkill_of_the_coordinator_then_restart_completes_identically()
    {
        using var run = new RunHarness(Spec);
        using var cluster = new DistributedHarness(broker, run);
        cluster.Worker();
        cluster.Worker();
        var first = cluster.Coordinator("d");
        await cluster.WaitForChunks(first, 300);
        first.Kill();
        await first.WaitForExitAsync();
        var second = cluster.Coordinator("d");
        Assert.True(await cluster.ExitCode(second) == 0, cluster.Log(second));
        Assert.Contains("resuming", cluster.Log(second));
        AssertLedgerExact(run.RunDir("d"));
        AssertMatchesEmbedded(run, "d");
    }

    [Fact]
    public async Task A_broker_restart_mid_run_is_survived_by_coordinator_and_workers()
    {
        using var run = new RunHarness(Spec);
        using var cluster = new DistributedHarness(broker, run);
        cluster.Worker();
        cluster.Worker();
        var coordinator = cluster.Coordinator("d");
        await cluster.WaitForChunks(coordinator, 300);
        await broker.StopAsync();
        await Task.Delay(1000);
        await broker.StartAsync();
        Assert.True(await cluster.ExitCode(coordinator, seconds: 300) == 0, cluster.Log(coordinator));
        Assert.Contains("broker connection recovered; re-sending the chunks in flight", cluster.Log(coordinator)); // transient results were lost
        AssertLedgerExact(run.RunDir("d"));
        AssertMatchesEmbedded(run, "d");
    }

    [Fact]
    public async Task Losing_the_results_queue_mid_run_has_its_chunks_computed_again()
    {
        using var run = new RunHarness(Spec);
        using var cluster = new DistributedHarness(broker, run);
        cluster.Worker();
        cluster.Worker();
        var coordinator = cluster.Coordinator("d");
        await cluster.WaitForChunks(coordinator, 300);
        // As when the queue's node is lost: the results in it are gone and its consumer is cancelled.
        await OnBroker(channel => channel.QueueDeleteAsync(ResultQueue(run.RunDir("d")), ifUnused: false, ifEmpty: false));

        Assert.True(await cluster.ExitCode(coordinator) == 0, cluster.Log(coordinator));
        Assert.Contains("the broker cancelled the results consumer", cluster.Log(coordinator));
        AssertLedgerExact(run.RunDir("d"));
        AssertMatchesEmbedded(run, "d");
    }

    [Fact]
    public async Task A_poison_chunk_is_dead_lettered_reported_and_everything_else_stored()
    {
        const long poison = 3100; // an mtj chunk
        using var run = new RunHarness(Spec);
        using var cluster = new DistributedHarness(broker, run);
        var workers = new List<Process> { cluster.Worker("--crash-on-chunk", poison.ToString()), cluster.Worker("--crash-on-chunk", poison.ToString()) };
        var coordinator = cluster.Coordinator("d");
        while (!coordinator.HasExited)
        {
            // A supervisor, as Kubernetes would be: replace crashed workers.
            for (int i = 0; i < workers.Count; i++)
            {
                if (workers[i].HasExited)
                {
                    workers[i] = cluster.Worker("--crash-on-chunk", poison.ToString());
                }
            }

            await Task.Delay(100);
        }

        Assert.True(await cluster.ExitCode(coordinator) == ExitCodes.Internal, cluster.Log(coordinator));
        Assert.Contains($"chunk {poison} (mtj", cluster.Log(coordinator));
        Assert.Contains("dead-lettered after 3 deliveries", cluster.Log(coordinator));
        var status = RunHarness.Status(run.RunDir("d"));
        Assert.Equal(poison, status.GetProperty("failed_chunks").EnumerateArray().Single().GetProperty("chunk").GetInt64());
        Assert.Equal(Chunks - 1, status.GetProperty("done_chunks").GetInt64());
    }

    [Fact]
    public async Task Three_runs_share_one_broker_and_all_complete_correctly_two_of_them_of_one_spec()
    {
        using var first = new RunHarness(Spec);
        using var second = new RunHarness(Spec.Replace("values: [50]", "values: [20]"));
        using var cluster = new DistributedHarness(broker, first);
        using var other = new DistributedHarness(broker, second);
        cluster.Worker();
        cluster.Worker();
        var a = cluster.Coordinator("a");
        var b = other.Coordinator("b");
        var c = cluster.Coordinator("c"); // same spec as "a" (same hash), another run directory: another run
        Assert.True(await cluster.ExitCode(a) == 0, cluster.Log(a));
        Assert.True(await other.ExitCode(b) == 0, other.Log(b));
        Assert.True(await cluster.ExitCode(c) == 0, cluster.Log(c));
        AssertMatchesEmbedded(first, "a");
        AssertMatchesEmbedded(second, "b");
        AssertMatchesEmbedded(first, "c");
    }

    [Fact]
    public async Task An_unreachable_broker_is_exit_69_naming_the_host_and_not_the_password()
    {
        using var run = new RunHarness(Spec);
        int closed = BrokerFixture.FreePort(); // nobody listens there
        foreach (string[] args in new[] { new[] { "coordinator", run.SpecPath, "--output", run.RunDir("x") }, new[] { "worker" } })
        {
            var info = new ProcessStartInfo("dotnet") { RedirectStandardError = true, RedirectStandardOutput = true };
            info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "sweep.dll"));
            foreach (string arg in args)
            {
                info.ArgumentList.Add(arg);
            }

            info.Environment["SWEEP_BROKER_URL"] = $"amqp://guest:s3cret-pw@127.0.0.1:{closed}/";
            var clock = Stopwatch.StartNew();
            using var process = Process.Start(info)!;
            string error = await process.StandardError.ReadToEndAsync();
            await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
            Assert.Equal(ExitCodes.Unavailable, process.ExitCode);
            Assert.Contains($"cannot reach the broker at 127.0.0.1:{closed}", error);
            Assert.DoesNotContain("s3cret-pw", error);
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30), $"took {clock.Elapsed}");
        }
    }

    private Task PublishGarbage(string queue) => OnBroker(async channel =>
    {
        foreach (byte[] body in new[] { "not protobuf"u8.ToArray(), new byte[] { 0x0A, 0xFF, 0xFF }, new byte[] { 0x0A, 0x00 } })
        {
            await channel.BasicPublishAsync("", queue, body);
        }
    });

    /// <summary>Does something to the broker from outside the run, as an operator or a failure would.</summary>
    private async Task OnBroker(Func<IChannel, Task> action)
    {
        var factory = new ConnectionFactory { Uri = new Uri(broker.Url) };
        await using var connection = await factory.CreateConnectionAsync();
        await using var channel = await connection.CreateChannelAsync();
        await action(channel);
    }

    private static string ResultQueue(string runDir) => new Sweep.Engine.Transport.RunTopology(RunHarness.RunId(runDir)).ResultQueue;

    /// <summary>Every chunk stored exactly once: one ledger row each, all 'done'.</summary>
    private static void AssertLedgerExact(string runDir)
    {
        using var connection = new SqliteConnection($"Data Source={Path.Combine(runDir, "run.sqlite")};Pooling=False;Mode=ReadOnly");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT (SELECT COUNT(*) FROM chunks WHERE status = 'done'), (SELECT COUNT(DISTINCT chunk) FROM chunks), (SELECT COUNT(*) FROM chunks)";
        using var reader = command.ExecuteReader();
        reader.Read();
        Assert.Equal((Chunks, Chunks, Chunks), (reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2)));
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
