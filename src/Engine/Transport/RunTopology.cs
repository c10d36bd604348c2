using RabbitMQ.Client;

namespace Sweep.Engine.Transport;

/// <summary>
/// The broker objects of one run, named by its run id so that runs sharing a broker never meet:
/// a quorum work queue (redeliveries capped by <c>x-delivery-limit</c>, then dead-lettered to the
/// run's dead queue), a quorum results queue, and the shared fanout exchange on which coordinators
/// announce their runs to every worker.
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
        await channel.QueueDeclareAsync(ResultQueue, durable: true, exclusive: false, autoDelete: false, Quorum(), cancellationToken: cancel);
    }

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
