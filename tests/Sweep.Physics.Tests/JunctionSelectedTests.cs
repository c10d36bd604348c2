using Sweep.Physics.Junction;
using Sweep.Physics.Models;

namespace Sweep.Physics.Tests;

/// <summary>The junction's path for a selection of observables (SIMD Bose integrals, nothing else computed)
/// against the full evaluation of all observables.</summary>
public class JunctionSelectedTests
{
    private static readonly MagnonJunctionModel Model = new();
    private static readonly string[] Reduced = ["l11", "l12", "l22", "k"];

    [Theory]
    [InlineData("l11,l12,l22,k")]
    [InlineData("k")]
    [InlineData("l22,l11")]
    [InlineData("L11,K")]
    [InlineData("A,L12,L21,L22,seebeck,lorenz,ZT")]
    [InlineData("L11")]         // each conductance alone: only its own reduced column is computed
    [InlineData("L21")]
    [InlineData("L22,lorenz")]
    [InlineData("ZT")]
    [InlineData("tau_plus")]    // the gas's and the relaxation's (GasRelaxationBatch), alone and with the others
    [InlineData("n_mag,kappa,zeta,entropy,C_h")]
    [InlineData("L11,K,tau_plus")]
    [InlineData("tau_minus,C_h,l11")]
    [InlineData("I_S,I_H")]     // the exact currents point by point, the transients with the relaxation
    [InlineData("dh_t,dT_t,dM_t")]
    [InlineData("dM_t")]
    [InlineData("A,L11,L12,L21,L22,K,l11,l12,l22,k,seebeck,lorenz,ZT,I_S,I_H,n_mag,kappa,zeta,entropy,C_h,tau_plus,tau_minus,dh_t,dT_t,dM_t")]
    public void Selected_observables_equal_the_full_evaluation_and_its_statuses(string selection)
    {
        var batch = Points(1001);
        int[] selected = selection.Split(',').Select(Model.ObservableIndex).ToArray();
        var full = Model.CreateResults(batch.Count);
        var fast = Model.CreateResults(batch.Count);
        Model.Evaluate(batch, full);
        Model.Evaluate(batch, fast, selected);

        Assert.Equal(full.Status, fast.Status);
        Assert.Contains(PointStatus.Critical, fast.Status);
        Assert.Contains(PointStatus.Invalid, fast.Status);
        Assert.Contains(PointStatus.Outside, fast.Status); // hot, soft magnets: a dense gas (PHYSICS.md §6)
        Assert.True(fast.Status.Count(s => s == PointStatus.Ok) > 500);
        int tauPlus = Model.ObservableIndex("tau_plus"), firstTransient = Model.ObservableIndex("dh_t"), transients = 0;
        foreach (int o in selected)
        {
            for (int i = 0; i < batch.Count; i++)
            {
                if (full.Status[i] != PointStatus.Ok)
                {
                    Assert.True(double.IsNaN(fast.Columns[o][i]), $"{Model.Observables[o].Name} at rejected point {i}");
                    continue;
                }

                string where = $"{Model.Observables[o].Name} at h = {batch.Columns[0][i]:R}, T = {batch.Columns[1][i]:R}, t = {batch.Columns[8][i]:R}";
                if (o < firstTransient)
                {
                    Near.Relative(full.Columns[o][i], fast.Columns[o][i], 1e-14, where);
                    continue;
                }

                // A transient is e^{−t/τ₊} (y0 − w (Λ − λ_s) y0): a relative difference ε in a rate is t/τ₊ · ε of the
                // value, and the bracket, a difference of near-equal terms where the fast mode has decayed, keeps the
                // roundings on the scale of the initial biases y0 (times the decay), not of what is left of them.
                double t = batch.Columns[8][i], tau = full.Columns[tauPlus][i];
                double biases = Math.Abs(batch.Columns[5][i]) + Math.Abs(batch.Columns[6][i]);
                double scale = (o == Model.ObservableIndex("dM_t")
                    ? (Math.Abs(full.Columns[Model.ObservableIndex("kappa")][i]) + Math.Abs(full.Columns[Model.ObservableIndex("zeta")][i])) * biases
                    : biases) * Math.Exp(-t / tau);
                Assert.True(Math.Abs(full.Columns[o][i] - fast.Columns[o][i]) <= 1e-14 * (1 + t / tau) * scale,
                    $"{where}: expected {full.Columns[o][i]:R}, got {fast.Columns[o][i]:R}, initial biases {biases:R}");
                transients += full.Columns[o][i] != 0 && Math.Abs(full.Columns[o][i]) > 1e-3 * scale ? 1 : 0;
            }
        }

        // The transients were compared where something of the biases is left, not only where they are 0 or gone.
        Assert.True(!selected.Any(o => o >= firstTransient) || transients >= 50, $"{transients} transients compared");
    }

    [Fact]
    public void Points_on_the_dilute_gas_limit_get_the_full_paths_status()
    {
        // J chosen so that λ F_3/2(x) = S/10 to rounding (λ = (T/(4πJS))^{3/2}, S = T = 1), then nudged by
        // a few ulp either way: the batch's F_3/2 cannot decide these, the scalar rules must.
        var xs = new[] { 0.05, 0.3, 1.0, 1.49, 1.51 };
        var columns = Enumerable.Range(0, Model.Parameters.Count).Select(_ => new double[xs.Length * 9]).ToArray();
        int n = 0;
        foreach (double x in xs)
        {
            double f15 = Bose.BoseIntegrals.Evaluate(x).F15;
            double j = 1.0 / (4 * Math.PI * Math.Pow(MagnonJunctionModel.MaxMagnonFraction / f15, 2.0 / 3.0));
            for (int ulp = -4; ulp <= 4; ulp++, n++)
            {
                double nudged = j;
                for (int u = 0; u < Math.Abs(ulp); u++)
                {
                    nudged = ulp < 0 ? Math.BitDecrement(nudged) : Math.BitIncrement(nudged);
                }

                double[] point = [x, 1.0, 0.1, 1.0, nudged, 0.0, 0.0, 1.0, 0.0];
                for (int p = 0; p < point.Length; p++)
                {
                    columns[p][n] = point[p];
                }
            }
        }

        var batch = new PointBatch(columns, n);
        var full = Model.CreateResults(n);
        var fast = Model.CreateResults(n);
        Model.Evaluate(batch, full);
        Model.Evaluate(batch, fast, [Model.ObservableIndex("l11")]);
        Assert.Equal(full.Status, fast.Status);
        Assert.Contains(PointStatus.Outside, fast.Status);
        Assert.Contains(PointStatus.Ok, fast.Status);
    }

    [Fact]
    public void Transients_on_a_time_grid_take_the_full_path()
    {
        var points = Points(64);
        var batch = new PointBatch(points.Columns, points.Count, innerGrid: [0.0, 0.5, 2.0, 1e3]);
        var full = Model.CreateResults(batch.ResultCount);
        var selected = Model.CreateResults(batch.ResultCount);
        Model.Evaluate(batch, full);
        Model.Evaluate(batch, selected, [Model.ObservableIndex("L11"), Model.ObservableIndex("dh_t")]);
        for (int o = 0; o < Model.Observables.Count; o++)
        {
            Assert.Equal(full.Columns[o], selected.Columns[o]);
        }
    }

    [Fact]
    public void Gas_and_relaxation_far_beyond_e_to_the_minus_x_s_range_equal_the_full_path()
    {
        // x = h/T from 700 (F_d near the smallest doubles) to 1e6 (F_d = 0; the relaxation from the scaled G_d alone).
        double[] xs = [700, 745, 800, 1e3, 1e4, 1e6];
        var columns = Enumerable.Range(0, Model.Parameters.Count).Select(_ => new double[xs.Length]).ToArray();
        for (int i = 0; i < xs.Length; i++)
        {
            double[] point = [xs[i] * 0.01, 0.01, 0.1, 2.0, 1.0, 0.0, 0.0, 10.0, 0.0];
            for (int p = 0; p < point.Length; p++)
            {
                columns[p][i] = point[p];
            }
        }

        var batch = new PointBatch(columns, xs.Length);
        string[] selected = ["n_mag", "kappa", "zeta", "entropy", "C_h", "tau_plus", "tau_minus"];
        var full = Model.CreateResults(xs.Length);
        var fast = Model.CreateResults(xs.Length);
        Model.Evaluate(batch, full);
        Model.Evaluate(batch, fast, selected.Select(Model.ObservableIndex).ToArray());
        Assert.All(fast.Status, s => Assert.Equal(PointStatus.Ok, s));
        foreach (string name in selected)
        {
            int o = Model.ObservableIndex(name);
            for (int i = 0; i < xs.Length; i++)
            {
                double expected = full.Columns[o][i], actual = fast.Columns[o][i];
                Assert.True(double.IsFinite(actual), $"{name} at x = {xs[i]}: {actual}");
                if (Math.Abs(expected) < 1e-290)
                {
                    Assert.True(Math.Abs(actual) < 1e-290, $"{name} at x = {xs[i]}: expected {expected:R}, got {actual:R}"); // underflowed alike
                }
                else
                {
                    Near.Relative(expected, actual, 1e-13, $"{name} at x = {xs[i]}");
                }
            }
        }

        Assert.True(fast.Columns[Model.ObservableIndex("tau_plus")][^1] > 0); // τ± from the scaled integrals: finite, positive
    }

    [Fact]
    public void The_gas_kernel_s_outputs_are_the_model_s_observables_in_its_order()
    {
        string[] names = ["n_mag", "kappa", "zeta", "entropy", "C_h", "tau_plus", "tau_minus", "dh_t", "dT_t", "dM_t"];
        Assert.Equal(GasRelaxationBatch.Observables, names.Length);
        int first = Model.ObservableIndex(names[0]);
        Assert.Equal(names, Enumerable.Range(first, names.Length).Select(o => Model.Observables[o].Name));
        Assert.Equal(Model.Observables.Count, first + names.Length); // the last of the model's observables
    }

    [Fact]
    public void Gas_of_the_selected_path_matches_the_reference_entries_to_1e10()
    {
        foreach (var e in ReferenceData.Physics.GetProperty("magnon_gas").EnumerateArray())
        {
            double[] point = [ReferenceData.Number(e, "h"), ReferenceData.Number(e, "T"), 0.05, ReferenceData.Number(e, "S"),
                ReferenceData.Number(e, "J"), 0.0, 0.0, 1.0, 0.0];
            var results = Model.CreateResults(1);
            Model.Evaluate(PointBatch.Single(point), results, [Model.ObservableIndex("n_mag"), Model.ObservableIndex("kappa")]);
            Assert.Equal(PointStatus.Ok, results.Status[0]);
            Near.Relative(ReferenceData.Number(e, "n"), results.Columns[Model.ObservableIndex("n_mag")][0], 1e-10, "n");
            Near.Relative(ReferenceData.Number(e, "kappa"), results.Columns[Model.ObservableIndex("kappa")][0], 1e-10, "kappa");
        }
    }

    [Fact]
    public void Reduced_conductances_of_the_selected_path_match_the_reference_entries_to_1e12()
    {
        foreach (var entry in ReferenceData.Physics.GetProperty("junction_reduced").EnumerateArray())
        {
            double x = ReferenceData.Number(entry, "x");
            var batch = PointBatch.Single([x, 1.0, 0.1, 1.0, 1.0, 0.0, 0.0, 1.0, 0.0]);
            var results = Model.CreateResults(1);
            Model.Evaluate(batch, results, Reduced.Select(Model.ObservableIndex).ToArray());
            foreach (string name in Reduced)
            {
                Near.Relative(ReferenceData.Number(entry, name), results.Columns[Model.ObservableIndex(name)][0], 1e-12, $"{name}({x})");
            }
        }
    }

    private static PointBatch Points(int count) => JunctionTestPoints.Random(count, 1616, invalidFieldBias: true);
}
