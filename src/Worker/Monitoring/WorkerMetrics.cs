using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Sweep.Worker.Monitoring;

/// <summary>
/// What evaluating chunks records, wherever the worker actors run (in <c>sweep run</c> or a
/// <c>sweep worker</c>): points and chunks evaluated, evaluation failures and each chunk's
/// evaluation time, labelled by run and model only.
/// </summary>
public sealed class WorkerMetrics
{
    /// <summary>Chunk evaluation times span a millisecond (small mtj chunks) to minutes (a pumped spin chain).</summary>
    public static readonly double[] DurationBuckets = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600];

    private readonly Counter<long> _points, _chunks, _failures;
    private readonly Histogram<double> _duration;

    public WorkerMetrics(Meter meter)
    {
        _points = meter.CreateCounter<long>("sweep_points_evaluated", description: "Points (outer point × inner grid value) evaluated by this process.");
        _chunks = meter.CreateCounter<long>("sweep_chunks_evaluated", description: "Chunks evaluated by this process (a redelivered chunk counts again).");
        _failures = meter.CreateCounter<long>("sweep_chunk_evaluation_failures",
            description: "Chunk evaluations that threw (the coordinator retries them up to --max-attempts).");
        _duration = meter.CreateHistogram("sweep_chunk_duration_seconds", unit: "s", description: "Wall time to evaluate one chunk, in seconds.",
            tags: null, advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = DurationBuckets });
    }

    /// <summary>Creates the run's counters at 0 for each model, so that rates and increases see a
    /// failure counter before the first failure (Prometheus' advice for known label sets).</summary>
    public void Serving(string run, IEnumerable<string> models)
    {
        foreach (string model in models)
        {
            var labels = Labels(run, model);
            _points.Add(0, labels);
            _chunks.Add(0, labels);
            _failures.Add(0, labels);
        }
    }

    public void Evaluated(string run, string model, int points, TimeSpan elapsed)
    {
        var labels = Labels(run, model);
        _points.Add(points, labels);
        _chunks.Add(1, labels);
        _duration.Record(elapsed.TotalSeconds, labels);
    }

    public void Failed(string run, string model) => _failures.Add(1, Labels(run, model));

    private static TagList Labels(string run, string model) => new() { { "run", run }, { "model", model } };
}
