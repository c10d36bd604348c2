using System.Collections;
using System.Globalization;
using System.Runtime.InteropServices;
using Microsoft.Data.Sqlite;
using Sweep.Engine.Messages;
using Sweep.Physics.Models;

namespace Sweep.Coordinator.Store;

/// <summary>
/// A run's store: the results in <see cref="ArrayFiles"/> (one preallocated .npy per model and
/// observable, plus status), and the SQLite database (WAL) with the chunk ledger, metadata and
/// failures. A chunk's slices are written at their offset and made durable (fsync) before its
/// ledger row commits, so a killed process — or a lost power supply — leaves each chunk either
/// fully stored or not stored (its slice may hold anything; the ledger says it is absent and a
/// resume writes it again), never half.
/// </summary>
public sealed class RunStore : IResultStore, IDisposable
{
    public const string FileName = "run.sqlite";

    /// <summary>The meta key holding the <see cref="ArrayLayout"/>; set once the array files exist.</summary>
    private const string ArraysKey = "arrays";

    private readonly SqliteConnection _connection;
    private readonly string _path;
    private WalCheckpointer? _checkpointer;
    private ArrayFiles? _arrays;
    private bool _disposed;

    private RunStore(SqliteConnection connection, string path) => (_connection, _path) = (connection, path);

    private string RunDirectoryPath => Path.GetDirectoryName(Path.GetFullPath(_path))!;

    /// <summary>Creates the database at <paramref name="path"/> and, next to it, the array files of <paramref name="layout"/>.</summary>
    public static RunStore Create(string path, string specHash, string specText, int? chunkOverride, ArrayLayout layout)
    {
        var store = Open(path, writer: true);
        store.Execute("""
            CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
            CREATE TABLE chunks (
                chunk INTEGER PRIMARY KEY, model TEXT NOT NULL, start INTEGER NOT NULL, count INTEGER NOT NULL,
                evaluations INTEGER NOT NULL, status TEXT NOT NULL CHECK (status IN ('done', 'failed')),
                attempts INTEGER NOT NULL, error TEXT, worker TEXT, elapsed_ms REAL, updated TEXT NOT NULL, offset INTEGER);
            """);
        store.SetMeta("spec_hash", specHash);
        store.SetMeta("spec", specText);
        if (chunkOverride is { } chunk)
        {
            store.SetMeta("chunk_override", chunk.ToString(CultureInfo.InvariantCulture));
        }

        store.UseArrays(layout);
        return store;
    }

    /// <summary>Opens the array files of <paramref name="layout"/> for writing, creating them first if
    /// this store has none yet (a new run, or one killed while creating them: no chunk can be stored
    /// then). Array files of another layout are refused.</summary>
    public void UseArrays(ArrayLayout layout)
    {
        if (GetMeta(ArraysKey) is { } recorded)
        {
            if (!ArrayLayout.Parse(recorded, _path).SameAs(layout))
            {
                throw new RunDirectoryException($"'{_path}' is damaged: its array layout differs from the one its spec implies");
            }
        }
        else
        {
            ArrayFiles.Create(RunDirectoryPath, layout);
            SetMeta(ArraysKey, layout.ToJson()); // after the files are complete and durable
        }

        _arrays?.Dispose();
        _arrays = ArrayFiles.Open(RunDirectoryPath, layout, writable: true);
    }

    /// <summary>Opens (or creates) the database. The one writer of a run passes <paramref name="writer"/>:
    /// its checkpoints then run on a background connection (<see cref="WalCheckpointer"/>).</summary>
    public static RunStore Open(string path, bool writer = false)
    {
        string connectionString = new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ToString();
        var connection = new SqliteConnection(connectionString);
        connection.Open();
        var store = new RunStore(connection, path);
        try
        {
            // 64 KiB pages (from when results were blobs; a batch's ledger rows still fit one); WAL keeps readers (status, export) off the writer's back;
            // NORMAL sync loses nothing on a process kill (only on power loss: the last commits).
            store.Execute("PRAGMA page_size = 65536; PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA busy_timeout = 10000;");
            if (writer)
            {
                store.Execute($"PRAGMA wal_autocheckpoint = 0; PRAGMA journal_size_limit = {WalCheckpointer.MaxWalBytes};");
                store._checkpointer = new WalCheckpointer(connectionString);
            }

            return store;
        }
        catch
        {
            store.Dispose(); // the connection closed now, not by a finalizer after the command returned
            throw;
        }
    }

    /// <summary>Opens an existing run's database, checked to be a sweep run store before anything
    /// reads or writes it. Readers (<paramref name="writer"/> false: status, export, merge inputs)
    /// open it read-only, so a damaged directory is never changed by looking at it. A file that is
    /// not a database, is damaged or lacks the run's tables raises <see cref="RunDirectoryException"/>.</summary>
    public static RunStore OpenExisting(string path, bool writer = false)
    {
        var reader = OpenChecked(path);
        if (!writer)
        {
            return reader;
        }

        // Checked read-only first: opening for writing would initialise an empty or foreign file.
        reader.Dispose();
        try
        {
            return Open(path, writer: true); // its arrays are opened by UseArrays, with the plan's layout
        }
        catch (SqliteException ex)
        {
            throw Damaged(path, ex);
        }
    }

    /// <summary>The message for a run directory written by a sweep that kept results inside run.sqlite.</summary>
    private static RunDirectoryException OldFormat(string path) =>
        new($"'{path}' holds results in the SQLite format of sweep versions before the array-file store; this version " +
            "reads only run directories with arrays/*.npy: export it with the version named in its manifest.json, or run the spec again");

    private static RunStore OpenChecked(string path)
    {
        RunStore? store = null;
        try
        {
            var builder = new SqliteConnectionStringBuilder { DataSource = path, Pooling = false, Mode = SqliteOpenMode.ReadOnly };
            var connection = new SqliteConnection(builder.ToString());
            store = new RunStore(connection, path);
            connection.Open();
            store.Execute("PRAGMA busy_timeout = 10000;");
            if (store.Count("SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'results'") != 0)
            {
                throw OldFormat(path);
            }

            if (store.Count("SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name IN ('meta', 'chunks')") != 2 || store.GetMeta("spec_hash") is null)
            {
                throw new RunDirectoryException($"'{path}' is not a sweep run store (its tables or spec hash are missing)");
            }

            if (store.GetMeta(ArraysKey) is { } layout)
            {
                store._arrays = ArrayFiles.Open(store.RunDirectoryPath, ArrayLayout.Parse(layout, path), writable: false);
            }
            else if (store.Count("SELECT count(*) FROM chunks WHERE status = 'done'") != 0)
            {
                throw new RunDirectoryException($"'{path}' is damaged: it records stored chunks but no array files");
            }

            return store;
        }
        catch (Exception ex) when (ex is SqliteException or RunDirectoryException)
        {
            store?.Dispose();
            throw ex as RunDirectoryException ?? Damaged(path, (SqliteException)ex);
        }
    }

    private long Count(string sql)
    {
        using var command = Command(sql);
        return (long)command.ExecuteScalar()!;
    }

    /// <summary>The error for a store SQLite cannot read: it names the file and leaves it as it is.</summary>
    public static RunDirectoryException Damaged(string path, SqliteException ex) =>
        new($"'{path}' is damaged or not a sweep run store (SQLite: {ex.Message.TrimEnd('.')}); it was left as it is");

    public string? GetMeta(string key)
    {
        using var command = Command("SELECT value FROM meta WHERE key = $key", ("$key", key));
        return command.ExecuteScalar() as string;
    }

    public void SetMeta(string key, string value)
    {
        using var command = Command("INSERT INTO meta (key, value) VALUES ($key, $value) ON CONFLICT(key) DO UPDATE SET value = $value",
            ("$key", key), ("$value", value));
        command.ExecuteNonQuery();
    }

    /// <summary>Which chunks are stored (bit per chunk).</summary>
    public BitArray LoadDone(long totalChunks)
    {
        var done = new BitArray(checked((int)totalChunks));
        using var command = Command("SELECT chunk FROM chunks WHERE status = 'done'");
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            done[(int)reader.GetInt64(0)] = true;
        }

        return done;
    }

    /// <summary>Places each new chunk's slices in the array files (nothing written, nothing committed). A
    /// result is a duplicate, and dropped, if its chunk is committed, pending or earlier in <paramref name="results"/>.</summary>
    public PlacedBatch Place(IReadOnlyList<ChunkResult> results, Func<int, string> modelName, IReadOnlySet<long> pending)
    {
        var arrays = Arrays();
        var duplicates = new bool[results.Count];
        var offsets = new long[results.Count];
        var seen = new HashSet<long>();
        var committed = Committed();
        for (int r = 0; r < results.Count; r++)
        {
            var result = results[r];
            var item = result.Item;
            if (pending.Contains(item.Chunk) || !seen.Add(item.Chunk) || committed.Contains(item.Chunk))
            {
                duplicates[r] = true;
                continue;
            }

            string model = modelName(item.ModelIndex);
            var layout = arrays.Layout(model) ?? throw new InvalidOperationException($"model '{model}' has no array files in this run");
            if (result.ObservableCount != layout.Observables.Length || result.Evaluations <= 0)
            {
                throw new InvalidOperationException($"chunk {item.Chunk} does not fit model '{model}''s arrays ({result.ObservableCount} observables)");
            }

            offsets[r] = layout.GridOffset(item.Chunk, item.Start, item.Count, result.Evaluations) ?? Append(model, layout, result.Evaluations);
        }

        return new PlacedBatch(results, duplicates, new Placement(offsets, modelName, []));
    }

    /// <summary>Where a batch's results go, and once written, the files that hold them.</summary>
    private sealed record Placement(long[] Offsets, Func<int, string> ModelName, HashSet<FileStream> Files);

    /// <summary>The chunks whose ledger rows say they are stored, read once and then kept by <see cref="Commit"/>:
    /// a lookup per result was a SQLite query on the aggregator's thread (its per-chunk cost, docs/BENCHMARKS.md).</summary>
    private HashSet<long> Committed()
    {
        if (_committed is null)
        {
            _committed = [];
            using var command = Command("SELECT chunk FROM chunks WHERE status = 'done'");
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                _committed.Add(reader.GetInt64(0));
            }
        }

        return _committed;
    }

    private HashSet<long>? _committed;

    /// <summary>Writes the batches' new slices at their places, those that lie end to end as one. Safe beside
    /// <see cref="MakeDurable"/> of other batches and readers of this store: it touches the array files
    /// only, and no other batch writes the same slices.</summary>
    public void Write(IReadOnlyList<PlacedBatch> batches)
    {
        var slices = new List<ArrayFiles.Slice>();
        var files = new HashSet<FileStream>();
        foreach (var batch in batches)
        {
            var placement = (Placement)batch.Placement!;
            for (int r = 0; r < batch.Results.Count; r++)
            {
                if (!batch.Duplicates[r])
                {
                    var result = batch.Results[r];
                    slices.Add(ArrayFiles.Slice.Of(placement.ModelName(result.Item.ModelIndex), placement.Offsets[r], result));
                }
            }
        }

        Arrays().Write(slices, files);
        foreach (var batch in batches)
        {
            ((Placement)batch.Placement!).Files.UnionWith(files);
        }
    }

    /// <summary>fsync of every file the batches wrote to; safe beside <see cref="Write"/> of other batches.</summary>
    public void MakeDurable(IReadOnlyList<PlacedBatch> batches) =>
        ArrayFiles.Flush(batches.SelectMany(batch => ((Placement)batch.Placement!).Files).Distinct());

    /// <summary>Commits the ledger rows of a durable batch in one transaction.</summary>
    public void Commit(PlacedBatch batch)
    {
        var placement = (Placement)batch.Placement!;
        using var transaction = _connection.BeginTransaction();
        using var ledger = Command("""
            INSERT OR REPLACE INTO chunks (chunk, model, start, count, evaluations, status, attempts, error, worker, elapsed_ms, updated, offset)
            VALUES ($chunk, $model, $start, $count, $evaluations, 'done', $attempts, NULL, $worker, $elapsed, $updated, $offset)
            """, ("$chunk", 0L), ("$model", ""), ("$start", 0L), ("$count", 0), ("$evaluations", 0), ("$attempts", 0),
            ("$worker", ""), ("$elapsed", 0.0), ("$updated", ""), ("$offset", 0L));
        ledger.Transaction = transaction;
        for (int r = 0; r < batch.Results.Count; r++)
        {
            if (batch.Duplicates[r])
            {
                continue;
            }

            var result = batch.Results[r];
            var item = result.Item;
            ledger.Parameters["$chunk"].Value = item.Chunk;
            ledger.Parameters["$model"].Value = placement.ModelName(item.ModelIndex);
            ledger.Parameters["$start"].Value = item.Start;
            ledger.Parameters["$count"].Value = item.Count;
            ledger.Parameters["$evaluations"].Value = result.Evaluations;
            ledger.Parameters["$attempts"].Value = item.Attempt;
            ledger.Parameters["$worker"].Value = result.WorkerId;
            ledger.Parameters["$elapsed"].Value = result.Elapsed.TotalMilliseconds;
            ledger.Parameters["$updated"].Value = Now();
            ledger.Parameters["$offset"].Value = placement.Offsets[r];
            ledger.ExecuteNonQuery();
        }

        transaction.Commit();
        for (int r = 0; r < batch.Results.Count; r++)
        {
            if (!batch.Duplicates[r])
            {
                _committed?.Add(batch.Results[r].Item.Chunk);
            }
        }
    }

    /// <summary>Stores results: <see cref="Place"/>, <see cref="Write"/>, <see cref="MakeDurable"/>, <see cref="Commit"/>. Returns, per
    /// result, whether it was a duplicate (its chunk already stored), in which case it was dropped.</summary>
    public bool[] Store(IReadOnlyList<ChunkResult> results, Func<int, string> modelName)
    {
        var batch = Place(results, modelName, new HashSet<long>());
        Write([batch]);
        MakeDurable([batch]);
        Commit(batch);
        return batch.Duplicates;
    }

    /// <summary>Where the next chunk that is not a slice of the grid goes (an adaptive round's points):
    /// after the grid and every such chunk the ledger holds. A slice written there whose row did not
    /// commit is forgotten with it, and the place is given out again.</summary>
    private long Append(string model, ModelArrays layout, int evaluations)
    {
        if (!_appendEnd.TryGetValue(model, out long end))
        {
            using var command = Command("SELECT MAX(offset + evaluations) FROM chunks WHERE status = 'done' AND model = $model AND offset >= $grid",
                ("$model", model), ("$grid", layout.Evaluations));
            end = command.ExecuteScalar() is long stored ? stored : layout.Evaluations;
        }

        _appendEnd[model] = end + evaluations;
        return end;
    }

    private readonly Dictionary<string, long> _appendEnd = [];

    /// <summary>Whether the model's array files are written with direct I/O (<see cref="DirectIo"/>).</summary>
    internal bool WritesDirect(string model) => Arrays().WritesDirect(model);

    /// <summary>Bytes written directly from the results' buffers, and through the staging buffer (tests).</summary>
    internal (long InPlace, long Staged) DirectBytes(string model) => Arrays().DirectBytes(model);

    private ArrayFiles Arrays() => _arrays ?? throw new InvalidOperationException("the run store's array files are not open (UseArrays)");

    /// <summary>Records a chunk that failed every attempt (unless it was stored meanwhile).</summary>
    public void RecordFailure(long chunk, string model, long start, int count, int attempts, string error)
    {
        using var command = Command("""
            INSERT INTO chunks (chunk, model, start, count, evaluations, status, attempts, error, updated)
            VALUES ($chunk, $model, $start, $count, 0, 'failed', $attempts, $error, $updated)
            ON CONFLICT(chunk) DO UPDATE SET attempts = $attempts, error = $error, updated = $updated WHERE status = 'failed'
            """, ("$chunk", chunk), ("$model", model), ("$start", start), ("$count", count), ("$attempts", attempts),
            ("$error", error), ("$updated", Now()));
        command.ExecuteNonQuery();
    }

    /// <summary>
    /// Copies every chunk stored in the run at <paramref name="path"/> (its database; the array files
    /// beside it) that this store lacks: its slices first, made durable, then in one transaction the
    /// ledger rows (a failure recorded here is replaced). Chunks both hold are kept as they are here
    /// and counted, and compared: results are deterministic, so chunks that differ mean the inputs
    /// were computed by different programs.
    /// </summary>
    public MergeCounts MergeStored(string path)
    {
        var arrays = Arrays();
        var touched = new HashSet<FileStream>();
        using var source = OpenExisting(path);
        var done = LoadDoneRows();
        long present = 0, differing = 0;
        var copied = new List<long>();
        foreach (var row in source.LoadDoneRows().Values)
        {
            var layout = source.SliceLayout(row);
            if (arrays.Layout(row.Model) is not { } here || !here.Shape.SequenceEqual(layout.Shape)
                || !here.Observables.SequenceEqual(layout.Observables))
            {
                throw new RunDirectoryException($"'{path}' holds model '{row.Model}' with arrays unlike this run's");
            }

            var bytes = new byte[layout.Observables.Length * row.Evaluations * sizeof(double)];
            var values = MemoryMarshal.Cast<byte, double>(bytes.AsSpan());
            var status = new byte[row.Evaluations];
            for (int o = 0; o < layout.Observables.Length; o++)
            {
                source.Arrays().ReadObservable(row.Model, o, row.Offset, values.Slice(o * row.Evaluations, row.Evaluations));
            }

            source.Arrays().ReadStatus(row.Model, row.Offset, status);
            if (done.ContainsKey(row.Chunk))
            {
                present++;
                var mine = new double[values.Length];
                var myStatus = new byte[status.Length];
                for (int o = 0; o < layout.Observables.Length; o++)
                {
                    arrays.ReadObservable(row.Model, o, row.Offset, mine.AsSpan(o * row.Evaluations, row.Evaluations));
                }

                arrays.ReadStatus(row.Model, row.Offset, myStatus);
                differing += MemoryMarshal.AsBytes(mine.AsSpan()).SequenceEqual(bytes) && myStatus.AsSpan().SequenceEqual(status) ? 0 : 1;
                continue;
            }

            arrays.Write([new ArrayFiles.Slice(row.Model, row.Offset, bytes, row.Evaluations, status, Aligned: false)], touched);
            copied.Add(row.Chunk);
        }

        ArrayFiles.Flush(touched);
        Attach(path);
        try
        {
            using var transaction = _connection.BeginTransaction();
            Execute(transaction, "CREATE TEMP TABLE IF NOT EXISTS merged (chunk INTEGER PRIMARY KEY); DELETE FROM merged;");
            using (var insert = Command("INSERT INTO merged (chunk) VALUES ($chunk)", ("$chunk", 0L)))
            {
                insert.Transaction = transaction;
                foreach (long chunk in copied)
                {
                    insert.Parameters["$chunk"].Value = chunk;
                    insert.ExecuteNonQuery();
                }
            }

            Execute(transaction, "DELETE FROM main.chunks WHERE status = 'failed' AND chunk IN (SELECT chunk FROM merged)");
            long added = Execute(transaction, $"""
                INSERT INTO main.chunks ({LedgerColumns}) SELECT {LedgerColumns} FROM source.chunks
                    WHERE status = 'done' AND chunk IN (SELECT chunk FROM merged)
                """);
            transaction.Commit();
            _committed = null; // read again when next needed
            return new MergeCounts(added, present, differing);
        }
        finally
        {
            Execute("DETACH DATABASE source");
        }
    }

    /// <summary>Copies the failures recorded at <paramref name="path"/> for chunks this store has no row for.</summary>
    public long MergeFailures(string path)
    {
        Attach(path);
        try
        {
            using var command = _connection.CreateCommand();
            command.CommandText = $"INSERT OR IGNORE INTO main.chunks ({LedgerColumns}) SELECT {LedgerColumns} FROM source.chunks WHERE status = 'failed'";
            return command.ExecuteNonQuery();
        }
        finally
        {
            Execute("DETACH DATABASE source");
        }
    }

    private const string LedgerColumns = "chunk, model, start, count, evaluations, status, attempts, error, worker, elapsed_ms, updated, offset";

    private void Attach(string path)
    {
        using var command = Command("ATTACH DATABASE $path AS source", ("$path", path));
        command.ExecuteNonQuery();
    }

    private int Execute(SqliteTransaction transaction, string sql)
    {
        using var command = _connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        return command.ExecuteNonQuery();
    }

    /// <summary>Forgets recorded failures, so that a rerun tries those chunks again.</summary>
    public void ClearFailures() => Execute("DELETE FROM chunks WHERE status = 'failed'");

    public LedgerSummary Summary()
    {
        using var command = Command("SELECT COUNT(*), COALESCE(SUM(evaluations), 0) FROM chunks WHERE status = 'done'");
        using var reader = command.ExecuteReader();
        reader.Read();
        long done = reader.GetInt64(0), evaluations = reader.GetInt64(1);
        return new LedgerSummary(done, evaluations, Failures());
    }

    public IReadOnlyList<FailedChunk> Failures()
    {
        using var command = Command("SELECT chunk, model, start, count, attempts, error FROM chunks WHERE status = 'failed' ORDER BY chunk");
        using var reader = command.ExecuteReader();
        var failures = new List<FailedChunk>();
        while (reader.Read())
        {
            failures.Add(new FailedChunk(reader.GetInt64(0), reader.GetString(1), reader.GetInt64(2), reader.GetInt32(3), reader.GetInt32(4),
                reader.IsDBNull(5) ? "" : reader.GetString(5)));
        }

        return failures;
    }

    /// <summary>Reads observable <paramref name="observable"/> of a stored chunk into
    /// <paramref name="destination"/> (its length = the chunk's evaluations). False if not stored.</summary>
    public bool ReadObservable(long chunk, int observable, Span<double> destination)
    {
        if (LoadDoneRow(chunk) is not { } row)
        {
            return false;
        }

        var layout = SliceLayout(row);
        if (destination.Length != row.Evaluations || observable < 0 || observable >= layout.Observables.Length)
        {
            throw new RunDirectoryException($"chunk {chunk} in the run store is damaged: its ledger row ({row.Evaluations} evaluations) " +
                                            $"does not match the {destination.Length} points of observable {observable} asked for");
        }

        Arrays().ReadObservable(row.Model, observable, row.Offset, destination);
        return true;
    }

    /// <summary>Status bytes of a stored chunk, or null.</summary>
    public byte[]? ReadStatus(long chunk)
    {
        if (LoadDoneRow(chunk) is not { } row)
        {
            return null;
        }

        var layout = SliceLayout(row);
        var status = new byte[row.Evaluations];
        Arrays().ReadStatus(row.Model, row.Offset, status);
        int bad = status.AsSpan().IndexOfAnyExceptInRange((byte)0, (byte)(PointStatusNames.All.Count - 1));
        return bad < 0
            ? status
            : throw new RunDirectoryException($"array file '{ArrayFiles.PathOf(RunDirectoryPath, row.Model, ModelArrays.StatusName)}' is damaged: " +
                                              $"stored chunk {chunk} holds {status[bad]}, no status code, at point {row.Offset + bad}");
    }

    /// <summary>A stored chunk's ledger row: its slices are evaluations [offset, offset + evaluations) of its model's arrays.</summary>
    private sealed record DoneRow(long Chunk, string Model, long Start, int Count, int Evaluations, long Offset);

    private DoneRow? LoadDoneRow(long chunk)
    {
        using var command = Command("SELECT chunk, model, start, count, evaluations, offset FROM chunks WHERE chunk = $chunk AND status = 'done'", ("$chunk", chunk));
        using var reader = command.ExecuteReader();
        return reader.Read() ? ReadRow(reader) : null;
    }

    private Dictionary<long, DoneRow> LoadDoneRows()
    {
        using var command = Command("SELECT chunk, model, start, count, evaluations, offset FROM chunks WHERE status = 'done'");
        using var reader = command.ExecuteReader();
        var rows = new Dictionary<long, DoneRow>();
        while (reader.Read())
        {
            var row = ReadRow(reader);
            rows[row.Chunk] = row;
        }

        return rows;
    }

    private DoneRow ReadRow(SqliteDataReader reader)
    {
        try
        {
            return new DoneRow(reader.GetInt64(0), reader.GetString(1), reader.GetInt64(2), reader.GetInt32(3), reader.GetInt32(4), reader.GetInt64(5));
        }
        catch (Exception ex) when (ex is InvalidCastException or FormatException or OverflowException or InvalidOperationException)
        {
            throw new RunDirectoryException($"'{_path}' is damaged: a chunk's ledger row does not read ({ex.Message.TrimEnd('.')})");
        }
    }

    /// <summary>The arrays a stored chunk's row points into, checked to hold its slice.</summary>
    private ModelArrays SliceLayout(DoneRow row)
    {
        var layout = _arrays?.Layout(row.Model);
        if (layout is null || row.Offset < 0 || row.Evaluations <= 0 || (row.Offset < layout.Evaluations && row.Offset + row.Evaluations > layout.Evaluations))
        {
            throw new RunDirectoryException($"chunk {row.Chunk} in the run store '{_path}' is damaged: its ledger row (model '{row.Model}', " +
                                            $"{row.Evaluations} evaluations from {row.Offset}) lies outside the run's arrays");
        }

        return layout;
    }

    /// <summary>Stops background checkpoints, folds the whole WAL into the database and closes (once).</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        try
        {
            if (_checkpointer is not null)
            {
                _checkpointer.DisposeAsync().AsTask().GetAwaiter().GetResult();
                Execute("PRAGMA wal_checkpoint(TRUNCATE);");
            }
        }
        finally
        {
            _arrays?.Dispose();
            _connection.Dispose(); // also when a damaged store fails its checkpoint
        }
    }

    private void Execute(string sql)
    {
        using var command = _connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    private SqliteCommand Command(string sql, params (string Name, object Value)[] parameters)
    {
        var command = _connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        return command;
    }

    private static string Now() => DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture);
}

/// <summary>What <see cref="RunStore.MergeStored"/> did: chunks added, chunks already here, and of those, ones whose stored values differ.</summary>
public sealed record MergeCounts(long Added, long AlreadyStored, long Differing);

public sealed record FailedChunk(long Chunk, string Model, long Start, int Count, int Attempts, string Error);

public sealed record LedgerSummary(long DoneChunks, long DoneEvaluations, IReadOnlyList<FailedChunk> Failures);
