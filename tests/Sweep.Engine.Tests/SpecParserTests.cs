using Sweep.Engine.Spec;
using Sweep.Physics.Models;

namespace Sweep.Engine.Tests;

public class SpecParserTests
{
    internal const string Valid = """
        name: t
        models: [magnon-junction, mtj]
        axes:
          h: {log: [1.0e-3, 1.0], n: 5}
          T: {lin: [0.1, 0.5], n: 3}
          J_T: {values: [0.05, 0.2]}
          alpha_p: {values: [0.01, 0.1]}
        constants:
          S: 2
        bias: {lin: [-2, 2], n: 9, unit: h}
        observables: [L11, Ns, i]
        chunk: 4
        """;

    private static SweepSpec Parse(string yaml) => SpecParser.Parse(yaml, ModelRegistry.Default);

    [Fact]
    public void A_valid_spec_keeps_axes_in_order_with_exact_ends()
    {
        var spec = Parse(Valid);
        Assert.Equal(["h", "T", "J_T", "alpha_p"], spec.Axes.Select(a => a.Parameter));
        var h = spec.Axes[0].ToArray();
        Assert.Equal(1e-3, h[0]);
        Assert.Equal(1.0, h[^1]);
        Assert.Equal(Math.Pow(10, -1.5), h[2], 1e-17); // the geometric midpoint
        Assert.Equal([0.1, 0.30000000000000004, 0.5], spec.Axes[1].ToArray());
        Assert.Equal(BiasUnit.Field, spec.Bias!.Unit);
        Assert.Equal(Path.Combine("runs", "t"), spec.Output);
        Assert.Equal(Valid, spec.SourceText);
    }

    [Theory]
    [InlineData("name: t\nmodels: [mtj\n", "(document)", "malformed YAML")]
    [InlineData("name: t\nmodels: [magnon-junction]\naxes: {h: {lin: [1, 2], n: 2}, T: {values: [1]}}\nbogus: 1\n", "bogus", "unknown key 'bogus'")]
    [InlineData("name: t\nmodels: [nope]\n", "models", "unknown model 'nope'")]
    [InlineData("models: [mtj]\n", "name", "is required")]
    [InlineData("name: t\nmodels: [magnon-junction]\naxes:\n  h: {lin: [1, 1], n: 3}\n", "axes.h.lin", "empty range")]
    [InlineData("name: t\nmodels: [magnon-junction]\naxes:\n  h: {lin: [2, 1], n: 3}\n", "axes.h.lin", "reversed range")]
    [InlineData("name: t\nmodels: [magnon-junction]\naxes:\n  h: {lin: [1, 2], n: 0}\n", "axes.h.n", "integer in [1,")]
    [InlineData("name: t\nmodels: [magnon-junction]\naxes:\n  h: {lin: [1, 2], n: 2.5}\n", "axes.h.n", "integer in [1,")]
    [InlineData("name: t\nmodels: [magnon-junction]\naxes:\n  h: {log: [0, 1], n: 3}\n", "axes.h.log", "above zero")]
    [InlineData("name: t\nmodels: [magnon-junction]\naxes:\n  h: {log: [-1, 1], n: 3}\n", "axes.h.log", "above zero")]
    [InlineData("name: t\nmodels: [magnon-junction]\naxes:\n  h: {lin: [-1, 1], n: 3}\n", "axes.h", "-1 is outside the valid range [0, 10000] of 'h'")]
    [InlineData("name: t\nmodels: [magnon-junction]\naxes:\n  h: {values: []}\n", "axes.h.values", "empty")]
    [InlineData("name: t\nmodels: [magnon-junction]\naxes:\n  h: {values: [1, 1]}\n", "axes.h.values", "repeat")]
    [InlineData("name: t\nmodels: [magnon-junction]\naxes:\n  h: {lin: [1, 2]}\n", "axes.h.n", "needs n")]
    [InlineData("name: t\nmodels: [magnon-junction]\naxes:\n  h: {lin: [1, 2], log: [1, 2], n: 2}\n", "axes.h", "exactly one of")]
    [InlineData("name: t\nmodels: [magnon-junction]\naxes:\n  alpha_p: {values: [1]}\n", "axes.alpha_p", "no listed model has a parameter 'alpha_p'")]
    [InlineData("name: t\nmodels: [magnon-junction]\naxes:\n  h: {values: [1]}\n", "axes.T", "needs parameter 'T'")]
    [InlineData("name: t\nmodels: [magnon-junction]\naxes: {h: {values: [1]}, T: {values: [1]}, J_T: {values: [1]}, S: {values: [1]}}\nconstants: {J: .nan}\n", "constants.J", "not a finite number")]
    [InlineData("name: t\nmodels: [magnon-junction]\naxes: {h: {values: [1]}, T: {values: [1]}, J_T: {values: [1]}, S: {values: [1]}}\nconstants: {N_r: 0.5}\n", "constants.N_r", "outside the valid range")]
    [InlineData("name: t\nmodels: [magnon-junction]\naxes: {h: {values: [1]}, T: {values: [1]}, J_T: {values: [1]}, S: {values: [1]}}\nobservables: [Ns]\n", "observables", "no listed model has an observable 'Ns'")]
    [InlineData("name: t\nmodels: [magnon-junction]\naxes: {h: {values: [1]}, T: {values: [1]}, J_T: {values: [1]}, S: {values: [1]}}\nbias: {lin: [0, 1], n: 2, unit: h}\n", "bias", "no listed model has a bias axis")]
    [InlineData("name: t\nmodels: [mtj]\naxes: {h: {values: [1]}, T: {values: [1]}, J_T: {values: [1]}, S: {values: [1]}, alpha_p: {values: [1]}}\nbias: {lin: [0, 1], n: 2}\n", "bias.unit", "say which unit")]
    [InlineData("name: t\nmodels: [mtj]\naxes: {V: {values: [1]}}\n", "axes.V", "inner axis")]
    [InlineData("name: t\nmodels: [magnon-junction]\naxes: {h: {lin: [1, 2], n: 1000}, T: {lin: [1, 2], n: 1000}, J_T: {lin: [1, 2], n: 1000}, S: {values: [1]}}\n", "max_points", "above max_points")]
    [InlineData("name: t\nmodels: [magnon-junction]\naxes: {h: {values: [1]}, T: {values: [1]}, J_T: {values: [1]}, S: {values: [1]}}\nchunk: 0\n", "chunk", "integer in [1,")]
    [InlineData("name: t\nmodels: [mtj]\naxes: {h: {values: [1]}, T: {values: [1]}, J_T: {values: [1]}, S: {values: [1]}, alpha_p: {values: [1]}}\ntime: {lin: [0, 1], n: 2}\n", "time", "no listed model has a time axis")]
    [InlineData("name: t\nmodels: [spin-chain]\naxes: {t: {values: [1]}}\n", "axes.t", "give its grid under 'time'")]
    [InlineData("name: t\nmodels: [spin-chain]\ntime: {lin: [-1, 1], n: 3}\n", "time", "outside the valid range")]
    [InlineData("name: t\nmodels: [spin-chain]\ntime: {lin: [0, 1], n: 2}\nconstants: {t: 1}\n", "time", "also given as a constant")]
    [InlineData("name: a/b\nmodels: [mtj]\n", "name", "letters, digits")]
    [InlineData("- 1\n- 2\n", "", "expected a mapping")]
    public void Bad_specs_name_the_field(string yaml, string field, string reason)
    {
        var error = Assert.Throws<SpecException>(() => Parse(yaml));
        Assert.Equal(field, error.Field);
        Assert.Contains(reason, error.Message);
    }

    [Fact]
    public void Errors_carry_the_yaml_line()
    {
        var error = Assert.Throws<SpecException>(() => Parse("name: t\nmodels: [magnon-junction]\naxes:\n  h: {lin: [2, 1], n: 3}\n"));
        Assert.Equal(4, error.Line);
        Assert.StartsWith("spec error at line 4, field 'axes.h.lin':", error.Message);
    }

    [Fact]
    public void Overrides_replace_output_chunk_and_limit()
    {
        var spec = SpecParser.Parse(Valid, ModelRegistry.Default, new SpecOverrides("elsewhere", 10_000, 2));
        Assert.Equal(("elsewhere", 2, 10_000L), (spec.Output, spec.Chunk!.Value, spec.MaxPoints));
        Assert.Throws<SpecException>(() => SpecParser.Parse(Valid, ModelRegistry.Default, new SpecOverrides(MaxPoints: 10)));
    }
}
