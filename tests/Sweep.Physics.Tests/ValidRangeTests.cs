using Sweep.Physics.Models;

namespace Sweep.Physics.Tests;

/// <summary>The SIMD column check <see cref="ValidRange.ContainsAll"/> against the scalar <see cref="ValidRange.Contains"/>.</summary>
public class ValidRangeTests
{
    public static TheoryData<ValidRange> Ranges => new()
    {
        new ValidRange(0, 1e4),
        new ValidRange(0, 1e4, MinInclusive: false),
        new ValidRange(-2, 2, MaxInclusive: false),
        new ValidRange(double.NegativeInfinity, double.PositiveInfinity),
        ValidRange.OneOf(-1, 1),
    };

    [Theory]
    [MemberData(nameof(Ranges))]
    public void Agrees_with_Contains_for_every_length_and_one_bad_value_anywhere(ValidRange range)
    {
        double[] bad = [double.NaN, double.PositiveInfinity, double.NegativeInfinity, range.Min, range.Max, -3, 1e5, 0.5];
        double inside = range.AllowedValues is { } allowed ? allowed[0] : 1;
        for (int length = 0; length <= 19; length++)
        {
            double[] values = Enumerable.Repeat(inside, length).ToArray();
            Assert.True(range.ContainsAll(values), $"{length} values {inside} in {range}");
            for (int at = 0; at < length; at++)
            {
                foreach (double b in bad)
                {
                    values[at] = b;
                    Assert.Equal(range.Contains(b), range.ContainsAll(values));
                    values[at] = inside;
                }
            }
        }
    }
}
