namespace Sweep.Engine.Spec;

/// <summary>A validated sweep spec (see <c>sweep schema</c>). Built only by <see cref="SpecParser"/>,
/// so every instance names registered models and in-range values.</summary>
public sealed record SweepSpec(
    string Name,
    IReadOnlyList<string> Models,
    IReadOnlyList<AxisSpec> Axes,
    IReadOnlyList<KeyValuePair<string, double>> Constants,
    BiasSpec? Bias,
    AxisSpec? Time,
    IReadOnlyList<string>? Observables,
    int? Chunk,
    string Output,
    long MaxPoints)
{
    /// <summary>Plans above this many evaluations are refused unless the spec raises <c>max_points</c>.</summary>
    public const long DefaultMaxPoints = 100_000_000;

    /// <summary>The inner grid a model is evaluated over: <c>bias</c> for mtj's V, <c>time</c> for
    /// spin-chain's t; null for a model without an inner axis or when the spec gives no grid.</summary>
    public AxisSpec? InnerGridFor(Physics.Models.Model model) => model.InnerAxis switch
    {
        BiasParameter => Bias?.Axis,
        TimeParameter => Time,
        _ => null,
    };

    /// <summary>The spec key that holds a model's inner grid ("bias" or "time").</summary>
    public static string InnerGridKey(string innerAxis) => innerAxis == TimeParameter ? "time" : "bias";

    public const string BiasParameter = "V";

    public const string TimeParameter = "t";

    /// <summary>Evaluations an automatic chunk holds; null: sized by its result bytes (<see cref="Planning.ModelPlan.AutomaticChunkEvaluations"/>).
    /// Set only to plan a run directory made when every automatic chunk held <see cref="Planning.ModelPlan.FormerChunkEvaluations"/>.</summary>
    public int? ChunkEvaluations { get; init; }

    /// <summary>The YAML text the spec was parsed from (kept in the run store, re-parsed by status and export).</summary>
    public string SourceText { get; init; } = "";

    /// <summary>The plots the spec declares (<c>figures:</c>); they do not change the plan or its hash.</summary>
    public IReadOnlyList<FigureSpec> Figures { get; init; } = [];

    /// <summary>The <c>adaptive:</c> section, or null for a plain grid run.</summary>
    public AdaptiveSpec? Adaptive { get; init; }

    /// <summary>The name of a model's inner dimension in exports and in <c>adaptive.axes</c>: v (bias in
    /// units of h), V (absolute bias) or t (time); null without an inner grid.</summary>
    public string? InnerDimension(Physics.Models.Model model) => InnerGridFor(model) is null ? null
        : model.InnerAxis == BiasParameter && Bias?.Unit == BiasUnit.Field ? "v" : model.InnerAxis;
}

public enum AxisKind
{
    Lin,
    Log,
    Values,
}

/// <summary>One swept parameter: n points linearly or logarithmically from start to end (both
/// included, end exact), or an explicit list of values.</summary>
public sealed record AxisSpec(string Parameter, AxisKind Kind, double Start, double End, int Count, IReadOnlyList<double> Values)
{
    public static AxisSpec Lin(string parameter, double start, double end, int count) => new(parameter, AxisKind.Lin, start, end, count, []);

    public static AxisSpec Log(string parameter, double start, double end, int count) => new(parameter, AxisKind.Log, start, end, count, []);

    public static AxisSpec List(string parameter, IReadOnlyList<double> values) => new(parameter, AxisKind.Values, values[0], values[^1], values.Count, values);

    /// <summary>The i-th value, 0 ≤ i &lt; Count. The same i gives the same bits on every machine.</summary>
    public double ValueAt(int i)
    {
        if (Kind == AxisKind.Values)
        {
            return Values[i];
        }

        if (i == 0 || Count == 1)
        {
            return Start;
        }

        if (i == Count - 1)
        {
            return End;
        }

        double fraction = (double)i / (Count - 1);
        return Kind == AxisKind.Lin
            ? Start + (End - Start) * fraction
            : Math.Exp(Math.Log(Start) + (Math.Log(End) - Math.Log(Start)) * fraction);
    }

    /// <summary>All values, in order.</summary>
    public double[] ToArray() => Enumerable.Range(0, Count).Select(ValueAt).ToArray();
}

/// <summary>How the bias grid of a model with an inner axis is given.</summary>
public enum BiasUnit
{
    /// <summary>In units of h: the grid holds v = V/h and V = v h at each point.</summary>
    Field,

    /// <summary>Absolute energies: the grid holds V itself.</summary>
    Absolute,
}

/// <summary>The inner bias grid (<c>mtj</c>'s V): an axis plus its unit.</summary>
public sealed record BiasSpec(AxisSpec Axis, BiasUnit Unit);
