namespace Sweep.Physics.Models;

/// <summary>The verdict on one point before evaluation: <see cref="PointStatus.Ok"/>, or why not.</summary>
public readonly record struct PointCheck(PointStatus Status, string? Message)
{
    public static PointCheck Ok => default;

    public bool IsOk => Status == PointStatus.Ok;

    public static PointCheck Invalid(string message) => new(PointStatus.Invalid, message);

    public static PointCheck Critical(string message) => new(PointStatus.Critical, message);

    public static PointCheck Unstable(string message) => new(PointStatus.Unstable, message);

    public static PointCheck Outside(string message) => new(PointStatus.Outside, message);
}
