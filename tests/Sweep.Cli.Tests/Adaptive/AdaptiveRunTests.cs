using System.Diagnostics;
using System.Text.Json;
using Sweep.Coordinator.Store;
using Sweep.Engine;

namespace Sweep.Cli.Tests.Adaptive;

/// <summary>An adaptive run end to end through the CLI: determinism across worker counts and chunk sizes, SIGKILL in
/// the middle of a round and resume, status, export (table and grid) and bad sections.</summary>
public class AdaptiveRunTests
{
    // J_T stays a grid axis (each point is evaluated at both values); small chunks make many of them per round.
    internal const string Spec = """
        name: adaptive
        models: [magnon-junction]
        axes:
          h: {log: [1.0e-6, 1.0], n: 7}
          T: {log: [0.01, 1.0], n: 4}
          J_T: {values: [0.1, 0.2]}
        constants: {S: 1}
        observables: [L11, tau_plus, K]
        chunk: 5
        adaptive:
          axes: {h: 0.002, T: 0.002}
          observables: {L11: log, tau_plus: log}
          budget: 700
          tolerance: 0.001
        """;

    private static Dictionary<string, byte[]> Points(RunHarness run, string name) =>
        run.ExportNpz(name).Where(e => e.Key.StartsWith("magnon-junction-points/", StringComparison.Ordinal)).ToDictionary();

    private static void AssertSame(Dictionary<string, byte[]> expected, Dictionary<string, byte[]> actual)
    {
        Assert.Equal(expected.Keys.Order(), actual.Keys.Order());
        Assert.All(expected, e => Assert.True(e.Value.AsSpan().SequenceEqual(actual[e.Key]), $"{e.Key} differs"));
    }

    [Fact]
    public void Any_worker_count_and_chunk_size_give_bitwise_the_same_points_and_values()
    {
        using var run = new RunHarness(Spec);
        Assert.Equal(0, run.Run("one", "--workers", "1").ExitCode);
        Assert.Equal(0, run.Run("three", "--workers", "3").ExitCode);
        Assert.Equal(0, run.Run("chunk", "--workers", "2", "--chunk", "17").ExitCode);
        var one = Points(run, "one");
        AssertSame(one, Points(run, "three"));
        AssertSame(one, Points(run, "chunk"));

        var level = RunHarness.Doubles(one["magnon-junction-points/L11.npy"]);
        Assert.InRange(level.Length, 2 * 600, 2 * 700); // two J_T values per point, within the budget
        Assert.All(level, v => Assert.True(v > 0 && double.IsFinite(v)));
    }

    [Fact]
    public void Status_export_and_a_rerun_of_a_finished_run()
    {
        using var run = new RunHarness(Spec);
        var (code, _, error) = run.Run("r");
        Assert.True(code == 0, error);
        Assert.Contains("sweep: adaptive round 1:", error);
        Assert.Contains("sweep: adaptive: ", error);

        var adaptive = RunHarness.Status(run.RunDir("r")).GetProperty("adaptive");
        var data = AdaptiveRunData.Load(run.RunDir("r"));
        Assert.Equal(data.Plan.Rounds!.Rounds.Count, adaptive.GetProperty("rounds").GetInt32());
        Assert.Equal(data.PointCount, adaptive.GetProperty("points").GetInt64());
        Assert.InRange(adaptive.GetProperty("largest_loss").GetDouble(), 1e-3, 1); // the budget ended it above the tolerance
        Assert.Equal("budget reached", adaptive.GetProperty("finished").GetString());
        var (_, text, _) = CliRunner.Run("status", run.RunDir("r"));
        Assert.Contains($"adaptive:  {data.Plan.Rounds.Rounds.Count} rounds, {data.PointCount:N0} points, largest loss", text);

        // Rerunning a finished run evaluates nothing and changes nothing.
        var before = Points(run, "r");
        (code, _, error) = run.Run("r");
        Assert.True(code == 0, error);
        Assert.Contains(" 0 points computed", error);
        AssertSame(before, Points(run, "r"));

        // The grid interpolation reproduces the stored values at coarse points and lies between them elsewhere.
        (code, string files, error) = CliRunner.Run("export", run.RunDir("r"), "--format", "csv", "--grid", "h=log:1e-6:1:7,T=log:0.01:1:4");
        Assert.True(code == 0, error);
        var lines = File.ReadAllLines(files.Split('\n')[1].Trim());
        Assert.Equal("h,T,J_T,L11,tau_plus,K,status", lines[0]);
        Assert.Equal(7 * 4 * 2 + 1, lines.Length);
        var table = File.ReadAllLines(files.Split('\n')[0].Trim());
        Assert.Equal("h,T,J_T,level,round,status,L11,tau_plus,K", table[0]);
        foreach (string line in lines.Skip(1))
        {
            var f = line.Split(',');
            var stored = table.Select(r => r.Split(',')).Single(r => r[0] == f[0] && r[1] == f[1] && r[2] == f[2]);
            Assert.Equal("0", stored[3]); // a coarse point
            Assert.Equal(stored[6], f[3]); // on a lattice point the grid holds the stored value exactly
            Assert.Equal("ok", f[6]);
        }
    }

    [Fact]
    public void A_bad_adaptive_section_exits_65_naming_the_field_and_writes_nothing()
    {
        using var run = new RunHarness(Spec.Replace("budget: 700", "budget: 20"));
        var (code, _, error) = run.Run("r");
        Assert.Equal(ExitCodes.DataError, code);
        Assert.Contains("field 'adaptive.budget': 20 is below the coarse grid's 28 points: the budget must be in [28, ", error);
        Assert.False(Directory.Exists(run.RunDir("r")));

        using var resolution = new RunHarness(Spec.Replace("{h: 0.002, T: 0.002}", "{h: 0, T: 0.002}"));
        (code, _, error) = resolution.Run("r");
        Assert.Equal(ExitCodes.DataError, code);
        Assert.Contains("field 'adaptive.axes.h': resolution 0 is outside (0, 1] decades", error);
    }

    [Fact]
    public void What_does_not_apply_to_adaptive_runs_is_refused_with_usage_errors()
    {
        using var run = new RunHarness(Spec);
        Assert.Equal(ExitCodes.Usage, run.Run("r", "--shard", "0/2").ExitCode);
        Assert.Equal(ExitCodes.Usage, run.Run("r", "--serve", "127.0.0.1:0").ExitCode);
        Assert.False(Directory.Exists(run.RunDir("r"))); // refused before anything is written
        Assert.Equal(0, run.Run("r").ExitCode);
        Assert.Equal(ExitCodes.Usage, CliRunner.Run("merge", run.RunDir("m"), run.RunDir("r")).ExitCode);
        Assert.Equal(ExitCodes.Usage, CliRunner.Run("plot", run.RunDir("r"), "--all").ExitCode);
        var (plotted, image, _) = CliRunner.Run("plot", run.RunDir("r"), "-o", Path.Combine(run.Root, "points.png"), "-y", "tau_plus");
        Assert.Equal(0, plotted);
        Assert.True(new FileInfo(image.Trim()).Length > 10_000);

        using var grid = new RunHarness(Spec[..Spec.IndexOf("adaptive:", StringComparison.Ordinal)]);
        Assert.Equal(0, grid.Run("g").ExitCode);
        var (code, _, error) = CliRunner.Run("export", grid.RunDir("g"), "--grid", "h=lin:0:1:2");
        Assert.Equal(ExitCodes.Usage, code);
        Assert.Contains("--grid interpolates an adaptive run", error);
    }

    [Fact]
    public async Task Sigkill_in_the_middle_of_a_round_then_resume_gives_the_uninterrupted_points()
    {
        // One point per chunk: a round is hundreds of transactions, so the kill lands inside one.
        using var run = new RunHarness(Spec.Replace("chunk: 5", "chunk: 1").Replace("budget: 700", "budget: 3000"));
        Assert.Equal(0, run.Run("reference").ExitCode);
        var rounds = LoadRounds(run.RunDir("reference"));
        var largest = rounds.MaxBy(r => r.Round.ChunkCount(2))!.Round;
        long killAt = largest.FirstChunk + largest.ChunkCount(2) / 4;

        using (var process = RunHarness.Start("run", run.SpecPath, "--output", run.RunDir("killed"), "--progress", "json", "--progress-interval", "0.02"))
        {
            await WaitForProgress(process, killAt);
            process.Kill(); // SIGKILL: no handler runs
            await process.WaitForExitAsync();
        }

        var killed = LoadRounds(run.RunDir("killed"));
        var last = killed[^1].Round;
        using (var store = RunStore.OpenExisting(Path.Combine(run.RunDir("killed"), RunStore.FileName)))
        {
            var done = store.LoadDone(last.FirstChunk + last.ChunkCount(2));
            int stored = Enumerable.Range((int)last.FirstChunk, (int)last.ChunkCount(2)).Count(c => done[c]);
            Assert.True(stored > 0 && stored < last.ChunkCount(2), $"killed with {stored} of round {last.Index}'s {last.ChunkCount(2)} chunks stored: not mid-round");
        }

        var (code, _, error) = run.Run("killed");
        Assert.True(code == 0, error);
        Assert.Contains("resuming", error);
        AssertSame(Points(run, "reference"), Points(run, "killed"));
    }

    private static IReadOnlyList<StoredRound> LoadRounds(string directory)
    {
        using var store = AdaptiveStore.Open(directory, readOnly: true);
        return store.LoadRounds(2);
    }

    private static async Task WaitForProgress(Process process, long minimumChunks)
    {
        var deadline = DateTime.UtcNow.AddSeconds(120);
        while (DateTime.UtcNow < deadline && await process.StandardError.ReadLineAsync() is { } line)
        {
            if (line.StartsWith('{') && JsonDocument.Parse(line).RootElement.GetProperty("done_chunks").GetInt64() >= minimumChunks)
            {
                return;
            }
        }

        throw new TimeoutException($"no progress line reached {minimumChunks} chunks; exit code {(process.HasExited ? process.ExitCode : null)}");
    }
}
