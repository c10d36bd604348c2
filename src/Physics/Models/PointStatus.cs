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

    /// <summary>The input is legal but the point lies beyond the model's approximations (a dense
    /// magnon gas, N_s not ≪ S, manifolds no longer decoupled: PHYSICS.md §6), so its numbers would not be physics.</summary>
    Outside = 4,
}

/// <summary>Wire names of <see cref="PointStatus"/>, as JSON and exports spell them: the one table
/// every output (eval, CSV, NPZ documentation, `sweep models`) uses.</summary>
public static class PointStatusNames
{
    /// <summary>Every status with its wire name and meaning, in code order.</summary>
    public static IReadOnlyList<(PointStatus Status, string Name, string Meaning)> All { get; } =
    [
        (PointStatus.Ok, "ok", "every observable is a number"),
        (PointStatus.Invalid, "invalid", "a parameter is outside its valid range"),
        (PointStatus.Critical, "critical", "at the magnonic critical point h = 0 (or T ≤ T_c for pair tunneling)"),
        (PointStatus.Unstable, "unstable", "no steady state: beyond the swasing threshold 1 + v/V_c ≤ 0"),
        (PointStatus.Outside, "outside", "legal input beyond the model's validity (PHYSICS.md §6)"),
    ];

    public static string ToWireName(this PointStatus status)
    {
        foreach (var entry in All)
        {
            if (entry.Status == status)
            {
                return entry.Name;
            }
        }

        throw new ArgumentOutOfRangeException(nameof(status), status, null);
    }

    /// <summary>"0 ok, 1 invalid, …" for help texts and export documentation.</summary>
    public static string CodeList => string.Join(", ", All.Select(e => $"{(byte)e.Status} {e.Name}"));

    /// <summary>"ok|invalid|…".</summary>
    public static string NameList => string.Join("|", All.Select(e => e.Name));
}
