using System.Diagnostics;
using System.Diagnostics.Metrics;
using Sweep.Coordinator.Engine;
using Sweep.Coordinator.Progress;
using Sweep.Engine.Planning;

namespace Sweep.Coordinator.Monitoring;

/// <summary>
/// The run's metrics as its coordinator (or <c>sweep run</c>) sees them: progress of the whole run
/// (resumed chunks included) and what this process did, all read from <see cref="RunCounters"/>
/// at scrape time. Every series is labelled with the run id only; <c>sweep_run_info</c> maps the
/// id to the spec's name and hash.
/// </summary>
public static class RunMetrics
{
    public static void Register(Meter meter, string runId, SweepPlan plan, RunCounters counters)
    {
        var clock = Stopwatch.StartNew();
        var run = new KeyValuePair<string, object?>("run", runId);
        Measurement<long> Long(long value) => new(value, run);
        Measurement<double> Double(double value) => new(value, run);

        meter.CreateObservableGauge("sweep_run_info", () => new Measurement<long>(1, run, new("name", plan.Spec.Name), new("spec_hash", plan.SpecHash[..16])),
            description: "Always 1: the run id's spec name and spec hash.");
        meter.CreateObservableGauge("sweep_run_points", () => Long(counters.TotalEvaluations), description: "Points the run evaluates in all.");
        meter.CreateObservableGauge("sweep_run_points_done", () => Long(counters.DoneEvaluations),
            description: "Points stored so far, including those stored before a restart.");
        meter.CreateObservableGauge("sweep_run_chunks", () => Long(counters.TotalChunks), description: "Chunks the run is split into.");
        meter.CreateObservableGauge("sweep_run_chunks_done", () => Long(counters.DoneChunks),
            description: "Chunks stored so far, including those stored before a restart.");
        meter.CreateObservableGauge("sweep_run_progress_ratio", () => Double(Snapshot(counters, clock).Fraction),
            description: "Fraction of the run's points stored (0 to 1).");
        meter.CreateObservableGauge("sweep_run_eta_seconds", () => Snapshot(counters, clock).EtaSeconds is { } eta ? [Double(eta)] : Array.Empty<Measurement<double>>(),
            description: "Seconds left at this process's average rate; absent until a chunk was stored.");

        meter.CreateObservableCounter("sweep_points_stored", () => Long(counters.DoneEvaluations - counters.ResumedEvaluations),
            description: "Points this process stored into the run store.");
        meter.CreateObservableCounter("sweep_chunks_completed", () => Long(counters.DoneChunks - counters.ResumedChunks),
            description: "Chunks this process stored into the run store.");
        meter.CreateObservableCounter("sweep_chunks_failed", () => Long(counters.FailedChunks),
            description: "Chunks recorded as failed: every attempt failed, or the broker dead-lettered them.");
        meter.CreateObservableCounter("sweep_chunks_retried", () => Long(counters.Retries),
            description: "Chunks dispatched again after a failed attempt or an expired lease.");
        meter.CreateObservableCounter("sweep_chunks_redispatched", () => Long(counters.Redispatches),
            description: "Chunks sent again because the broker may have lost their results (connection recovered, results queue lost).");
        meter.CreateObservableCounter("sweep_chunks_duplicate_dropped", () => Long(counters.DuplicateResults),
            description: "Results dropped because their chunk was already stored (at-least-once delivery).");
        meter.CreateObservableCounter("sweep_messages_malformed", () => Long(counters.MalformedMessages),
            description: "Messages dropped because they did not parse or did not fit the run's plan.");

        meter.CreateObservableGauge("sweep_chunks_in_flight", () => Long(counters.InFlight),
            description: "Chunks dispatched and not yet stored.");
        meter.CreateObservableGauge("sweep_work_queue_depth", () => counters.WorkQueueDepth is { } depth ? [Long(depth)] : Array.Empty<Measurement<long>>(),
            description: "Work items waiting for a worker, as this process sees the work queue.");
        meter.CreateObservableGauge("sweep_workers_connected", () => counters.Workers is { } workers ? [Long(workers)] : Array.Empty<Measurement<long>>(),
            description: "Workers taking this run's work (distributed: consumers on its work queue; embedded: worker actors).");
    }

    private static ProgressSnapshot Snapshot(RunCounters counters, Stopwatch clock) => ProgressSnapshot.Take(counters, clock.Elapsed);
}
