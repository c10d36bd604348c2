using Sweep.Physics.Junction;
using Sweep.Physics.Models;
using Sweep.Physics.Interface;
using Sweep.Physics.Mtj;
using Sweep.Physics.PairTunneling;
using Sweep.Physics.SpinChain;

namespace Sweep.Physics.Tests;

/// <summary>The registry contract every model keeps: bad input never becomes a number.</summary>
public class ModelContractTests
{
    public static TheoryData<string> ModelNames => new(ModelRegistry.Default.Names);

    [Fact]
    public void Registry_lists_the_models_with_the_issue_names()
    {
        var junction = ModelRegistry.Default.Find(MagnonJunctionModel.ModelName)!;
        Assert.Equal(["A", "L11", "L12", "L21", "L22", "K", "l11", "l12", "l22", "k", "seebeck", "lorenz", "ZT", "I_S", "I_H",
            "n_mag", "kappa", "zeta", "entropy", "C_h", "tau_plus", "tau_minus", "dh_t", "dT_t", "dM_t"], junction.Observables.Select(o => o.Name));
        Assert.Equal(["h", "T", "J_T", "S", "J", "dh", "dT", "N_r", "t"], junction.Parameters.Select(p => p.Name));
        Assert.Equal("t", junction.InnerAxis);
        var mtj = ModelRegistry.Default.Find(MtjModel.ModelName)!;
        Assert.Equal(["Gamma", "alpha_e", "Vc", "N0", "Ns", "i", "dIdV", "G_el", "G_MAT", "G_STT", "R", "r"], mtj.Observables.Select(o => o.Name));
        Assert.Equal("V", mtj.InnerAxis);
        Assert.Equal(["g_s", "S_s", "kappa_s", "Pi_s", "n_th", "g_r_eff", "g_i_eff"],
            ModelRegistry.Default.Find(NfInterfaceModel.ModelName)!.Observables.Select(o => o.Name));
        Assert.Equal(["mu_B", "G_over_S", "T_c"], ModelRegistry.Default.Find(PairTunnelingModel.ModelName)!.Observables.Select(o => o.Name));
        Assert.Equal("t", ModelRegistry.Default.Find(SpinChainModel.ModelName)!.InnerAxis);
        Assert.Equal(["magnon-junction", "mtj", "nf-interface", "spin-chain", "pair-tunneling"], ModelRegistry.Default.Names);
        Assert.Null(ModelRegistry.Default.Find("nope"));
    }

    [Theory]
    [MemberData(nameof(ModelNames))]
    public void Non_finite_and_out_of_range_values_are_invalid_and_named(string name)
    {
        var model = ModelRegistry.Default.Find(name)!;
        double[] valid = ValidPoint(model);
        Assert.True(model.Check(valid).IsOk, model.Check(valid).Message);
        for (int p = 0; p < valid.Length; p++)
        {
            var spec = model.Parameters[p];
            foreach (double bad in new[] { double.NaN, double.PositiveInfinity, double.NegativeInfinity, spec.Range.Max * 2 + 1, spec.Range.Min - 1 - Math.Abs(spec.Range.Min) })
            {
                double[] point = (double[])valid.Clone();
                point[p] = bad;
                var check = model.Check(point);
                Assert.Equal(PointStatus.Invalid, check.Status);
                Assert.Contains($"'{spec.Name}'", check.Message);
                Assert.Contains(spec.Range.ToString(), check.Message);

                var results = model.CreateResults(1);
                model.Evaluate(PointBatch.Single(point), results);
                Assert.Equal(PointStatus.Invalid, results.Status[0]);
                Assert.All(results.Columns, c => Assert.True(double.IsNaN(c[0])));
            }
        }
    }

    [Fact]
    public void Unknown_and_missing_parameters_are_reported_by_name()
    {
        var model = ModelRegistry.Default.Find("mtj")!;
        Assert.False(ParameterBinding.TryBind(model, [KeyValuePair.Create("bogus", 1.0)], out _, out string? error));
        Assert.Contains("'bogus'", error);
        Assert.False(ParameterBinding.TryBind(model, [KeyValuePair.Create("h", 1.0)], out _, out error));
        Assert.Contains("'T' of model 'mtj' is required", error);
    }

    [Fact]
    public void Pair_tunneling_has_no_inner_axis_and_rejects_a_grid()
    {
        var model = new PairTunnelingModel();
        var batch = new PointBatch(ValidPoint(model).Select(v => new[] { v }).ToArray(), 1, [1.0]);
        Assert.Throws<ArgumentException>(() => model.Evaluate(batch, model.CreateResults(1)));
    }

    internal static double[] ValidPoint(Model model) => model.Name switch
    {
        MagnonJunctionModel.ModelName => [0.1, 0.5, 0.05, 1, 1, 0, 0, 1, 0],
        MtjModel.ModelName => [1, 0.5, 100, 0.05, 0.2, 0.2, -1, 2000, 0.5],
        NfInterfaceModel.ModelName => [0.1, 0.5, 1, 1, 1, 0.1],
        SpinChainModel.ModelName => [5, 0, 1, 0, 100, 3.102, 0, 1, 0.5, 0],
        PairTunnelingModel.ModelName => [0.3, 0.1],
        _ => throw new ArgumentOutOfRangeException(nameof(model)),
    };
}
