using Sweep.Physics.Models;

namespace Sweep.Cli.Tests.Adaptive;

/// <summary>examples/adaptive-mtj.yaml: the (v, t) plane at h = 1 locates the swasing threshold v = −V_c and the gap
/// edges |v| = 1 to the requested resolution (1/64 in v).</summary>
public class AdaptiveMtjTests
{
    private const double Resolution = 1.0 / 64;

    [Fact]
    public void The_swasing_threshold_and_the_gap_edges_are_resolved()
    {
        using var run = new RunHarness(File.ReadAllText(Path.Combine(ModelsCommandTests.RepositoryRoot(), "examples", "adaptive-mtj.yaml")));
        var (code, _, error) = run.Run("r");
        Assert.True(code == 0, error);
        var data = AdaptiveRunData.Load(run.RunDir("r"));
        double[] v = data.Column<double>("v"), t = data.Column<double>("T"), vc = data.Column<double>("Vc");
        byte[] status = data.Column<byte>("status");

        // Closed form (PHYSICS.md §2): V_c = η (1 + α_p/α_e)/P_L with α_e = Γ/(πS), Γ = 2P²/(1+P²) · G0/Gφ, P = J_T.
        double alphaE = 2 * 0.25 / 1.25 * 2000 / (Math.PI * 1e6), threshold = (1 + 2.546479089470325e-4 / alphaE) / 0.45;
        Assert.Equal(threshold, -vc[Array.IndexOf(status, (byte)PointStatus.Ok)], 1e-9);

        var rows = Enumerable.Range(0, v.Length).GroupBy(i => t[i]).ToList();
        Assert.True(rows.Count >= 33, $"{rows.Count} T rows"); // the boundary is refined along T too: 32 cells of 0.0306
        foreach (var row in rows)
        {
            double lastOk = row.Where(i => status[i] == (byte)PointStatus.Ok).Max(i => v[i]);
            double firstUnstable = row.Where(i => status[i] == (byte)PointStatus.Unstable).Min(i => v[i]);
            Assert.True(lastOk < threshold && threshold <= firstUnstable, $"T = {row.Key}: ok up to {lastOk}, unstable from {firstUnstable}");
            Assert.True(firstUnstable - lastOk <= Resolution + 1e-12, $"T = {row.Key}: threshold bracketed by [{lastOk}, {firstUnstable}]");
        }

        // The gap edges at the lowest t: points at the resolution on both sides of v = ±1, and far coarser at |v| ≈ 5.
        var coldest = rows.OrderBy(r => r.Key).First().Select(i => v[i]).Order().ToArray();
        foreach (double edge in new[] { -1.0, 1.0 })
        {
            Assert.Contains(edge - Resolution, coldest);
            Assert.Contains(edge + Resolution, coldest);
        }

        Assert.DoesNotContain(coldest, x => Math.Abs(x) > 4.8 && Math.Abs(x) < 5.2 && Math.Abs(Math.Abs(x) - 5) > 1e-12);
        const int uniform = (12 * 64 + 1) * 33; // a uniform grid at the resolution in v and T
        Assert.True(data.PointCount * 5 < uniform, $"{data.PointCount} points, a uniform grid at the resolution needs {uniform}");
    }
}
