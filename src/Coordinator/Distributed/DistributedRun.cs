using Akka.Actor;
using Google.Protobuf;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;
using Sweep.Coordinator.Engine;
using Sweep.Coordinator.Store;
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
    /// <summary>How often the run is re-announced (workers that start later learn of it).</summary>
    public static readonly TimeSpan AnnounceInterval = TimeSpan.FromSeconds(2);

    /// <summary>How often the work queue's depth and consumers are read from the broker (for metrics).</summary>
    public static readonly TimeSpan QueueProbeInterval = TimeSpan.FromSeconds(2);

    public static async Task<RunOutcome> ExecuteAsync(ActorSystem system, SweepPlan plan, RunStore store, IConnection connection, RunOptions options,
        RunCounters counters, MetricsHost monitoring, TextWriter log, CancellationToken stop)
    {
        monitoring.ObservedGauge("sweep_broker_connected", "1 while the connection to the broker is open, 0 while it is down or recovering.",
            () => connection.IsOpen ? 1 : 0);
        monitoring.Health.ReadyWhen(() => connection.IsOpen ? null : "broker connection lost (recovering)");
        string runId = store.GetMeta("run_id") ?? throw new RunDirectoryException("the run store has no run id");
        var topology = new RunTopology(runId);
        await using var publisher = await ConfirmingPublisher.CreateAsync(connection);
        await topology.DeclareAsync(publisher.Channel, options.MaxAttempts);
        // Work a previous coordinator of this run published but no worker took: re-sent below if not stored.
        await publisher.Channel.QueuePurgeAsync(topology.WorkQueue);

        // Work items go out through the coordinator's work publisher, several confirms outstanding at once.
        await using var workPublishers = await PublisherPool.CreateAsync(connection, WorkPublisherActor.Slots);
        // The aggregator acknowledges results through the consumer that feeds it, so they are made in this order.
        ResultsConsumer? results = null;
        await using var actors = await RunActors.StartAsync(system, plan, runId, store, options, counters,
            (coordinator, _) => WorkPublisherActor.Props(coordinator, workPublishers, topology.WorkQueue),
            stored: result => results!.Acknowledge(result));
        await using var consumer = results = await ResultsConsumer.StartAsync(connection, topology, plan, actors, counters, log);

        await using var dead = await connection.CreateChannelAsync();
        var deadConsumer = new AsyncEventingBasicConsumer(dead);
        deadConsumer.ReceivedAsync += async (_, delivery) =>
        {
            var item = WireMapping.FromWire(Wire.WorkItem.Parser.ParseFrom(delivery.Body.Span));
            actors.Coordinator.Tell(new ChunkDeadLettered(item,
                $"dead-lettered after {options.MaxAttempts} deliveries without an acknowledgement (the workers holding it died)"));
            await dead.BasicAckAsync(delivery.DeliveryTag, multiple: false);
        };
        await dead.BasicConsumeAsync(topology.DeadQueue, autoAck: false, deadConsumer);

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
            outcome = await actors.WaitAsync(store, stop);
        }
        finally
        {
            await announcing.CancelAsync();
            await announce.ContinueWith(_ => { }, TaskScheduler.Default);
            await probe;
            await consumer.DisposeAsync(); // acknowledges what was stored
        }

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
}
