using Akka.Actor;
using Sweep.Coordinator.Store;
using Sweep.Engine.Evaluation;
using Sweep.Engine.Messages;
using Sweep.Engine.Planning;
using Sweep.Engine.Actors;

namespace Sweep.Coordinator.Engine;

/// <summary>
/// Owns the run store. Writes results in batches — one transaction for whatever arrived together:
/// a result starts a batch and a flush note to itself, which queues behind every message already in
/// the mailbox — drops results for chunks already stored (idempotent: at-least-once delivery,
/// exactly-once storage), records abandoned chunks, and tells the coordinator once each chunk is
/// durable. Runs on <see cref="SweepActorConfig.StoreDispatcher"/>: storing blocks on disk.
/// <para><c>stored</c> is told about each result once it is committed (the live view reads it). A storage failure crashes the actor; its supervisor ends
/// the run with it, since nothing else could be recorded.</para>
/// </summary>
public sealed class AggregatorActor : ReceiveActor
{
    /// <summary>Most results per transaction: bounds the time between a chunk's arrival and its acknowledgement.</summary>
    public const int MaxBatch = 16;

    private readonly SweepPlan _plan;
    private readonly IResultStore _store;
    private readonly IActorRef? _coordinator;
    private readonly Action<ChunkResult>? _storedCallback;
    private readonly List<ChunkResult> _batch = new(MaxBatch);
    private bool _flushPending;

    /// <param name="coordinator">Where <see cref="ChunkStored"/> goes; null: the parent (the coordinator creates its aggregator).</param>
    public AggregatorActor(SweepPlan plan, IResultStore store, IActorRef? coordinator, Action<ChunkResult>? stored)
    {
        (_plan, _store, _coordinator, _storedCallback) = (plan, store, coordinator, stored);
        Receive<ChunkResult>(OnResult);
        Receive<FlushResults>(_ => Store());
        Receive<ChunkAbandoned>(OnAbandoned);
        Receive<DrainAggregator>(_ =>
        {
            Store();
            Sender.Tell(AggregatorDrained.Instance);
        });
    }

    public static Props Props(SweepPlan plan, IResultStore store, IActorRef? coordinator = null, Action<ChunkResult>? stored = null) =>
        Akka.Actor.Props.Create(() => new AggregatorActor(plan, store, coordinator, stored)).WithDispatcher(SweepActorConfig.StoreDispatcher);

    private void OnResult(ChunkResult result)
    {
        _batch.Add(result);
        if (_batch.Count >= MaxBatch)
        {
            Store();
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

    private void Store()
    {
        _flushPending = false;
        if (_batch.Count == 0)
        {
            return;
        }

        bool[] duplicate = _store.Store(_batch, i => _plan.Models[i].Model.Name);
        var coordinator = _coordinator ?? Context.Parent;
        for (int i = 0; i < _batch.Count; i++)
        {
            _storedCallback?.Invoke(_batch[i]);
            ChunkEvaluator.ResultBuffers.Return(_batch[i].Values);
            coordinator.Tell(new ChunkStored(_batch[i].Item.Chunk, _batch[i].Evaluations, duplicate[i]));
        }

        _batch.Clear();
    }
}
