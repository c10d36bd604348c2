using System.Threading.Channels;
using RabbitMQ.Client;

namespace Sweep.Engine.Transport;

/// <summary>
/// Several <see cref="ConfirmingPublisher"/>s, one channel each, so that many publishes await their
/// confirms at once: a quorum queue confirms after its log is fsynced, and one publish at a time
/// measured ~90 messages/s on loopback. Each channel still publishes one message at a time (sharing a
/// channel between concurrent confirmed publishes is not safe in RabbitMQ.Client 7.1, issue #1818).
/// </summary>
public sealed class PublisherPool : IAsyncDisposable
{
    private readonly Channel<ConfirmingPublisher> _idle;
    private readonly List<ConfirmingPublisher> _all;

    private PublisherPool(List<ConfirmingPublisher> publishers)
    {
        _all = publishers;
        _idle = Channel.CreateUnbounded<ConfirmingPublisher>();
        foreach (var publisher in publishers)
        {
            _idle.Writer.TryWrite(publisher);
        }
    }

    public static async Task<PublisherPool> CreateAsync(IConnection connection, int size, CancellationToken cancel = default,
        DeliveryModes mode = DeliveryModes.Persistent)
    {
        var publishers = new List<ConfirmingPublisher>();
        for (int i = 0; i < size; i++)
        {
            publishers.Add(await ConfirmingPublisher.CreateAsync(connection, cancel, mode));
        }

        return new PublisherPool(publishers);
    }

    /// <summary>Publishes on an idle publisher (waiting for one if all are busy); completes when confirmed.</summary>
    public async Task PublishAsync(string exchange, string routingKey, ReadOnlyMemory<byte> body, CancellationToken cancel = default)
    {
        var publisher = await _idle.Reader.ReadAsync(cancel);
        try
        {
            await publisher.PublishAsync(exchange, routingKey, body, cancel);
        }
        finally
        {
            _idle.Writer.TryWrite(publisher);
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var publisher in _all)
        {
            await publisher.DisposeAsync();
        }
    }
}
