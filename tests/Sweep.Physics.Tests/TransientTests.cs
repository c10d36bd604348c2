using MathNet.Numerics.LinearAlgebra;
using Sweep.Physics.Bose;
using Sweep.Physics.Junction;
using Sweep.Physics.Models;

namespace Sweep.Physics.Tests;

/// <summary>The junction's relaxation transients Δh(t), ΔT(t) (PHYSICS.md §1, seed 000 slide 25).</summary>
public class TransientTests
{
    private static readonly MagnonJunctionModel Model = new();

    /// <summary>Against e^{−Λt} y0 from MathNet's eigen-decomposition of the explicit Λ = (2/N_r) K_th⁻¹ M_tr.</summary>
    [Theory]
    [InlineData(0.05, 0.5, 0.01, 0.02)]
    [InlineData(0.5, 0.5, -0.2, 0.1)]
    [InlineData(3.0, 0.4, 0.5, -0.3)]
    [InlineData(1e-3, 0.2, 1e-3, 0.0)]
    public void Transients_are_the_matrix_exponential_of_the_relaxation_matrix(double h, double t, double dh, double dT)
    {
        double jt = 0.05, s = 5, j = 1, nr = 1;
        var f = BoseIntegrals.Evaluate(h / t);
        double lambda = MagnonGas.ThermalFactor(t, j * s);
        var gas = MagnonGas.Compute(f, t, lambda);
        var tr = JunctionTransport.Compute(f, t, JunctionTransport.TransmissionSlope(jt, s, j));
        var k = Matrix<double>.Build.DenseOfArray(new[,] { { gas.Susceptibility, gas.Zeta }, { gas.Zeta, gas.HeatCapacity / t } });
        var m = Matrix<double>.Build.DenseOfArray(new[,] { { tr.L11, -tr.L12 }, { -tr.L12, tr.L22 / t } });
        var rates = 2 / nr * k.Inverse() * m;
        var evd = rates.Evd();
        var y0 = Vector<double>.Build.Dense([-dh, dT]); // y = (h_L − h_R, T_L − T_R)

        var (status, _) = ModelHarness.Run(Model, ("h", h), ("T", t), ("J_T", jt), ("S", s), ("J", j), ("dh", dh), ("dT", dT));
        Assert.Equal(PointStatus.Ok, status);
        double tauSlow = 1 / evd.EigenValues.Min(e => e.Real);
        foreach (double time in new[] { 0, 1e-3, 0.1, 1, 10 }.Select(x => x * tauSlow))
        {
            var decay = Matrix<double>.Build.DenseOfDiagonalArray(evd.EigenValues.Select(e => Math.Exp(-e.Real * time)).ToArray());
            var y = evd.EigenVectors * decay * evd.EigenVectors.Inverse() * y0;
            var o = ModelHarness.Ok(Model, ("h", h), ("T", t), ("J_T", jt), ("S", s), ("J", j), ("dh", dh), ("dT", dT), ("t", time));
            double scale = Math.Abs(dh) + Math.Abs(dT);
            Assert.True(Math.Abs(-y[0] - o["dh_t"]) <= 1e-9 * scale, $"Δh({time}) = {o["dh_t"]}, expected {-y[0]}");
            Assert.True(Math.Abs(y[1] - o["dT_t"]) <= 1e-9 * scale, $"ΔT({time}) = {o["dT_t"]}, expected {y[1]}");
            double dM = gas.Susceptibility * y[0] + gas.Zeta * y[1]; // ΔM = κ (h_L − h_R) + ζ (T_L − T_R)
            Assert.True(Math.Abs(dM - o["dM_t"]) <= 1e-9 * (Math.Abs(gas.Susceptibility * dh) + Math.Abs(gas.Zeta * dT)), $"ΔM({time})");
        }
    }

    /// <summary>A time grid gives the same transients as single times, and both biases die out.</summary>
    [Fact]
    public void A_time_grid_matches_single_points_and_relaxes_to_zero()
    {
        double[] point = [0.1, 0.5, 0.05, 1, 1, 0.05, 0.1, 1, 0];
        double[] grid = [0, 1, 10, 100, 1e3, 1e4, 1e5, 1e6, 1e9];
        var results = Model.CreateResults(grid.Length);
        Model.Evaluate(new PointBatch(point.Select(v => new[] { v }).ToArray(), 1, grid), results);
        int dh = Model.ObservableIndex("dh_t"), dT = Model.ObservableIndex("dT_t");
        for (int j = 0; j < grid.Length; j++)
        {
            double[] single = (double[])point.Clone();
            single[^1] = grid[j];
            var one = Model.CreateResults(1);
            Model.Evaluate(PointBatch.Single(single), one);
            Assert.Equal(PointStatus.Ok, results.Status[j]);
            Assert.Equal(one.Columns[dh][0], results.Columns[dh][j]);
            Assert.Equal(one.Columns[dT][0], results.Columns[dT][j]);
        }

        Assert.Equal(0.05, results.Columns[dh][0]);
        Assert.Equal(0.1, results.Columns[dT][0]);
        Assert.True(Math.Abs(results.Columns[dh][^1]) < 1e-12 && Math.Abs(results.Columns[dT][^1]) < 1e-12);
    }
}
