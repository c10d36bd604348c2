using MathNet.Numerics.LinearAlgebra;
using Sweep.Physics.Bose;
using Sweep.Physics.Junction;
using Sweep.Physics.Models;

namespace Sweep.Physics.Tests;

/// <summary>Identities and limits of PHYSICS.md §1 that hold independently of the reference values.</summary>
public class JunctionIdentityTests
{
    private static readonly MagnonJunctionModel Model = new();

    private static Dictionary<string, double> At(double h, double t, double dh = 0, double dt = 0, double jt = 0.05, double s = 1.5, double j = 1, double nr = 1) =>
        ModelHarness.Ok(Model, ("h", h), ("T", t), ("dh", dh), ("dT", dt), ("J_T", jt), ("S", s), ("J", j), ("N_r", nr));

    [Theory]
    [InlineData(1e-4, 0.3)]
    [InlineData(0.2, 0.5)]
    [InlineData(3, 0.25)]
    public void Onsager_and_both_forms_of_K(double h, double t)
    {
        var o = At(h, t);
        Near.Relative(t * o["L12"], o["L21"], 1e-15, "L21 = T L12");
        Near.Relative(o["L22"] - o["L12"] * o["L21"] / o["L11"], o["K"], 1e-11, "K = L22 − L12 L21/L11");
        Near.Relative(o["L12"] / o["L11"], o["seebeck"], 1e-14, "seebeck");
        Near.Relative(o["K"] / (t * o["L11"]), o["lorenz"], 1e-13, "lorenz");
        Near.Relative(o["L12"] * o["L21"] / (o["L11"] * o["K"]), o["ZT"], 1e-13, "ZT");
    }

    [Fact]
    public void Critical_limit_x_to_zero()
    {
        double x = 1e-9;
        var t = JunctionTransport.Compute(BoseIntegrals.Evaluate(x), 1, 1);
        Near.Relative(-Math.Log(x), t.l11, 1e-9, "l11 ≈ −ln x");
        Near.Relative(Math.PI * Math.PI / 3, t.l12, 1e-7, "l12 → π²/3");
        Near.Relative(6 * 1.2020569031595942, t.k, 0.1, "k → 6ζ(3) (slowly, as 1/ln x)");
        // k − 6ζ(3) = −4F2²/F1 → the approach itself is the known 1/ln x law.
        Near.Relative(-4 * Math.Pow(Math.PI * Math.PI / 6, 2) / -Math.Log(x), t.k - 6 * 1.2020569031595942, 1e-6, "k − 6ζ(3) ≈ −4ζ(2)²/ln(1/x)");
    }

    [Theory]
    [InlineData(40)]
    [InlineData(300)]
    [InlineData(2000)]
    public void Insulating_limit_x_to_infinity(double x)
    {
        var t = JunctionTransport.Compute(BoseIntegrals.Evaluate(x), 1, 1);
        Near.Relative(2 * Math.Exp(-x), t.k, 1e-12, "k → 2e^{−x}");
        Near.Relative(2, t.Lorenz, 1e-12, "Lorenz ratio → 2");
        Near.Relative(x + 2, t.Seebeck, 1e-12, "seebeck → x + 2");
        Assert.True(double.IsFinite(t.ZT) && double.IsFinite(t.Lorenz) && double.IsFinite(t.Seebeck));
    }

    /// <summary>Central differences of the exact currents reproduce L_ij, with error O(step²).</summary>
    [Theory]
    [InlineData(0.05, 0.4)]
    [InlineData(1.0, 0.5)]
    public void Finite_differences_of_the_currents_reproduce_Lij(double h, double t)
    {
        var linear = At(h, t);
        double Derivative(string current, bool fieldBias, double step) => fieldBias
            ? (At(h, t, dh: step)[current] - At(h, t, dh: -step)[current]) / (2 * step)
            : (At(h, t, dt: step)[current] - At(h, t, dt: -step)[current]) / (2 * step);

        foreach (var (current, field, coefficient) in new[] { ("I_S", true, "L11"), ("I_S", false, "L12"), ("I_H", true, "L21"), ("I_H", false, "L22") })
        {
            double step = 1e-3 * h;
            double coarse = Math.Abs(Derivative(current, field, 2 * step) - linear[coefficient]);
            double fine = Math.Abs(Derivative(current, field, step) - linear[coefficient]);
            Near.Relative(linear[coefficient], Derivative(current, field, step), 1e-6, $"∂{current}/∂{(field ? "Δh" : "ΔT")} = {coefficient}");
            Assert.InRange(Math.Log2(coarse / fine), 1.8, 2.2);
        }
    }

    [Theory]
    [InlineData(0.01, 0.1)]
    [InlineData(0.5, 0.7)]
    public void Magnon_gas_response_functions_are_derivatives_of_the_density(double h, double t)
    {
        var o = At(h, t);
        double dh = 1e-5 * h, dt = 1e-5 * t;
        Near.Relative(-(At(h + dh, t)["n_mag"] - At(h - dh, t)["n_mag"]) / (2 * dh), o["kappa"], 1e-7, "κ = ∂M/∂h = −∂n/∂h");
        Near.Relative(-(At(h, t + dt)["n_mag"] - At(h, t - dt)["n_mag"]) / (2 * dt), o["zeta"], 1e-7, "ζ = ∂M/∂T = −∂n/∂T");
        Near.Relative(t * (At(h, t + dt)["entropy"] - At(h, t - dt)["entropy"]) / (2 * dt), o["C_h"], 1e-7, "C_h = T ∂s/∂T");
    }

    [Theory]
    [InlineData(0.01, 0.1, 1.0)]
    [InlineData(0.3, 0.5, 4.0)]
    [InlineData(2.0, 0.4, 1.0)]
    public void Relaxation_rates_are_the_eigenvalues_of_Lambda(double h, double t, double nr)
    {
        var o = At(h, t, nr: nr);
        var k = Matrix<double>.Build.DenseOfArray(new[,] { { o["kappa"], o["zeta"] }, { o["zeta"], o["C_h"] / t } });
        var m = Matrix<double>.Build.DenseOfArray(new[,] { { o["L11"], -o["L12"] }, { -o["L12"], o["L22"] / t } });
        var lambda = 2 / nr * k.Inverse() * m;
        var eigen = lambda.Evd().EigenValues;
        Assert.All(eigen, e => Assert.True(Math.Abs(e.Imaginary) < 1e-12 * e.Magnitude && e.Real > 0, $"eigenvalue {e}"));
        var rates = eigen.Select(e => e.Real).OrderBy(r => r).ToArray();
        Near.Relative(1 / rates[0], o["tau_plus"], 1e-9, "τ₊ = 1/λ_min");
        Near.Relative(1 / rates[1], o["tau_minus"], 1e-9, "τ₋ = 1/λ_max");
        Assert.True(k.Evd().EigenValues.All(e => e.Real > 0) && m.Evd().EigenValues.All(e => e.Real > 0), "K_th and M_tr are positive definite");
    }

    /// <summary>τ₊ ∝ κ/L11 ~ h^{−1/2}/ln(T/h) (PHYSICS.md §1): τ₊ √x ln(1/x) stays of order one while τ₊ grows 1000-fold.</summary>
    [Fact]
    public void Slow_relaxation_time_diverges_at_the_critical_point()
    {
        double Law(double x) => At(x, 1.0)["tau_plus"] * Math.Sqrt(x) * Math.Log(1 / x);
        double reference = Law(1e-5);
        double previous = 0;
        foreach (double x in new[] { 1e-1, 1e-3, 1e-5, 1e-7, 1e-9, 1e-11 })
        {
            double tau = At(x, 1.0)["tau_plus"];
            Assert.True(tau > 2 * previous, $"τ₊({x}) = {tau} must keep growing");
            Assert.InRange(Law(x) / reference, 0.75, 1.25);
            previous = tau;
        }

        Assert.True(At(1e-11, 1.0)["tau_plus"] > 1000 * At(1e-1, 1.0)["tau_plus"]);
    }

    [Fact]
    public void Critical_and_invalid_points_carry_no_numbers()
    {
        var (status, o) = ModelHarness.Run(Model, ("h", 0), ("T", 1), ("J_T", 0.05), ("S", 1));
        Assert.Equal(PointStatus.Critical, status);
        Assert.All(o.Values, v => Assert.True(double.IsNaN(v)));

        (status, _) = ModelHarness.Run(Model, ("h", 0.1), ("T", 1), ("J_T", 0.05), ("S", 1), ("dh", 0.2));
        Assert.Equal(PointStatus.Invalid, status);
        (status, _) = ModelHarness.Run(Model, ("h", 0.1), ("T", 1), ("J_T", 0.05), ("S", 1), ("dT", -2));
        Assert.Equal(PointStatus.Invalid, status);
    }
}
