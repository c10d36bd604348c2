using System.Collections;
using Akka.Actor;
using Sweep.Coordinator.Engine;
using Sweep.Coordinator.Store;
using Sweep.Engine.Messages;
using Sweep.Engine.Planning;
using Sweep.Worker.Actors;

namespace Sweep.Cli.Tests.Actors;

/// <summary>Coordinator, aggregator and worker actors together under the run's supervisor, on an in-memory store.</summary>
public class RunActorsTests : ActorTestKit
{
    private (IActorRef Supervisor, Task<string?> Completed, CoordinatorReady Refs) Start(SweepPlan plan, MemoryStore store, RunOptions options,
        RunCounters counters, Func<string, SweepPlan?> plans)
    {
        var ready = new TaskCompletionSource<CoordinatorReady>(TaskCreationOptions.RunContinuationsAsynchronously);
        var completed = new TaskCompletionSource<string?>(TaskCreationOptions.RunContinuationsAsynchronously);
        var coordinator = CoordinatorActor.Props(plan, "run", new BitArray((int)plan.TotalChunks), AggregatorActor.Props(plan, store), options, counters);
        var supervisor = Sys.ActorOf(RunSupervisorActor.Props(coordinator,
            (c, a) => WorkerPoolActor.Props(options.Workers, "test", plans, c, a, c, options.Faults), ready, completed));
        Assert.True(ready.Task.Wait(TimeSpan.FromSeconds(10)));
        return (supervisor, completed.Task, ready.Task.Result);
    }

    [Fact]
    public async Task With_a_slow_store_no_mailbox_grows_beyond_the_window_and_every_chunk_is_stored()
    {
        var plan = SmallPlan(points: 120);
        var store = new MemoryStore(TimeSpan.FromMilliseconds(20)); // the workers are ~100× faster than this store
        var options = new RunOptions { Workers = 2, DispatchWindow = 6 };
        var counters = new RunCounters(plan.TotalChunks, plan.TotalEvaluations);
        var (_, completed, refs) = Start(plan, store, options, counters, _ => plan);

        int maxAggregator = 0, maxCoordinator = 0;
        long maxInFlight = 0;
        while (!completed.IsCompleted)
        {
            maxAggregator = Math.Max(maxAggregator, MailboxDepth(refs.Aggregator));
            maxCoordinator = Math.Max(maxCoordinator, MailboxDepth(refs.Coordinator));
            maxInFlight = Math.Max(maxInFlight, counters.InFlight);
            await Task.Delay(2);
        }

        Assert.Null(await completed);
        Assert.Equal(120, store.Stored.Count);
        Assert.Equal(plan.TotalChunks, counters.DoneChunks);
        // Results waiting to be stored (plus the aggregator's own flush note) never exceed the window.
        Assert.InRange(maxAggregator, 1, options.WindowFor(plan) + 1);
        Assert.InRange(maxInFlight, 1, options.WindowFor(plan));
        Assert.InRange(maxCoordinator, 0, options.WindowFor(plan) + options.Workers + 2);
    }

    [Fact]
    public async Task A_crashing_worker_is_restarted_its_chunk_retried_and_the_run_completes()
    {
        var plan = SmallPlan(points: 8);
        var store = new MemoryStore(TimeSpan.Zero);
        var options = new RunOptions { Workers = 2, DispatchWindow = 4, MaxAttempts = 2 };
        var counters = new RunCounters(plan.TotalChunks, plan.TotalEvaluations);
        int lookups = 0;
        var threads = new System.Collections.Concurrent.ConcurrentBag<(bool Pool, string? Name)>();
        // Looking up the plan is not evaluation: when it throws, the worker actor itself crashes.
        SweepPlan? Plans(string hash)
        {
            threads.Add((Thread.CurrentThread.IsThreadPoolThread, Thread.CurrentThread.Name));
            return Interlocked.Increment(ref lookups) == 1 ? throw new InvalidOperationException("worker bug") : plan;
        }

        var (_, completed, _) = Start(plan, store, options, counters, Plans);
        Assert.Null(await completed.WaitAsync(TimeSpan.FromSeconds(20)));
        Assert.Equal(8, store.Stored.Count);
        Assert.Equal(1, counters.Retries); // the crashed worker's chunk, reported failed by the worker before its restart
        Assert.Empty(store.Failed);
        Assert.All(threads, t => Assert.False(t.Pool)); // evaluation runs on the workers' own threads, never the .NET pool
    }

    [Fact]
    public async Task A_chunk_that_always_fails_is_abandoned_and_the_others_are_stored()
    {
        var plan = SmallPlan(points: 5);
        var store = new MemoryStore(TimeSpan.Zero);
        var options = new RunOptions
        {
            Workers = 2, MaxAttempts = 3, Faults = Sweep.Engine.Evaluation.FaultInjection.Parse("3@all"),
        };
        var counters = new RunCounters(plan.TotalChunks, plan.TotalEvaluations);
        var (_, completed, _) = Start(plan, store, options, counters, _ => plan);
        Assert.Null(await completed.WaitAsync(TimeSpan.FromSeconds(20)));
        Assert.Equal([0L, 1, 2, 4], store.Stored.Order());
        Assert.Equal([3L], store.Failed);
        Assert.Equal((2L, 1L), (counters.Retries, counters.FailedChunks));
    }

    [Fact]
    public async Task A_storage_failure_ends_the_run_with_its_exception()
    {
        var plan = SmallPlan(points: 4);
        var options = new RunOptions { Workers = 1 };
        var counters = new RunCounters(plan.TotalChunks, plan.TotalEvaluations);
        var (_, completed, _) = Start(plan, new FailingStore(), options, counters, _ => plan);
        var failure = await Assert.ThrowsAsync<IOException>(() => completed.WaitAsync(TimeSpan.FromSeconds(20)));
        Assert.Equal("disk full", failure.Message);
    }

    private sealed class FailingStore() : MemoryStore(TimeSpan.Zero)
    {
        public override PlacedBatch Place(IReadOnlyList<ChunkResult> results, Func<int, string> modelName, IReadOnlySet<long> pending) =>
            throw new IOException("disk full");
    }
}
