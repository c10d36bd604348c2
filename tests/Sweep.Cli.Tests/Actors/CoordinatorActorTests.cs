using Akka.Actor;
using System.Collections;
using Sweep.Coordinator.Engine;
using Sweep.Engine.Messages;

namespace Sweep.Cli.Tests.Actors;

/// <summary>The coordinator actor alone: work sources and the aggregator are probes.</summary>
public class CoordinatorActorTests : ActorTestKit
{
    private readonly Akka.TestKit.TestProbe _aggregator;
    private readonly Akka.TestKit.TestProbe _worker;

    public CoordinatorActorTests()
    {
        _aggregator = CreateTestProbe();
        _worker = CreateTestProbe();
    }

    [Fact]
    public void Chunks_go_out_in_plan_order_skipping_stored_ones_and_never_beyond_the_credits_asked_for()
    {
        var plan = SmallPlan();
        var stored = new BitArray((int)plan.TotalChunks) { [1] = true };
        var counters = new RunCounters(plan.TotalChunks, plan.TotalEvaluations);
        var coordinator = Coordinator(plan, _aggregator, new RunOptions { DispatchWindow = 10 }, counters, stored: stored);

        _worker.Send(coordinator, new RequestWork(2));
        Assert.Equal([0L, 2], new[] { _worker.ExpectMsg<WorkItem>().Chunk, _worker.ExpectMsg<WorkItem>().Chunk });
        _worker.ExpectNoMsg(TimeSpan.FromMilliseconds(200)); // two credits, two items, though four chunks are left

        var other = CreateTestProbe();
        other.Send(coordinator, new RequestWork(1));
        var third = other.ExpectMsg<WorkItem>();
        Assert.Equal((3L, 1, "run", plan.SpecHash), (third.Chunk, third.Attempt, third.RunId, third.SpecHash));
        Assert.Equal(plan.Models[0].ChunkRange(3), (third.Start, third.Count));
        other.ExpectNoMsg(TimeSpan.FromMilliseconds(100));
        Assert.Equal(3, counters.InFlight);
    }

    [Fact]
    public void The_window_bounds_chunks_in_flight_whatever_the_credits()
    {
        var plan = SmallPlan();
        var counters = new RunCounters(plan.TotalChunks, plan.TotalEvaluations);
        var coordinator = Coordinator(plan, _aggregator, new RunOptions { DispatchWindow = 2 }, counters);

        _worker.Send(coordinator, new RequestWork(5));
        _worker.ExpectMsg<WorkItem>();
        _worker.ExpectMsg<WorkItem>();
        _worker.ExpectNoMsg(TimeSpan.FromMilliseconds(200));

        coordinator.Tell(new ChunkStored(0, 1, Duplicate: false)); // a slot in the window frees: the next chunk goes out on a credit left
        Assert.Equal(2, _worker.ExpectMsg<WorkItem>().Chunk);
        _worker.ExpectNoMsg(TimeSpan.FromMilliseconds(100));
    }

    [Fact]
    public void A_failed_chunk_is_retried_then_abandoned_and_the_run_completes_after_the_aggregator_drains()
    {
        var plan = SmallPlan(points: 2);
        var counters = new RunCounters(plan.TotalChunks, plan.TotalEvaluations);
        var coordinator = Coordinator(plan, _aggregator, new RunOptions { DispatchWindow = 4, MaxAttempts = 2 }, counters);

        _worker.Send(coordinator, new RequestWork(2));
        var first = _worker.ExpectMsg<WorkItem>();
        var second = _worker.ExpectMsg<WorkItem>();
        coordinator.Tell(new ChunkStored(second.Chunk, 1, Duplicate: false));

        coordinator.Tell(new ChunkFailed(first, "boom", "w"));
        _worker.Send(coordinator, new RequestWork(1));
        var retry = _worker.ExpectMsg<WorkItem>();
        Assert.Equal((first.Chunk, 2), (retry.Chunk, retry.Attempt));

        coordinator.Tell(new ChunkFailed(first, "stale", "w")); // the superseded attempt: ignored
        coordinator.Tell(new ChunkFailed(retry, "boom again", "w"));
        var abandoned = _aggregator.ExpectMsg<ChunkAbandoned>();
        Assert.Equal((first.Chunk, 2, "boom again"), (abandoned.Chunk, abandoned.Attempts, abandoned.Error));
        _aggregator.ExpectMsg<DrainAggregator>();
        _aggregator.Reply(AggregatorDrained.Instance);
        Assert.Null(ExpectMsg<RunCompleted>().StopReason);
        Assert.Equal((1L, 1L, 1L), (counters.Retries, counters.FailedChunks, counters.DoneChunks));
    }

    [Fact]
    public void An_expired_lease_sends_the_chunk_again_as_its_next_attempt()
    {
        var plan = SmallPlan(points: 1);
        var clock = new ManualClock();
        var counters = new RunCounters(plan.TotalChunks, plan.TotalEvaluations);
        var options = new RunOptions { DispatchWindow = 4, LeaseTimeout = TimeSpan.FromMinutes(10) };
        var coordinator = Coordinator(plan, _aggregator, options, counters, clock);

        _worker.Send(coordinator, new RequestWork(2));
        var item = _worker.ExpectMsg<WorkItem>();
        coordinator.Tell(LeaseCheck.Instance);
        _worker.ExpectNoMsg(TimeSpan.FromMilliseconds(100)); // within its lease

        clock.Advance(TimeSpan.FromMinutes(11));
        coordinator.Tell(LeaseCheck.Instance);
        var again = _worker.ExpectMsg<WorkItem>();
        Assert.Equal((item.Chunk, 2), (again.Chunk, again.Attempt));
        Assert.Equal(1, counters.Retries);

        coordinator.Tell(new ChunkFailed(item, "the lost worker's late failure", "w")); // superseded: no third attempt
        _worker.Send(coordinator, new RequestWork(1));
        _worker.ExpectNoMsg(TimeSpan.FromMilliseconds(100));
    }

    [Fact]
    public void A_work_source_that_stops_has_its_chunks_sent_again_at_once_each_alone_to_a_source_without_another_suspect()
    {
        var plan = SmallPlan();
        var counters = new RunCounters(plan.TotalChunks, plan.TotalEvaluations);
        var coordinator = Coordinator(plan, _aggregator, new RunOptions { DispatchWindow = 10, MaxAttempts = 3 }, counters);
        var lost = CreateTestProbe();
        lost.Send(coordinator, new RequestWork(2));
        Assert.Equal([0L, 1], new[] { lost.ExpectMsg<WorkItem>().Chunk, lost.ExpectMsg<WorkItem>().Chunk });

        _worker.Send(coordinator, new RequestWork(2)); // two credits waiting
        Assert.Equal([2L, 3], new[] { _worker.ExpectMsg<WorkItem>().Chunk, _worker.ExpectMsg<WorkItem>().Chunk });
        _worker.Send(coordinator, new RequestWork(2));
        Assert.Equal([4L, 5], new[] { _worker.ExpectMsg<WorkItem>().Chunk, _worker.ExpectMsg<WorkItem>().Chunk });
        var other = CreateTestProbe();
        other.Send(coordinator, new RequestWork(2)); // the plan is out of new chunks now (6 chunks)
        other.ExpectNoMsg(TimeSpan.FromMilliseconds(100));

        Sys.Stop(lost.Ref); // DeathWatch: in a cluster, its node was removed
        // Chunks 0 and 1 go out at once as second attempts, one to each source: never two suspects to one source.
        var first = other.ExpectMsg<WorkItem>();
        Assert.Equal((0L, 2), (first.Chunk, first.Attempt));
        other.ExpectNoMsg(TimeSpan.FromMilliseconds(100));
        _worker.Send(coordinator, new RequestWork(1));
        var second = _worker.ExpectMsg<WorkItem>();
        Assert.Equal((1L, 2), (second.Chunk, second.Attempt));
        Assert.Equal((2L, 0L), (counters.Redispatches, counters.Retries));

        foreach (long chunk in new[] { 0L, 1, 2, 3, 4, 5 })
        {
            coordinator.Tell(new ChunkStored(chunk, 1, false));
        }

        _aggregator.ExpectMsg<DrainAggregator>();
        _aggregator.Reply(AggregatorDrained.Instance);
        ExpectMsg<RunCompleted>();
    }

    [Fact]
    public void A_stop_request_lets_the_chunks_in_flight_finish_and_dispatches_nothing_more()
    {
        var plan = SmallPlan();
        var counters = new RunCounters(plan.TotalChunks, plan.TotalEvaluations);
        var coordinator = Coordinator(plan, _aggregator, new RunOptions { DispatchWindow = 2 }, counters);
        _worker.Send(coordinator, new RequestWork(2));
        var items = new[] { _worker.ExpectMsg<WorkItem>(), _worker.ExpectMsg<WorkItem>() };

        coordinator.Tell(new StopRequested("cancelled"));
        coordinator.Tell(new ChunkStored(items[0].Chunk, 1, false));
        _worker.Send(coordinator, new RequestWork(5));
        _worker.ExpectNoMsg(TimeSpan.FromMilliseconds(100));
        _aggregator.ExpectNoMsg(TimeSpan.FromMilliseconds(10)); // chunk 1 still in flight

        coordinator.Tell(new ChunkStored(items[1].Chunk, 1, false));
        _aggregator.ExpectMsg<DrainAggregator>();
        _aggregator.Reply(AggregatorDrained.Instance);
        Assert.Equal("cancelled", ExpectMsg<RunCompleted>().StopReason);
    }

    [Fact]
    public void A_work_source_that_stops_takes_its_credits_with_it()
    {
        var plan = SmallPlan();
        var counters = new RunCounters(plan.TotalChunks, plan.TotalEvaluations);
        var coordinator = Coordinator(plan, _aggregator, new RunOptions { DispatchWindow = 1 }, counters);
        _worker.Send(coordinator, new RequestWork(1));
        var item = _worker.ExpectMsg<WorkItem>();

        var gone = CreateTestProbe();
        gone.Send(coordinator, new RequestWork(3));
        Watch(gone.Ref);
        Sys.Stop(gone.Ref);
        ExpectTerminated(gone.Ref);

        coordinator.Tell(new ChunkStored(item.Chunk, 1, false));
        _worker.Send(coordinator, new RequestWork(1));
        Assert.Equal(1, _worker.ExpectMsg<WorkItem>().Chunk); // went to the live source, not to the stopped one
    }

    [Fact]
    public void Malformed_messages_announced_by_the_serializer_are_counted()
    {
        var plan = SmallPlan();
        var counters = new RunCounters(plan.TotalChunks, plan.TotalEvaluations);
        var coordinator = Coordinator(plan, _aggregator, new RunOptions(), counters);
        var serializer = Sys.Serialization.FindSerializerForType(typeof(WorkItem));
        Assert.Equal(Sweep.Engine.Serialization.SweepMessageSerializer.Id, serializer.Identifier);

        Assert.Throws<System.Runtime.Serialization.SerializationException>(() =>
            ((Akka.Serialization.SerializerWithStringManifest)serializer).FromBinary([0x93, 0x01], "W"));
        AwaitCondition(() => counters.MalformedMessages == 1, TimeSpan.FromSeconds(5));
        GC.KeepAlive(coordinator);
    }
}
