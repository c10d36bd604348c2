using MathNet.Numerics;
using MathNet.Numerics.LinearAlgebra;
using Sweep.Physics.Models;
using Sweep.Physics.SpinChain;

namespace Sweep.Physics.Tests;

/// <summary>The spin chain of PHYSICS.md §4: α(T) against mpmath and brute force, the Sommerfeld
/// and Bessel laws, the Lindblad integrator's order and invariants, and the seed's current laws.</summary>
public class SpinChainTests
{
    private static readonly SpinChainModel Model = new();

    [Fact]
    public void Exchange_coefficients_match_every_reference_entry_to_1e8()
    {
        int count = 0;
        foreach (var entry in ReferenceData.More.GetProperty("spin_chain_alpha").EnumerateArray())
        {
            int n = (int)ReferenceData.Number(entry, "N");
            double length = ReferenceData.Number(entry, "L"), t = ReferenceData.Number(entry, "T");
            double alpha = ExchangeCoefficient.Alpha(n, length, t), ground = ExchangeCoefficient.Alpha(n, length, 0);
            Near.Relative(ReferenceData.Number(entry, "alpha"), alpha, 1e-8, $"α(T = {t}) for N = {n}");
            Near.Relative(ReferenceData.Number(entry, "alpha1"), ground, 1e-14, $"α₁ for N = {n}");
            Near.Relative(ReferenceData.Number(entry, "ratio"), alpha / ground, 1e-8, $"α/α₁ for N = {n}");
            count++;
        }

        Assert.Equal(3, count);
    }

    /// <summary>mpmath enumeration of all 3-particle states in 40 levels (tools/ has no need: 9880 states).</summary>
    [Fact]
    public void Recursion_equals_brute_force_enumeration_and_survives_extreme_temperatures()
    {
        Near.Relative(5.7371790000251850601, ExchangeCoefficient.Alpha(3, 3, 2), 1e-13, "α(N = 3, L = 3, T = 2)");
        double ground = ExchangeCoefficient.Alpha(9, 9, 0);
        Assert.Equal(ground, ExchangeCoefficient.Alpha(9, 9, 1e-3)); // e^{−gap/T} below double precision
        Assert.True(double.IsFinite(ExchangeCoefficient.Alpha(9, 9, 1e4)));
        // Equipartition at high T: ε ≈ N T/2, so α ≈ N T/L.
        Near.Relative(1e4, ExchangeCoefficient.Alpha(9, 9, 1e4), 2e-2, "α → N T/L");
    }

    /// <summary>Seed Eq. 5: α(T) ≈ α₁(1 + T²/(ρ⁴π²)) at low T for large N. A finite box shifts the
    /// coefficient by O(1/(N T)) and higher orders by O(T²/E_F²): the deviation shrinks with N.</summary>
    [Fact]
    public void Alpha_follows_the_Sommerfeld_law_at_low_T_for_large_N()
    {
        double Deviation(int n, double t) =>
            (ExchangeCoefficient.Alpha(n, n, t) / ExchangeCoefficient.Alpha(n, n, 0) - 1) / (t * t / (Math.PI * Math.PI)) - 1;

        foreach (double t in new[] { 0.15, 0.3 })
        {
            Assert.True(Math.Abs(Deviation(3000, t)) < 0.01, $"N = 3000, T = {t}: {Deviation(3000, t):E2}");
            Assert.True(Math.Abs(Deviation(3000, t)) < Math.Abs(Deviation(400, t)), "converges with N");
        }

        Assert.True(double.IsFinite(ExchangeCoefficient.Alpha(3000, 3000, 5)), "no overflow of the canonical sums");
    }

    /// <summary>The seed's Eq. 7 in a long uniform chain. With h as written (Pauli matrices) the magnon
    /// hops with amplitude a = α/g, so ⟨S↓_{i0+d}(t)⟩ = J_d(2 a t)² in units of 1/J0; the seed's
    /// J_d(J0 t)² is the same law for a hopping J0/2 (spin operators S = σ/2 in Eq. 3).</summary>
    [Theory]
    [InlineData(1.0)]
    [InlineData(1.37)]
    public void Impurity_follows_the_Bessel_law_in_a_long_uniform_chain(double coupling)
    {
        var bonds = Enumerable.Repeat(coupling, 200).ToArray();
        var chain = new OneMagnonEvolution(ChainCouplings.FromBonds(bonds), 100);
        var occupation = new double[201];
        foreach (double t in new[] { 0.3, 1.0, 2.5, 6.0 })
        {
            chain.Occupations(t, occupation);
            for (int d = 0; d <= 3; d++)
            {
                double bessel = SpecialFunctions.BesselJ(d, 2 * coupling * t);
                Assert.True(Math.Abs(bessel * bessel - occupation[100 + d]) < 1e-10, $"d = {d}, t = {t}");
                Assert.True(Math.Abs(occupation[100 - d] - occupation[100 + d]) < 1e-12, "symmetric");
            }
        }
    }

    [Fact]
    public void Closed_system_moves_the_impurity_towards_the_hot_edge()
    {
        var hot = ModelHarness.Ok(Model, ("T1", 0), ("T2", 2), ("t", 2));
        var flat = ModelHarness.Ok(Model, ("T1", 0), ("T2", 0), ("t", 2));
        Assert.True(hot["impurity_shift"] > 0.1, $"shift {hot["impurity_shift"]}");
        Assert.True(Math.Abs(flat["impurity_shift"]) < 1e-12);
        var right = ModelHarness.Ok(Model, ("T2", 2), ("t", 1), ("site_offset", 1))["impurity"];
        var left = ModelHarness.Ok(Model, ("T2", 2), ("t", 1), ("site_offset", -1))["impurity"];
        Assert.True(right > left, "seed Fig. 4: ⟨S↓_5⟩ > ⟨S↓_3⟩");
    }

    /// <summary>With γ = γ_I = 0 the Lindblad integrator must reproduce the exact one-magnon evolution.</summary>
    [Fact]
    public void Lindblad_without_loss_equals_the_exact_closed_evolution()
    {
        var couplings = ChainCouplings.Create(7, 0, 2, linear: true);
        var open = new OpenChain(couplings, 0, 0);
        var rho = open.InitialState(centreFlipped: true);
        var integrator = new DormandPrince(rho.Length, open.Derivative);
        var exact = new OneMagnonEvolution(couplings, couplings.Centre);
        var occupation = new double[7];
        double now = 0;
        foreach (double t in new[] { 0.5, 2, 7.5 })
        {
            integrator.Advance(rho, now, t);
            now = t;
            exact.Occupations(t, occupation);
            var block = open.Block(rho, 1);
            for (int i = 0; i < 7; i++)
            {
                Assert.True(Math.Abs(block[i, i].Real - occupation[i]) < 1e-9, $"site {i} at t = {t}");
            }
        }
    }

    /// <summary>Dormand–Prince is fifth order: halving a fixed step divides the error by ≈ 32.</summary>
    [Fact]
    public void Integrator_converges_with_order_five()
    {
        var open = new OpenChain(ChainCouplings.Create(5, 0, 3, linear: true), 1.5, 0.8);
        double[] Solve(double? step)
        {
            var rho = open.InitialState(centreFlipped: false);
            var integrator = step is null
                ? new DormandPrince(rho.Length, open.Derivative, 1e-13, 1e-15)
                : new DormandPrince(rho.Length, open.Derivative);
            if (step is { } h)
            {
                for (int k = 0; k < (int)Math.Round(2 / h); k++)
                {
                    integrator.FixedStep(rho, h);
                }
            }
            else
            {
                integrator.Advance(rho, 0, 2);
            }

            return rho;
        }

        var reference = Solve(null);
        double Error(double h) => Solve(h).Zip(reference, (a, b) => Math.Abs(a - b)).Max();
        double e1 = Error(0.1), e2 = Error(0.05), e3 = Error(0.025);
        double order1 = Math.Log2(e1 / e2), order2 = Math.Log2(e2 / e3);
        Assert.InRange(order1, 4.6, 5.6);
        Assert.InRange(order2, 4.6, 5.6);
    }

    [Fact]
    public void Density_matrix_keeps_trace_hermiticity_and_positivity()
    {
        var open = new OpenChain(ChainCouplings.Create(5, 0.5, 4, linear: true), 3.102, 0.62);
        var rho = open.InitialState(centreFlipped: false);
        var integrator = new DormandPrince(rho.Length, open.Derivative);
        double now = 0;
        foreach (double t in new[] { 0.7, 3, 12, 40 })
        {
            integrator.Advance(rho, now, t);
            now = t;
            Assert.True(Math.Abs(open.Trace(rho) - 1) < 1e-10, $"trace at t = {t}: {open.Trace(rho):R}");
            for (int n = 0; n < open.BlockCount; n++)
            {
                var block = Matrix<System.Numerics.Complex>.Build.DenseOfArray(open.Block(rho, n));
                Assert.True((block - block.ConjugateTranspose()).FrobeniusNorm() < 1e-12, $"block {n} hermitian at t = {t}");
                foreach (var eigenvalue in block.Evd(Symmetricity.Hermitian).EigenValues)
                {
                    Assert.True(eigenvalue.Real > -1e-10, $"block {n} eigenvalue {eigenvalue} at t = {t}");
                }
            }
        }
    }

    [Fact]
    public void No_current_without_a_temperature_difference()
    {
        foreach (double pump in new[] { 0.0, 0.62 })
        {
            var results = Evaluate([7, 1.5, 1.5, 1, 100, 3.102, pump, 1, 0, 0], [0.5, 2, 5, 20]);
            Assert.All(results.Status, s => Assert.Equal(PointStatus.Ok, s));
            foreach (int j in new[] { 0, 1, 2, 3 })
            {
                Assert.True(Math.Abs(results.Columns[6][j]) < 1e-12, $"j(t) = {results.Columns[6][j]} with γ_I = {pump}");
            }

            Assert.True(Math.Abs(results.Columns[8][0]) < 1e-11, $"steady j = {results.Columns[8][0]}");
        }
    }

    [Fact]
    public void Losses_alone_empty_the_link_pumping_sets_a_steady_magnetization()
    {
        var loss = ModelHarness.Ok(Model, ("T2", 1), ("profile", 1));
        Assert.True(Math.Abs(loss["m_steady"] - 3.5) < 1e-10, $"m → N/2, got {loss["m_steady"]:R}");
        Assert.True(Math.Abs(loss["j_steady"]) < 1e-10);
        var pumped = ModelHarness.Ok(Model, ("T2", 1), ("profile", 1), ("gamma_I", 0.62));
        Assert.InRange(pumped["m_steady"], -3.5, 3.4);
        Assert.True(pumped["j_steady"] > 0, "a hot right edge drives a positive steady current");
        var closed = ModelHarness.Ok(Model, ("gamma", 0), ("gamma_I", 0));
        Assert.True(double.IsNaN(closed["j_steady"]) && double.IsNaN(closed["m_steady"]), "no steady state without loss and pump");
    }

    /// <summary>Seed Fig. 6b: j_steady ∝ ΔT² at small ΔT with T1 = 0. The steady current is linear in
    /// the coupling inhomogeneity δ = α(T2)/α₁ − 1, and δ ∝ ΔT² where α follows the Sommerfeld law,
    /// so a chain with Sommerfeld couplings a_l = 1 + T_l²/π² must show j ∝ ΔT² exactly in the limit.</summary>
    [Fact]
    public void Steady_current_is_quadratic_in_a_small_temperature_difference()
    {
        double SteadyCurrent(double deltaT)
        {
            var bonds = Enumerable.Range(0, 6).Select(l => 1 + Math.Pow(deltaT * l / 5, 2) / (Math.PI * Math.PI)).ToArray();
            var open = new OpenChain(ChainCouplings.FromBonds(bonds), 3.102, 0.62);
            var rho = open.InitialState(centreFlipped: false);
            var steady = SteadyState.Find(open, new DormandPrince(rho.Length, open.Derivative), rho, 0);
            return steady!.Value.Current;
        }

        double small = SteadyCurrent(0.1), double_ = SteadyCurrent(0.2);
        Near.Relative(4, double_ / small, 0.01, "j(2ΔT)/j(ΔT)");

        // With the finite-N α(T) of the model the current is linear in δ at small δ.
        double Ratio(double t2)
        {
            var o = ModelHarness.Ok(Model, ("T2", t2), ("profile", 1), ("gamma_I", 0.62));
            return o["j_steady"] / (o["alpha_T2"] / o["alpha1"] - 1);
        }

        Near.Relative(Ratio(0.05), Ratio(0.1), 0.03, "j_steady/δ at small δ");
    }

    [Fact]
    public void A_time_grid_gives_the_same_values_as_single_times()
    {
        double[] row = [7, 0, 2, 1, 100, 3.102, 0.62, -1, 0, 0];
        double[] grid = [4, 0.5, 2, 0];
        var batch = Evaluate(row, grid);
        for (int j = 0; j < grid.Length; j++)
        {
            row[8] = grid[j];
            var single = Evaluate(row, null);
            for (int o = 0; o < Model.Observables.Count; o++)
            {
                Assert.True(Math.Abs(single.Columns[o][0] - batch.Columns[o][j]) <= 1e-9 * Math.Max(1, Math.Abs(single.Columns[o][0])),
                    $"{Model.Observables[o].Name} at t = {grid[j]}");
            }
        }
    }

    [Theory]
    [InlineData(1, 0, "'N'")]
    [InlineData(10, 0, "'N'")]
    [InlineData(6.5, 0, "'N'")]
    [InlineData(7, 4, "'site_offset'")]
    [InlineData(7, -4, "'site_offset'")]
    public void Bad_sizes_and_sites_are_invalid_with_a_message(double n, double offset, string named)
    {
        double[] row = [n, 0, 2, 0, 100, 3.102, 0, offset, 1, 0];
        var check = Model.Check(row);
        Assert.Equal(PointStatus.Invalid, check.Status);
        Assert.Contains(named, check.Message);
        var results = Evaluate(row, null);
        Assert.Equal(PointStatus.Invalid, results.Status[0]);
        Assert.All(results.Columns, c => Assert.True(double.IsNaN(c[0])));
    }

    [Fact]
    public void Tiny_rates_and_negative_times_are_invalid()
    {
        Assert.Contains("'gamma'", Model.Check([7, 0, 2, 0, 100, 0.001, 0, 1, 1, 0]).Message);
        Assert.Contains("'gamma_I'", Model.Check([7, 0, 2, 0, 100, 1, 0.005, 1, 1, 0]).Message);
        var results = Evaluate([7, 0, 2, 0, 100, 3.102, 0, 1, 0, 0], [1, -1, 2]);
        Assert.Equal([PointStatus.Ok, PointStatus.Invalid, PointStatus.Ok], results.Status.Take(3));
        Assert.True(double.IsNaN(results.Columns[4][1]));
        Assert.False(double.IsNaN(results.Columns[4][2]));
    }

    private static ResultBatch Evaluate(double[] row, double[]? grid)
    {
        var batch = new PointBatch(row.Select(v => new[] { v }).ToArray(), 1, grid);
        var results = Model.CreateResults(batch.ResultCount);
        Model.Evaluate(batch, results);
        return results;
    }
}
