using Microsoft.Data.Sqlite;
using Sweep.Engine;

namespace Sweep.Cli.Tests;

/// <summary><c>sweep run --shard i/N</c> and <c>sweep merge</c>: shards partition the chunks, and merged
/// shards equal the unsharded run bitwise, whatever reruns happened; bad combinations write nothing.</summary>
public class ShardMergeTests
{
    // 18 junction chunks (70 outer points) + 35 mtj chunks (140), 4 outer points each.
    private const string Spec = """
        name: sharded
        models: [magnon-junction, mtj]
        axes:
          h: {log: [1.0e-3, 1.0], n: 7}
          T: {lin: [0.1, 2.0], n: 5}
          J_T: {values: [0.1, 0.3]}
          S: {values: [50]}
          alpha_p: {values: [0.05, 0.1]}
        bias: {lin: [-6, 6], n: 41, unit: h}
        observables: [L11, K, Ns, i]
        chunk: 4
        """;

    private const int Chunks = 18 + 35;

    [Fact]
    public void Shards_partition_the_chunks_round_robin_and_their_merge_equals_the_unsharded_run_bitwise()
    {
        using var run = new RunHarness(Spec);
        Assert.Equal(0, run.Run("full").ExitCode);
        for (int i = 0; i < 3; i++)
        {
            var (code, _, error) = run.Run($"s{i}", "--shard", $"{i}/3");
            Assert.True(code == 0, error);
            Assert.Contains($"shard {i}/3: {(Chunks - i + 2) / 3} of the run's {Chunks} chunks", error);
            Assert.Equal(Enumerable.Range(0, Chunks).Where(c => c % 3 == i).Select(c => (long)c), StoredChunks(run.RunDir($"s{i}")));
            var status = RunHarness.Status(run.RunDir($"s{i}"));
            Assert.Equal("completed", status.GetProperty("status").GetString());
            Assert.Equal($"{i}/3", status.GetProperty("shard").GetString());
            Assert.Equal(status.GetProperty("total_chunks").GetInt64(), status.GetProperty("done_chunks").GetInt64());
        }

        var merge = CliRunner.Run("merge", run.RunDir("merged"), run.RunDir("s0"), run.RunDir("s1"), run.RunDir("s2"));
        Assert.True(merge.ExitCode == 0, merge.Error);
        Assert.Equal(run.RunDir("merged"), merge.Out.Trim());
        Assert.Contains($"{Chunks} chunks added, 0 already stored", merge.Error);
        Assert.Equal("completed", RunHarness.Status(run.RunDir("merged")).GetProperty("status").GetString());
        Assert.Equal(run.ExportNpz("full"), run.ExportNpz("merged"));
    }

    [Fact]
    public void A_rerun_shard_is_stored_once_and_merging_again_adds_only_what_is_new()
    {
        using var run = new RunHarness(Spec);
        Assert.Equal(0, run.Run("full").ExitCode);
        Assert.Equal(0, run.Run("s0", "--shard", "0/2").ExitCode);
        Assert.Equal(0, run.Run("s1", "--shard", "1/2").ExitCode);
        Assert.Equal(0, run.Run("s1-again", "--shard", "1/2").ExitCode); // the task was requeued into another directory

        // First only shard 0, as a partial merge; then everything, into the same OUT (a requeued merge job).
        var partial = CliRunner.Run("merge", run.RunDir("m"), run.RunDir("s0"), "--allow-partial");
        Assert.True(partial.ExitCode == 0, partial.Error);
        Assert.Contains("incomplete: 26 chunks missing", partial.Error);
        Assert.Equal("incomplete", RunHarness.Status(run.RunDir("m")).GetProperty("status").GetString());

        var all = CliRunner.Run("merge", run.RunDir("m"), run.RunDir("s0"), run.RunDir("s1"), run.RunDir("s1-again"));
        Assert.True(all.ExitCode == 0, all.Error);
        Assert.Contains("26 chunks added, 53 already stored", all.Error);
        Assert.DoesNotContain("warning", all.Error);
        Assert.Equal(Enumerable.Range(0, Chunks).Select(c => (long)c), StoredChunks(run.RunDir("m")));
        Assert.Equal(run.ExportNpz("full"), run.ExportNpz("m"));
    }

    [Fact]
    public void Merging_shards_of_different_specs_or_with_chunks_missing_exits_65_and_writes_nothing()
    {
        using var run = new RunHarness(Spec);
        using var other = new RunHarness(Spec.Replace("n: 41", "n: 43"));
        Assert.Equal(0, run.Run("s0", "--shard", "0/2").ExitCode);
        Assert.Equal(0, other.Run("s1", "--shard", "1/2").ExitCode);

        var mismatch = CliRunner.Run("merge", run.RunDir("out"), run.RunDir("s0"), other.RunDir("s1"));
        Assert.Equal(ExitCodes.DataError, mismatch.ExitCode);
        Assert.Contains("holds a different spec", mismatch.Error);
        Assert.False(Directory.Exists(run.RunDir("out")));

        var missing = CliRunner.Run("merge", run.RunDir("out"), run.RunDir("s0"));
        Assert.Equal(ExitCodes.DataError, missing.ExitCode);
        Assert.Contains("26 of the run's 53 chunks are in none of the inputs", missing.Error);
        Assert.False(Directory.Exists(run.RunDir("out")));

        var notRun = CliRunner.Run("merge", run.RunDir("out"), run.Root);
        Assert.Equal(ExitCodes.DataError, notRun.ExitCode);
        Assert.False(Directory.Exists(run.RunDir("out")));

        var intoInput = CliRunner.Run("merge", run.RunDir("s0"), run.RunDir("s0"));
        Assert.Equal(ExitCodes.Usage, intoInput.ExitCode);
    }

    [Theory]
    [InlineData("3/3")]
    [InlineData("1/0")]
    [InlineData("-1/2")]
    [InlineData("a/b")]
    [InlineData("2")]
    [InlineData("1/2/3")]
    public void Bad_shards_are_usage_errors_naming_the_option(string shard)
    {
        using var run = new RunHarness(Spec);
        var (code, _, error) = run.Run("s", "--shard", shard);
        Assert.Equal(ExitCodes.Usage, code);
        Assert.Contains("--shard", error);
        Assert.False(Directory.Exists(run.RunDir("s")));
    }

    [Fact]
    public void A_shard_directory_resumes_its_own_shard_and_refuses_another()
    {
        using var run = new RunHarness(Spec);
        Assert.Equal(0, run.Run("s", "--shard", "0/2").ExitCode);
        var again = run.Run("s", "--shard", "0/2");
        Assert.Equal(0, again.ExitCode);
        Assert.Contains("resuming", again.Error);

        var other = run.Run("s", "--shard", "1/2");
        Assert.Equal(ExitCodes.DataError, other.ExitCode);
        Assert.Contains("holds shard 0/2, not shard 1/2", other.Error);
        var whole = run.Run("s");
        Assert.Equal(ExitCodes.DataError, whole.ExitCode);
        Assert.Contains("holds shard 0/2, not the whole run", whole.Error);
    }

    internal static IReadOnlyList<long> StoredChunks(string runDir)
    {
        using var connection = new SqliteConnection($"Data Source={Path.Combine(runDir, "run.sqlite")};Pooling=False;Mode=ReadOnly");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT chunk FROM chunks WHERE status = 'done' ORDER BY chunk";
        using var reader = command.ExecuteReader();
        var chunks = new List<long>();
        while (reader.Read())
        {
            chunks.Add(reader.GetInt64(0));
        }

        return chunks;
    }
}
