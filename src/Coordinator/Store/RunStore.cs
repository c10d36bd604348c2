using System.Collections;
using System.Globalization;
using System.Runtime.InteropServices;
using Microsoft.Data.Sqlite;
using Sweep.Engine.Messages;

namespace Sweep.Coordinator.Store;

/// <summary>
/// The run's SQLite database (WAL): the chunk ledger and the results, one row per chunk with the
/// selected observables packed as little-endian float64 (observable-major) and one status byte
/// per evaluation. A chunk's ledger row and its results are written in one transaction, so a
/// killed process leaves each chunk either fully stored or absent, never half.
/// </summary>
public sealed class RunStore : IResultStore, IDisposable
{
    public const string FileName = "run.sqlite";

    private readonly SqliteConnection _connection;
    private WalCheckpointer? _checkpointer;
    private bool _disposed;

    private RunStore(SqliteConnection connection) => _connection = connection;

    public static RunStore Create(string path, string specHash, string specText, int? chunkOverride)
    {
        var store = Open(path, writer: true);
        store.Execute("""
            CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
            CREATE TABLE chunks (
                chunk INTEGER PRIMARY KEY, model TEXT NOT NULL, start INTEGER NOT NULL, count INTEGER NOT NULL,
                evaluations INTEGER NOT NULL, status TEXT NOT NULL CHECK (status IN ('done', 'failed')),
                attempts INTEGER NOT NULL, error TEXT, worker TEXT, elapsed_ms REAL, updated TEXT NOT NULL);
            CREATE TABLE results (chunk INTEGER PRIMARY KEY, observables BLOB NOT NULL, status BLOB NOT NULL);
            """);
        store.SetMeta("spec_hash", specHash);
        store.SetMeta("spec", specText);
        if (chunkOverride is { } chunk)
        {
            store.SetMeta("chunk_override", chunk.ToString(CultureInfo.InvariantCulture));
        }

        return store;
    }

    /// <summary>Opens (or creates) the database. The one writer of a run passes <paramref name="writer"/>:
    /// its checkpoints then run on a background connection (<see cref="WalCheckpointer"/>).</summary>
    public static RunStore Open(string path, bool writer = false)
    {
        string connectionString = new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ToString();
        var connection = new SqliteConnection(connectionString);
        connection.Open();
        var store = new RunStore(connection);
        // Large pages suit megabyte blobs; WAL keeps readers (status, export) off the writer's back;
        // NORMAL sync loses nothing on a process kill (only on power loss: the last commits).
        store.Execute("PRAGMA page_size = 65536; PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA busy_timeout = 10000;");
        if (writer)
        {
            store.Execute($"PRAGMA wal_autocheckpoint = 0; PRAGMA journal_size_limit = {WalCheckpointer.MaxWalBytes};");
            store._checkpointer = new WalCheckpointer(connectionString);
        }

        return store;
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
            return Open(path, writer: true);
        }
        catch (SqliteException ex)
        {
            throw Damaged(path, ex);
        }
    }

    private static RunStore OpenChecked(string path)
    {
        RunStore? store = null;
        try
        {
            var builder = new SqliteConnectionStringBuilder { DataSource = path, Pooling = false, Mode = SqliteOpenMode.ReadOnly };
            var connection = new SqliteConnection(builder.ToString());
            store = new RunStore(connection);
            connection.Open();
            store.Execute("PRAGMA busy_timeout = 10000;");
            using var tables = store.Command("SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name IN ('meta', 'chunks', 'results')");
            if ((long)tables.ExecuteScalar()! != 3 || store.GetMeta("spec_hash") is null)
            {
                throw new RunDirectoryException($"'{path}' is not a sweep run store (its tables or spec hash are missing)");
            }

            return store;
        }
        catch (Exception ex) when (ex is SqliteException or RunDirectoryException)
        {
            store?.Dispose();
            throw ex as RunDirectoryException ?? Damaged(path, (SqliteException)ex);
        }
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

    /// <summary>Stores results in one transaction; returns, per result, whether it was a duplicate
    /// (its chunk already stored), in which case it was dropped.</summary>
    public bool[] Store(IReadOnlyList<ChunkResult> results, Func<int, string> modelName)
    {
        var duplicates = new bool[results.Count];
        using var transaction = _connection.BeginTransaction();
        using var exists = Command("SELECT 1 FROM chunks WHERE chunk = $chunk AND status = 'done'", ("$chunk", 0L));
        using var insert = Command("INSERT OR REPLACE INTO results (chunk, observables, status) VALUES ($chunk, $values, $status)",
            ("$chunk", 0L), ("$values", Array.Empty<byte>()), ("$status", Array.Empty<byte>()));
        using var ledger = Command("""
            INSERT OR REPLACE INTO chunks (chunk, model, start, count, evaluations, status, attempts, error, worker, elapsed_ms, updated)
            VALUES ($chunk, $model, $start, $count, $evaluations, 'done', $attempts, NULL, $worker, $elapsed, $updated)
            """, ("$chunk", 0L), ("$model", ""), ("$start", 0L), ("$count", 0), ("$evaluations", 0), ("$attempts", 0),
            ("$worker", ""), ("$elapsed", 0.0), ("$updated", ""));
        exists.Transaction = insert.Transaction = ledger.Transaction = transaction;

        for (int r = 0; r < results.Count; r++)
        {
            var result = results[r];
            var item = result.Item;
            exists.Parameters["$chunk"].Value = item.Chunk;
            if (exists.ExecuteScalar() is not null)
            {
                duplicates[r] = true;
                continue;
            }

            insert.Parameters["$chunk"].Value = item.Chunk;
            insert.Parameters["$values"].Value = result.Values;
            insert.Parameters["$values"].Size = result.ValueBytes;
            insert.Parameters["$status"].Value = result.Status;
            insert.ExecuteNonQuery();

            ledger.Parameters["$chunk"].Value = item.Chunk;
            ledger.Parameters["$model"].Value = modelName(item.ModelIndex);
            ledger.Parameters["$start"].Value = item.Start;
            ledger.Parameters["$count"].Value = item.Count;
            ledger.Parameters["$evaluations"].Value = result.Evaluations;
            ledger.Parameters["$attempts"].Value = item.Attempt;
            ledger.Parameters["$worker"].Value = result.WorkerId;
            ledger.Parameters["$elapsed"].Value = result.Elapsed.TotalMilliseconds;
            ledger.Parameters["$updated"].Value = Now();
            ledger.ExecuteNonQuery();
        }

        transaction.Commit();
        return duplicates;
    }

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
    /// Copies, in one transaction, every chunk stored in the run database at <paramref name="path"/>
    /// that this store lacks (its results and ledger row; a failure recorded here is replaced).
    /// Chunks both hold are kept as they are here and counted, and compared: results are
    /// deterministic, so chunks that differ mean the inputs were computed by different programs.
    /// </summary>
    public MergeCounts MergeStored(string path)
    {
        Attach(path);
        try
        {
            using var transaction = _connection.BeginTransaction();
            long present = Scalar(transaction, """
                SELECT COUNT(*) FROM source.chunks s JOIN main.chunks m ON m.chunk = s.chunk AND m.status = 'done' WHERE s.status = 'done'
                """);
            long differing = Scalar(transaction, """
                SELECT COUNT(*) FROM source.results s JOIN source.chunks c ON c.chunk = s.chunk AND c.status = 'done'
                JOIN main.results m ON m.chunk = s.chunk WHERE s.observables <> m.observables OR s.status <> m.status
                """);
            Execute(transaction, """
                DELETE FROM main.chunks WHERE status = 'failed' AND chunk IN (SELECT chunk FROM source.chunks WHERE status = 'done');
                INSERT INTO main.results (chunk, observables, status)
                    SELECT r.chunk, r.observables, r.status FROM source.results r JOIN source.chunks c ON c.chunk = r.chunk AND c.status = 'done'
                    WHERE r.chunk NOT IN (SELECT chunk FROM main.chunks);
                """);
            long added = Execute(transaction, $"""
                INSERT INTO main.chunks ({LedgerColumns}) SELECT {LedgerColumns} FROM source.chunks
                    WHERE status = 'done' AND chunk NOT IN (SELECT chunk FROM main.chunks)
                """);
            transaction.Commit();
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

    private const string LedgerColumns = "chunk, model, start, count, evaluations, status, attempts, error, worker, elapsed_ms, updated";

    private void Attach(string path)
    {
        using var command = Command("ATTACH DATABASE $path AS source", ("$path", path));
        command.ExecuteNonQuery();
    }

    private long Scalar(SqliteTransaction transaction, string sql)
    {
        using var command = _connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        return (long)command.ExecuteScalar()!;
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
        using var command = Command("SELECT rowid, typeof(observables) FROM results WHERE chunk = $chunk", ("$chunk", chunk));
        using var row = command.ExecuteReader();
        if (!row.Read())
        {
            return false;
        }

        long rowid = row.GetInt64(0);
        if (row.GetString(1) != "blob")
        {
            // SQLite reads a row whose overflow pages were cut off (a truncated file) as NULL.
            throw new RunDirectoryException($"chunk {chunk} in the run store is damaged: its results read as {row.GetString(1)}");
        }

        using var blob = new SqliteBlob(_connection, "results", "observables", rowid, readOnly: true);
        long slice = (long)destination.Length * sizeof(double), offset = observable * slice;
        if (slice == 0 || blob.Length % slice != 0 || offset + slice > blob.Length)
        {
            throw new RunDirectoryException($"chunk {chunk} in the run store is damaged: {blob.Length} bytes of results, not whole observables of {destination.Length} points");
        }

        blob.Seek(offset, SeekOrigin.Begin);
        blob.ReadExactly(MemoryMarshal.AsBytes(destination));
        return true;
    }

    /// <summary>Status bytes of a stored chunk, or null.</summary>
    public byte[]? ReadStatus(long chunk)
    {
        using var command = Command("SELECT status FROM results WHERE chunk = $chunk", ("$chunk", chunk));
        return command.ExecuteScalar() as byte[];
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
