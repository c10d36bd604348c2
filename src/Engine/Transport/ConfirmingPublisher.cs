using RabbitMQ.Client;
using RabbitMQ.Client.Exceptions;

namespace Sweep.Engine.Transport;

/// <summary>
/// Publishes persistent messages on a channel with publisher confirms and returns: a publish
/// completes only when the broker has taken responsibility for the message. While the connection
/// is down (a broker restart) it retries until the recovered channel confirms, so nothing a caller
/// considers sent is lost. One publish at a time per publisher (its channel is not shared).
/// </summary>
public sealed class ConfirmingPublisher : IAsyncDisposable
{
    private readonly IChannel _channel;
    private readonly SemaphoreSlim _one = new(1, 1);
    private readonly BasicProperties _properties;

    private ConfirmingPublisher(IChannel channel, DeliveryModes mode)
    {
        _channel = channel;
        _properties = new BasicProperties { DeliveryMode = mode, ContentType = "application/x-protobuf" };
    }

    /// <summary><paramref name="mode"/>: <see cref="DeliveryModes.Transient"/> for messages that may be
    /// recomputed rather than written to disk (results; see <see cref="RunTopology"/>).</summary>
    public static async Task<ConfirmingPublisher> CreateAsync(IConnection connection, CancellationToken cancel = default,
        DeliveryModes mode = DeliveryModes.Persistent) =>
        new(await connection.CreateChannelAsync(new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true), cancel), mode);

    public IChannel Channel => _channel;

    public async Task PublishAsync(string exchange, string routingKey, ReadOnlyMemory<byte> body, CancellationToken cancel = default)
    {
        await _one.WaitAsync(cancel);
        try
        {
            for (int attempt = 0; ; attempt++)
            {
                try
                {
                    await _channel.BasicPublishAsync(exchange, routingKey, mandatory: exchange.Length == 0, _properties, body, cancel);
                    return;
                }
                catch (Exception ex) when (ex is AlreadyClosedException or OperationInterruptedException or PublishException or IOException
                                           && !cancel.IsCancellationRequested)
                {
                    // Connection lost or message nacked/returned: wait for recovery and publish again.
                    await Task.Delay(TimeSpan.FromMilliseconds(Math.Min(2000, 100 * (attempt + 1))), cancel);
                }
            }
        }
        finally
        {
            _one.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _channel.DisposeAsync();
        _one.Dispose();
    }
}
