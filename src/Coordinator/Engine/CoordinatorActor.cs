using System.Collections;
using Akka.Actor;
using Akka.Event;
using Sweep.Engine.Messages;
using Sweep.Engine.Planning;

namespace Sweep.Coordinator.Engine;

/// <summary>
/// Hands out chunks in plan order (skipping stored ones) to the work sources that asked for them —
/// never more than a source asked for (<see cref="RequestWork"/> credits), and never more than
/// <see cref="RunOptions.WindowFor"/> chunks in flight (dispatched, not yet stored), which is what bounds
/// every mailbox downstream. Tracks each in-flight chunk with a lease; retries failed or expired
/// chunks up to the attempt limit, then has the aggregator record the failure. Finishes when every
/// chunk is stored or abandoned, or, after a stop request, when the chunks already in flight are done;
/// then drains the aggregator and tells its parent <see cref="RunCompleted"/>.
/// <para>A work source that stops (DeathWatch: in a cluster, when its node is removed) takes its credits
/// with it, and the chunks it held go out again at once, each as a further attempt: a chunk that kills
/// every worker taking it is then abandoned after the attempt limit. A chunk on its second or later
/// attempt goes only to a source that holds no other such chunk, so a poison chunk cannot drag the
/// chunks around it to their attempt limit.</para>
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
    private readonly int _window;
    private readonly RunCounters _counters;
    private readonly TimeProvider _clock;
    private readonly Dictionary<long, (WorkItem Item, DateTimeOffset Deadline, IActorRef Source)> _inFlight = [];
    // Items to send again (retries, redispatches) before any new chunk; stale entries are skipped.
    private readonly Queue<WorkItem> _resend = new();
    // One entry per free slot a source announced, in the order they asked.
    private readonly Queue<IActorRef> _credits = new();
    private readonly Dictionary<IActorRef, List<WorkItem>> _batches = []; // a dispatch pass's items for remote sources
    private readonly HashSet<IActorRef> _watched = [];
    private long _next;
    private string? _stopReason;
    private bool _draining;

    public CoordinatorActor(SweepPlan plan, string runId, BitArray stored, Props aggregator, RunOptions options, RunCounters counters,
        TimeProvider? clock = null)
    {
        (_plan, _runId, _stored, _options, _counters) = (plan, runId, stored, options, counters);
        _window = options.WindowFor(plan);
        _aggregator = Context.ActorOf(aggregator, "aggregator");
        _clock = clock ?? TimeProvider.System;
        Receive<RequestWork>(OnRequest);
        Receive<ChunkStored>(OnStored);
        Receive<ChunkFailed>(OnFailed);
        Receive<LeaseCheck>(_ => CheckLeases());
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
        var held = _inFlight.Values.Where(e => e.Source.Equals(source)).Select(e => e.Item).OrderBy(i => i.Chunk).ToList();
        if (held.Count == 0)
        {
            return;
        }

        // The test of a SIGKILLed worker reads this line (time and chunks).
        Context.GetLogger().Warning("{0:O}: work source {1} is gone holding chunks {2}; re-dispatching them", _clock.GetUtcNow(), source.Path,
            string.Join(", ", held.Select(i => i.Chunk)));
        _counters.Redispatched(held.Count);
        foreach (var item in held)
        {
            Retry(item, $"the worker holding it ({source.Path.Address}) left", counted: false);
        }
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

    private void CheckLeases()
    {
        var now = _clock.GetUtcNow();
        foreach (var (item, _, _) in _inFlight.Values.Where(e => e.Deadline < now).ToList())
        {
            Retry(item, $"lease expired after {_options.LeaseTimeout}");
        }
    }

    private void Retry(WorkItem item, string error, bool counted = true)
    {
        if (item.Attempt < _options.MaxAttempts && _stopReason is null)
        {
            if (counted)
            {
                _counters.Retried();
            }

            var next = item with { Attempt = item.Attempt + 1 };
            _inFlight[item.Chunk] = (next, DateTimeOffset.MaxValue, ActorRefs.Nobody); // its lease starts when it is sent
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
        // One pass over the credits after another, until a pass sends nothing: a credit whose source may not
        // take any waiting re-send (it holds a suspect already) and finds no new chunk stays for later.
        bool sent = true;
        while (sent && _credits.Count > 0)
        {
            sent = false;
            for (int n = _credits.Count; n > 0; n--)
            {
                var source = _credits.Dequeue();
                if (NextFor(source) is { } item)
                {
                    Send(item, source);
                    sent = true;
                }
                else
                {
                    _credits.Enqueue(source);
                }
            }
        }

        // A remote source's items of this pass go as one message: remoting's cost is per message (docs/BENCHMARKS.md, tenth part).
        foreach (var (source, items) in _batches)
        {
            source.Tell(items.Count == 1 ? items[0] : new WorkItems([.. items]), Self);
        }

        _batches.Clear();
    }

    /// <summary>The next work item for <paramref name="source"/>: a waiting re-send it may take, else a new chunk.</summary>
    private WorkItem? NextFor(IActorRef source)
    {
        bool holdsSuspect = _inFlight.Values.Any(e => e.Item.Attempt > 1 && e.Source.Equals(source));
        for (int n = _resend.Count; n > 0; n--)
        {
            var again = _resend.Dequeue();
            // Drop an entry that is no longer current (stored meanwhile, or retried again since).
            if (!_inFlight.TryGetValue(again.Chunk, out var entry) || entry.Item != again || !entry.Source.IsNobody())
            {
                continue;
            }

            if (!holdsSuspect)
            {
                return again;
            }

            _resend.Enqueue(again);
        }

        while (_stopReason is null && _inFlight.Count < _window && _next < _plan.TotalChunks)
        {
            long chunk = _next++;
            if (_stored[(int)chunk])
            {
                continue;
            }

            return _plan.Item(chunk, _runId);
        }

        return null;
    }

    private void Send(WorkItem item, IActorRef source)
    {
        _inFlight[item.Chunk] = (item, _clock.GetUtcNow() + _options.LeaseTimeout, source);
        if (source.Path.Address.HasLocalScope)
        {
            source.Tell(item, Self);
        }
        else
        {
            if (!_batches.TryGetValue(source, out var batch))
            {
                _batches[source] = batch = [];
            }

            batch.Add(item);
        }
    }
}
