using System.Diagnostics;
using Prometheus;
using Sweep.Coordinator.Engine;
using Sweep.Coordinator.Progress;
using Sweep.Engine.Planning;
using Sweep.Monitoring;

namespace Sweep.Coordinator.Monitoring;

/// <summary>
/// The run's metrics as its coordinator (or <c>sweep run</c>) sees them: progress of the whole run
/// (resumed chunks included) and what this process did, all read from <see cref="RunCounters"/>
/// before each scrape. Every series is labelled with the run id only; <c>sweep_run_info</c> maps the
/// id to the spec's name and hash.
/// </summary>
public static class RunMetrics
{
    public static void Register(MetricsHost host, string runId, SweepPlan plan, RunCounters counters)
    {
        var clock = Stopwatch.StartNew();
        var factory = host.Factory;
        string[] run = ["run"];
        Gauge.Child Gauge(string name, string help, bool absentUntilSet = false) =>
            factory.CreateGauge(name, help, run, new GaugeConfiguration { SuppressInitialValue = absentUntilSet }).WithLabels(runId);
        Counter.Child Counter(string name, string help) => factory.CreateCounter(name, help, run).WithLabels(runId);

        factory.CreateGauge("sweep_run_info", "Always 1: the run id's spec name and spec hash.", ["run", "name", "spec_hash"])
            .WithLabels(runId, plan.Spec.Name, plan.SpecHash[..16]).Set(1);
        var points = Gauge("sweep_run_points", "Points the run evaluates in all.");
        var pointsDone = Gauge("sweep_run_points_done", "Points stored so far, including those stored before a restart.");
        var chunks = Gauge("sweep_run_chunks", "Chunks the run is split into.");
        var chunksDone = Gauge("sweep_run_chunks_done", "Chunks stored so far, including those stored before a restart.");
        var progress = Gauge("sweep_run_progress_ratio", "Fraction of the run's points stored (0 to 1).");
        var eta = Gauge("sweep_run_eta_seconds", "Seconds left at this process's average rate; absent until a chunk was stored.", absentUntilSet: true);

        var stored = Counter("sweep_points_stored_total", "Points this process stored into the run store.");
        var completed = Counter("sweep_chunks_completed_total", "Chunks this process stored into the run store.");
        var failed = Counter("sweep_chunks_failed_total", "Chunks recorded as failed: every attempt failed.");
        var retried = Counter("sweep_chunks_retried_total", "Chunks dispatched again after a failed attempt or an expired lease.");
        var redispatched = Counter("sweep_chunks_redispatched_total",
            "Chunks sent again at once because the worker node holding them left the cluster.");
        var duplicates = Counter("sweep_chunks_duplicate_dropped_total", "Results dropped because their chunk was already stored (at-least-once delivery).");
        var malformed = Counter("sweep_messages_malformed_total", "Messages dropped because they did not parse or did not fit the run's plan.");

        var inFlight = Gauge("sweep_chunks_in_flight", "Chunks dispatched and not yet stored.");
        var pending = Gauge("sweep_chunks_pending", "Chunks neither stored nor abandoned: waiting to be dispatched or in flight (what workers are needed for).");
        var queueDepth = Gauge("sweep_work_queue_depth", "Work items waiting for a worker, as this process sees the work queue.", absentUntilSet: true);
        var workers = Gauge("sweep_workers_connected",
            "Workers taking this run's work (cluster: worker nodes Up; embedded: worker actors).", absentUntilSet: true);

        host.BeforeScrape(() =>
        {
            var snapshot = ProgressSnapshot.Take(counters, clock.Elapsed);
            points.Set(counters.TotalEvaluations);
            pointsDone.Set(counters.DoneEvaluations);
            chunks.Set(counters.TotalChunks);
            chunksDone.Set(counters.DoneChunks);
            progress.Set(snapshot.Fraction);
            SetOrRemove(eta, snapshot.EtaSeconds);

            stored.IncTo(counters.DoneEvaluations - counters.ResumedEvaluations);
            completed.IncTo(counters.DoneChunks - counters.ResumedChunks);
            failed.IncTo(counters.FailedChunks);
            retried.IncTo(counters.Retries);
            redispatched.IncTo(counters.Redispatches);
            duplicates.IncTo(counters.DuplicateResults);
            malformed.IncTo(counters.MalformedMessages);

            inFlight.Set(counters.InFlight);
            pending.Set(counters.Pending);
            SetOrRemove(queueDepth, counters.WorkQueueDepth);
            SetOrRemove(workers, counters.Workers);
        });
    }

    /// <summary>A series that is unknown for now is absent rather than 0 (a 0 would read as a fact).</summary>
    private static void SetOrRemove(Gauge.Child gauge, double? value)
    {
        if (value is { } known)
        {
            gauge.Set(known);
        }
        else
        {
            gauge.Unpublish();
        }
    }
}
