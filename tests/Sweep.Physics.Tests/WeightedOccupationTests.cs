using Sweep.Physics.Bose;

namespace Sweep.Physics.Tests;

public class WeightedOccupationTests
{
    [Theory]
    [InlineData(1.0, 1.0)]
    [InlineData(-0.3, 1.0)]
    [InlineData(0.2, 1.0)]
    [InlineData(0.49, 1.0)]
    [InlineData(0.51, 1.0)]
    [InlineData(-2.5, 0.25)]
    [InlineData(3.0, 4.0)]
    [InlineData(40.0, 0.5)]
    public void Value_and_derivatives_match_the_closed_form_and_finite_differences(double e, double t)
    {
        WeightedOccupation.Evaluate(e, t, out double f, out double f1, out double f2);
        Near.Relative(e / Oracle.Expm1(e / t), f, 1e-14, "ε n_B(ε)");

        double step = 1e-4 * t; // f varies on the scale t
        WeightedOccupation.Evaluate(e + step, t, out double up, out double upSlope, out _);
        WeightedOccupation.Evaluate(e - step, t, out double down, out double downSlope, out _);
        Near.Relative((up - down) / (2 * step), f1, 1e-7, "f'");
        Near.Relative((upSlope - downSlope) / (2 * step), f2, 1e-6, "f''");
    }

    [Theory]
    [InlineData(1.0)]
    [InlineData(0.01)]
    [InlineData(1e-4)]
    [InlineData(250.0)]
    public void Vector_lanes_equal_the_scalar_kernel_in_every_regime(double t)
    {
        // Energies across the series (|u| < 0.5), the closed form of both signs and saturation (|u| > 700),
        // mixed within vectors.
        var random = new Random(41);
        int lanes = System.Numerics.Vector<double>.Count;
        for (int block = 0; block < 2000; block++)
        {
            var energies = new double[lanes];
            for (int l = 0; l < lanes; l++)
            {
                double u = (random.Next(3)) switch { 0 => random.NextDouble() - 0.5, 1 => 20 * random.NextDouble() - 10, _ => 1600 * random.NextDouble() - 800 };
                energies[l] = u * t;
            }

            WeightedOccupationBatch.Evaluate(new System.Numerics.Vector<double>(energies), t, out var f, out var f1, out var f2);
            for (int l = 0; l < lanes; l++)
            {
                WeightedOccupation.Evaluate(energies[l], t, out double value, out double slope, out double curvature);
                double u = energies[l] / t;
                if (Math.Abs(u) < 0.5 || Math.Abs(u) > 700)
                {
                    Assert.Equal(value, f[l]); // the same operations: bitwise
                    Assert.Equal(slope, f1[l]);
                    Assert.Equal(curvature, f2[l]);
                    continue;
                }

                // Only the vector exp differs (≤ 2 ulp); n = q/(1 − q) and g' = n − u n(1 + n) carry it a little further.
                Near.Relative(value, f[l], 4e-15, $"f({energies[l]:R}, {t})");
                Assert.True(Math.Abs(f1[l] - slope) <= 4e-15 * (Math.Abs(slope) + Math.Abs(u) * Math.Abs(slope - 1)) + 1e-300,
                    $"f'({energies[l]:R}, {t}): scalar {slope:R}, vector {f1[l]:R}");
                Assert.True(Math.Abs(f2[l] - curvature) <= 1e-14 * Math.Abs(curvature) + 1e-14 * Math.Abs(slope / t) + 1e-300,
                    $"f''({energies[l]:R}, {t}): scalar {curvature:R}, vector {f2[l]:R}");
            }
        }
    }

    [Fact]
    public void Limits_at_zero_energy_and_zero_temperature()
    {
        WeightedOccupation.Evaluate(0, 0.7, out double f, out double f1, out double f2);
        Assert.Equal(0.7, f, 15);
        Assert.Equal(-0.5, f1, 15);
        Near.Relative(1 / (6 * 0.7), f2, 1e-15, "f''(0) = 1/(6t)");

        WeightedOccupation.Evaluate(-2, 0, out f, out f1, out f2);
        Assert.Equal((2.0, -1.0, 0.0), (f, f1, f2));
        WeightedOccupation.Evaluate(2, 0, out f, out f1, out f2);
        Assert.Equal((0.0, 0.0, 0.0), (f, f1, f2));
        WeightedOccupation.Evaluate(-5, 1e-300, out f, out f1, out _);
        Assert.Equal((5.0, -1.0), (f, f1));
    }
}

internal static class Oracle
{
    /// <summary>e^u − 1 without cancellation (Kahan's trick), only as a test oracle.</summary>
    public static double Expm1(double u)
    {
        double e = Math.Exp(u);
        if (e == 1.0)
        {
            return u;
        }

        double m = e - 1.0;
        return m == -1.0 ? -1.0 : m * u / Math.Log(e);
    }
}
