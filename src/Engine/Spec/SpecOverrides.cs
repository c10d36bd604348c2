namespace Sweep.Engine.Spec;

/// <summary>Command-line values that replace the spec's (<c>--output</c>, <c>--max-points</c>, <c>--chunk</c>), and the evaluations of an
/// automatic chunk when a run directory of an earlier version is planned (<see cref="SweepSpec.ChunkEvaluations"/>).</summary>
public sealed record SpecOverrides(string? Output = null, long? MaxPoints = null, int? Chunk = null, int? ChunkEvaluations = null);
