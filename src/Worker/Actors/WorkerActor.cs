using System.Threading.Channels;
using Sweep.Engine.Evaluation;
using Sweep.Engine.Messages;

namespace Sweep.Worker.Actors;

/// <summary>
/// Takes work items from the shared work mailbox, evaluates them with its own
/// <see cref="ChunkEvaluator"/>, and sends the result to the aggregator, or the failure to the
/// coordinator (which decides about retries). Stops when the work mailbox is completed and empty.
/// </summary>
public sealed class WorkerActor(
    string id,
    ChunkEvaluator evaluator,
    ChannelReader<WorkItem> work,
    ChannelWriter<IAggregatorMessage> aggregator,
    ChannelWriter<ICoordinatorMessage> coordinator,
    FaultInjection? faults = null)
{
    public string Id { get; } = id;

    public async Task RunAsync(CancellationToken abort)
    {
        await foreach (var item in work.ReadAllAsync(abort))
        {
            ChunkResult result;
            try
            {
                faults?.Check(item);
                result = evaluator.Evaluate(item, Id);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                await coordinator.WriteAsync(new ChunkFailed(item, $"{ex.GetType().Name}: {ex.Message}", Id), abort);
                continue;
            }

            await aggregator.WriteAsync(result, abort);
        }
    }
}
