using System.Collections.Concurrent;
using System.Diagnostics;
using System.Security.Cryptography.X509Certificates;
using Akka.Actor;
using Akka.Cluster;
using ClusterSettings = Sweep.Engine.Cluster.ClusterSettings;
using Sweep.Engine.Messages;
using Sweep.Engine.Planning;
using Sweep.Engine.Spec;
using Sweep.Physics.Models;
using static Akka.Cluster.ClusterEvent;

namespace Sweep.Worker.Cluster;

/// <summary>
/// The work source of a worker node's <see cref="Actors.WorkerActor"/>s, serving every run that any
/// coordinator node in the cluster offers. Learns of coordinator nodes from cluster membership, asks each
/// for its run (<see cref="DescribeRun"/>), plans it and then keeps about <c>prefetch</c> work requests
/// outstanding with each run's coordinator: as its items go to local workers, it asks again for as many, in
/// requests of <c>prefetch / 2</c> (one message per two chunks with two workers, not one per chunk).
/// Items from all runs wait in one queue, first come first served, so several runs share this node's
/// workers. Failures go back to the item's run front, results to its coordinator node's result stream (through the
/// <see cref="ResultUploadActor"/>). When a coordinator node is removed, its run's items are dropped (the
/// run's next coordinator sends them again); when none is left, <c>lonely</c> is signalled (the node then
/// re-joins the seeds, where a restarted coordinator will be).
/// </summary>
public sealed class ClusterWorkSourceActor : ReceiveActor, IWithTimers
{
    /// <summary>Its name under <c>/user</c> on every worker node, where a run front sends its offer as the run starts.</summary>
    public const string Name = "work";

    private readonly ConcurrentDictionary<string, SweepPlan> _plans;
    private readonly ModelRegistry _registry;
    private readonly int _prefetch;
    private readonly WorkerTestHooks _hooks;
    private readonly TextWriter _log;
    private readonly string _id;
    private readonly WorkerNodeState _state;
    private readonly Dictionary<string, (IActorRef Front, Address Node, int ResultPort)> _runs = [];
    private readonly HashSet<Address> _coordinators = [], _unanswered = [];
    private readonly Queue<WorkItem> _items = new();
    private readonly Queue<IActorRef> _credits = new();
    // Per run: items handed to local workers and not yet asked for again.
    private readonly Dictionary<string, int> _owed = [];
    private readonly IActorRef _uploader;
    private int _evaluating, _uploading;
    private bool _stopping;

    public ClusterWorkSourceActor(ConcurrentDictionary<string, SweepPlan> plans, ModelRegistry registry, int prefetch, X509Certificate2? certificate,
        WorkerTestHooks hooks, TextWriter log, string id, WorkerNodeState state)
    {
        (_plans, _registry, _prefetch, _hooks, _log, _id, _state) = (plans, registry, prefetch, hooks, log, id, state);
        _uploader = Context.ActorOf(ResultUploadActor.Props(certificate, id, log, hooks), "uploads");
        Receive<MemberUp>(up => OnUp(up.Member));
        Receive<MemberRemoved>(removed => OnRemoved(removed.Member));
        Receive<IMemberEvent>(_ => { });
        Receive<AskForRuns>(_ => Ask());
        Receive<RunOffer>(OnOffer);
        Receive<WorkItem>(OnItem);
        Receive<WorkItems>(batch =>
        {
            foreach (var item in batch.Items)
            {
                OnItem(item);
            }
        });
        Receive<RequestWork>(request =>
        {
            for (int i = 0; i < request.Slots; i++)
            {
                _credits.Enqueue(Sender);
            }
        });
        Receive<ChunkResult>(OnResult);
        Receive<ChunkFailed>(failed =>
        {
            _evaluating--;
            if (_runs.TryGetValue(failed.Item.RunId, out var run))
            {
                run.Front.Tell(failed);
            }
        });
        Receive<Terminated>(t => OnFrontStopped(t.ActorRef));
        Receive<UploadDone>(_ => _uploading--);
        Receive<StopWorking>(_ => _stopping = true);
    }

    public static Props Props(ConcurrentDictionary<string, SweepPlan> plans, ModelRegistry registry, int prefetch, X509Certificate2? certificate,
        WorkerTestHooks hooks, TextWriter log, string id, WorkerNodeState state) =>
        Akka.Actor.Props.Create(() => new ClusterWorkSourceActor(plans, registry, prefetch, certificate, hooks, log, id, state));

    public ITimerScheduler Timers { get; set; } = null!;

    protected override void PreStart()
    {
        Akka.Cluster.Cluster.Get(Context.System).Subscribe(Self, SubscriptionInitialStateMode.InitialStateAsEvents, typeof(IMemberEvent));
        // Only coordinators that have not answered are asked: one that is Up but still preparing its run (its run front
        // not there yet) is asked again within 0.1 s. Once a second, a re-joined worker started serving the new run
        // 1.0 s after joining, most of a 10^7-point run's time (docs/BENCHMARKS.md, "Cluster after the sixth part").
        Timers.StartPeriodicTimer("ask", AskForRuns.Instance, TimeSpan.FromMilliseconds(100));
    }

    protected override void PostStop() => Akka.Cluster.Cluster.Get(Context.System).Unsubscribe(Self);

    protected override bool AroundReceive(Receive receive, object message)
    {
        bool handled = base.AroundReceive(receive, message);
        Hand();
        _state.Update(_items.Count + _evaluating, _runs.Count, drained: _stopping && _items.Count == 0 && _evaluating == 0 && _uploading == 0);
        return handled;
    }

    private void OnUp(Member member)
    {
        if (member.HasRole(ClusterSettings.CoordinatorRole) && _coordinators.Add(member.Address))
        {
            _state.Welcome();
            _unanswered.Add(member.Address);
            Ask();
        }
    }

    private void OnRemoved(Member member)
    {
        if (!_coordinators.Remove(member.Address))
        {
            return;
        }

        _unanswered.Remove(member.Address);
        foreach (var (runId, _) in _runs.Where(r => r.Value.Node == member.Address).ToList())
        {
            _runs.Remove(runId);
            _owed.Remove(runId);
            _uploader.Tell(new ForgetRun(runId));
            _log.WriteLine($"sweep-worker {_id}: run {runId} is gone with its coordinator {member.Address}");
        }

        if (_coordinators.Count == 0)
        {
            _state.Lonely();
        }
    }

    private void Ask()
    {
        foreach (var node in _unanswered)
        {
            Context.ActorSelection(new RootActorPath(node) / "user" / "run" / "workers").Tell(DescribeRun.Instance);
        }
    }

    /// <summary>A run's offer: the answer to <see cref="DescribeRun"/>, or sent by the run's front as it starts (to the worker
    /// nodes already in the cluster, which then need not wait for their next ask).</summary>
    private void OnOffer(RunOffer offer)
    {
        var node = Sender.Path.Address;
        if (_runs.Values.Any(run => run.Front.Equals(Sender)))
        {
            return; // both the pushed offer and an answer came
        }

        _unanswered.Remove(node);
        if (_coordinators.Add(node))
        {
            _state.Welcome(); // the offer came before the coordinator's MemberUp did
        }

        if (!_plans.TryGetValue(offer.SpecHash, out var plan))
        {
            try
            {
                var overrides = new SpecOverrides(Chunk: offer.ChunkOverride > 0 ? offer.ChunkOverride : null,
                    ChunkEvaluations: offer.ChunkEvaluations > 0 ? offer.ChunkEvaluations : null);
                plan = SweepPlan.Create(SpecParser.Parse(offer.SpecText, _registry, overrides), _registry);
            }
            catch (SpecException ex)
            {
                _log.WriteLine($"sweep-worker {_id}: cannot serve run {offer.RunId} of {node}: {ex.Message}");
                return;
            }

            if (plan.SpecHash != offer.SpecHash)
            {
                _log.WriteLine($"sweep-worker {_id}: cannot serve run {offer.RunId} of {node}: this worker's plan differs (another program version)");
                return;
            }

            _plans[plan.SpecHash] = plan;
        }

        _runs[offer.RunId] = (Sender, node, offer.ResultPort);
        _owed[offer.RunId] = 0;
        Context.Watch(Sender); // an adaptive run starts a new front for each round on the same node
        _log.WriteLine($"sweep-worker {_id}: serving run {offer.RunId} ({plan.TotalChunks} chunks) of {node}");
        if (!_stopping)
        {
            Sender.Tell(new RequestWork(_prefetch));
        }
    }

    /// <summary>A run's front stopped while its node stays in the cluster (an adaptive round ended, or the
    /// run): forget it and ask the node again, so the next round's front is found within a second.</summary>
    private void OnFrontStopped(IActorRef front)
    {
        foreach (var (runId, run) in _runs.Where(r => r.Value.Front.Equals(front)).ToList())
        {
            _runs.Remove(runId);
            _owed.Remove(runId);
            _uploader.Tell(new ForgetRun(runId));
            if (_coordinators.Contains(run.Node))
            {
                _unanswered.Add(run.Node);
            }
        }
    }

    private void OnItem(WorkItem item)
    {
        if (_hooks.CrashOnChunk == item.Chunk)
        {
            _log.WriteLine($"sweep-worker {_id}: test hook: crashing on chunk {item.Chunk}");
            _log.Flush();
            Process.GetCurrentProcess().Kill(); // SIGKILL: the coordinator re-dispatches what this node held once it is removed
        }

        _items.Enqueue(item);
    }

    /// <summary>Hands queued items to local workers that asked, and asks each item's run for one more.</summary>
    private void Hand()
    {
        while (_credits.Count > 0 && _items.TryDequeue(out var item))
        {
            if (!_runs.TryGetValue(item.RunId, out var run))
            {
                continue; // its coordinator is gone: the next one sends it again
            }

            _credits.Dequeue().Tell(item, Self);
            _evaluating++;
            int owed = _owed.GetValueOrDefault(item.RunId) + 1;
            if (owed >= Math.Max(1, _prefetch / 2) && !_stopping)
            {
                run.Front.Tell(new RequestWork(owed));
                owed = 0;
            }

            _owed[item.RunId] = owed;
        }
    }

    private void OnResult(ChunkResult result)
    {
        _evaluating--;
        if (!_runs.TryGetValue(result.Item.RunId, out var run))
        {
            return;
        }

        _uploading++;
        _uploader.Tell(new UploadResult(run.Front, run.Node.Host!, run.ResultPort, result));
    }
}
