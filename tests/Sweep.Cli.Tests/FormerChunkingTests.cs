using Microsoft.Data.Sqlite;
using Sweep.Coordinator.Engine;
using Sweep.Coordinator.Store;
using Sweep.Engine.Planning;
using Sweep.Engine.Spec;
using Sweep.Monitoring;
using Sweep.Physics.Models;
using Sweep.Worker.Actors;

namespace Sweep.Cli.Tests;

/// <summary>Run directories of the versions before automatic chunks were sized by their result bytes, when every automatic
/// chunk held 32 768 evaluations: the same spec resumes them in their own chunks, and status and export read them
/// (docs/ENGINE.md, "Chunks").</summary>
[Collection("cluster")]
public class FormerChunkingTests
{
    // 100 000 points of two observables: one automatic chunk of 131 072 evaluations now, four of 32 768 before.
    private const string Spec = """
        name: former
        models: [magnon-junction]
        axes:
          h: {log: [1.0e-4, 2.0], n: 500}
          T: {lin: [0.1, 2.0], n: 200}
        constants: {J_T: 0.1, S: 1}
        observables: [L11, K]
        """;

    [Fact]
    public async Task A_run_directory_in_the_former_automatic_chunks_is_resumed_and_read_in_them()
    {
        using var run = new RunHarness(Spec);
        var (code, _, error) = run.Run("today");
        Assert.True(code == 0, error);
        Assert.Contains("1/1 chunks", error);
        string directory = await LeaveAsAnEarlierVersionDid(run, "former");

        (code, _, error) = run.Run("former");
        Assert.True(code == 0, error);
        Assert.Contains($"resuming '{directory}': 2/4 chunks already stored", error);
        Assert.Contains("completed: 4/4 chunks", error);
        var status = RunHarness.Status(directory);
        Assert.Equal((4, 4), (status.GetProperty("total_chunks").GetInt64(), status.GetProperty("done_chunks").GetInt64()));
        Assert.Equal(run.ExportNpz("today"), run.ExportNpz("former"));
    }

    [Fact]
    public async Task A_cluster_coordinator_resumes_it_with_a_worker_that_plans_the_same_former_chunks()
    {
        using var run = new RunHarness(Spec);
        Assert.Equal(0, run.Run("today").ExitCode);
        string directory = await LeaveAsAnEarlierVersionDid(run, "former");

        using var cluster = new Distributed.DistributedHarness(run);
        var coordinator = cluster.Coordinator("former");
        var worker = cluster.Worker();
        Assert.True(await cluster.ExitCode(coordinator) == 0, cluster.AllLogs());
        Assert.Contains($"resuming '{directory}': 2/4 chunks already stored", cluster.Log(coordinator));
        Assert.Contains("completed: 4/4 chunks", cluster.Log(coordinator));
        Assert.Matches(@"serving run \w+ \(4 chunks\)", cluster.Log(worker)); // planned from the offer's former chunk size
        Assert.Equal(run.ExportNpz("today"), run.ExportNpz("former"));
    }

    /// <summary>What an earlier version left in <paramref name="name"/>: its store and arrays in four chunks of 32 768 points,
    /// two of them not stored yet.</summary>
    private static async Task<string> LeaveAsAnEarlierVersionDid(RunHarness run, string name)
    {
        string directory = run.RunDir(name);
        var former = SweepPlan.Create(SpecParser.Parse(Spec, ModelRegistry.Default, new SpecOverrides(ChunkEvaluations: ModelPlan.FormerChunkEvaluations)),
            ModelRegistry.Default);
        Assert.Equal(4, former.TotalChunks);
        using (var store = RunDirectory.OpenForRun(directory, ref former, chunkOverride: null, force: false, out _))
        {
            await using var host = await ActorHost.StartAsync("former");
            await using var monitoring = new MetricsHost("run");
            var outcome = await EmbeddedRun.ExecuteAsync(host.System, former, store, new RunOptions { Workers = 1 },
                new RunCounters(former.TotalChunks, former.TotalEvaluations), monitoring, CancellationToken.None);
            Assert.True(outcome.Succeeded);
        }

        using (var connection = new SqliteConnection($"Data Source={Path.Combine(directory, RunStore.FileName)};Pooling=False"))
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = "DELETE FROM chunks WHERE chunk IN (1, 3)";
            Assert.Equal(2, command.ExecuteNonQuery());
        }

        return directory;
    }
}
