using Sweep.Coordinator.Cluster;
using Sweep.Coordinator.Engine;
using Sweep.Engine.Evaluation;
using Sweep.Engine.Messages;

namespace Sweep.Cli.Tests.Actors;

/// <summary>The result stream's route to a run's aggregator (<see cref="ResultRoute"/>): a result of one of the run's
/// chunks goes to the aggregator as it is; anything else is released, counted as malformed, and never reaches it.</summary>
public class ResultRouteTests : ActorTestKit
{
    private static readonly Sweep.Engine.Planning.SweepPlan Plan = SmallPlan();

    [Fact]
    public void A_result_of_one_of_the_runs_chunks_goes_to_the_aggregator_as_it_is()
    {
        var aggregator = CreateTestProbe();
        var counters = new RunCounters(Plan.TotalChunks, Plan.TotalEvaluations);
        var route = new ResultRoute(Offer, Plan, aggregator, counters);
        var result = Result(Plan.Item(3, "run") with { Attempt = 2 }, Plan.EvaluationsOf(Plan.Item(3, "run")), out var released);

        route.Deliver(result);

        var received = aggregator.ExpectMsg<ChunkResult>(); // a copy: the test kit passes every message through its serializer
        Assert.Equal((result.Item, result.Evaluations), (received.Item, received.Evaluations));
        Assert.False(released());
        Assert.Equal(0, counters.MalformedMessages);
    }

    public static TheoryData<string> NotTheRunsChunks => ["another run", "another spec", "chunk -1", "chunk past the end", "another model",
        "another start", "another count", "a lattice", "another evaluation count"];

    [Theory]
    [MemberData(nameof(NotTheRunsChunks))]
    public void Anything_else_is_released_and_counted_as_malformed(string what)
    {
        var aggregator = CreateTestProbe();
        var counters = new RunCounters(Plan.TotalChunks, Plan.TotalEvaluations);
        var route = new ResultRoute(Offer, Plan, aggregator, counters);
        var item = Plan.Item(2, "run");
        int evaluations = Plan.EvaluationsOf(item);
        item = what switch
        {
            "another run" => item with { RunId = "other" },
            "another spec" => item with { SpecHash = "0123" },
            "chunk -1" => item with { Chunk = -1 },
            "chunk past the end" => item with { Chunk = Plan.TotalChunks },
            "another model" => item with { ModelIndex = 1 },
            "another start" => item with { Start = item.Start + 1 },
            "another count" => item with { Count = item.Count + 1 },
            "a lattice" => item with { Lattice = [0, 1] },
            _ => item,
        };
        var result = Result(item, what == "another evaluation count" ? evaluations + 1 : evaluations, out var released);

        route.Deliver(result);

        Assert.True(released(), $"{what}: not released");
        Assert.Equal(1, counters.MalformedMessages);
        aggregator.ExpectNoMsg(TimeSpan.FromMilliseconds(100));
    }

    private static RunOffer Offer => new("run", Plan.SpecHash, Plan.Spec.SourceText, 0, 0);

    /// <summary>A result of <paramref name="item"/> in borrowed memory, so that the test sees whether it was released.</summary>
    private static ChunkResult Result(WorkItem item, int evaluations, out Func<bool> released)
    {
        bool given = false;
        var buffer = ResultBuffer.Borrowed(new byte[ChunkResult.BufferBytes(2, evaluations)], _ => given = true);
        released = () => given;
        return new ChunkResult(item, evaluations, 2, buffer, "w1", TimeSpan.FromMilliseconds(1));
    }
}
