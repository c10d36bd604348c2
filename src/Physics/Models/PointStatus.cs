namespace Sweep.Physics.Models;

/// <summary>What became of one evaluated point. Anything but <see cref="Ok"/> carries no numbers.</summary>
public enum PointStatus : byte
{
    /// <summary>All observables are numbers.</summary>
    Ok = 0,

    /// <summary>A parameter is outside its valid range (or not a finite number).</summary>
    Invalid = 1,

    /// <summary>At the magnonic critical point h → 0, where L11 diverges (PHYSICS.md §0–§1).</summary>
    Critical = 2,

    /// <summary>No steady state: the effective damping 1 + v/V_c ≤ 0 (swasing, PHYSICS.md §2).</summary>
    Unstable = 3,
}

/// <summary>Wire names of <see cref="PointStatus"/>, as JSON and exports spell them.</summary>
public static class PointStatusNames
{
    public static string ToWireName(this PointStatus status) => status switch
    {
        PointStatus.Ok => "ok",
        PointStatus.Invalid => "invalid",
        PointStatus.Critical => "critical",
        PointStatus.Unstable => "unstable",
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, null),
    };
}
