namespace Sweep.Engine.Spec;

/// <summary>Command-line values that replace the spec's (<c>--output</c>, <c>--max-points</c>, <c>--chunk</c>).</summary>
public sealed record SpecOverrides(string? Output = null, long? MaxPoints = null, int? Chunk = null);
