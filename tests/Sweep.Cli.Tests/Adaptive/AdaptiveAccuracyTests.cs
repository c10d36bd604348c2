using Sweep.Coordinator.Adaptive;

namespace Sweep.Cli.Tests.Adaptive;

/// <summary>
/// The issue's measure: on the magnon junction's (h, T) plane with h from 1e-10 to 1 (log), adaptive refinement of L11
/// and tau_plus reaches a uniform grid's accuracy — the largest relative interpolation error (multilinear in the
/// scaled coordinates, geometric in the values) against direct evaluation at 10⁴ random points — with over 10× fewer
/// points. The full curve is in docs/BENCHMARKS.md (bench: Sweep.Benchmarks adaptive).
/// </summary>
public class AdaptiveAccuracyTests
{
    private const string Template = """
        name: accuracy
        models: [magnon-junction]
        axes:
          h: {log: [1.0e-10, 1.0], n: NH}
          T: {log: [0.01, 1.0], n: NT}
        constants: {J_T: 0.1, S: 1}
        observables: [L11, tau_plus]
        adaptive:
          axes: {h: 0.0005, T: 0.0005}
          observables: {L11: log, tau_plus: log}
          budget: BUDGET
          tolerance: 0
        """;

    private static (long Points, InterpolationError Error) Measure(int nh, int nt, int budget)
    {
        using var run = new RunHarness(Template.Replace("NH", $"{nh}").Replace("NT", $"{nt}").Replace("BUDGET", $"{budget}"));
        var (code, _, error) = run.Run("r");
        Assert.True(code == 0, error);
        var data = AdaptiveRunData.Load(run.RunDir("r"));
        return (data.PointCount, InterpolationCheck.Measure(data.Plan, data.Interpolator, 10_000, seed: 19));
    }

    [Fact]
    public void Adaptive_refinement_beats_a_uniform_grid_ten_times_its_size()
    {
        var adaptive = Measure(11, 5, budget: 4000);
        var uniform = Measure(321, 129, budget: 321 * 129); // the budget of the grid itself: no refinement
        Assert.True(adaptive.Points * 10 <= uniform.Points, $"{adaptive.Points} adaptive vs {uniform.Points} uniform points");
        Assert.Equal(10_000, adaptive.Error.Compared); // every sample is ok: no boundary on this plane
        Assert.Equal(10_000, uniform.Error.Compared);
        Assert.True(adaptive.Error.Max < uniform.Error.Max,
            $"adaptive {string.Join(", ", adaptive.Error.MaxRelative)} vs uniform {string.Join(", ", uniform.Error.MaxRelative)}");
        Assert.InRange(uniform.Error.Max, 1e-2, 1); // a real error to beat, not rounding
    }
}
