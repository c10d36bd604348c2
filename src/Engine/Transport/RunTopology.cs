using RabbitMQ.Client;

namespace Sweep.Engine.Transport;

/// <summary>
/// The broker objects of one run, named by its run id so that runs sharing a broker never meet:
/// a quorum work queue (redeliveries capped by <c>x-delivery-limit</c>, then dead-lettered to the
/// run's dead queue), a results queue, and the shared fanout exchange on which coordinators
/// announce their runs to every worker.
/// <para>
/// Work items are small and replicated (quorum). Results are the bulk of the traffic (every value a
/// run computes) and cheap to compute again, so they travel as transient messages on a durable
/// classic queue: the broker confirms them from memory, with no disk write, fsync or replication.
/// The price is that a broker restart (or the loss of the queue's node) drops the results it held;
/// the coordinator then sends every in-flight chunk again (<c>RedispatchInFlight</c>) and drops the
/// duplicates. Measured on loopback: half the broker's CPU per result and no fsync wait per chunk
/// (docs/BENCHMARKS.md).
/// </para>
/// </summary>
public sealed record RunTopology(string RunId)
{
    public const string Announcements = "sweep.runs";
    public const string DeadLetters = "sweep.dead";

    public string WorkQueue => $"sweep.{RunId}.work";

    public string ResultQueue => $"sweep.{RunId}.results";

    public string DeadQueue => $"sweep.{RunId}.dead";

    /// <summary>Declares everything (idempotent). <paramref name="deliveryLimit"/>: deliveries of a work
    /// item that end without an ack (a worker that died holding it) before it is dead-lettered.</summary>
    public async Task DeclareAsync(IChannel channel, int deliveryLimit, CancellationToken cancel = default)
    {
        await DeclareSharedAsync(channel, cancel);
        await channel.ExchangeDeclareAsync(DeadLetters, ExchangeType.Direct, durable: true, autoDelete: false, cancellationToken: cancel);
        await channel.QueueDeclareAsync(DeadQueue, durable: true, exclusive: false, autoDelete: false, Quorum(), cancellationToken: cancel);
        await channel.QueueBindAsync(DeadQueue, DeadLetters, DeadQueue, cancellationToken: cancel);
        var work = Quorum();
        work["x-delivery-limit"] = deliveryLimit;
        work["x-dead-letter-exchange"] = DeadLetters;
        work["x-dead-letter-routing-key"] = DeadQueue;
        await channel.QueueDeclareAsync(WorkQueue, durable: true, exclusive: false, autoDelete: false, work, cancellationToken: cancel);
        await DeclareResultsAsync(channel, cancel);
    }

    /// <summary>Declares the results queue (idempotent); also used to bring it back after the broker lost it.</summary>
    public Task DeclareResultsAsync(IChannel channel, CancellationToken cancel = default) =>
        channel.QueueDeclareAsync(ResultQueue, durable: true, exclusive: false, autoDelete: false,
            new Dictionary<string, object?> { ["x-queue-type"] = "classic" }, cancellationToken: cancel);

    public static Task DeclareSharedAsync(IChannel channel, CancellationToken cancel = default) =>
        channel.ExchangeDeclareAsync(Announcements, ExchangeType.Fanout, durable: true, autoDelete: false, cancellationToken: cancel);

    /// <summary>Removes the run's queues once it needs no more messages.</summary>
    public async Task DeleteAsync(IChannel channel)
    {
        foreach (string queue in new[] { WorkQueue, ResultQueue, DeadQueue })
        {
            await channel.QueueDeleteAsync(queue, ifUnused: false, ifEmpty: false);
        }
    }

    private static Dictionary<string, object?> Quorum() => new() { ["x-queue-type"] = "quorum" };
}
