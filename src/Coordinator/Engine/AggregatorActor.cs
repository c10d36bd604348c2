using System.Threading.Channels;
using Sweep.Coordinator.Store;
using Sweep.Engine.Evaluation;
using Sweep.Engine.Messages;
using Sweep.Engine.Planning;

namespace Sweep.Coordinator.Engine;

/// <summary>
/// Owns the run store. Writes results in batches (one transaction for whatever arrived together),
/// drops results for chunks already stored (idempotent: at-least-once delivery, exactly-once
/// storage), records abandoned chunks, and tells the coordinator once each chunk is durable.
/// </summary>
/// <para><paramref name="stored"/> is told about each result once it is committed (distributed
/// mode acknowledges the broker delivery then, never before).</para>
public sealed class AggregatorActor(
    SweepPlan plan,
    RunStore store,
    ChannelReader<IAggregatorMessage> mailbox,
    ChannelWriter<ICoordinatorMessage> coordinator,
    Action<ChunkResult>? stored = null)
{
    /// <summary>Most results per transaction: bounds the time between a chunk's arrival and its acknowledgement.</summary>
    public const int MaxBatch = 16;

    public async Task RunAsync()
    {
        var batch = new List<ChunkResult>(MaxBatch);
        while (await mailbox.WaitToReadAsync())
        {
            while (batch.Count < MaxBatch && mailbox.TryRead(out var message))
            {
                switch (message)
                {
                    case ChunkResult result:
                        batch.Add(result);
                        break;
                    case ChunkAbandoned abandoned:
                        var (model, local) = plan.Locate(abandoned.Chunk);
                        var (start, count) = model.ChunkRange(local);
                        store.RecordFailure(abandoned.Chunk, model.Model.Name, start, count, abandoned.Attempts, abandoned.Error);
                        break;
                }
            }

            if (batch.Count > 0)
            {
                bool[] duplicate = store.Store(batch, i => plan.Models[i].Model.Name);
                for (int i = 0; i < batch.Count; i++)
                {
                    stored?.Invoke(batch[i]);
                    ChunkEvaluator.ResultBuffers.Return(batch[i].Values);
                    coordinator.TryWrite(new ChunkStored(batch[i].Item.Chunk, batch[i].Evaluations, duplicate[i]));
                }

                batch.Clear();
            }
        }
    }
}
