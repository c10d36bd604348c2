namespace Sweep.Engine.Spec;

/// <summary>
/// One plot a spec asks for (<c>figures:</c>), rendered by <c>sweep plot RUN --all</c>: observables
/// of one model against <see cref="X"/>, either as one line per observable, one line per value of
/// <see cref="Curves"/>, or as a heatmap over (<see cref="X"/>, <see cref="Heatmap"/>). Every other
/// dimension of the model is fixed by <see cref="At"/> (nearest grid value) or has one value.
/// Dimensions are named as in exports: spec axes, and v, V or t for the inner grid. <see cref="Log"/>
/// lists the log-scaled axes (x, y, z = colour); null: x and the heatmap's y where the spec's grid is log-spaced.
/// </summary>
public sealed record FigureSpec(
    string Name,
    string Model,
    IReadOnlyList<string> Observables,
    string X,
    string? Curves,
    string? Heatmap,
    IReadOnlyList<KeyValuePair<string, double>> At,
    IReadOnlySet<string>? Log,
    FigureRange? Range,
    string? Title,
    string? Caption);

/// <summary>The value range a figure shows (the y axis of lines, the colour of a heatmap); values
/// outside are clipped to the ends of the colour scale or leave the plot area.</summary>
public sealed record FigureRange(double Min, double Max);
