using RabbitMQ.Client;
using RabbitMQ.Client.Exceptions;

namespace Sweep.Engine.Transport;

/// <summary>Opens a connection that recovers by itself (connection, channels, consumers, topology)
/// after a broker restart. Failing to connect at start is an error naming the host, never the
/// password, after a bounded wait: the caller exits 69 rather than hang.</summary>
public static class BrokerConnection
{
    public static async Task<IConnection> OpenAsync(BrokerAddress address, string clientName, TimeSpan connectTimeout, CancellationToken cancel = default)
    {
        var factory = new ConnectionFactory
        {
            Uri = address.Url,
            ClientProvidedName = clientName,
            AutomaticRecoveryEnabled = true,
            TopologyRecoveryEnabled = true,
            NetworkRecoveryInterval = TimeSpan.FromSeconds(1),
            RequestedHeartbeat = TimeSpan.FromSeconds(15),
            RequestedConnectionTimeout = connectTimeout,
        };

        var deadline = DateTime.UtcNow + connectTimeout;
        while (true)
        {
            try
            {
                return await factory.CreateConnectionAsync(cancel);
            }
            catch (BrokerUnreachableException ex) when (DateTime.UtcNow < deadline)
            {
                _ = ex;
                await Task.Delay(TimeSpan.FromMilliseconds(500), cancel);
            }
            catch (BrokerUnreachableException ex)
            {
                string reason = ex.InnerException is AuthenticationFailureException ? "authentication failed" : Innermost(ex).Message;
                throw new BrokerUnavailableException($"cannot reach the broker at {address.Host} (tried for {connectTimeout.TotalSeconds:F0} s): {reason}", ex);
            }
        }
    }

    private static Exception Innermost(Exception ex) => ex.InnerException is null ? ex : Innermost(ex.InnerException);
}
