using System.Threading.Channels;
using Sweep.Engine.Evaluation;
using Sweep.Engine.Messages;
using Sweep.Engine.Planning;

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
    FaultInjection? faults = null)
{
    private readonly Dictionary<string, ChunkEvaluator> _evaluators = [];

    public string Id { get; } = id;

    public async Task RunAsync(CancellationToken abort)
    {
        await foreach (var item in work.ReadAllAsync(abort))
        {
            ChunkResult result;
            try
            {
                faults?.Check(item);
                result = Evaluator(item.SpecHash).Evaluate(item, Id);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                await coordinator.WriteAsync(new ChunkFailed(item, $"{ex.GetType().Name}: {ex.Message}", Id), abort);
                continue;
            }

            await aggregator.WriteAsync(result, abort);
        }
    }

    private ChunkEvaluator Evaluator(string specHash)
    {
        if (!_evaluators.TryGetValue(specHash, out var evaluator))
        {
            var plan = plans(specHash) ?? throw new InvalidOperationException($"no plan for spec {specHash[..Math.Min(12, specHash.Length)]}");
            _evaluators[specHash] = evaluator = new ChunkEvaluator(plan);
        }

        return evaluator;
    }
}
