namespace Sweep.Physics.Models;

/// <summary>One input of a model: its name, unit, default (null: required), valid range and meaning.</summary>
public sealed record ParameterSpec(string Name, string Unit, double? Default, ValidRange Range, string Description)
{
    public bool IsRequired => Default is null;

    /// <summary>The range check, phrased for a user: names the parameter and its valid range.</summary>
    public PointCheck Check(double value) => Range.Contains(value)
        ? PointCheck.Ok
        : PointCheck.Invalid($"parameter '{Name}' = {ValidRange.Format(value)} is outside its valid range {Range}");
}
