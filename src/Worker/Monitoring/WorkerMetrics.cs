using Prometheus;
using Sweep.Monitoring;

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

    private static readonly string[] LabelNames = ["model", "run"];

    private readonly Counter _points, _chunks, _failures;
    private readonly Histogram _duration;

    public WorkerMetrics(MetricsHost host)
    {
        var factory = host.Factory;
        _points = factory.CreateCounter("sweep_points_evaluated_total", "Points (outer point × inner grid value) evaluated by this process.", LabelNames);
        _chunks = factory.CreateCounter("sweep_chunks_evaluated_total", "Chunks evaluated by this process (a redelivered chunk counts again).", LabelNames);
        _failures = factory.CreateCounter("sweep_chunk_evaluation_failures_total",
            "Chunk evaluations that threw (the coordinator retries them up to --max-attempts).", LabelNames);
        _duration = factory.CreateHistogram("sweep_chunk_duration_seconds", "Wall time to evaluate one chunk, in seconds.", LabelNames,
            new HistogramConfiguration { Buckets = DurationBuckets });
    }

    /// <summary>Creates the run's counters at 0 for each model, so that rates and increases see a
    /// failure counter before the first failure (Prometheus' advice for known label sets).</summary>
    public void Serving(string run, IEnumerable<string> models)
    {
        foreach (string model in models)
        {
            _points.WithLabels(model, run).Publish();
            _chunks.WithLabels(model, run).Publish();
            _failures.WithLabels(model, run).Publish();
        }
    }

    public void Evaluated(string run, string model, int points, TimeSpan elapsed)
    {
        _points.WithLabels(model, run).Inc(points);
        _chunks.WithLabels(model, run).Inc();
        _duration.WithLabels(model, run).Observe(elapsed.TotalSeconds);
    }

    public void Failed(string run, string model) => _failures.WithLabels(model, run).Inc();
}
