using System.Text.RegularExpressions;

namespace Sweep.Engine.Actors;

/// <summary>
/// Which of Akka's own warnings reach stderr: one that repeats an earlier one (same source, same text but for
/// bracketed counters such as "after [88] attempts") within <see cref="Window"/> is counted instead of printed, and
/// the next one printed says how many were held back. A worker waiting for its coordinator otherwise wrote two
/// warnings every 0.2 s, 34 000 lines an hour (docs/ENGINE.md, "Cluster"). Errors and our own actors' warnings are
/// always printed (<see cref="StandardErrorLogger"/>).
/// </summary>
public sealed partial class RepeatedWarnings
{
    public static readonly TimeSpan Window = TimeSpan.FromSeconds(60);

    /// <summary>Kinds remembered at most; more (never seen so far) start the count afresh.</summary>
    private const int MaxKinds = 1024;

    private readonly Dictionary<string, (DateTime Printed, int HeldBack)> _kinds = [];

    /// <summary>The line to print for this warning (with the count of those held back since the last of its kind was
    /// printed), or null to hold it back.</summary>
    public string? Admit(string source, string line, DateTime now)
    {
        string kind = source + "\n" + Counter().Replace(line, "[#]");
        if (_kinds.TryGetValue(kind, out var last) && now - last.Printed < Window)
        {
            _kinds[kind] = last with { HeldBack = last.HeldBack + 1 };
            return null;
        }

        if (_kinds.Count >= MaxKinds)
        {
            _kinds.Clear();
        }

        _kinds[kind] = (now, 0);
        return last.HeldBack > 0 ? $"{line} ({last.HeldBack} more like it in the {Window.TotalSeconds:0} s before, not shown)" : line;
    }

    [GeneratedRegex(@"\[\d+\]")]
    private static partial Regex Counter();
}
