using System.Buffers;
using Akka.Actor;
using Sweep.Engine.Evaluation;
using Sweep.Engine.Messages;
using Sweep.Engine.Transport;

namespace Sweep.Worker.Distributed;

/// <summary>
/// Where a worker process's workers send results and failures: each goes to its run's results queue
/// with a publisher confirm, and only then is its work item acknowledged — a worker that dies at any
/// moment loses nothing. Publishes overlap (one per idle publisher); their number is bounded by the
/// broker's prefetch, since an unacknowledged item is not replaced by a new delivery.
/// </summary>
public sealed class ResultPublisherActor : ReceiveActor
{
    public ResultPublisherActor(Func<WorkItem, (RunTopology Topology, Func<Task> Ack)?> takeDelivery, PublisherPool publishers, TextWriter log)
    {
        Receive<ChunkResult>(result =>
        {
            var wire = WireMapping.Result(result, ArrayPool<byte>.Shared);
            ChunkEvaluator.ResultBuffers.Return(result.Values); // copied into the wire message
            Publish(result.Item, wire);
        });
        Receive<ChunkFailed>(failed => Publish(failed.Item, WireMapping.Failed(failed, ArrayPool<byte>.Shared)));

        void Publish(WorkItem item, PooledMessage wire)
        {
            if (takeDelivery(item) is not var (topology, ack))
            {
                wire.Dispose(); // not delivered by the broker through this process (cannot happen in practice)
                return;
            }

            _ = PublishThenAcknowledgeAsync(topology, ack, wire, publishers, log);
        }
    }

    public static Props Props(Func<WorkItem, (RunTopology Topology, Func<Task> Ack)?> takeDelivery, PublisherPool publishers, TextWriter log) =>
        Akka.Actor.Props.Create(() => new ResultPublisherActor(takeDelivery, publishers, log));

    private static async Task PublishThenAcknowledgeAsync(RunTopology topology, Func<Task> ack, PooledMessage wire, PublisherPool publishers, TextWriter log)
    {
        using var body = wire;
        try
        {
            await publishers.PublishAsync("", topology.ResultQueue, body.Body);
            await ack();
        }
        catch (Exception ex) when (ex is RabbitMQ.Client.Exceptions.RabbitMQClientException or RabbitMQ.Client.Exceptions.OperationInterruptedException
                                       or IOException or OperationCanceledException)
        {
            // Unacknowledged: the broker redelivers the item when this channel closes (or the result, if it
            // was confirmed before the ack failed, is dropped as a duplicate).
            log.WriteLine($"sweep-worker: could not send a result to {topology.ResultQueue}: {ex.Message}");
        }
    }
}
