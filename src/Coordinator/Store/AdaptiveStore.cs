using System.Globalization;
using System.Runtime.InteropServices;
using Microsoft.Data.Sqlite;
using Sweep.Engine.Adaptive;
using Sweep.Engine.Planning;

namespace Sweep.Coordinator.Store;

/// <summary>
/// An adaptive run's rounds, next to the run store (<c>adaptive.sqlite</c>): per round, its new points'
/// lattice coordinates, the cells it split, where its chunks start, and the largest loss and boundary
/// cells it was decided on. A round is written (one transaction) before any of its chunks is dispatched,
/// so a resumed run carries on with the same points; a round not yet written is decided again from the
/// stored results, which gives the same round (the decision is deterministic).
/// </summary>
public sealed class AdaptiveStore : IDisposable
{
    public const string FileName = "adaptive.sqlite";

    private readonly SqliteConnection _connection;

    private AdaptiveStore(SqliteConnection connection) => _connection = connection;

    /// <summary>Opens (creating if need be) the rounds of the run in <paramref name="directory"/>.</summary>
    public static AdaptiveStore Open(string directory, bool readOnly = false)
    {
        string path = Path.Combine(directory, FileName);
        if (readOnly && !File.Exists(path))
        {
            throw new RunDirectoryException($"'{directory}' holds an adaptive spec but no rounds ({FileName}): run it first");
        }

        var builder = new SqliteConnectionStringBuilder { DataSource = path, Pooling = false, Mode = readOnly ? SqliteOpenMode.ReadOnly : SqliteOpenMode.ReadWriteCreate };
        var connection = new SqliteConnection(builder.ToString());
        try
        {
            connection.Open();
            var store = new AdaptiveStore(connection);
            store.Execute("PRAGMA busy_timeout = 10000;");
            if (!readOnly)
            {
                store.Execute("""
                    PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;
                    CREATE TABLE IF NOT EXISTS rounds (
                        round INTEGER PRIMARY KEY, first_chunk INTEGER NOT NULL, chunk_size INTEGER NOT NULL,
                        points BLOB NOT NULL, splits BLOB NOT NULL, largest_loss REAL NOT NULL, boundary_cells INTEGER NOT NULL, created TEXT NOT NULL);
                    CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
                    """);
            }

            return store;
        }
        catch (SqliteException ex)
        {
            connection.Dispose();
            throw new RunDirectoryException($"'{path}' is damaged or not an adaptive run's rounds (SQLite: {ex.Message.TrimEnd('.')}); it was left as it is");
        }
    }

    /// <summary>The stored rounds in order, with the cells each split.</summary>
    public IReadOnlyList<StoredRound> LoadRounds(int dimensions)
    {
        using var command = _connection.CreateCommand();
        command.CommandText = "SELECT round, first_chunk, chunk_size, points, splits, largest_loss, boundary_cells FROM rounds ORDER BY round";
        using var reader = command.ExecuteReader();
        var rounds = new List<StoredRound>();
        while (reader.Read())
        {
            int index = reader.GetInt32(0);
            byte[] points = (byte[])reader[3], splits = (byte[])reader[4];
            if (index != rounds.Count || points.Length % (sizeof(int) * dimensions) != 0 || splits.Length % (2 * sizeof(long)) != 0)
            {
                throw new RunDirectoryException($"{FileName}: round {index} is damaged (rounds must be numbered 0, 1, … with whole points)");
            }

            var cells = MemoryMarshal.Cast<byte, long>(splits).ToArray();
            rounds.Add(new StoredRound(
                new AdaptiveRound(index, MemoryMarshal.Cast<byte, int>(points).ToArray(), reader.GetInt64(1), reader.GetInt32(2)),
                Enumerable.Range(0, cells.Length / 2).Select(i => new AdaptiveCell(cells[2 * i], cells[2 * i + 1], null)).ToArray(),
                reader.GetDouble(5), reader.GetInt32(6)));
        }

        return rounds;
    }

    public void AppendRound(AdaptiveRound round, IReadOnlyList<AdaptiveCell> splits, double largestLoss, int boundaryCells)
    {
        using var command = _connection.CreateCommand();
        command.CommandText = """
            INSERT INTO rounds (round, first_chunk, chunk_size, points, splits, largest_loss, boundary_cells, created)
            VALUES ($round, $first, $size, $points, $splits, $loss, $boundaries, $created)
            """;
        command.Parameters.AddWithValue("$round", round.Index);
        command.Parameters.AddWithValue("$first", round.FirstChunk);
        command.Parameters.AddWithValue("$size", round.ChunkSize);
        command.Parameters.AddWithValue("$points", MemoryMarshal.AsBytes(round.Points.AsSpan()).ToArray());
        command.Parameters.AddWithValue("$splits", MemoryMarshal.AsBytes(splits.SelectMany(c => new[] { c.Lo, c.Width }).ToArray().AsSpan()).ToArray());
        command.Parameters.AddWithValue("$loss", largestLoss);
        command.Parameters.AddWithValue("$boundaries", boundaryCells);
        command.Parameters.AddWithValue("$created", DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture));
        command.ExecuteNonQuery();
    }

    /// <summary>Why refinement ended, with the largest loss and boundary cells at the end; null while it goes on.</summary>
    public (string Reason, double LargestLoss, int BoundaryCells)? Finished()
    {
        string? reason = Meta("finished"), loss = Meta("final_loss"), boundaries = Meta("final_boundary_cells");
        return reason is null || loss is null || boundaries is null ? null
            : (reason, double.Parse(loss, CultureInfo.InvariantCulture), int.Parse(boundaries, CultureInfo.InvariantCulture));
    }

    public void SetFinished(string reason, double largestLoss, int boundaryCells)
    {
        using var transaction = _connection.BeginTransaction();
        SetMeta("finished", reason, transaction);
        SetMeta("final_loss", largestLoss.ToString("R", CultureInfo.InvariantCulture), transaction);
        SetMeta("final_boundary_cells", boundaryCells.ToString(CultureInfo.InvariantCulture), transaction);
        transaction.Commit();
    }

    public void Dispose() => _connection.Dispose();

    private string? Meta(string key)
    {
        using var command = _connection.CreateCommand();
        command.CommandText = "SELECT value FROM meta WHERE key = $key";
        command.Parameters.AddWithValue("$key", key);
        try
        {
            return command.ExecuteScalar() as string;
        }
        catch (SqliteException)
        {
            return null; // opened read-only before the run created its tables
        }
    }

    private void SetMeta(string key, string value, SqliteTransaction transaction)
    {
        using var command = _connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "INSERT INTO meta (key, value) VALUES ($key, $value) ON CONFLICT(key) DO UPDATE SET value = $value";
        command.Parameters.AddWithValue("$key", key);
        command.Parameters.AddWithValue("$value", value);
        command.ExecuteNonQuery();
    }

    private void Execute(string sql)
    {
        using var command = _connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}

/// <summary>A stored round: its chunks and points, the cells it split, and the loss it was decided on.</summary>
public sealed record StoredRound(AdaptiveRound Round, AdaptiveCell[] Splits, double LargestLoss, int BoundaryCells);
