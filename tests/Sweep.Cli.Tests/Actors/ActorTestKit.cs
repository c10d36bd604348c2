using System.Collections;
using Akka.Actor;
using Akka.Configuration;
using Sweep.Coordinator.Engine;
using Sweep.Coordinator.Store;
using Sweep.Engine.Messages;
using Sweep.Engine.Planning;
using Sweep.Engine.Actors;
using Sweep.Engine.Spec;
using Sweep.Physics.Models;

namespace Sweep.Cli.Tests.Actors;

/// <summary>What the actor tests share: the production configuration with every message going through
/// its serializer, a small plan, and helpers to build the run's actors around probes.</summary>
public abstract class ActorTestKit() : Akka.TestKit.Xunit2.TestKit(Config)
{
    public static readonly Config Config = ConfigurationFactory.ParseString(SweepActorConfig.SerializeMessages)
        .WithFallback(ConfigurationFactory.ParseString(SweepActorConfig.Hocon));

    /// <summary>6 chunks of one point each.</summary>
    protected static SweepPlan SmallPlan(int points = 6, int chunk = 1) => SweepPlan.Create(SpecParser.Parse($"""
        name: actor
        models: [magnon-junction]
        axes:
          h: {"{"}lin: [0.1, 1.0], n: {points}{"}"}
          T: {"{"}values: [1]{"}"}
          J_T: {"{"}values: [0.1]{"}"}
          S: {"{"}values: [1]{"}"}
        observables: [L11, K]
        chunk: {chunk}
        """, ModelRegistry.Default), ModelRegistry.Default);

    /// <summary>An actor that forwards everything to <paramref name="target"/> (stands in for the aggregator).</summary>
    protected static Props Forwarder(IActorRef target) => Props.Create(() => new ForwardingActor(target));

    /// <summary>A coordinator (a child of the test actor, so <see cref="RunCompleted"/> reaches it) whose
    /// aggregator forwards to <paramref name="aggregator"/>.</summary>
    protected IActorRef Coordinator(SweepPlan plan, IActorRef aggregator, RunOptions options, RunCounters counters, TimeProvider? clock = null,
        BitArray? stored = null)
    {
        var coordinator = ChildActorOf(CoordinatorActor.Props(plan, "run", stored ?? new BitArray((int)plan.TotalChunks), Forwarder(aggregator),
            options, counters, clock));
        ExpectMsg<CoordinatorReady>();
        return coordinator;
    }

    /// <summary>How many messages wait in a local actor's mailbox.</summary>
    protected static int MailboxDepth(IActorRef actor) => ((ActorRefWithCell)actor).Underlying.NumberOfMessages;

    private sealed class ForwardingActor : ReceiveActor
    {
        public ForwardingActor(IActorRef target) => ReceiveAny(message => target.Forward(message));
    }
}

/// <summary>A clock the test moves by hand (lease expiry).</summary>
public sealed class ManualClock : TimeProvider
{
    private DateTimeOffset _now = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public override DateTimeOffset GetUtcNow() => _now;

    public void Advance(TimeSpan by) => _now += by;
}

/// <summary>An in-memory result store, slow on purpose if asked: stores each chunk once.</summary>
public class MemoryStore(TimeSpan delayPerBatch) : IResultStore
{
    private readonly HashSet<long> _stored = [];

    public List<long> Failed { get; } = [];

    public int Batches { get; private set; }

    public int MaxBatch { get; private set; }

    public IReadOnlyCollection<long> Stored => _stored;

    public virtual PlacedBatch Place(IReadOnlyList<ChunkResult> results, Func<int, string> modelName, IReadOnlySet<long> pending)
    {
        var seen = new HashSet<long>();
        return new PlacedBatch(results, results.Select(r => pending.Contains(r.Item.Chunk) || _stored.Contains(r.Item.Chunk) || !seen.Add(r.Item.Chunk)).ToArray());
    }

    /// <summary>What the pool threads did, in order: "write 1,2", "durable 1,2 begins", "durable 1,2 ends" (chunks).</summary>
    public System.Collections.Concurrent.ConcurrentQueue<string> Steps { get; } = new();

    private static string Chunks(IReadOnlyList<PlacedBatch> batches) => string.Join(",", batches.SelectMany(b => b.Results).Select(r => r.Item.Chunk));

    /// <summary>Writes nothing: results are kept by <see cref="Commit"/>.</summary>
    public void Write(IReadOnlyList<PlacedBatch> batches) => Steps.Enqueue($"write {Chunks(batches)}");

    /// <summary>Calls of <see cref="MakeDurable"/> begun.</summary>
    public int DurableCalls => _durableCalls;

    private int _durableCalls;

    /// <summary>The slow part, as an fsync is: on the aggregator's pool thread.</summary>
    public void MakeDurable(IReadOnlyList<PlacedBatch> batches)
    {
        Interlocked.Increment(ref _durableCalls);
        Steps.Enqueue($"durable {Chunks(batches)} begins");
        Thread.Sleep(delayPerBatch * batches.Count);
        Steps.Enqueue($"durable {Chunks(batches)} ends");
    }

    public void Commit(PlacedBatch batch)
    {
        Batches++;
        MaxBatch = Math.Max(MaxBatch, batch.Results.Count);
        for (int i = 0; i < batch.Results.Count; i++)
        {
            if (!batch.Duplicates[i])
            {
                _stored.Add(batch.Results[i].Item.Chunk);
            }
        }
    }

    public void RecordFailure(long chunk, string model, long start, int count, int attempts, string error) => Failed.Add(chunk);
}
