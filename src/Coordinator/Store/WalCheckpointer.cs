using Microsoft.Data.Sqlite;

namespace Sweep.Coordinator.Store;

/// <summary>
/// Moves WAL checkpoints off the writer: the writing connection has automatic checkpoints off, and
/// this task checkpoints (PASSIVE: never blocks the writer) from its own connection every
/// <see cref="Interval"/>. Measured: inline checkpoints, with their fsyncs, cost the aggregator
/// ~12% of a storage-bound run (docs/BENCHMARKS.md). A writer that never pauses keeps a passive
/// checkpoint from ever catching up, so the log would grow to the size of the run: past
/// <see cref="MaxWalBytes"/> the checkpoint is a RESTART, which briefly holds the writer back and
/// lets the log start over (backpressure), keeping disk use at the database plus at most ~2× this.
/// </summary>
internal sealed class WalCheckpointer : IAsyncDisposable
{
    public static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(200);

    public const long MaxWalBytes = 256L << 20;

    private readonly SqliteConnection _connection;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    private readonly long _pageSize;

    public WalCheckpointer(string connectionString)
    {
        _connection = new SqliteConnection(connectionString);
        try
        {
            _connection.Open();
            _pageSize = (long)Scalar("PRAGMA page_size")!;
            Scalar("PRAGMA busy_timeout = 30000");
        }
        catch
        {
            _connection.Dispose();
            throw;
        }

        _loop = Task.Run(LoopAsync);
    }

    private async Task LoopAsync()
    {
        using var timer = new PeriodicTimer(Interval);
        try
        {
            while (await timer.WaitForNextTickAsync(_stop.Token))
            {
                long walFrames = Checkpoint("PASSIVE");
                if (walFrames * _pageSize > MaxWalBytes)
                {
                    Checkpoint("RESTART");
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    /// <summary>Runs a checkpoint; returns the number of frames in the log (wal_checkpoint's second column).</summary>
    private long Checkpoint(string mode)
    {
        using var command = _connection.CreateCommand();
        command.CommandText = $"PRAGMA wal_checkpoint({mode})";
        using var reader = command.ExecuteReader();
        return reader.Read() ? reader.GetInt64(1) : 0;
    }

    private object? Scalar(string sql)
    {
        using var command = _connection.CreateCommand();
        command.CommandText = sql;
        return command.ExecuteScalar();
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        try
        {
            await _loop; // rethrows a checkpoint that failed (a damaged store)
        }
        finally
        {
            _stop.Dispose();
            await _connection.DisposeAsync();
        }
    }
}
