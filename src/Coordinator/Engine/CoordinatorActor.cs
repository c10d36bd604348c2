using System.Collections;
using Akka.Actor;
using Sweep.Engine.Messages;
using Sweep.Engine.Planning;

namespace Sweep.Coordinator.Engine;

/// <summary>
/// Hands out chunks in plan order (skipping stored ones) to the work sources that asked for them —
/// never more than a source asked for (<see cref="RequestWork"/> credits), and never more than
/// <see cref="RunOptions.Window"/> chunks in flight (dispatched, not yet stored), which is what bounds
/// every mailbox downstream. Tracks each in-flight chunk with a lease; retries failed or expired
/// chunks up to the attempt limit, then has the aggregator record the failure. Finishes when every
/// chunk is stored or abandoned, or, after a stop request, when the chunks already in flight are done;
/// then drains the aggregator and tells its parent <see cref="RunCompleted"/>.
/// <para>The aggregator is its child: replies go to the parent, and a storage failure escalates
/// through the coordinator to the run's supervisor, which ends the run with it.</para>
/// </summary>
public sealed class CoordinatorActor : ReceiveActor, IWithTimers
{
    private readonly SweepPlan _plan;
    private readonly string _runId;
    private readonly BitArray _stored;
    private readonly IActorRef _aggregator;
    private readonly RunOptions _options;
    private readonly RunCounters _counters;
    private readonly TimeProvider _clock;
    private readonly Dictionary<long, (WorkItem Item, DateTimeOffset Deadline)> _inFlight = [];
    // Items to send again (retries, redispatches) before any new chunk; stale entries are skipped.
    private readonly Queue<WorkItem> _resend = new();
    // One entry per free slot a source announced, in the order they asked.
    private readonly Queue<IActorRef> _credits = new();
    private readonly HashSet<IActorRef> _watched = [];
    private long _next;
    private string? _stopReason;
    private bool _draining;

    public CoordinatorActor(SweepPlan plan, string runId, BitArray stored, Props aggregator, RunOptions options, RunCounters counters,
        TimeProvider? clock = null)
    {
        (_plan, _runId, _stored, _options, _counters) = (plan, runId, stored, options, counters);
        _aggregator = Context.ActorOf(aggregator, "aggregator");
        _clock = clock ?? TimeProvider.System;
        Receive<RequestWork>(OnRequest);
        Receive<ChunkStored>(OnStored);
        Receive<ChunkFailed>(OnFailed);
        Receive<ChunkDeadLettered>(OnDeadLettered);
        Receive<LeaseCheck>(_ => CheckLeases());
        Receive<RedispatchInFlight>(_ => Redispatch());
        Receive<StopRequested>(stop => _stopReason ??= stop.Reason);
        Receive<AggregatorDrained>(_ => Context.Parent.Tell(new RunCompleted(_stopReason)));
        Receive<Terminated>(t => OnSourceGone(t.ActorRef));
        Receive<MalformedMessage>(_ => _counters.Malformed());
    }

    public static Props Props(SweepPlan plan, string runId, BitArray stored, Props aggregator, RunOptions options, RunCounters counters,
        TimeProvider? clock = null) =>
        Akka.Actor.Props.Create(() => new CoordinatorActor(plan, runId, stored, aggregator, options, counters, clock));

    public ITimerScheduler Timers { get; set; } = null!;

    /// <summary>How often leases are checked: a quarter of the lease, within [50 ms, 30 s].</summary>
    public static TimeSpan LeaseCheckInterval(RunOptions options) =>
        TimeSpan.FromSeconds(Math.Clamp(options.LeaseTimeout.TotalSeconds / 4, 0.05, 30));

    protected override SupervisorStrategy SupervisorStrategy() => new OneForOneStrategy(_ => Directive.Escalate);

    protected override void PreStart()
    {
        Timers.StartPeriodicTimer("leases", LeaseCheck.Instance, LeaseCheckInterval(_options));
        Context.System.EventStream.Subscribe(Self, typeof(MalformedMessage));
        Context.Parent.Tell(new CoordinatorReady(Self, _aggregator));
        AfterMessage();
    }

    protected override void PostStop() => Context.System.EventStream.Unsubscribe(Self);

    protected override bool AroundReceive(Receive receive, object message)
    {
        bool handled = base.AroundReceive(receive, message);
        AfterMessage();
        return handled;
    }

    private void OnRequest(RequestWork request)
    {
        if (_watched.Add(Sender))
        {
            Context.Watch(Sender); // a source that stops takes its credits with it
        }

        for (int i = 0; i < request.Slots; i++)
        {
            _credits.Enqueue(Sender);
        }
    }

    private void OnSourceGone(IActorRef source)
    {
        _watched.Remove(source);
        var remaining = _credits.Where(c => !c.Equals(source)).ToList();
        _credits.Clear();
        remaining.ForEach(_credits.Enqueue);
    }

    private void OnStored(ChunkStored stored)
    {
        if (stored.Duplicate)
        {
            _counters.Duplicate();
        }
        else
        {
            _counters.Stored(stored.Evaluations);
        }

        _inFlight.Remove(stored.Chunk);
    }

    private void OnFailed(ChunkFailed failed)
    {
        // Only the current attempt counts: an older one's lease expired and the chunk went out again.
        if (_inFlight.TryGetValue(failed.Item.Chunk, out var entry) && entry.Item.Attempt == failed.Item.Attempt)
        {
            Retry(entry.Item, failed.Error);
        }
    }

    private void OnDeadLettered(ChunkDeadLettered dead)
    {
        // Not in flight: stored meanwhile, or from a previous coordinator.
        if (_inFlight.Remove(dead.Item.Chunk))
        {
            Abandon(dead.Item.Chunk, dead.Item.Attempt, dead.Reason);
        }
    }

    private void CheckLeases()
    {
        var now = _clock.GetUtcNow();
        foreach (var (item, _) in _inFlight.Values.Where(e => e.Deadline < now).ToList())
        {
            Retry(item, $"lease expired after {_options.LeaseTimeout}");
        }
    }

    private void Redispatch()
    {
        // Same attempt: losing a message is not a failure of the chunk.
        foreach (var (item, _) in _inFlight.Values)
        {
            _resend.Enqueue(item);
        }

        _counters.Redispatched(_inFlight.Count);
    }

    private void Retry(WorkItem item, string error)
    {
        if (item.Attempt < _options.MaxAttempts && _stopReason is null)
        {
            _counters.Retried();
            var next = item with { Attempt = item.Attempt + 1 };
            _inFlight[item.Chunk] = (next, DateTimeOffset.MaxValue); // its lease starts when it is sent
            _resend.Enqueue(next);
            return;
        }

        _inFlight.Remove(item.Chunk);
        Abandon(item.Chunk, item.Attempt, error);
    }

    private void Abandon(long chunk, int attempts, string error)
    {
        _counters.Failed();
        _aggregator.Tell(new ChunkAbandoned(chunk, attempts, error));
    }

    /// <summary>After every message: hand out what the credits allow, and finish once nothing is left.</summary>
    private void AfterMessage()
    {
        Dispatch();
        _counters.SetInFlight(_inFlight.Count);
        bool done = _inFlight.Count == 0 && (_stopReason is not null || _next >= _plan.TotalChunks);
        if (done && !_draining)
        {
            _draining = true;
            Timers.CancelAll();
            _aggregator.Tell(DrainAggregator.Instance); // after every ChunkAbandoned sent: same sender, same order
        }
    }

    private void Dispatch()
    {
        while (_credits.Count > 0)
        {
            if (_resend.TryDequeue(out var again))
            {
                // Skip an entry that is no longer current (stored meanwhile, or retried again since).
                if (_inFlight.TryGetValue(again.Chunk, out var entry) && entry.Item == again)
                {
                    Send(again);
                }

                continue;
            }

            if (_stopReason is not null || _inFlight.Count >= _options.Window || _next >= _plan.TotalChunks)
            {
                return;
            }

            long chunk = _next++;
            if (_stored[(int)chunk])
            {
                continue;
            }

            Send(_plan.Item(chunk, _runId));
        }
    }

    private void Send(WorkItem item)
    {
        _inFlight[item.Chunk] = (item, _clock.GetUtcNow() + _options.LeaseTimeout);
        _credits.Dequeue().Tell(item, Self);
    }
}
