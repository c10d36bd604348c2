using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Sweep.Coordinator.Engine;

namespace Sweep.Coordinator.Progress;

public enum ProgressStyle
{
    /// <summary>A bar when stderr is a terminal, JSON lines otherwise.</summary>
    Auto,
    Bar,
    Json,
    None,
}

/// <summary>
/// Reports a run's progress on stderr at a fixed interval: a one-line bar with points/s and ETA for
/// a terminal, or one JSON object per line for logs and scripts. Stdout is never touched.
/// Throughput is measured over this process's own work (a resumed run's stored points don't count).
/// </summary>
public sealed class ProgressReporter(RunCounters counters, TextWriter error, ProgressStyle style, TimeSpan interval)
{
    private readonly Stopwatch _clock = Stopwatch.StartNew();

    public static ProgressStyle Resolve(ProgressStyle style) =>
        style == ProgressStyle.Auto ? (Console.IsErrorRedirected ? ProgressStyle.Json : ProgressStyle.Bar) : style;

    public async Task RunAsync(CancellationToken stop)
    {
        if (style == ProgressStyle.None)
        {
            return;
        }

        using var timer = new PeriodicTimer(interval);
        try
        {
            while (await timer.WaitForNextTickAsync(stop))
            {
                Report(final: false);
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    /// <summary>Writes the current state now (and ends the bar's line when final).</summary>
    public void Report(bool final)
    {
        var snapshot = ProgressSnapshot.Take(counters, _clock.Elapsed);
        switch (style)
        {
            case ProgressStyle.Bar:
                error.Write("\r" + snapshot.ToBar() + (final ? "\n" : ""));
                break;
            case ProgressStyle.Json:
                error.WriteLine(JsonSerializer.Serialize(snapshot.ToJson(final)));
                break;
        }

        error.Flush();
    }
}

/// <summary>One moment of a run, with derived rate and ETA (pure: formatted for the two styles).</summary>
public sealed record ProgressSnapshot(long DoneEvaluations, long TotalEvaluations, long NewEvaluations, long DoneChunks, long TotalChunks,
    long FailedChunks, long Retries, long Duplicates, long InFlight, TimeSpan Elapsed)
{
    public static ProgressSnapshot Take(RunCounters c, TimeSpan elapsed) => new(c.DoneEvaluations, c.TotalEvaluations,
        c.DoneEvaluations - c.ResumedEvaluations, c.DoneChunks, c.TotalChunks, c.FailedChunks, c.Retries, c.DuplicateResults, c.InFlight, elapsed);

    public double Fraction => TotalEvaluations == 0 ? 1 : (double)DoneEvaluations / TotalEvaluations;

    public double PointsPerSecond => Elapsed.TotalSeconds > 0 ? NewEvaluations / Elapsed.TotalSeconds : 0;

    /// <summary>Seconds left at the current rate, or null before there is a rate.</summary>
    public double? EtaSeconds => PointsPerSecond > 0 ? (TotalEvaluations - DoneEvaluations) / PointsPerSecond : null;

    public string ToBar(int width = 30)
    {
        int filled = (int)Math.Round(Fraction * width);
        string eta = EtaSeconds is { } s ? TimeSpan.FromSeconds(Math.Ceiling(s)).ToString(@"hh\:mm\:ss", CultureInfo.InvariantCulture) : "--:--:--";
        string failed = FailedChunks > 0 ? $"  {FailedChunks} failed" : "";
        return string.Create(CultureInfo.InvariantCulture,
            $"[{new string('#', filled)}{new string('-', width - filled)}] {Fraction * 100,5:F1}%  {DoneChunks}/{TotalChunks} chunks  {Rate(PointsPerSecond)} pts/s  ETA {eta}{failed}");
    }

    public Dictionary<string, object?> ToJson(bool final) => new()
    {
        ["event"] = final ? "done" : "progress",
        ["done_points"] = DoneEvaluations,
        ["total_points"] = TotalEvaluations,
        ["fraction"] = Math.Round(Fraction, 6),
        ["points_per_second"] = Math.Round(PointsPerSecond),
        ["eta_seconds"] = EtaSeconds is { } s ? Math.Round(s, 1) : null,
        ["done_chunks"] = DoneChunks,
        ["total_chunks"] = TotalChunks,
        ["failed_chunks"] = FailedChunks,
        ["retries"] = Retries,
        ["duplicates_dropped"] = Duplicates,
        ["in_flight"] = InFlight,
        ["elapsed_seconds"] = Math.Round(Elapsed.TotalSeconds, 3),
    };

    private static string Rate(double perSecond) => perSecond switch
    {
        >= 1e9 => $"{perSecond / 1e9:F2}G",
        >= 1e6 => $"{perSecond / 1e6:F2}M",
        >= 1e3 => $"{perSecond / 1e3:F1}k",
        _ => $"{perSecond:F0}",
    };
}
