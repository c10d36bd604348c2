namespace Sweep.Engine.Spec;

/// <summary>
/// The spec's <c>adaptive:</c> section: which axes are refined (the others stay grid axes), the
/// observables whose variation drives the refinement and in which scale, the resolution per axis,
/// the point budget and the stopping tolerance. The spec's grid is the coarsest level (docs/ADAPTIVE.md).
/// </summary>
public sealed record AdaptiveSpec(IReadOnlyList<AdaptiveAxis> Axes, IReadOnlyList<AdaptiveObservable> Observables, long Budget, double Tolerance)
{
    /// <summary>Most refined axes: a point's lattice coordinates pack into one 64-bit key.</summary>
    public const int MaxAxes = 3;

    /// <summary>Most lattice cells along one refined axis (coarse cells × 2^levels).</summary>
    public const int MaxLatticeCells = 1 << 20;
}

/// <summary>A refined axis: a spec axis's parameter, or the model's inner grid (v, V or t), and the
/// smallest cell size refinement may reach (parameter units; decades for a log axis).</summary>
public sealed record AdaptiveAxis(string Name, double Resolution);

public enum AdaptiveScale
{
    /// <summary>The value itself, divided by its range over the points so far.</summary>
    Lin,

    /// <summary>log10 |value|: relative changes count.</summary>
    Log,
}

public sealed record AdaptiveObservable(string Name, AdaptiveScale Scale);
