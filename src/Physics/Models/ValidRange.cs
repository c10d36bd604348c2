using System.Globalization;

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
