using Sweep.Physics.Models;
using Sweep.Physics.SpinChain;

namespace Sweep.Physics.Tests;

/// <summary>The open chain's steady state by a direct solve of L ρ = 0 (NUMERICS.md, spin chain).</summary>
public class SteadyStateSolverTests
{
    private static readonly SpinChainModel Model = new();

    /// <summary>Where the old method (integrate until j and m settle) converged, the direct solve agrees
    /// to 1e-8 — in practice to ~1e-12.</summary>
    [Theory]
    [InlineData(3, 0.0, 2.0, true, 3.102, 0.62)]
    [InlineData(5, 0.0, 1.5, true, 3.102, 0.62)]
    [InlineData(5, 0.5, 2.0, false, 1.0, 5.0)]
    [InlineData(6, 0.0, 2.0, true, 20.0, 20.0)]
    [InlineData(7, 0.0, 1.0, true, 3.102, 0.31)]
    public void Direct_steady_state_equals_the_integrated_one(int n, double t1, double t2, bool linear, double loss, double pump)
    {
        var chain = new OpenChain(ChainCouplings.Create(n, t1, t2, linear), loss, pump);
        var state = SteadyStateSolver.Solve(chain);
        Assert.NotNull(state);
        var rho = chain.InitialState(centreFlipped: false);
        var integrated = SteadyState.Find(chain, new DormandPrince(rho.Length, chain.Derivative), rho, 0);
        Assert.NotNull(integrated);
        Assert.True(Math.Abs(chain.SpinCurrent(state) - integrated.Value.Current) <= 1e-8, $"j {chain.SpinCurrent(state):R} vs {integrated.Value.Current:R}");
        Assert.True(Math.Abs(chain.Magnetization(state) - integrated.Value.Magnetization) <= 1e-8, "m");
        Assert.Equal(1, chain.Trace(state), 1e-12);
        var derivative = new double[state.Length];
        chain.Derivative(state, derivative);
        Assert.True(derivative.Max(Math.Abs) < 1e-10, "L ρ = 0");
        for (int b = 0; b < chain.BlockCount; b++)
        {
            var block = chain.Block(state, b);
            for (int i = 0; i < block.GetLength(0); i++)
            {
                Assert.True(block[i, i].Real >= -1e-12, "populations are non-negative");
                for (int k = 0; k < block.GetLength(1); k++)
                {
                    Assert.True((block[i, k] - System.Numerics.Complex.Conjugate(block[k, i])).Magnitude < 1e-12, "hermitian");
                }
            }
        }
    }

    /// <summary>Slow rates are physics, not a step budget: γ = γ_I = 0.01 was `unstable` (no settling
    /// within 10⁴/J0); now the steady state is solved for, and the time series at late times meets it.</summary>
    [Fact]
    public void Slow_rates_give_a_steady_state()
    {
        var o = ModelHarness.Ok(Model, ("N", 5), ("T2", 2), ("profile", 1), ("gamma", 0.01), ("gamma_I", 0.01), ("t", 10));
        Assert.True(double.IsFinite(o["j_steady"]) && double.IsFinite(o["m_steady"]));
        var fast = ModelHarness.Ok(Model, ("N", 5), ("T2", 2), ("profile", 1), ("gamma", 20), ("gamma_I", 20), ("t", 1000));
        Assert.True(Math.Abs(fast["j"] - fast["j_steady"]) < 1e-10, $"j(1000) = {fast["j"]:R}, j_steady = {fast["j_steady"]:R}");
        Assert.True(Math.Abs(fast["m"] - fast["m_steady"]) < 1e-10);
    }

    [Fact]
    public void Pump_alone_ends_fully_reversed_and_loss_alone_fully_polarized()
    {
        var pump = ModelHarness.Ok(Model, ("N", 4), ("T2", 1), ("profile", 1), ("gamma", 0), ("gamma_I", 1), ("t", 1));
        Assert.Equal(-2, pump["m_steady"]);
        Assert.Equal(0, pump["j_steady"]);
        var loss = ModelHarness.Ok(Model, ("N", 9), ("T2", 1), ("profile", 1), ("gamma", 0.01), ("gamma_I", 0), ("t", 1));
        Assert.Equal(4.5, loss["m_steady"]);
        Assert.Equal(0, loss["j_steady"]);
    }

    [Fact]
    public void A_time_series_beyond_the_work_budget_is_invalid_with_a_message()
    {
        double[] point = [9, 0, 2, 1, 1000, 50, 50, 0, 20, 0];
        var check = Model.Check(point);
        Assert.Equal(PointStatus.Invalid, check.Status);
        Assert.Contains("'t'", check.Message);
        Assert.Contains("budget", check.Message);
        // On a grid only the times past the budget are invalid.
        point[8] = 0;
        var results = Model.CreateResults(3);
        Model.Evaluate(new PointBatch(point.Select(v => new[] { v }).ToArray(), 1, [0, 1, 500]), results);
        Assert.Equal([PointStatus.Ok, PointStatus.Ok, PointStatus.Invalid], results.Status.Take(3));
    }
}
