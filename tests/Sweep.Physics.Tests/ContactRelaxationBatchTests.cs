using System.Runtime.Intrinsics;
using Sweep.Physics.Bose;
using Sweep.Physics.Junction;

namespace Sweep.Physics.Tests;

/// <summary>The contact's relaxation times SIMD across points (<see cref="ContactRelaxation.Evaluate"/>) on each vector
/// width against the scalar closed forms (<see cref="ContactRelaxation.Compute"/> of the transmission slope and the thermal
/// factor): the same operations in the same order, so the same bits, over the whole range of the integrals (x from 10⁻⁶ to 50)
/// and of the parameters.</summary>
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
        double[] Draw(Func<double> value) => Enumerable.Range(0, count).Select(_ => value()).ToArray();
        var x = Draw(() => Math.Exp(random.NextDouble() * Math.Log(5e7)) * 1e-6); // 10⁻⁶ … 50
        var points = new JunctionPoints(H: new double[count], T: Draw(() => 0.01 + 5 * random.NextDouble()),
            TunnelingExchange: Draw(() => Math.Exp(random.NextDouble() * 8 - 6)), Spin: Draw(() => Math.Exp(random.NextDouble() * 9)),
            Exchange: Draw(() => 0.05 + 3 * random.NextDouble()), FieldBias: new double[count], TemperatureBias: new double[count]);
        var sites = Draw(() => Math.Exp(random.NextDouble() * 20));
        var sets = x.Select(BoseIntegrals.Evaluate).ToArray();

        double[] Column(Func<BoseIntegralSet, double> g) => sets.Select(g).ToArray();
        var tauPlus = new double[count];
        var tauMinus = new double[count];
        ContactRelaxation.Evaluate(Column(f => f.G05), Column(f => f.G1), Column(f => f.G15), Column(f => f.G2), Column(f => f.G25), Column(f => f.G3),
            points, sites, count, tauPlus, tauMinus, width);

        for (int i = 0; i < count; i++)
        {
            double t = points.T[i], j = points.Exchange[i], s = points.Spin[i];
            var scalar = ContactRelaxation.Compute(sets[i], t, JunctionTransport.TransmissionSlope(points.TunnelingExchange[i], s, j),
                MagnonGas.ThermalFactor(t, j * s), sites[i]);
            Assert.True(double.IsFinite(scalar.TauPlus) && scalar.TauPlus >= scalar.TauMinus && scalar.TauMinus > 0, $"x = {x[i]:R}");
            Assert.Equal(BitConverter.DoubleToInt64Bits(scalar.TauPlus), BitConverter.DoubleToInt64Bits(tauPlus[i]));
            Assert.Equal(BitConverter.DoubleToInt64Bits(scalar.TauMinus), BitConverter.DoubleToInt64Bits(tauMinus[i]));
        }
    }

    [Fact]
    public void Columns_shorter_than_the_count_and_unknown_widths_are_refused()
    {
        var five = new double[5];
        var points = new JunctionPoints(five, five, five, five, five, five, five);
        Assert.Throws<ArgumentException>(() => ContactRelaxation.Evaluate(five, five, five, five, five, new double[4], points, five, 5, five, five, 256));
        Assert.Throws<ArgumentException>(() => ContactRelaxation.Evaluate(five, five, five, five, five, five, points, five, 6, five, five, 256));
        Assert.Throws<ArgumentOutOfRangeException>(() => ContactRelaxation.Evaluate(five, five, five, five, five, five, points, five, 5, five, five, 128));
    }
}
