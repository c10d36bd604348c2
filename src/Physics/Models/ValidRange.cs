using System.Globalization;
using System.Numerics;
using System.Runtime.CompilerServices;

namespace Sweep.Physics.Models;

/// <summary>An interval of valid parameter values, each end open or closed, optionally restricted
/// to a set of allowed values (η ∈ {−1, +1}).</summary>
public sealed record ValidRange(double Min, double Max, bool MinInclusive = true, bool MaxInclusive = true)
{
    public IReadOnlyList<double>? AllowedValues { get; init; }

    public static ValidRange OneOf(params double[] values) =>
        new(values.Min(), values.Max()) { AllowedValues = values };

    /// <summary>True for finite values inside the interval (and in the allowed set, if any).</summary>
    public bool Contains(double value)
    {
        if (!double.IsFinite(value))
        {
            return false;
        }

        if (AllowedValues is not null)
        {
            return AllowedValues.Contains(value);
        }

        bool aboveMin = MinInclusive ? value >= Min : value > Min;
        bool belowMax = MaxInclusive ? value <= Max : value < Max;
        return aboveMin && belowMax;
    }

    /// <summary>True when every value passes <see cref="Contains"/>: SIMD across the values for an
    /// interval (the batch path's range check of whole parameter columns, most of them in range).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // hot: optimised from the first call (no tier-0 phase)
    public bool ContainsAll(ReadOnlySpan<double> values)
    {
        int i = 0;
        if (AllowedValues is null)
        {
            // The interval as closed bounds on finite doubles: v > a ⟺ v ≥ next(a); NaN and ±∞ then
            // fail the two comparisons, so no separate finiteness test is needed.
            double low = Math.Max(MinInclusive ? Min : Math.BitIncrement(Min), double.MinValue);
            double high = Math.Min(MaxInclusive ? Max : Math.BitDecrement(Max), double.MaxValue);
            var min = new Vector<double>(low);
            var max = new Vector<double>(high);
            var inside = Vector<long>.AllBitsSet;
            for (; i + Vector<double>.Count <= values.Length; i += Vector<double>.Count)
            {
                var v = new Vector<double>(values[i..]);
                inside &= Vector.GreaterThanOrEqual(v, min) & Vector.LessThanOrEqual(v, max);
            }

            if (!Vector.EqualsAll(inside, Vector<long>.AllBitsSet))
            {
                return false;
            }
        }

        for (; i < values.Length; i++)
        {
            if (!Contains(values[i]))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Interval notation, e.g. "(0, 1000]" or "{-1, 1}".</summary>
    public override string ToString()
    {
        if (AllowedValues is not null)
        {
            return "{" + string.Join(", ", AllowedValues.Select(Format)) + "}";
        }

        return (MinInclusive ? "[" : "(") + Format(Min) + ", " + Format(Max) + (MaxInclusive ? "]" : ")");
    }

    internal static string Format(double value) => value.ToString("R", CultureInfo.InvariantCulture);
}
