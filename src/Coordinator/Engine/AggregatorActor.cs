using System.Runtime.ExceptionServices;
using Akka.Actor;
using Sweep.Coordinator.Store;
using Sweep.Engine.Messages;
using Sweep.Engine.Planning;
using Sweep.Engine.Actors;

namespace Sweep.Coordinator.Engine;

/// <summary>
/// Owns the run store. Stores results in batches — whatever arrived together: a result starts a
/// batch and a flush note to itself, which queues behind every message already in the mailbox —
/// drops results for chunks already stored (idempotent: at-least-once delivery, exactly-once
/// storage), records abandoned chunks, and tells the coordinator once each chunk is durable.
/// Runs on <see cref="SweepActorConfig.StoreDispatcher"/>: storing blocks on disk.
/// <para>A batch is placed (duplicates dropped, each slice given its place) and written at once, made
/// durable (fsync) on a pool thread, and committed (its ledger rows) when that is done; meanwhile the
/// next results are written. So the disk always has writes to do, even while an fsync waits for its
/// flush (a pool thread of its own for the writes would wait for one when the pool is busy); batches
/// still commit one at a time, in order, each only after its own data is durable. Results that arrive
/// while a batch is written queue in the mailbox and make the next batch larger.</para>
/// <para><c>stored</c> is told about each result once it is committed (the live view reads it). A storage failure crashes the actor; its supervisor ends
/// the run with it, since nothing else could be recorded.</para>
/// </summary>
public sealed class AggregatorActor : ReceiveActor
{
    /// <summary>Most results per written batch: bounds the time between a chunk's arrival and its acknowledgement.</summary>
    public const int MaxBatch = 64;

    private readonly SweepPlan _plan;
    private readonly IResultStore _store;
    private readonly IActorRef? _coordinator;
    private readonly Action<ChunkResult>? _storedCallback;
    private readonly List<ChunkResult> _arrived = new(MaxBatch);
    // Written, waiting for the fsync now running to finish before theirs can start.
    private readonly List<PlacedBatch> _written = [];
    // Chunks written but not committed: a second result for one of them is a duplicate.
    private readonly HashSet<long> _pending = [];
    private Task<BatchesDurable>? _durable;
    private IActorRef? _drainRequester;
    private bool _flushPending;

    /// <param name="coordinator">Where <see cref="ChunkStored"/> goes; null: the parent (the coordinator creates its aggregator).</param>
    public AggregatorActor(SweepPlan plan, IResultStore store, IActorRef? coordinator, Action<ChunkResult>? stored)
    {
        (_plan, _store, _coordinator, _storedCallback) = (plan, store, coordinator, stored);
        Receive<ChunkResult>(OnResult);
        Receive<FlushResults>(_ => Write());
        Receive<BatchesDurable>(OnDurable);
        Receive<Status.Failure>(failure => ExceptionDispatchInfo.Throw(failure.Cause)); // a write or fsync failed: crash, commit nothing
        Receive<ChunkAbandoned>(OnAbandoned);
        Receive<DrainAggregator>(_ =>
        {
            Write();
            _drainRequester = Sender;
            AnswerDrainWhenIdle();
        });
    }

    public static Props Props(SweepPlan plan, IResultStore store, IActorRef? coordinator = null, Action<ChunkResult>? stored = null) =>
        Akka.Actor.Props.Create(() => new AggregatorActor(plan, store, coordinator, stored)).WithDispatcher(SweepActorConfig.StoreDispatcher);

    protected override void PostStop()
    {
        // The store is closed after the actor stops: let an fsync in progress finish first.
        try
        {
            _durable?.Wait(TimeSpan.FromSeconds(30));
        }
        catch (AggregateException)
        {
            // Already reported to this actor (its failure crashed it); nothing was committed.
        }
    }

    private void OnResult(ChunkResult result)
    {
        _arrived.Add(result);
        if (_arrived.Count >= MaxBatch)
        {
            Write();
        }
        else if (!_flushPending)
        {
            _flushPending = true;
            Self.Tell(FlushResults.Instance);
        }
    }

    private void OnAbandoned(ChunkAbandoned abandoned)
    {
        var (model, start, count) = _plan.ChunkOf(abandoned.Chunk);
        _store.RecordFailure(abandoned.Chunk, model.Model.Name, start, count, abandoned.Attempts, abandoned.Error);
    }

    /// <summary>Places and writes what arrived, and starts making it durable unless an fsync is already running.</summary>
    private void Write()
    {
        _flushPending = false;
        if (_arrived.Count == 0)
        {
            return;
        }

        var batch = _store.Place([.. _arrived], i => _plan.Models[i].Model.Name, _pending);
        _arrived.Clear();
        for (int i = 0; i < batch.Results.Count; i++)
        {
            if (!batch.Duplicates[i])
            {
                _pending.Add(batch.Results[i].Item.Chunk);
            }
        }

        _store.Write([batch]);
        _written.Add(batch);
        StartDurable();
    }

    private void StartDurable()
    {
        if (_durable is not null || _written.Count == 0)
        {
            return;
        }

        var batches = _written.ToArray();
        _written.Clear();
        _durable = Task.Run(() =>
        {
            _store.MakeDurable(batches);
            return new BatchesDurable(batches);
        });
        _durable.PipeTo(Self, failure: Unwrap);
    }

    private static Status.Failure Unwrap(Exception e) => new(e is AggregateException { InnerException: { } inner } ? inner : e);

    private void OnDurable(BatchesDurable durable)
    {
        _durable = null;
        var coordinator = _coordinator ?? Context.Parent;
        foreach (var batch in durable.Batches)
        {
            _store.Commit(batch);
            for (int i = 0; i < batch.Results.Count; i++)
            {
                var result = batch.Results[i];
                _pending.Remove(result.Item.Chunk);
                _storedCallback?.Invoke(result);
                result.Release();
                coordinator.Tell(new ChunkStored(result.Item.Chunk, result.Evaluations, batch.Duplicates[i]));
            }
        }

        StartDurable();
        AnswerDrainWhenIdle();
    }

    private void AnswerDrainWhenIdle()
    {
        if (_drainRequester is not null && _durable is null && _written.Count == 0 && _arrived.Count == 0)
        {
            _drainRequester.Tell(AggregatorDrained.Instance);
            _drainRequester = null;
        }
    }

    /// <summary>Pool thread → aggregator: these written batches are durable; commit them in order.</summary>
    private sealed record BatchesDurable(PlacedBatch[] Batches) : INoSerializationVerificationNeeded;
}
