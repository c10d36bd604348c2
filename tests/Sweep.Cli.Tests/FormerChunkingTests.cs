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

        // What an earlier version left: its store and arrays, with two of its four chunks not stored yet.
        string directory = run.RunDir("former");
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

        (code, _, error) = run.Run("former");
        Assert.True(code == 0, error);
        Assert.Contains($"resuming '{directory}': 2/4 chunks already stored", error);
        Assert.Contains("completed: 4/4 chunks", error);
        var status = RunHarness.Status(directory);
        Assert.Equal((4, 4), (status.GetProperty("total_chunks").GetInt64(), status.GetProperty("done_chunks").GetInt64()));
        Assert.Equal(run.ExportNpz("today"), run.ExportNpz("former"));
    }
}
