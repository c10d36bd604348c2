using System.Runtime.Intrinsics;
using Sweep.Physics.Bose;
using Sweep.Physics.Junction;

namespace Sweep.Physics.Tests;

/// <summary>The contact's relaxation times SIMD across points (<see cref="ContactRelaxation.Evaluate"/>) on each vector
/// width against the scalar closed forms (<see cref="ContactRelaxation.Compute"/>): the same operations in the same order,
/// so the same bits, over the whole range of the integrals (x from 10⁻⁶ to 50) and of the prefactors.</summary>
public class ContactRelaxationBatchTests
{
    public static TheoryData<int, int> WidthsAndCounts()
    {
        var data = new TheoryData<int, int>();
        foreach (int width in Vector512.IsHardwareAccelerated ? (int[])[256, 512] : [256])
        {
            foreach (int count in (int[])[1, 3, 4, 7, 8, 9, 17, 2003])
            {
                data.Add(width, count);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(WidthsAndCounts))]
    public void Every_point_has_the_scalar_forms_bits(int width, int count)
    {
        var random = new Random(count * 1000 + width);
        var x = Enumerable.Range(0, count).Select(_ => Math.Exp(random.NextDouble() * Math.Log(5e7)) * 1e-6).ToArray();
        var temperature = Enumerable.Range(0, count).Select(_ => 0.01 + 5 * random.NextDouble()).ToArray();
        var slope = Enumerable.Range(0, count).Select(_ => Math.Exp(random.NextDouble() * 20 - 10)).ToArray();
        var lambda = temperature.Select(t => MagnonGas.ThermalFactor(t, 0.1 + random.NextDouble() * 100)).ToArray();
        var sites = Enumerable.Range(0, count).Select(_ => Math.Exp(random.NextDouble() * 20)).ToArray();
        var sets = x.Select(BoseIntegrals.Evaluate).ToArray();

        var prefactor = Enumerable.Range(0, count).Select(i => ContactRelaxation.Prefactor(temperature[i], slope[i], lambda[i], sites[i])).ToArray();
        double[] Column(Func<BoseIntegralSet, double> g) => sets.Select(g).ToArray();
        var tauPlus = new double[count];
        var tauMinus = new double[count];
        ContactRelaxation.Evaluate(Column(f => f.G05), Column(f => f.G1), Column(f => f.G15), Column(f => f.G2), Column(f => f.G25), Column(f => f.G3),
            prefactor, tauPlus, tauMinus, width);

        for (int i = 0; i < count; i++)
        {
            var scalar = ContactRelaxation.Compute(sets[i], temperature[i], slope[i], lambda[i], sites[i]);
            Assert.True(double.IsFinite(scalar.TauPlus) && scalar.TauPlus >= scalar.TauMinus && scalar.TauMinus > 0, $"x = {x[i]:R}");
            Assert.Equal(BitConverter.DoubleToInt64Bits(scalar.TauPlus), BitConverter.DoubleToInt64Bits(tauPlus[i]));
            Assert.Equal(BitConverter.DoubleToInt64Bits(scalar.TauMinus), BitConverter.DoubleToInt64Bits(tauMinus[i]));
        }
    }

    [Fact]
    public void Columns_shorter_than_the_prefactors_and_unknown_widths_are_refused()
    {
        var five = new double[5];
        Assert.Throws<ArgumentException>(() => ContactRelaxation.Evaluate(five, five, five, five, five, new double[4], five, five, five, 256));
        Assert.Throws<ArgumentOutOfRangeException>(() => ContactRelaxation.Evaluate(five, five, five, five, five, five, five, five, five, 128));
    }
}
