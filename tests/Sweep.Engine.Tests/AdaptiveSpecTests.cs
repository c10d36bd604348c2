using Sweep.Engine.Planning;
using Sweep.Engine.Spec;
using Sweep.Physics.Models;

namespace Sweep.Engine.Tests;

public class AdaptiveSpecTests
{
    internal const string Grid = """
        name: a
        models: [magnon-junction]
        axes:
          h: {log: [1.0e-10, 1.0], n: 11}
          T: {lin: [0.01, 1.0], n: 5}
          J_T: {values: [0.1, 0.2]}
        constants: {S: 1}
        observables: [L11, tau_plus]

        """;

    internal const string Adaptive = Grid + """
        adaptive:
          axes: {h: 0.01, T: 0.01}
          observables: {L11: log, tau_plus: log}
          budget: 1000
          tolerance: 0.001
        """;

    private static SweepSpec Parse(string yaml) => SpecParser.Parse(yaml, ModelRegistry.Default);

    [Fact]
    public void The_adaptive_section_is_parsed_and_enters_the_spec_hash()
    {
        var spec = Parse(Adaptive);
        var adaptive = spec.Adaptive!;
        Assert.Equal([("h", 0.01), ("T", 0.01)], adaptive.Axes.Select(a => (a.Name, a.Resolution)));
        Assert.Equal([("L11", AdaptiveScale.Log), ("tau_plus", AdaptiveScale.Log)], adaptive.Observables.Select(o => (o.Name, o.Scale)));
        Assert.Equal((1000L, 0.001), (adaptive.Budget, adaptive.Tolerance));

        string Hash(string yaml) => SweepPlan.Create(Parse(yaml), ModelRegistry.Default).SpecHash;
        Assert.NotEqual(Hash(Grid), Hash(Adaptive));
        Assert.NotEqual(Hash(Adaptive), Hash(Adaptive.Replace("budget: 1000", "budget: 2000")));
        Assert.NotEqual(Hash(Adaptive), Hash(Adaptive.Replace("{h: 0.01, T: 0.01}", "{h: 0.02, T: 0.01}")));
        Assert.Equal(Hash(Adaptive), Hash(Adaptive.Replace("name: a", "name: b")));
    }

    [Fact]
    public void The_lattice_reaches_the_resolution_and_keeps_the_coarse_grid_bitwise()
    {
        var plan = SweepPlan.Create(Parse(Adaptive), ModelRegistry.Default).Models[0];
        var lattice = plan.Lattice!;
        // h: 1 decade per coarse step → 7 halvings reach 1/128 ≤ 0.01 decades; T: step 0.2475 → 5 halvings (0.0077).
        Assert.Equal([(7, 10 << 7), (5, 4 << 5)], lattice.Axes.Select(a => (a.Levels, a.Cells)));
        var coarse = lattice.CoarsePoints();
        Assert.Equal(55 * 2, coarse.Length);
        for (int p = 0; p < 55; p++)
        {
            Assert.Equal(plan.Axes[0].ValueAt(p / 5), lattice.Axes[0].Value(coarse[2 * p]));
            Assert.Equal(plan.Axes[1].ValueAt(p % 5), lattice.Axes[1].Value(coarse[2 * p + 1]));
        }

        Assert.Equal(2, plan.RowsPerPoint); // J_T stays a grid axis: every point is evaluated at both values
    }

    [Theory]
    [InlineData("{h: 0.01, T: 0.01}", "{h: 0.01, J_T: 0.01}", "adaptive.axes.J_T", "must be a lin or log axis with n ≥ 2")]
    [InlineData("{h: 0.01, T: 0.01}", "{h: 0.01, S: 0.01}", "adaptive.axes.S", "not an axis of the spec")]
    [InlineData("{h: 0.01, T: 0.01}", "{h: 0.01, nope: 0.01}", "adaptive.axes.nope", "not an axis of the spec (refinable: h, T)")]
    [InlineData("{h: 0.01, T: 0.01}", "{h: 0, T: 0.01}", "adaptive.axes.h", "outside (0, 1] decades")]
    [InlineData("{h: 0.01, T: 0.01}", "{h: -0.5, T: 0.01}", "adaptive.axes.h", "outside (0, 1] decades")]
    [InlineData("{h: 0.01, T: 0.01}", "{h: 2, T: 0.01}", "adaptive.axes.h", "at most the coarse grid's step")]
    [InlineData("{h: 0.01, T: 0.01}", "{h: 1.0e-7, T: 0.01}", "adaptive.axes.h", "above 1,048,576")]
    [InlineData("{h: 0.01, T: 0.01}", "{}", "adaptive.axes", "name 1 to 3 axes")]
    [InlineData("{L11: log, tau_plus: log}", "{K: log}", "adaptive.observables.K", "not an observable the run stores")]
    [InlineData("{L11: log, tau_plus: log}", "{L11: sqrt}", "adaptive.observables.L11", "unknown scale 'sqrt' (lin or log)")]
    [InlineData("{L11: log, tau_plus: log}", "{}", "adaptive.observables", "at least one observable")]
    [InlineData("budget: 1000", "budget: 54", "adaptive.budget", "below the coarse grid's 55 points")]
    [InlineData("budget: 1000", "budget: 0", "adaptive.budget", "integer in [1,")]
    [InlineData("budget: 1000", "budget: 60000000", "adaptive.budget", "above max_points")]
    [InlineData("budget: 1000", "budget: lots", "adaptive.budget", "expected a number")]
    [InlineData("tolerance: 0.001", "tolerance: -1", "adaptive.tolerance", "must be in [0, ∞)")]
    [InlineData("tolerance: 0.001", "tolerance: .inf", "adaptive.tolerance", "not a finite number")]
    [InlineData("tolerance: 0.001", "extra: 1", "adaptive.extra", "unknown key 'extra'")]
    [InlineData("  budget: 1000\n", "", "adaptive.budget", "is required")]
    [InlineData("models: [magnon-junction]", "models: [magnon-junction, nf-interface]", "adaptive", "refines one model")]
    public void A_bad_adaptive_section_names_the_field_and_its_valid_range(string replace, string with, string field, string reason)
    {
        var error = Assert.Throws<SpecException>(() => Parse(Adaptive.Replace(replace, with)));
        Assert.Equal(field, error.Field);
        Assert.Contains(reason, error.Message);
    }

    [Fact]
    public void The_inner_grid_is_refined_under_its_dimension_name()
    {
        var spec = Parse("""
            name: m
            models: [mtj]
            axes: {T: {lin: [0.02, 1.0], n: 5}}
            constants: {h: 2, S: 100, J_T: 0.5, alpha_p: 0.01}
            bias: {lin: [-6, 6], n: 13, unit: h}
            adaptive: {axes: {v: 0.0625, T: 0.1}, observables: {Ns: log}, budget: 100}
            """);
        var plan = SweepPlan.Create(spec, ModelRegistry.Default).Models[0];
        Assert.Null(plan.InnerGrid); // refined: each point carries its own v
        Assert.Equal(1, plan.RowsPerPoint);

        // A refined bias in units of h reaches the model as V = v h.
        var columns = plan.Model.Parameters.Select(_ => new double[1]).ToArray();
        plan.FillLattice([48, 0], 0, 1, columns); // v lattice: 12 cells × 2^4 → 48 is v = −6 + 12·48/192 = −3
        Assert.Equal(-6.0, columns[plan.Model.InnerAxisIndex][0]);
        Assert.Equal(0.02, columns[plan.Model.ParameterIndex("T")][0]);
        var error = Assert.Throws<SpecException>(() => Parse(spec.SourceText.Replace("{v: 0.0625, T: 0.1}", "{V: 0.0625}")));
        Assert.Contains("refinable: T, v", error.Message);
    }
}
