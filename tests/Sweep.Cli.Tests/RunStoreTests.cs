using System.Runtime.InteropServices;
using Sweep.Coordinator.Export;
using Sweep.Coordinator.Store;
using Sweep.Engine.Messages;

namespace Sweep.Cli.Tests;

public class RunStoreTests
{
    /// <summary>One model "m" of 20 points (4 chunks of 5), observables a and b.</summary>
    private static readonly ArrayLayout Layout = new([new ModelArrays("m", [20], 1, ["a", "b"], FirstChunk: 0, ChunkSize: 5)]);

    private static ChunkResult Result(long chunk, double seed, int evaluations = 5, int observables = 2, long? start = null)
    {
        byte[] values = new byte[observables * evaluations * sizeof(double)];
        var doubles = MemoryMarshal.Cast<byte, double>(values.AsSpan());
        for (int k = 0; k < doubles.Length; k++)
        {
            doubles[k] = seed + k;
        }

        return ChunkResult.Copy(new WorkItem("r", "h", chunk, 0, start ?? chunk * evaluations, evaluations, 1), evaluations, observables,
            values, Enumerable.Repeat((byte)((chunk + 1) % 5), evaluations).ToArray(), "w0", TimeSpan.FromMilliseconds(1));
    }

    [Fact]
    public void The_layout_is_written_in_the_bytes_the_reflection_serializer_wrote_and_parses_back()
    {
        // Run directories of earlier versions hold layouts written by reflection; a resumed run compares
        // its layout with theirs, so the source-generated text must be the same bytes.
        var layout = new ArrayLayout([Layout.Models[0], new ModelArrays("mtj", [3, 4, 201], 201, ["Ns", "i"], FirstChunk: 4, ChunkSize: 2)]);
        var reflection = new System.Text.Json.JsonSerializerOptions
        {
            PropertyNamingPolicy = System.Text.Json.JsonNamingPolicy.SnakeCaseLower,
            TypeInfoResolver = new System.Text.Json.Serialization.Metadata.DefaultJsonTypeInfoResolver(),
        };
        string json = layout.ToJson();
        Assert.Equal(System.Text.Json.JsonSerializer.Serialize(layout.Models, reflection), json);
        Assert.Contains("\"chunk_size\":2", json);
        var parsed = ArrayLayout.Parse(json, "test");
        Assert.True(parsed.SameAs(layout));
        Assert.Equal([3L, 4, 201], parsed.Models[1].Shape);
    }

    [Fact]
    public void Results_round_trip_and_duplicates_are_dropped_without_overwriting()
    {
        using var dir = new RunHarness("");
        using var store = RunStore.Create(Path.Combine(dir.Root, RunStore.FileName), "hash", "spec", chunkOverride: 7, Layout);
        Assert.Equal([false, false], store.Store([Result(0, 100), Result(3, 300)], _ => "m"));
        Assert.Equal([true, false], store.Store([Result(0, 999), Result(1, 100)], _ => "m"));

        var observable = new double[5];
        Assert.True(store.ReadObservable(0, 1, observable));
        Assert.Equal([105.0, 106, 107, 108, 109], observable); // the first result stays
        Assert.Equal([4, 4, 4, 4, 4], store.ReadStatus(3));
        Assert.False(store.ReadObservable(2, 0, observable));
        Assert.Null(store.ReadStatus(2));
        Assert.Equal([true, true, false, true], store.LoadDone(4).Cast<bool>());
        Assert.Equal("7", store.GetMeta("chunk_override"));
        var summary = store.Summary();
        Assert.Equal((3L, 15L), (summary.DoneChunks, summary.DoneEvaluations));
    }

    [Fact]
    public void Array_files_are_npy_files_holding_each_chunk_at_its_offset_and_255_where_not_stored()
    {
        using var dir = new RunHarness("");
        using (var store = RunStore.Create(Path.Combine(dir.Root, RunStore.FileName), "hash", "spec", null, Layout))
        {
            store.Store([Result(1, 10), Result(3, 30)], _ => "m");
        }

        byte[] header = NpyFormat.Header(NpyFormat.Float64, [20], ArrayFiles.HeaderAlignment);
        Assert.Equal(4096, header.Length); // the data starts page-aligned, for direct writes
        byte[] b = File.ReadAllBytes(ArrayFiles.PathOf(dir.Root, "m", "b"));
        Assert.Equal(header, b[..header.Length]);
        double[] values = MemoryMarshal.Cast<byte, double>(b.AsSpan(header.Length)).ToArray();
        Assert.Equal(20, values.Length);
        Assert.Equal([15.0, 16, 17, 18, 19], values[5..10]); // chunk 1's observable b: its second block of 5
        Assert.Equal([35.0, 36, 37, 38, 39], values[15..20]);
        Assert.All(values[..5].Concat(values[10..15]), v => Assert.Equal(0.0, v));

        byte[] status = File.ReadAllBytes(ArrayFiles.PathOf(dir.Root, "m", "status"));
        int statusHeader = NpyFormat.Header(NpyFormat.UInt8, [20], ArrayFiles.HeaderAlignment).Length;
        Assert.Equal(statusHeader + 20, status.Length);
        Assert.Equal(Enumerable.Repeat((byte)255, 5).Concat(Enumerable.Repeat((byte)2, 5)).Concat(Enumerable.Repeat((byte)255, 5))
            .Concat(Enumerable.Repeat((byte)4, 5)), status[statusHeader..]);
    }

    [Fact]
    public void Chunks_that_are_not_grid_slices_are_appended_after_the_grid_and_survive_a_reopen()
    {
        // An adaptive round's chunks: numbered after the grid's, their points counted within the round.
        using var dir = new RunHarness("");
        string path = Path.Combine(dir.Root, RunStore.FileName);
        using (var store = RunStore.Create(path, "hash", "spec", null, Layout))
        {
            store.Store([Result(0, 100), Result(4, 400, evaluations: 3, start: 0)], _ => "m");
            store.Store([Result(5, 500, evaluations: 2, start: 3)], _ => "m");
        }

        long header = NpyFormat.Header(NpyFormat.Float64, [20], ArrayFiles.HeaderAlignment).Length;
        Assert.Equal(header + (20 + 3 + 2) * sizeof(double), new FileInfo(ArrayFiles.PathOf(dir.Root, "m", "a")).Length);
        using (var store = RunStore.OpenExisting(path, writer: true))
        {
            store.UseArrays(Layout);
            store.Store([Result(6, 600, evaluations: 4, start: 0)], _ => "m"); // goes after the last stored append
            var values = new double[4];
            Assert.True(store.ReadObservable(6, 1, values));
            Assert.Equal([604.0, 605, 606, 607], values);
            values = new double[3];
            Assert.True(store.ReadObservable(4, 0, values));
            Assert.Equal([400.0, 401, 402], values);
            Assert.True(store.ReadObservable(0, 0, new double[5]));
            Assert.Equal([1, 1], store.ReadStatus(5)); // status codes 0 … 4
        }

        Assert.Equal(header + (20 + 3 + 2 + 4) * sizeof(double), new FileInfo(ArrayFiles.PathOf(dir.Root, "m", "b")).Length);
        byte[] b = File.ReadAllBytes(ArrayFiles.PathOf(dir.Root, "m", "b"));
        Assert.Equal([105.0, 106, 107, 108, 109], MemoryMarshal.Cast<byte, double>(b.AsSpan((int)header, 5 * sizeof(double))).ToArray()); // the grid slice in place
    }

    [Fact]
    public void Failures_are_recorded_cleared_and_never_replace_a_stored_chunk()
    {
        using var dir = new RunHarness("");
        using var store = RunStore.Create(Path.Combine(dir.Root, RunStore.FileName), "hash", "spec", null, Layout);
        store.Store([Result(1, 0)], _ => "m");
        store.RecordFailure(1, "m", 5, 5, 3, "late failure of a stored chunk");
        store.RecordFailure(2, "m", 10, 5, 3, "boom");
        var failure = Assert.Single(store.Failures());
        Assert.Equal((2L, "boom", 3), (failure.Chunk, failure.Error, failure.Attempts));
        store.ClearFailures();
        Assert.Empty(store.Failures());
        Assert.Equal(1, store.Summary().DoneChunks);
    }

    [Fact]
    public void A_run_directory_of_the_old_sqlite_format_is_refused_naming_it()
    {
        using var dir = new RunHarness("");
        string path = Path.Combine(dir.Root, RunStore.FileName);
        using (var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={path};Pooling=False"))
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = """
                CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL); INSERT INTO meta VALUES ('spec_hash', 'h');
                CREATE TABLE chunks (chunk INTEGER PRIMARY KEY, model TEXT, start INTEGER, count INTEGER, evaluations INTEGER, status TEXT);
                CREATE TABLE results (chunk INTEGER PRIMARY KEY, observables BLOB NOT NULL, status BLOB NOT NULL);
                """;
            command.ExecuteNonQuery();
        }

        var error = Assert.Throws<RunDirectoryException>(() => RunStore.OpenExisting(path));
        Assert.Contains("SQLite format of sweep versions before the array-file store", error.Message);
        Assert.Contains(path, error.Message);

        byte[] before = File.ReadAllBytes(path);
        foreach (string[] command in new[] { new[] { "status", dir.Root }, ["export", dir.Root, "-o", dir.Root + "-export"], ["merge", dir.Root + "-merged", dir.Root] })
        {
            var (code, _, message) = CliRunner.Run(command);
            Assert.Equal(65, code);
            Assert.Contains("before the array-file store", message);
        }

        Assert.Equal(before, File.ReadAllBytes(path));
        Assert.False(Directory.Exists(dir.Root + "-merged"));
        Assert.False(Directory.Exists(dir.Root + "-export") && Directory.EnumerateFileSystemEntries(dir.Root + "-export").Any());
        if (Directory.Exists(dir.Root + "-export"))
        {
            Directory.Delete(dir.Root + "-export");
        }
    }
}
