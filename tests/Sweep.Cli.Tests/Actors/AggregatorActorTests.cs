using Akka.Actor;
using Sweep.Coordinator.Engine;
using Sweep.Coordinator.Store;
using Sweep.Engine.Evaluation;
using Sweep.Engine.Messages;

namespace Sweep.Cli.Tests.Actors;

/// <summary>The aggregator against a real run store, with the coordinator a probe.</summary>
public sealed class AggregatorActorTests : ActorTestKit, IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("sweep-aggregator-").FullName;

    [Fact]
    public void A_duplicate_result_is_dropped_and_reported_as_such_and_the_stored_values_are_the_first()
    {
        var plan = SmallPlan();
        using var store = RunStore.Create(Path.Combine(_directory, RunStore.FileName), plan.SpecHash, plan.Spec.SourceText, null, ArrayLayout.From(plan));
        var coordinator = CreateTestProbe();
        var committed = new List<long>();
        var aggregator = Sys.ActorOf(AggregatorActor.Props(plan, store, coordinator, stored: r => committed.Add(r.Item.Chunk)));
        var evaluator = new ChunkEvaluator(plan);
        var (start, count) = plan.Models[0].ChunkRange(2);
        var item = new WorkItem("run", plan.SpecHash, 2, 0, start, count, 1);
        var result = evaluator.Evaluate(item, "w");
        double[] expected = result.Observable(0).ToArray();

        aggregator.Tell(result);
        Assert.Equal(new ChunkStored(2, result.Evaluations, Duplicate: false), coordinator.ExpectMsg<ChunkStored>());
        var again = evaluator.Evaluate(item with { Attempt = 2 }, "w2");
        again.Buffer.Span[..again.ValueBytes].Fill(0xFF); // a different value under the same chunk: must not overwrite
        aggregator.Tell(again);
        Assert.Equal(new ChunkStored(2, result.Evaluations, Duplicate: true), coordinator.ExpectMsg<ChunkStored>());

        var read = new double[result.Evaluations];
        Assert.True(store.ReadObservable(2, 0, read));
        Assert.Equal(expected, read);
        Assert.Equal([2L, 2L], committed); // both acknowledged (a duplicate's delivery is done with too)
    }

    [Fact]
    public void Results_that_arrive_together_are_stored_in_one_batch_and_abandoned_chunks_recorded()
    {
        var plan = SmallPlan(points: 150);
        var store = new GatedStore(TimeSpan.FromMilliseconds(50));
        var coordinator = CreateTestProbe();
        var aggregator = Sys.ActorOf(AggregatorActor.Props(plan, store, coordinator));
        var evaluator = new ChunkEvaluator(plan);
        var results = Enumerable.Range(0, 150).Select(chunk =>
        {
            var (start, count) = plan.Models[0].ChunkRange(chunk);
            return evaluator.Evaluate(new WorkItem("run", plan.SpecHash, chunk, 0, start, count, 1), "w");
        }).ToList();

        // The first result holds the aggregator inside its write until every other one is in its mailbox:
        // they arrive together however the machine schedules this thread and the actor's.
        aggregator.Tell(results[0]);
        Assert.True(store.Entered.Wait(TimeSpan.FromSeconds(10)), "the aggregator never wrote the first result");
        foreach (var result in results.Skip(1))
        {
            aggregator.Tell(result);
        }

        aggregator.Tell(new ChunkAbandoned(149, 3, "boom"));
        aggregator.Tell(DrainAggregator.Instance, coordinator);
        store.Open.Set();
        var replies = coordinator.ReceiveN(151, TimeSpan.FromSeconds(10));
        Assert.IsType<AggregatorDrained>(replies.Last());
        Assert.Equal(150, store.Stored.Count);
        Assert.Equal([149L], store.Failed);
        // 150 results that arrived together: a few batches of at most MaxBatch, not 150 transactions.
        Assert.InRange(store.MaxBatch, 2, AggregatorActor.MaxBatch);
        Assert.InRange(store.Batches, 3, 30);
    }

    [Fact]
    public void The_next_results_are_written_while_the_previous_batch_is_made_durable_and_commits_stay_in_order()
    {
        var plan = SmallPlan(points: 20);
        var store = new GatedStore(TimeSpan.FromMilliseconds(300));
        var coordinator = CreateTestProbe();
        var aggregator = Sys.ActorOf(AggregatorActor.Props(plan, store, coordinator));
        var evaluator = new ChunkEvaluator(plan);
        WorkItem Item(long chunk) => new("run", plan.SpecHash, chunk, 0, plan.Models[0].ChunkRange(chunk).Start, 1, 1);
        aggregator.Tell(evaluator.Evaluate(Item(0), "w"));
        Assert.True(store.Entered.Wait(TimeSpan.FromSeconds(10)), "the aggregator never wrote chunk 0");
        // Queued while chunk 0 is written, so they arrive together; they are written while it is made durable (300 ms).
        aggregator.Tell(evaluator.Evaluate(Item(1), "w"));
        aggregator.Tell(evaluator.Evaluate(Item(0), "w2")); // a duplicate of a chunk written, not yet committed
        aggregator.Tell(DrainAggregator.Instance, coordinator);
        store.Open.Set();
        AwaitCondition(() => store.DurableCalls >= 1);
        var replies = coordinator.ReceiveN(4, TimeSpan.FromSeconds(10)).ToArray();
        Assert.Equal(new ChunkStored(0, 1, false), replies[0]);
        Assert.Equal([1L, 0L], replies.Skip(1).Take(2).Cast<ChunkStored>().Select(s => s.Chunk).Order().Reverse().ToArray());
        Assert.True(replies.Skip(1).Take(2).Cast<ChunkStored>().Single(s => s.Chunk == 0).Duplicate);
        Assert.IsType<AggregatorDrained>(replies[3]);
        Assert.Equal(2, store.Stored.Count);
        Assert.Equal(2, store.Batches); // chunk 0; then chunk 1 with the duplicate, written during the first fsync
        // Chunk 1 (its duplicate dropped at placing, so its batch holds both results) is written while chunk 0's fsync waits.
        var steps = store.Steps.ToList();
        Assert.Equal(["write 0", "durable 0 begins", "durable 0 ends", "durable 1,0 begins", "durable 1,0 ends"], steps.Where(step => step != "write 1,0"));
        Assert.InRange(steps.IndexOf("write 1,0"), 1, steps.IndexOf("durable 0 ends") - 1); // beside the fsync (whichever thread starts first)
    }

    public new void Dispose()
    {
        base.Dispose();
        Directory.Delete(_directory, recursive: true);
    }

    /// <summary>A store whose first write waits until the test opens it.</summary>
    private sealed class GatedStore(TimeSpan delayPerBatch) : MemoryStore(delayPerBatch)
    {
        public ManualResetEventSlim Entered { get; } = new();

        public ManualResetEventSlim Open { get; } = new();

        public override PlacedBatch Place(IReadOnlyList<ChunkResult> results, Func<int, string> modelName, IReadOnlySet<long> pending)
        {
            Entered.Set();
            Open.Wait(TimeSpan.FromSeconds(10));
            return base.Place(results, modelName, pending);
        }
    }
}
