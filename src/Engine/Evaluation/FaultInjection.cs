using System.Globalization;
using Sweep.Engine.Messages;

namespace Sweep.Engine.Evaluation;

/// <summary>
/// Test hook: makes a worker throw on chosen chunks for their first <see cref="FailingAttempts"/>
/// attempts (all attempts when null). Given on the command line as <c>CHUNKS@ATTEMPTS</c>, e.g.
/// <c>3,17@2</c> (transient) or <c>5@all</c> (permanent).
/// </summary>
public sealed record FaultInjection(IReadOnlySet<long> Chunks, int? FailingAttempts)
{
    public void Check(WorkItem item)
    {
        if (Chunks.Contains(item.Chunk) && (FailingAttempts is not { } n || item.Attempt <= n))
        {
            throw new InjectedFaultException($"injected fault on chunk {item.Chunk}, attempt {item.Attempt}");
        }
    }

    public static FaultInjection Parse(string text)
    {
        string[] parts = text.Split('@');
        if (parts.Length != 2)
        {
            throw new FormatException($"--inject-fault '{text}': expected CHUNKS@ATTEMPTS, e.g. 3,17@2 or 5@all");
        }

        var chunks = new HashSet<long>();
        foreach (string item in parts[0].Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            chunks.Add(long.TryParse(item, NumberStyles.None, CultureInfo.InvariantCulture, out long c) && c >= 0
                ? c
                : throw new FormatException($"--inject-fault: '{item}' is not a chunk number"));
        }

        int? attempts = parts[1] == "all" ? null
            : int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out int n) && n >= 1 ? n
            : throw new FormatException($"--inject-fault: '{parts[1]}' is not a number of attempts or 'all'");
        return new FaultInjection(chunks, attempts);
    }
}

public sealed class InjectedFaultException(string message) : Exception(message);
