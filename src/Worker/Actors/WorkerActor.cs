using Akka.Actor;
using Sweep.Engine.Evaluation;
using Sweep.Engine.Messages;
using Sweep.Engine.Planning;
using Sweep.Worker.Monitoring;

namespace Sweep.Worker.Actors;

/// <summary>
/// One worker slot. Asks its work source for one work item at a time (<see cref="RequestWork"/>:
/// pull, so the source never hands out more than the workers can take), evaluates it with its own
/// <see cref="ChunkEvaluator"/> for the item's plan (found by spec hash: a distributed worker serves
/// several runs), sends the result to <c>results</c> or the failure to <c>failures</c> (the coordinator
/// decides about retries), and asks for the next. Runs on <see cref="Engine.Actors.SweepActorConfig.WorkerDispatcher"/>.
/// <para>An exception in evaluation is a chunk failure. Anything else crashes the actor: its supervisor
/// (<see cref="WorkerPoolActor"/>) restarts it, and the chunk it held is reported failed first, so the
/// coordinator's retry and abandon rules apply to it as well.</para>
/// </summary>
public sealed class WorkerActor : ReceiveActor
{
    private readonly string _id;
    private readonly Func<string, SweepPlan?> _plans;
    private readonly IActorRef _source, _results, _failures;
    private readonly FaultInjection? _faults;
    private readonly WorkerMetrics? _metrics;
    private readonly Dictionary<string, (SweepPlan Plan, ChunkEvaluator Evaluator)> _evaluators = [];

    public WorkerActor(string id, Func<string, SweepPlan?> plans, IActorRef source, IActorRef results, IActorRef failures,
        FaultInjection? faults, WorkerMetrics? metrics)
    {
        (_id, _plans, _source, _results, _failures, _faults, _metrics) = (id, plans, source, results, failures, faults, metrics);
        Receive<WorkItem>(Evaluate);
    }

    public static Props Props(string id, Func<string, SweepPlan?> plans, IActorRef source, IActorRef results, IActorRef failures,
        FaultInjection? faults = null, WorkerMetrics? metrics = null) =>
        Akka.Actor.Props.Create(() => new WorkerActor(id, plans, source, results, failures, faults, metrics))
            .WithDispatcher(Engine.Actors.SweepActorConfig.WorkerDispatcher);

    protected override void PreStart() => _source.Tell(new RequestWork(1));

    protected override void PreRestart(Exception reason, object message)
    {
        if (message is WorkItem item)
        {
            _failures.Tell(new ChunkFailed(item, $"worker crashed: {reason.GetType().Name}: {reason.Message}", _id));
        }

        base.PreRestart(reason, message); // stops children; PreStart (after the restart) asks for work again
    }

    private void Evaluate(WorkItem item)
    {
        var (plan, evaluator) = Evaluator(item.SpecHash, item.RunId);
        string model = plan is null ? "unknown" : plan.Models[item.ModelIndex].Model.Name;
        ChunkResult result;
        try
        {
            if (plan is null || evaluator is null)
            {
                throw new InvalidOperationException($"no plan for spec {item.SpecHash[..Math.Min(12, item.SpecHash.Length)]}");
            }

            _faults?.Check(item);
            result = evaluator.Evaluate(item, _id);
        }
        catch (Exception ex)
        {
            _metrics?.Failed(item.RunId, model);
            _failures.Tell(new ChunkFailed(item, $"{ex.GetType().Name}: {ex.Message}", _id));
            _source.Tell(new RequestWork(1));
            return;
        }

        _metrics?.Evaluated(item.RunId, model, result.Evaluations, result.Elapsed);
        _results.Tell(result);
        _source.Tell(new RequestWork(1));
    }

    /// <summary>The item's plan and this worker's evaluator for it, or nulls if no plan has this hash.
    /// Looking the plan up is not evaluation: if it throws, the actor crashes (see the class remarks).</summary>
    private (SweepPlan? Plan, ChunkEvaluator? Evaluator) Evaluator(string specHash, string runId)
    {
        if (!_evaluators.TryGetValue(specHash, out var entry))
        {
            if (_plans(specHash) is not { } plan)
            {
                return (null, null);
            }

            _evaluators[specHash] = entry = (plan, new ChunkEvaluator(plan));
            _metrics?.Serving(runId, plan.Models.Select(m => m.Model.Name));
        }

        return entry;
    }
}
