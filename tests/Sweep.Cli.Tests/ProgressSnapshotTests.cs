using System.Text.Json;
using Sweep.Coordinator.Progress;

namespace Sweep.Cli.Tests;

/// <summary>Snapshot tests of the two progress formats (pure formatting, no IO).</summary>
public class ProgressSnapshotTests
{
    // 2.5 M of 10 M points in 2 s, 500 k of them resumed: 1 M new points/s, 7.5 M left → 7.5 s.
    private static readonly ProgressSnapshot Snapshot = new(2_500_000, 10_000_000, 2_000_000, 76, 306, 1, 4, 2, 4, TimeSpan.FromSeconds(2));

    [Fact]
    public void Bar()
    {
        Assert.Equal("[########----------------------]  25.0%  76/306 chunks  1.00M pts/s  ETA 00:00:08  1 failed", Snapshot.ToBar());
        Assert.Contains("ETA --:--:--", (Snapshot with { NewEvaluations = 0 }).ToBar());
    }

    [Fact]
    public void Json_line()
    {
        string json = JsonSerializer.Serialize(Snapshot.ToJson(final: false));
        Assert.Equal("""{"event":"progress","done_points":2500000,"total_points":10000000,"fraction":0.25,"points_per_second":1000000,"eta_seconds":7.5,"done_chunks":76,"total_chunks":306,"failed_chunks":1,"retries":4,"duplicates_dropped":2,"in_flight":4,"elapsed_seconds":2}""", json);
        Assert.Contains("\"event\":\"done\"", JsonSerializer.Serialize(Snapshot.ToJson(final: true)));
    }
}
