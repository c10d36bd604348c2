using System.Collections.Concurrent;
using System.Threading.Channels;
using Google.Protobuf;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;
using Sweep.Coordinator.Engine;
using Sweep.Coordinator.Store;
using Sweep.Engine.Evaluation;
using Sweep.Engine.Messages;
using Sweep.Engine.Planning;
using Sweep.Engine.Transport;
using Sweep.Monitoring;
using Wire = Sweep.Engine.Transport.Wire;

namespace Sweep.Coordinator.Distributed;

/// <summary>
/// The coordinator process of a distributed run: the same coordinator and aggregator actors as the
/// embedded run, with the broker in place of in-process workers. Work items go to the run's work
/// queue with publisher confirms; results come from its results queue and are acknowledged only
/// after the aggregator has committed them (at-least-once delivery, exactly-once storage);
/// dead-lettered work items (workers died holding them) are recorded as failed chunks. The run is
/// announced on <see cref="RunTopology.Announcements"/> so that idle workers find it.
/// </summary>
public static class DistributedRun
{
    /// <summary>Work items awaiting their confirms at once.</summary>
    public const int ConcurrentPublishes = 8;

    /// <summary>How often the run is re-announced (workers that start later learn of it).</summary>
    public static readonly TimeSpan AnnounceInterval = TimeSpan.FromSeconds(2);

    /// <summary>How often the work queue's depth and consumers are read from the broker (for metrics).</summary>
    public static readonly TimeSpan QueueProbeInterval = TimeSpan.FromSeconds(2);

    public static async Task<RunOutcome> ExecuteAsync(SweepPlan plan, RunStore store, IConnection connection, RunOptions options,
        RunCounters counters, MetricsHost monitoring, TextWriter log, CancellationToken stop)
    {
        monitoring.Meter.CreateObservableGauge("sweep_broker_connected", () => connection.IsOpen ? 1L : 0L,
            description: "1 while the connection to the broker is open, 0 while it is down or recovering.");
        monitoring.Health.ReadyWhen(() => connection.IsOpen ? null : "broker connection lost (recovering)");
        string runId = store.GetMeta("run_id") ?? throw new RunDirectoryException("the run store has no run id");
        var topology = new RunTopology(runId);
        await using var publisher = await ConfirmingPublisher.CreateAsync(connection);
        await topology.DeclareAsync(publisher.Channel, options.MaxAttempts);
        // Work a previous coordinator of this run published but no worker took: re-sent below if not stored.
        await publisher.Channel.QueuePurgeAsync(topology.WorkQueue);

        var deliveries = new ConcurrentDictionary<ChunkResult, ulong>(ReferenceEqualityComparer.Instance);
        var acks = Channel.CreateUnbounded<ulong>(new UnboundedChannelOptions { SingleReader = true });
        var actors = new RunActors(plan, runId, store, options, counters,
            stored: result => { if (deliveries.TryRemove(result, out ulong tag)) acks.Writer.TryWrite(tag); });

        await using var results = await connection.CreateChannelAsync();
        await results.BasicQosAsync(0, (ushort)(2 * AggregatorActor.MaxBatch), global: false);
        var resultConsumer = new AsyncEventingBasicConsumer(results);
        resultConsumer.ReceivedAsync += (_, delivery) => OnResult(delivery, plan, runId, actors, deliveries, results, counters, log);
        string resultTag = await results.BasicConsumeAsync(topology.ResultQueue, autoAck: false, resultConsumer);

        await using var dead = await connection.CreateChannelAsync();
        var deadConsumer = new AsyncEventingBasicConsumer(dead);
        deadConsumer.ReceivedAsync += async (_, delivery) =>
        {
            var item = WireMapping.FromWire(Wire.WorkItem.Parser.ParseFrom(delivery.Body.Span));
            actors.CoordinatorMailbox.Writer.TryWrite(new ChunkDeadLettered(item,
                $"dead-lettered after {options.MaxAttempts} deliveries without an acknowledgement (the workers holding it died)"));
            await dead.BasicAckAsync(delivery.DeliveryTag, multiple: false);
        };
        await dead.BasicConsumeAsync(topology.DeadQueue, autoAck: false, deadConsumer);

        await using var workPublishers = await PublisherPool.CreateAsync(connection, ConcurrentPublishes);
        var sendWork = Task.Run(async () =>
        {
            // Up to ConcurrentPublishes confirms outstanding; the order of work items does not matter.
            var pending = new List<Task>();
            await foreach (var item in actors.Work.Reader.ReadAllAsync())
            {
                pending.RemoveAll(t => t.IsCompletedSuccessfully);
                pending.Add(workPublishers.PublishAsync("", topology.WorkQueue, WireMapping.ToWire(item).ToByteArray()));
            }

            await Task.WhenAll(pending);
        });
        var sendAcks = Task.Run(async () =>
        {
            await foreach (ulong tag in acks.Reader.ReadAllAsync())
            {
                try
                {
                    await results.BasicAckAsync(tag, multiple: false);
                }
                catch (Exception ex) when (ex is RabbitMQ.Client.Exceptions.AlreadyClosedException or OperationCanceledException)
                {
                    // The channel was lost: the broker redelivers the result, which is then a dropped duplicate.
                }
            }
        });

        await using var announcer = await ConfirmingPublisher.CreateAsync(connection);
        var announcement = new Wire.RunAnnouncement
        {
            RunId = runId, SpecHash = plan.SpecHash, SpecText = plan.Spec.SourceText, ChunkOverride = plan.Spec.Chunk ?? 0,
        };
        using var announcing = new CancellationTokenSource();
        var announce = Task.Run(async () =>
        {
            using var timer = new PeriodicTimer(AnnounceInterval);
            do
            {
                await announcer.PublishAsync(RunTopology.Announcements, "", announcement.ToByteArray(), announcing.Token);
            }
            while (await timer.WaitForNextTickAsync(announcing.Token));
        }, announcing.Token);
        var probe = ProbeWorkQueueAsync(connection, topology.WorkQueue, counters, announcing.Token);

        RunOutcome outcome;
        try
        {
            // Nothing reaches the aggregator once the coordinator is done: every dispatched chunk is stored or abandoned.
            outcome = await actors.RunAsync(store, () => sendWork, stop);
        }
        finally
        {
            await announcing.CancelAsync();
            await announce.ContinueWith(_ => { }, TaskScheduler.Default);
            await probe;
            acks.Writer.Complete();
            await sendAcks;
        }

        await results.BasicCancelAsync(resultTag);
        if (outcome.Complete)
        {
            announcement.Finished = true;
            await announcer.PublishAsync(RunTopology.Announcements, "", announcement.ToByteArray());
            await topology.DeleteAsync(publisher.Channel);
        }

        return outcome;
    }

    /// <summary>Polls the work queue's ready messages and consumers (a passive declare) into
    /// <paramref name="counters"/>; a failed poll (broker restarting) keeps the last values.</summary>
    private static async Task ProbeWorkQueueAsync(IConnection connection, string workQueue, RunCounters counters, CancellationToken stop)
    {
        long depth = 0, consumers = 0;
        counters.ObserveWork(() => Interlocked.Read(ref depth), () => Interlocked.Read(ref consumers));
        IChannel? channel = null;
        using var timer = new PeriodicTimer(QueueProbeInterval);
        try
        {
            do
            {
                try
                {
                    channel ??= await connection.CreateChannelAsync(cancellationToken: stop);
                    var queue = await channel.QueueDeclarePassiveAsync(workQueue, stop);
                    Interlocked.Exchange(ref depth, queue.MessageCount);
                    Interlocked.Exchange(ref consumers, queue.ConsumerCount);
                }
                catch (Exception ex) when (ex is RabbitMQ.Client.Exceptions.RabbitMQClientException or RabbitMQ.Client.Exceptions.OperationInterruptedException
                                               or IOException or TimeoutException)
                {
                    channel = null; // a failed passive declare closes the channel: open another next time
                }
            }
            while (await timer.WaitForNextTickAsync(stop));
        }
        catch (OperationCanceledException)
        {
        }
        finally
        {
            if (channel is not null)
            {
                await channel.DisposeAsync();
            }
        }
    }

    private static async Task OnResult(BasicDeliverEventArgs delivery, SweepPlan plan, string runId, RunActors actors,
        ConcurrentDictionary<ChunkResult, ulong> deliveries, IChannel channel, RunCounters counters, TextWriter log)
    {
        object message;
        try
        {
            message = WireMapping.ParseResult(delivery.Body, ChunkEvaluator.ResultBuffers);
        }
        catch (Exception ex) when (ex is InvalidProtocolBufferException or MalformedMessageException)
        {
            counters.Malformed();
            log.WriteLine($"sweep: dropped a malformed message on the results queue: {ex.Message}");
            await channel.BasicNackAsync(delivery.DeliveryTag, multiple: false, requeue: false);
            return;
        }

        switch (message)
        {
            case ChunkResult result when Fits(result, plan, runId):
                deliveries[result] = delivery.DeliveryTag;
                await actors.AggregatorMailbox.Writer.WriteAsync(result);
                return;
            case ChunkFailed failed when failed.Item.RunId == runId:
                await actors.CoordinatorMailbox.Writer.WriteAsync(failed);
                break;
            default:
                counters.Malformed();
                log.WriteLine("sweep: dropped a result that does not belong to this run or plan");
                if (message is ChunkResult stray)
                {
                    ChunkEvaluator.ResultBuffers.Return(stray.Values);
                }

                break;
        }

        await channel.BasicAckAsync(delivery.DeliveryTag, multiple: false);
    }

    /// <summary>A result is stored only if it is exactly the chunk the plan defines.</summary>
    private static bool Fits(ChunkResult result, SweepPlan plan, string runId)
    {
        var item = result.Item;
        if (item.RunId != runId || item.SpecHash != plan.SpecHash || item.Chunk < 0 || item.Chunk >= plan.TotalChunks)
        {
            return false;
        }

        var (model, local) = plan.Locate(item.Chunk);
        var (start, count) = model.ChunkRange(local);
        return item.ModelIndex == model.Index && item.Start == start && item.Count == count
               && result.Evaluations == count * model.InnerLength && result.ObservableCount == model.ObservableIndices.Length;
    }
}
