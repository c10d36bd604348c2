using Sweep.Engine.Planning;
using Sweep.Engine.Spec;
using Sweep.Physics.Models;

namespace Sweep.Engine.Tests;

/// <summary>The spec's <c>figures:</c>: checked against the spec's own models, observables and
/// dimensions; every error names its field; figures never change the plan or its hash.</summary>
public class FigureSpecTests
{
    private static SweepSpec Parse(string figures) => SpecParser.Parse(SpecParserTests.Valid + "\nfigures:\n" + figures, ModelRegistry.Default);

    [Fact]
    public void Figures_parse_with_defaults_and_leave_the_plan_hash_alone()
    {
        var spec = Parse("""
              - name: ns
                model: mtj
                y: Ns
                x: v
                curves: T
                at: {h: 0.03, J_T: 0.2, alpha_p: 0.01}
              - name: l11
                model: magnon-junction
                y: [L11]
                x: h
                heatmap: T
                at: {J_T: 0.05}
                log: [x, z]
                range: [0, 5]
            """);
        var ns = spec.Figures[0];
        Assert.Equal(("ns", "mtj", "v", "T"), (ns.Name, ns.Model, ns.X, ns.Curves));
        Assert.Null(ns.Log);
        Assert.Equal([KeyValuePair.Create("h", 0.03), KeyValuePair.Create("J_T", 0.2), KeyValuePair.Create("alpha_p", 0.01)], ns.At);
        var l11 = spec.Figures[1];
        Assert.Equal("T", l11.Heatmap);
        Assert.Equal(new HashSet<string> { "x", "z" }, l11.Log);
        Assert.Equal(new FigureRange(0, 5), l11.Range);
        var plain = SpecParser.Parse(SpecParserTests.Valid, ModelRegistry.Default);
        Assert.Empty(plain.Figures);
        Assert.Equal(SweepPlan.Create(plain, ModelRegistry.Default).SpecHash, SweepPlan.Create(spec, ModelRegistry.Default).SpecHash);
    }

    [Theory]
    [InlineData("  - {name: a, model: mtj, y: Ns, x: v, colour: red}", "figures[0].colour", "unknown key 'colour'")]
    [InlineData("  - {name: a, y: Ns, x: v}", "figures[0].model", "several models")]
    [InlineData("  - {name: a, model: nf-interface, y: g_s, x: T}", "figures[0].model", "not one of the spec's models")]
    [InlineData("  - {name: a, model: mtj, y: L11, x: v}", "figures[0].y", "not an observable the run stores for 'mtj'")]
    [InlineData("  - {name: a, model: mtj, y: Ns, x: q}", "figures[0].x", "not a dimension of 'mtj'")]
    [InlineData("  - {name: a, model: mtj, y: Ns, x: V}", "figures[0].x", "dimensions: h, T, J_T, alpha_p, v")]
    [InlineData("  - {name: a, model: mtj, y: Ns, x: v, curves: T, at: {h: 0.1, J_T: 0.2}}", "figures[0].at", "dimension 'alpha_p' has 2 values")]
    [InlineData("  - {name: a, model: mtj, y: Ns, x: v, curves: T, heatmap: h}", "figures[0].heatmap", "not both")]
    [InlineData("  - {name: a, model: mtj, y: Ns, x: v, curves: v}", "figures[0].curves", "already the x axis")]
    [InlineData("  - {name: a, model: mtj, y: [Ns, i], x: v, curves: T}", "figures[0].y", "one line each")]
    [InlineData("  - {name: a, model: mtj, y: Ns, x: v, curves: T, at: {T: 1}}", "figures[0].at.T", "drawn by this figure")]
    [InlineData("  - {name: a, model: mtj, y: Ns, x: v, curves: T, at: {h: x}}", "figures[0].at.h", "expected a number")]
    [InlineData("  - {name: a, model: mtj, y: Ns, x: v, log: [x], at: {h: 0.1, T: 0.1, J_T: 0.2, alpha_p: 0.01}}", "figures[0].log", "log x axis needs 'v' above zero")]
    [InlineData("  - {name: a, model: mtj, y: Ns, x: v, log: [z], at: {h: 0.1, T: 0.1, J_T: 0.2, alpha_p: 0.01}}", "figures[0].log", "'z' is not an axis")]
    [InlineData("  - {name: a, model: mtj, y: Ns, x: v, range: [2, 1], at: {h: 0.1, T: 0.1, J_T: 0.2, alpha_p: 0.01}}", "figures[0].range", "min < max")]
    [InlineData("  - {name: 'a/b', model: mtj, y: Ns, x: v}", "figures[0].name", "letters, digits")]
    [InlineData("  - {name: a, model: magnon-junction, y: L11, x: h, at: {J_T: 0.05, T: 0.1}}\n  - {name: a, model: magnon-junction, y: L11, x: T, at: {J_T: 0.05, h: 0.1}}", "figures[1].name", "used twice")]
    [InlineData("  - {model: mtj, y: Ns, x: v}", "figures[0].name", "is required")]
    public void A_bad_figure_names_its_field(string figures, string field, string reason)
    {
        var error = Assert.Throws<SpecException>(() => Parse(figures));
        Assert.Equal(field, error.Field);
        Assert.Contains(reason, error.Reason);
        Assert.NotNull(error.Line);
    }

    [Fact]
    public void A_heatmap_needs_two_dimensions_with_several_values()
    {
        const string spec = "name: t\nmodels: [magnon-junction]\naxes: {h: {values: [0.1, 1]}, T: {values: [1]}}\nconstants: {J_T: 0.1, S: 1}\n" +
                            "figures:\n  - {name: a, y: L11, x: h, heatmap: T}\n";
        var error = Assert.Throws<SpecException>(() => SpecParser.Parse(spec, ModelRegistry.Default));
        Assert.Equal("figures[0].heatmap", error.Field);
        Assert.Contains("'T' has one", error.Reason);
    }
}
