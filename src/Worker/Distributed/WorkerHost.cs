using System.Collections.Concurrent;
using System.Diagnostics;
using Akka.Actor;
using Google.Protobuf;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;
using Sweep.Engine.Evaluation;
using Sweep.Engine.Messages;
using Sweep.Engine.Planning;
using Sweep.Engine.Spec;
using Sweep.Engine.Transport;
using Sweep.Monitoring;
using Sweep.Physics.Models;
using Sweep.Worker.Actors;
using Sweep.Worker.Monitoring;
using Wire = Sweep.Engine.Transport.Wire;

namespace Sweep.Worker.Distributed;

/// <summary>
/// A worker process: learns of runs from the announcements, consumes each active run's work queue,
/// evaluates with <see cref="WorkerActor"/>s (one per unit of concurrency, shared by all runs, pulling
/// from a <see cref="DeliveredWorkActor"/>), and publishes each result to the run's results queue with a
/// publisher confirm <em>before</em> acknowledging the work item (<see cref="ResultPublisherActor"/>):
/// a worker that dies at any moment loses nothing (the item is redelivered; a result already sent
/// becomes a duplicate the coordinator drops). Stopping (SIGTERM) cancels the consumers, finishes the
/// items already taken, and lets the broker requeue the rest.
/// </summary>
public sealed class WorkerHost(BrokerAddress address, int concurrency, ModelRegistry registry, TextWriter log, MetricsHost monitoring,
    long? crashOnChunk = null)
{
    // By run id: two runs of one spec (same hash, different run directories) are two runs, sharing a plan.
    private readonly ConcurrentDictionary<string, ActiveRun> _runs = new();
    private readonly ConcurrentDictionary<WorkItem, (ActiveRun Run, ulong Tag)> _deliveries = new(ReferenceEqualityComparer.Instance);
    private IConnection? _connection;
    private IActorRef _work = ActorRefs.Nobody;
    private volatile bool _stopping;

    public string Id { get; } = $"{Environment.MachineName}/{Environment.ProcessId}";

    public async Task RunAsync(CancellationToken stop)
    {
        RegisterGauges(monitoring);
        monitoring.Health.NotReady("connecting to the broker");
        await using var connection = await BrokerConnection.OpenAsync(address, $"sweep-worker {Id}", TimeSpan.FromSeconds(10), stop);
        _connection = connection;
        monitoring.Health.ReadyWhen(() => stop.IsCancellationRequested ? "stopping" : connection.IsOpen ? null : "broker connection lost (recovering)");
        log.WriteLine($"sweep-worker {Id}: connected to {address.Redacted}, concurrency {concurrency}");
        // One result publisher per unit of concurrency, each with its own channel: confirms overlap. Results
        // are transient messages: the coordinator has them recomputed if the broker loses them (RunTopology).
        await using var publishers = await PublisherPool.CreateAsync(connection, concurrency, stop, DeliveryModes.Transient);
        await using var actors = await ActorHost.StartAsync("sweep-worker", stop);
        var metrics = new WorkerMetrics(monitoring);
        _work = actors.System.ActorOf(DeliveredWorkActor.Props(), "work");
        var results = actors.System.ActorOf(ResultPublisherActor.Props(TakeDelivery, publishers, log), "results");
        actors.System.ActorOf(WorkerPoolActor.Props(concurrency, Id, PlanFor, _work, results, results, metrics: metrics), "workers");

        await using var control = await connection.CreateChannelAsync(cancellationToken: stop);
        await RunTopology.DeclareSharedAsync(control, stop);
        var mine = await control.QueueDeclareAsync("", durable: false, exclusive: true, autoDelete: true, cancellationToken: stop);
        await control.QueueBindAsync(mine.QueueName, RunTopology.Announcements, "", cancellationToken: stop);
        var announcements = new AsyncEventingBasicConsumer(control);
        announcements.ReceivedAsync += (_, delivery) => OnAnnouncementAsync(delivery.Body);
        await control.BasicConsumeAsync(mine.QueueName, autoAck: true, announcements, stop);

        try
        {
            await Task.Delay(Timeout.Infinite, stop);
        }
        catch (OperationCanceledException)
        {
        }

        log.WriteLine($"sweep-worker {Id}: stopping; finishing the chunks already taken");
        foreach (var run in _runs.Values)
        {
            await run.StopConsumingAsync();
        }

        _stopping = true;
        // Every item taken is evaluated, its result published and the item acknowledged (or, if that
        // failed, left to the broker to redeliver).
        while (!_deliveries.IsEmpty && connection.IsOpen)
        {
            await Task.Delay(10, CancellationToken.None);
        }

        foreach (var run in _runs.Values)
        {
            await run.Channel.DisposeAsync(); // unacknowledged deliveries go back to the queue
        }
    }

    /// <summary>The delivery of <paramref name="item"/>, removed from those this process holds: where its
    /// result goes and how to acknowledge it.</summary>
    private (RunTopology Topology, Func<Task> Ack)? TakeDelivery(WorkItem item)
    {
        if (!_deliveries.TryRemove(item, out var delivery))
        {
            return null;
        }

        return (delivery.Run.Topology, async () =>
        {
            try
            {
                await delivery.Run.Channel.BasicAckAsync(delivery.Tag, multiple: false);
            }
            catch (RabbitMQ.Client.Exceptions.AlreadyClosedException)
            {
                // Channel lost after the result was confirmed: the item is redelivered and its result dropped as a duplicate.
            }
        });
    }

    /// <summary>The plan of an active run with this spec hash (work items name their plan by hash).</summary>
    private SweepPlan? PlanFor(string specHash) => _runs.Values.FirstOrDefault(run => run.Plan.SpecHash == specHash)?.Plan;

    private void RegisterGauges(MetricsHost host)
    {
        host.ObservedGauge("sweep_chunks_in_flight", "Chunks this process holds: received from the broker and not yet acknowledged.", () => _deliveries.Count);
        host.ObservedGauge("sweep_worker_concurrency", "Chunks this worker evaluates at once.", () => concurrency);
        host.ObservedGauge("sweep_worker_runs", "Runs this worker currently serves.", () => _runs.Count);
        host.ObservedGauge("sweep_broker_connected", "1 while the connection to the broker is open, 0 while it is down or recovering.",
            () => _connection?.IsOpen == true ? 1 : 0);
    }

    private async Task OnAnnouncementAsync(ReadOnlyMemory<byte> body)
    {
        Wire.RunAnnouncement announcement;
        try
        {
            announcement = Wire.RunAnnouncement.Parser.ParseFrom(body.Span);
        }
        catch (InvalidProtocolBufferException)
        {
            log.WriteLine($"sweep-worker {Id}: ignored a malformed run announcement");
            return;
        }

        if (announcement.Finished)
        {
            if (_runs.TryRemove(announcement.RunId, out var finished))
            {
                await finished.StopConsumingAsync();
                log.WriteLine($"sweep-worker {Id}: run {announcement.RunId} finished");
            }

            return;
        }

        if (_runs.ContainsKey(announcement.RunId) || _stopping)
        {
            return;
        }

        SweepPlan? plan = PlanFor(announcement.SpecHash);
        try
        {
            var overrides = new SpecOverrides(Chunk: announcement.ChunkOverride > 0 ? announcement.ChunkOverride : null);
            plan ??= SweepPlan.Create(SpecParser.Parse(announcement.SpecText, registry, overrides), registry);
        }
        catch (SpecException ex)
        {
            log.WriteLine($"sweep-worker {Id}: cannot serve run {announcement.RunId}: {ex.Message}");
            return;
        }

        if (plan.SpecHash != announcement.SpecHash)
        {
            log.WriteLine($"sweep-worker {Id}: cannot serve run {announcement.RunId}: this worker's plan differs (another program version)");
            return;
        }

        var run = new ActiveRun(plan, new RunTopology(announcement.RunId), await _connection!.CreateChannelAsync());
        if (!_runs.TryAdd(announcement.RunId, run))
        {
            await run.Channel.DisposeAsync();
            return;
        }

        // Prefetch = concurrency: every item a worker holds is being evaluated, so a worker that dies on
        // a poison chunk returns no prefetched neighbours towards the work queue's delivery limit. A larger
        // prefetch would only hide the round trip between a result's confirm and the next delivery,
        // ~0.3 ms against chunks of milliseconds: 2 × concurrency measured no faster (docs/BENCHMARKS.md).
        await run.Channel.BasicQosAsync(0, (ushort)concurrency, global: false);
        var consumer = new AsyncEventingBasicConsumer(run.Channel);
        consumer.ReceivedAsync += (_, delivery) => OnWorkAsync(run, delivery);
        try
        {
            run.ConsumerTag = await run.Channel.BasicConsumeAsync(run.Topology.WorkQueue, autoAck: false, consumer);
            log.WriteLine($"sweep-worker {Id}: serving run {announcement.RunId} ({plan.TotalChunks} chunks)");
        }
        catch (RabbitMQ.Client.Exceptions.OperationInterruptedException)
        {
            _runs.TryRemove(announcement.RunId, out _); // the run's queues are gone: it finished meanwhile
        }
    }

    private async Task OnWorkAsync(ActiveRun run, BasicDeliverEventArgs delivery)
    {
        WorkItem item;
        try
        {
            item = WireMapping.FromWire(Wire.WorkItem.Parser.ParseFrom(delivery.Body.Span));
        }
        catch (InvalidProtocolBufferException)
        {
            // Unreadable: reject without requeue, so the broker dead-letters it and the coordinator hears of it.
            await run.Channel.BasicRejectAsync(delivery.DeliveryTag, requeue: false);
            return;
        }

        if (crashOnChunk == item.Chunk)
        {
            log.WriteLine($"sweep-worker {Id}: test hook: crashing on chunk {item.Chunk}");
            log.Flush();
            Process.GetCurrentProcess().Kill(); // SIGKILL: the broker requeues what this process held
        }

        _deliveries[item] = (run, delivery.DeliveryTag);
        _work.Tell(item);
    }

    private sealed class ActiveRun(SweepPlan plan, RunTopology topology, IChannel channel)
    {
        public SweepPlan Plan { get; } = plan;

        public RunTopology Topology { get; } = topology;

        public IChannel Channel { get; } = channel;

        public string? ConsumerTag { get; set; }

        public async Task StopConsumingAsync()
        {
            if (ConsumerTag is { } tag)
            {
                ConsumerTag = null;
                try
                {
                    await Channel.BasicCancelAsync(tag);
                }
                catch (Exception ex) when (ex is RabbitMQ.Client.Exceptions.AlreadyClosedException or RabbitMQ.Client.Exceptions.OperationInterruptedException)
                {
                }
            }
        }
    }
}
