using Sweep.Physics.Interface;
using Sweep.Physics.Junction;
using Sweep.Physics.Models;
using Sweep.Physics.Mtj;
using Sweep.Physics.PairTunneling;
using Sweep.Physics.SpinChain;

namespace Sweep.Physics.Tests;

/// <summary>Every number an <c>ok</c> point reports is a finite number, and points beyond a model's
/// approximations are <c>outside</c> exactly where PHYSICS.md §6 puts the boundary.</summary>
public class ValidityTests
{
    /// <summary>Observables documented as undefined at some valid points (NaN there, never ±∞).</summary>
    private static readonly Dictionary<string, string[]> Undefined = new()
    {
        ["mtj"] = ["r"],
        ["spin-chain"] = ["j_steady", "m_steady"],
    };

    public static TheoryData<string, int> CheapModels => new()
    {
        { MagnonJunctionModel.ModelName, 4000 },
        { MtjModel.ModelName, 4000 },
        { NfInterfaceModel.ModelName, 4000 },
        { PairTunnelingModel.ModelName, 300 },
    };

    [Theory]
    [MemberData(nameof(CheapModels))]
    public void Random_legal_points_that_are_ok_have_only_finite_observables(string name, int count)
    {
        var model = ModelRegistry.Default.Find(name)!;
        var random = new Random(13);
        var statuses = new Dictionary<PointStatus, int>();
        for (int n = 0; n < count; n++)
        {
            var values = model.Parameters.Select(p => Sample(p.Range, random)).ToArray();
            AssertFiniteWhereOk(model, values);
            var status = model.Check(values).Status;
            statuses[status] = statuses.GetValueOrDefault(status) + 1;
        }

        // The sampler reaches ok points (and, for the magnon models, the dense-gas boundary).
        Assert.True(statuses.GetValueOrDefault(PointStatus.Ok) > count / 20, string.Join(", ", statuses));
    }

    /// <summary>The spin chain's points are expensive: fewer of them, the open chain at moderate rates.</summary>
    [Fact]
    public void Random_legal_spin_chain_points_that_are_ok_have_only_finite_observables()
    {
        var model = new SpinChainModel();
        var random = new Random(13);
        for (int n = 0; n < 40; n++)
        {
            var values = model.Parameters.Select(p => Sample(p.Range, random)).ToArray();
            values[model.ParameterIndex("N")] = random.Next(2, 7);
            values[model.ParameterIndex("site_offset")] = 0;
            values[model.ParameterIndex("gamma")] = random.Next(2) == 0 ? 0 : 0.01 + 5 * random.NextDouble();
            values[model.ParameterIndex("gamma_I")] = random.Next(2) == 0 ? 0 : 0.1 + 2 * random.NextDouble();
            values[model.ParameterIndex("t")] = 100 * random.NextDouble();
            AssertFiniteWhereOk(model, values);
        }
    }

    private static void AssertFiniteWhereOk(Model model, double[] values)
    {
        var check = model.Check(values);
        var results = model.CreateResults(1);
        model.Evaluate(PointBatch.Single(values), results);
        string at = string.Join(", ", model.Parameters.Select((p, i) => $"{p.Name}={values[i]:R}"));
        Assert.True(check.Status == results.Status[0], $"{model.Name}: check {check.Status}, batch {results.Status[0]} at {at}");
        if (results.Status[0] != PointStatus.Ok)
        {
            Assert.All(results.Columns, column => Assert.True(double.IsNaN(column[0])));
            return;
        }

        var undefined = Undefined.GetValueOrDefault(model.Name, []);
        for (int o = 0; o < model.Observables.Count; o++)
        {
            double value = results.Columns[o][0];
            bool allowedNaN = undefined.Contains(model.Observables[o].Name) && double.IsNaN(value);
            Assert.True(double.IsFinite(value) || allowedNaN, $"{model.Name}: {model.Observables[o].Name} = {value} at {at}");
        }
    }

    /// <summary>A legal value: an allowed one, an end point, or log-uniform over the range's magnitudes (both signs).</summary>
    private static double Sample(ValidRange range, Random random)
    {
        if (range.AllowedValues is { } allowed)
        {
            return allowed[random.Next(allowed.Count)];
        }

        for (int attempt = 0; ; attempt++)
        {
            double value = random.Next(10) switch
            {
                0 => range.Min,
                1 => range.Max,
                _ => Magnitude(range, random),
            };
            if (range.Contains(value))
            {
                return value;
            }
        }
    }

    private static double Magnitude(ValidRange range, Random random)
    {
        double top = Math.Max(Math.Abs(range.Min), Math.Abs(range.Max));
        double bottom = range.Min > 0 ? range.Min : Math.Max(top * 1e-30, 1e-300);
        double magnitude = bottom * Math.Pow(top / bottom, random.NextDouble());
        return range.Min < 0 && random.Next(2) == 0 ? -magnitude : magnitude;
    }

    [Fact]
    public void Resistance_at_zero_bias_is_the_limit_one_over_dIdV_for_every_temperature()
    {
        var temperatures = Enumerable.Range(0, 1001).Select(k => k * 0.01)
            .Concat(Enumerable.Range(0, 61).Select(k => Math.Pow(10, -6 + 0.2 * k)));
        foreach (double t in temperatures)
        {
            foreach (double eta in (double[])[-1, 1])
            {
                var junction = MtjJunction.Create(1, t, 1e9, 0.05, 0.2, 0.2, eta, 2000); // N_s ≪ S at every t
                var zero = junction.AtBias(0);
                Assert.True(zero.Resistance > 0 && double.IsFinite(zero.Resistance), $"R(0) = {zero.Resistance} at t = {t}");
                Assert.Equal(1 / zero.DifferentialConductance, zero.Resistance, 1e-12);
            }
        }
    }

    /// <summary>R is continuous through v = 0: from v = ±1e-300 up to where v/i is exact, R(v) follows
    /// R(0) + R'(0) v; and it meets v/i (accurate there) where the expansion hands over.</summary>
    [Theory]
    [InlineData(0.0, -1.0)]
    [InlineData(0.3, -1.0)]
    [InlineData(1.0, 1.0)]
    [InlineData(10.0, -1.0)]
    [InlineData(1e4, 1.0)]
    [InlineData(1e6, -1.0)]
    public void Resistance_is_continuous_through_zero_bias(double t, double eta)
    {
        var junction = MtjJunction.Create(1, t, 1e6, 0.05, 0.2, 0.2, eta, 2000);
        var zero = junction.AtBias(0);
        double slope = (junction.AtBias(1e-3).Resistance - junction.AtBias(-1e-3).Resistance) / 2e-3;
        foreach (double sign in (double[])[-1, 1])
        {
            for (int e = -300; e <= -5; e++)
            {
                double v = sign * Math.Pow(10, e);
                double r = junction.AtBias(v).Resistance;
                double expected = zero.Resistance + slope * v;
                Assert.True(Math.Abs(r - expected) <= 1e-9 * Math.Abs(zero.Resistance) + 1e-3 * Math.Abs(slope * v),
                    $"R({v:R}) = {r:R}, expected {expected:R} (t = {t})");
            }
        }
    }

    [Fact]
    public void Mtj_is_outside_where_the_magnon_number_reaches_a_tenth_of_the_spin()
    {
        // Towards swasing: N_s = γ(N0 + Ñ) grows as 1/(1 + v/V_c) at S = 100, t = 1, η = −1 (V_c < 0).
        var model = new MtjModel();
        var junction = MtjJunction.Create(1, 1, 100, 0.05, 0.2, 0.2, -1, 2000);
        double vc = junction.CriticalBias;
        int outside = 0, ok = 0;
        foreach (double fraction in Enumerable.Range(0, 200).Select(k => k / 200.0))
        {
            double v = -fraction * vc; // towards the threshold v → −V_c > 0
            var (status, observables) = ModelHarness.Run(model, ("h", 1), ("T", 1), ("S", 100), ("alpha_p", 0.05), ("J_T", 0.2), ("V", v));
            double ns = junction.AtBias(v).MagnonNumber;
            Assert.Equal(ns < 10 ? PointStatus.Ok : PointStatus.Outside, status);
            if (status == PointStatus.Ok)
            {
                ok++;
                Assert.Equal(ns, observables["Ns"], 1e-12);
            }
            else
            {
                outside++;
            }
        }

        Assert.True(ok > 10 && outside > 10, $"{ok} ok, {outside} outside: the grid must cross the boundary");
        // Beyond the threshold the point stays unstable, not outside.
        Assert.Equal(PointStatus.Unstable, ModelHarness.Run(model, ("h", 1), ("T", 1), ("S", 100), ("alpha_p", 0.05), ("J_T", 0.2), ("V", -1.01 * vc)).Status);
    }

    [Fact]
    public void Junction_is_outside_where_the_magnon_density_reaches_a_tenth_of_the_spin()
    {
        var model = new MagnonJunctionModel();
        int outside = 0, ok = 0;
        foreach (double t in Enumerable.Range(0, 60).Select(k => Math.Pow(10, -2 + k * 0.05)))
        {
            var (status, observables) = ModelHarness.Run(model, ("h", 0.01), ("T", t), ("J_T", 0.05), ("S", 0.5));
            double n = MagnonGas.ThermalFactor(t, 0.5) * Bose.BoseIntegrals.Evaluate(0.01 / t).F15;
            Assert.Equal(n < 0.05 ? PointStatus.Ok : PointStatus.Outside, status);
            if (status == PointStatus.Ok)
            {
                ok++;
                Assert.Equal(n, observables["n_mag"], 1e-12 * n);
            }
            else
            {
                outside++;
            }
        }

        Assert.True(ok > 5 && outside > 5, $"{ok} ok, {outside} outside");
        // A bias that heats one reservoir into the dense gas makes the point outside, though the mean is dilute.
        var mean = ModelHarness.Run(model, ("h", 0.01), ("T", 0.5), ("J_T", 0.05), ("S", 0.5), ("J", 1));
        var hot = ModelHarness.Run(model, ("h", 0.01), ("T", 0.5), ("J_T", 0.05), ("S", 0.5), ("J", 1), ("dT", 0.99));
        Assert.Equal(PointStatus.Ok, mean.Status);
        Assert.Equal(PointStatus.Outside, hot.Status);
    }

    [Fact]
    public void Nf_interface_dense_gas_is_outside_not_invalid()
    {
        var model = new NfInterfaceModel();
        Assert.Equal(PointStatus.Outside, ModelHarness.Run(model, ("h", 1e-3), ("T", 100), ("J_T", 0.1), ("S", 0.5)).Status);
    }

    [Fact]
    public void Spin_chain_is_outside_beyond_the_seeds_temperature_window_and_at_weak_coupling()
    {
        var model = new SpinChainModel();
        (string, double)[] Point(double t2, double g) => [("N", 5), ("T2", t2), ("g", g), ("gamma", 0), ("gamma_I", 0)];
        Assert.Equal(PointStatus.Ok, ModelHarness.Run(model, Point(2, 100)).Status);
        Assert.Equal(PointStatus.Outside, ModelHarness.Run(model, Point(2.01, 100)).Status);
        double alpha = ExchangeCoefficient.Alpha(5, 5, 2 * ChainCouplings.TemperatureUnit);
        double g = alpha / (SpinChainModel.MaxExchangeOverGap * SpinChainModel.ManifoldGap(5));
        Assert.Equal(PointStatus.Ok, ModelHarness.Run(model, Point(2, g * 1.001)).Status);
        Assert.Equal(PointStatus.Outside, ModelHarness.Run(model, Point(2, g * 0.999)).Status);
    }

    [Fact]
    public void Status_names_come_from_one_table()
    {
        Assert.Equal("outside", PointStatus.Outside.ToWireName());
        Assert.Equal((byte)4, (byte)PointStatus.Outside);
        Assert.Equal("0 ok, 1 invalid, 2 critical, 3 unstable, 4 outside", PointStatusNames.CodeList);
        Assert.All(Enum.GetValues<PointStatus>(), s => Assert.False(string.IsNullOrEmpty(s.ToWireName())));
    }
}
