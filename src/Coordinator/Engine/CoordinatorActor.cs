using System.Collections;
using System.Threading.Channels;
using Sweep.Engine.Messages;
using Sweep.Engine.Planning;

namespace Sweep.Coordinator.Engine;

/// <summary>
/// Hands out chunks in plan order (skipping stored ones), at most a window at a time; tracks each
/// in-flight chunk with a lease; retries failed or expired chunks up to the attempt limit, then has
/// the aggregator record the failure. Finishes when every chunk is stored or abandoned, or, after
/// a stop request, when the chunks already in flight are done.
/// </summary>
public sealed class CoordinatorActor(
    SweepPlan plan,
    string runId,
    BitArray stored,
    ChannelReader<ICoordinatorMessage> mailbox,
    ChannelWriter<WorkItem> work,
    ChannelWriter<IAggregatorMessage> aggregator,
    RunOptions options,
    RunCounters counters)
{
    private readonly Dictionary<long, (WorkItem Item, DateTimeOffset Deadline)> _inFlight = [];
    private readonly List<ChunkAbandoned> _abandoned = [];
    private long _next;
    private string? _stopReason;

    /// <summary>Why the run stopped early, or null if it ran to the end.</summary>
    public string? StopReason => _stopReason;

    public async Task RunAsync()
    {
        Dispatch();
        while (!(_inFlight.Count == 0 && (_stopReason is not null || _next >= plan.TotalChunks)))
        {
            Handle(await mailbox.ReadAsync());
            foreach (var abandoned in _abandoned)
            {
                await aggregator.WriteAsync(abandoned); // never lost; the aggregator drains without waiting on us
            }

            _abandoned.Clear();
            Dispatch();
        }

        work.Complete();
    }

    private void Handle(ICoordinatorMessage message)
    {
        switch (message)
        {
            case ChunkStored stored:
                if (stored.Duplicate)
                {
                    counters.Duplicate();
                }
                else
                {
                    counters.Stored(stored.Evaluations);
                }

                _inFlight.Remove(stored.Chunk);
                break;
            case ChunkFailed failed when _inFlight.TryGetValue(failed.Item.Chunk, out var entry) && entry.Item.Attempt == failed.Item.Attempt:
                Retry(entry.Item, failed.Error);
                break;
            case ChunkFailed:
                break; // a superseded attempt (its lease expired and the chunk was re-dispatched)
            case ChunkDeadLettered dead when _inFlight.Remove(dead.Item.Chunk):
                counters.Failed();
                _abandoned.Add(new ChunkAbandoned(dead.Item.Chunk, dead.Item.Attempt, dead.Reason));
                break;
            case ChunkDeadLettered:
                break; // not in flight: stored meanwhile, or from a previous coordinator
            case LeaseCheck check:
                foreach (var (_, (item, deadline)) in _inFlight.Where(e => e.Value.Deadline < check.Now).ToList())
                {
                    Retry(item, $"lease expired after {options.LeaseTimeout}");
                }

                break;
            case RedispatchInFlight:
                // Same attempt: losing a message is not a failure of the chunk.
                foreach (var (item, _) in _inFlight.Values.ToList())
                {
                    Send(item);
                }

                counters.Redispatched(_inFlight.Count);
                break;
            case StopRequested stop:
                _stopReason ??= stop.Reason;
                break;
        }

        counters.SetInFlight(_inFlight.Count);
    }

    private void Retry(WorkItem item, string error)
    {
        if (item.Attempt < options.MaxAttempts && _stopReason is null)
        {
            counters.Retried();
            Send(item with { Attempt = item.Attempt + 1 });
            return;
        }

        _inFlight.Remove(item.Chunk);
        counters.Failed();
        _abandoned.Add(new ChunkAbandoned(item.Chunk, item.Attempt, error));
    }

    private void Dispatch()
    {
        while (_stopReason is null && _inFlight.Count < options.Window && _next < plan.TotalChunks)
        {
            long chunk = _next++;
            if (stored[(int)chunk])
            {
                continue;
            }

            var (model, local) = plan.Locate(chunk);
            var (start, count) = model.ChunkRange(local);
            Send(new WorkItem(runId, plan.SpecHash, chunk, model.Index, start, count, Attempt: 1));
        }

        counters.SetInFlight(_inFlight.Count);
    }

    private void Send(WorkItem item)
    {
        _inFlight[item.Chunk] = (item, DateTimeOffset.UtcNow + options.LeaseTimeout);
        // The work mailbox is unbounded (the window bounds it), so this never blocks the coordinator.
        if (!work.TryWrite(item))
        {
            throw new InvalidOperationException("the work mailbox was completed while chunks were still being dispatched");
        }
    }
}
