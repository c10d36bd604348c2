using System.Runtime.InteropServices;
using Sweep.Coordinator.Store;
using Sweep.Engine.Messages;

namespace Sweep.Cli.Tests;

public class RunStoreTests
{
    private static ChunkResult Result(long chunk, double seed, int evaluations = 5, int observables = 2)
    {
        byte[] values = new byte[observables * evaluations * sizeof(double) + 64]; // pooled buffers are longer
        var doubles = MemoryMarshal.Cast<byte, double>(values.AsSpan(0, observables * evaluations * sizeof(double)));
        for (int k = 0; k < doubles.Length; k++)
        {
            doubles[k] = seed + k;
        }

        return new ChunkResult(new WorkItem("r", "h", chunk, 0, chunk * evaluations, evaluations, 1), evaluations, observables,
            values, Enumerable.Repeat((byte)0, evaluations).ToArray(), "w0", TimeSpan.FromMilliseconds(1));
    }

    [Fact]
    public void Results_round_trip_and_duplicates_are_dropped_without_overwriting()
    {
        using var dir = new RunHarness("");
        using var store = RunStore.Create(Path.Combine(dir.Root, RunStore.FileName), "hash", "spec", chunkOverride: 7);
        Assert.Equal([false, false], store.Store([Result(0, 100), Result(3, 300)], _ => "mtj"));
        Assert.Equal([true, false], store.Store([Result(0, 999), Result(1, 100)], _ => "mtj"));

        var observable = new double[5];
        Assert.True(store.ReadObservable(0, 1, observable));
        Assert.Equal([105.0, 106, 107, 108, 109], observable); // the first result stays
        Assert.False(store.ReadObservable(2, 0, observable));
        Assert.Equal([true, true, false, true], store.LoadDone(4).Cast<bool>());
        Assert.Equal("7", store.GetMeta("chunk_override"));
        var summary = store.Summary();
        Assert.Equal((3L, 15L), (summary.DoneChunks, summary.DoneEvaluations));
    }

    [Fact]
    public void Blobs_hold_exactly_the_packed_values_not_the_pooled_buffer()
    {
        using var dir = new RunHarness("");
        string path = Path.Combine(dir.Root, RunStore.FileName);
        using (var store = RunStore.Create(path, "hash", "spec", null))
        {
            store.Store([Result(0, 1, evaluations: 9, observables: 3)], _ => "m");
        }

        using var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={path};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT length(observables), length(status) FROM results WHERE chunk = 0";
        using var reader = command.ExecuteReader();
        Assert.True(reader.Read());
        Assert.Equal((3 * 9 * 8L, 9L), (reader.GetInt64(0), reader.GetInt64(1)));
    }

    [Fact]
    public void Failures_are_recorded_cleared_and_never_replace_a_stored_chunk()
    {
        using var dir = new RunHarness("");
        using var store = RunStore.Create(Path.Combine(dir.Root, RunStore.FileName), "hash", "spec", null);
        store.Store([Result(1, 0)], _ => "m");
        store.RecordFailure(1, "m", 5, 5, 3, "late failure of a stored chunk");
        store.RecordFailure(2, "m", 10, 5, 3, "boom");
        var failure = Assert.Single(store.Failures());
        Assert.Equal((2L, "boom", 3), (failure.Chunk, failure.Error, failure.Attempts));
        store.ClearFailures();
        Assert.Empty(store.Failures());
        Assert.Equal(1, store.Summary().DoneChunks);
    }
}
