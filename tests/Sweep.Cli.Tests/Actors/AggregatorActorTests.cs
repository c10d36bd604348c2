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
        again.Values.AsSpan(0, again.ValueBytes).Fill(0xFF); // a different value under the same chunk: must not overwrite
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
        var plan = SmallPlan(points: 40);
        var store = new MemoryStore(TimeSpan.FromMilliseconds(50));
        var coordinator = CreateTestProbe();
        var aggregator = Sys.ActorOf(AggregatorActor.Props(plan, store, coordinator));
        var evaluator = new ChunkEvaluator(plan);
        for (long chunk = 0; chunk < 40; chunk++)
        {
            var (start, count) = plan.Models[0].ChunkRange(chunk);
            aggregator.Tell(evaluator.Evaluate(new WorkItem("run", plan.SpecHash, chunk, 0, start, count, 1), "w"));
        }

        aggregator.Tell(new ChunkAbandoned(39, 3, "boom"));
        aggregator.Tell(DrainAggregator.Instance, coordinator);
        var replies = coordinator.ReceiveN(41, TimeSpan.FromSeconds(10));
        Assert.IsType<AggregatorDrained>(replies.Last());
        Assert.Equal(40, store.Stored.Count);
        Assert.Equal([39L], store.Failed);
        Assert.Equal(AggregatorActor.MaxBatch, store.MaxBatch);
        Assert.InRange(store.Batches, 3, 6); // 40 results in batches of at most 16, not 40 transactions
    }

    public new void Dispose()
    {
        base.Dispose();
        Directory.Delete(_directory, recursive: true);
    }
}
