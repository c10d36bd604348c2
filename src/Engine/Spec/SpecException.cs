namespace Sweep.Engine.Spec;

/// <summary>A spec that cannot be run: names the field (e.g. <c>axes.h.n</c>) and, when known,
/// the YAML line. Maps to exit code 65.</summary>
public sealed class SpecException(string field, int? line, string reason)
    : Exception(line is { } l ? $"spec error at line {l}, field '{field}': {reason}" : $"spec error, field '{field}': {reason}")
{
    public string Field { get; } = field;

    public int? Line { get; } = line;

    public string Reason { get; } = reason;
}
