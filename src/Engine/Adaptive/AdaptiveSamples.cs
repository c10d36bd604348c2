using Sweep.Engine.Spec;

namespace Sweep.Engine.Adaptive;

/// <summary>
/// What the refinement knows of the evaluated points: per point (by lattice key), the status and the
/// value of each driving observable at every evaluation of the point (the unrefined axes × inner grid).
/// </summary>
public sealed class AdaptiveSamples(int evaluationsPerPoint, int observables)
{
    private readonly Dictionary<long, int> _index = [];
    private readonly List<byte> _status = [];
    private readonly List<double>[] _values = Enumerable.Range(0, observables).Select(_ => new List<double>()).ToArray();

    public int EvaluationsPerPoint { get; } = evaluationsPerPoint;

    public int Observables => _values.Length;

    public int Count => _index.Count;

    public bool Contains(long key) => _index.ContainsKey(key);

    /// <summary>Adds a point: <paramref name="status"/> and each observable's <paramref name="values"/> over its evaluations.</summary>
    public void Add(long key, ReadOnlySpan<byte> status, IReadOnlyList<double[]> values, int offset)
    {
        if (!_index.TryAdd(key, _index.Count))
        {
            throw new ArgumentException($"point {key} is already known", nameof(key));
        }

        for (int e = 0; e < EvaluationsPerPoint; e++)
        {
            _status.Add(status[offset + e]);
        }

        for (int o = 0; o < _values.Length; o++)
        {
            for (int e = 0; e < EvaluationsPerPoint; e++)
            {
                _values[o].Add(values[o][offset + e]);
            }
        }
    }

    public byte Status(long key, int evaluation) => _status[_index[key] * EvaluationsPerPoint + evaluation];

    public double Value(long key, int observable, int evaluation) => _values[observable][_index[key] * EvaluationsPerPoint + evaluation];

    /// <summary>The value in the refinement's scale: log10 |y| for a log observable (non-finite at 0),
    /// y ÷ <paramref name="range"/> for a linear one.</summary>
    public double Scaled(long key, int observable, int evaluation, AdaptiveScale scale, double range)
    {
        double y = Value(key, observable, evaluation);
        return scale == AdaptiveScale.Log ? Math.Log10(Math.Abs(y)) : y / range;
    }

    /// <summary>max − min of a linear observable over every finite value of an ok evaluation (1 where that is 0 or there are none).</summary>
    public double Range(int observable)
    {
        double min = double.PositiveInfinity, max = double.NegativeInfinity;
        var values = _values[observable];
        for (int i = 0; i < values.Count; i++)
        {
            if (_status[i] == 0 && double.IsFinite(values[i]))
            {
                min = Math.Min(min, values[i]);
                max = Math.Max(max, values[i]);
            }
        }

        return max > min ? max - min : 1;
    }
}
