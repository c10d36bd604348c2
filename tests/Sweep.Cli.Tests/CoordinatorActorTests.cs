using System.Collections;
using System.Threading.Channels;
using Sweep.Coordinator.Engine;
using Sweep.Engine.Messages;
using Sweep.Engine.Planning;
using Sweep.Engine.Spec;
using Sweep.Physics.Models;

namespace Sweep.Cli.Tests;

/// <summary>The coordinator actor driven through its mailboxes alone, no workers and no store.</summary>
public class CoordinatorActorTests
{
    private const string Spec = """
        name: actor
        models: [magnon-junction]
        axes:
          h: {lin: [0.1, 1.0], n: 6}
          T: {values: [1]}
          J_T: {values: [0.1]}
          S: {values: [1]}
        observables: [L11]
        chunk: 1
        """;

    private readonly SweepPlan _plan = SweepPlan.Create(SpecParser.Parse(Spec, ModelRegistry.Default), ModelRegistry.Default);
    private readonly Channel<ICoordinatorMessage> _mailbox = Channel.CreateUnbounded<ICoordinatorMessage>();
    private readonly Channel<WorkItem> _work = Channel.CreateUnbounded<WorkItem>();
    private readonly Channel<IAggregatorMessage> _aggregator = Channel.CreateUnbounded<IAggregatorMessage>();
    private readonly RunCounters _counters;

    public CoordinatorActorTests() => _counters = new RunCounters(_plan.TotalChunks, _plan.TotalEvaluations);

    private Task Start(int window) => new CoordinatorActor(_plan, "run", new BitArray((int)_plan.TotalChunks), _mailbox.Reader, _work.Writer,
        _aggregator.Writer, new RunOptions { DispatchWindow = window, MaxAttempts = 2 }, _counters).RunAsync();

    private List<WorkItem> Drain()
    {
        var items = new List<WorkItem>();
        while (_work.Reader.TryRead(out var item))
        {
            items.Add(item);
        }

        return items;
    }

    private async Task Settle()
    {
        // The actor handles its mailbox on its own task: wait until it has read everything sent.
        while (_mailbox.Reader.Count > 0)
        {
            await Task.Delay(5);
        }

        await Task.Delay(50);
    }

    [Fact]
    public async Task A_redispatch_sends_every_chunk_in_flight_again_with_the_same_attempt()
    {
        var run = Start(window: 3);
        await Settle();
        var first = Drain();
        Assert.Equal([0L, 1, 2], first.Select(i => i.Chunk));

        _mailbox.Writer.TryWrite(new ChunkStored(1, 1, Duplicate: false));
        _mailbox.Writer.TryWrite(new RedispatchInFlight("test"));
        await Settle();
        var again = Drain();
        // Chunk 3 fills the slot chunk 1 freed; then 0, 2 and 3 (everything in flight) are sent again, unchanged.
        Assert.Equal([0L, 2, 3, 3], again.Select(i => i.Chunk).Order());
        Assert.All(again, item => Assert.Equal(1, item.Attempt));
        Assert.Equal(3, _counters.Redispatches);
        Assert.Equal(0, _counters.Retries);
        Assert.Equal(3, _counters.InFlight);

        // A redispatch is not an attempt: a failure afterwards still has its retry left (MaxAttempts = 2).
        _mailbox.Writer.TryWrite(new ChunkFailed(first[0], "boom", "w"));
        await Settle();
        Assert.Equal([(0L, 2)], Drain().Select(i => (i.Chunk, i.Attempt)));

        // The second result of a redispatched chunk is a duplicate: counted, and the run completes.
        foreach (var (chunk, duplicate) in new[] { (0L, false), (2L, false), (3L, false), (3L, true), (4L, false), (5L, false) })
        {
            _mailbox.Writer.TryWrite(new ChunkStored(chunk, 1, duplicate));
        }

        await run.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(_plan.TotalChunks, _counters.DoneChunks);
        Assert.Equal(1, _counters.DuplicateResults);
        Assert.Equal([4L, 5], Drain().Select(i => i.Chunk)); // the last two, each once
        Assert.True(_work.Reader.Completion.IsCompleted); // the actor completed the work mailbox: nothing more to do
    }
}
