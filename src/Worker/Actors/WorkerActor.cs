using System.Threading.Channels;
using Sweep.Engine.Evaluation;
using Sweep.Engine.Messages;
using Sweep.Engine.Planning;
using Sweep.Worker.Monitoring;

namespace Sweep.Worker.Actors;

/// <summary>
/// Takes work items from the shared work mailbox, evaluates them with its own
/// <see cref="ChunkEvaluator"/> for the item's plan (found by spec hash: a distributed worker
/// serves several runs), and sends the result to the aggregator, or the failure to the
/// coordinator (which decides about retries). Stops when the work mailbox is completed and empty.
/// </summary>
public sealed class WorkerActor(
    string id,
    Func<string, SweepPlan?> plans,
    ChannelReader<WorkItem> work,
    ChannelWriter<IAggregatorMessage> aggregator,
    ChannelWriter<ICoordinatorMessage> coordinator,
    FaultInjection? faults = null,
    WorkerMetrics? metrics = null)
{
    private readonly Dictionary<string, (SweepPlan Plan, ChunkEvaluator Evaluator)> _evaluators = [];

    public string Id { get; } = id;

    public async Task RunAsync(CancellationToken abort)
    {
        await foreach (var item in work.ReadAllAsync(abort))
        {
            ChunkResult result;
            string model = "unknown";
            try
            {
                var (plan, evaluator) = Evaluator(item.SpecHash, item.RunId);
                model = plan.Models[item.ModelIndex].Model.Name;
                faults?.Check(item);
                result = evaluator.Evaluate(item, Id);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                metrics?.Failed(item.RunId, model);
                await coordinator.WriteAsync(new ChunkFailed(item, $"{ex.GetType().Name}: {ex.Message}", Id), abort);
                continue;
            }

            metrics?.Evaluated(item.RunId, model, result.Evaluations, result.Elapsed);
            await aggregator.WriteAsync(result, abort);
        }
    }

    private (SweepPlan Plan, ChunkEvaluator Evaluator) Evaluator(string specHash, string runId)
    {
        if (!_evaluators.TryGetValue(specHash, out var entry))
        {
            var plan = plans(specHash) ?? throw new InvalidOperationException($"no plan for spec {specHash[..Math.Min(12, specHash.Length)]}");
            _evaluators[specHash] = entry = (plan, new ChunkEvaluator(plan));
            metrics?.Serving(runId, plan.Models.Select(m => m.Model.Name));
        }

        return entry;
    }
}
