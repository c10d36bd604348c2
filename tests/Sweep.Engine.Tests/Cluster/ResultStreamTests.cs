using System.Net;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using Sweep.Engine.Cluster;

namespace Sweep.Engine.Tests.Cluster;

/// <summary>
/// The result stream's frame header and its TLS on real loopback sockets: the cluster certificate on both ends
/// carries bytes; a client with another certificate, or with none, is refused by the server, and a server with
/// another certificate is refused by the client (the certificate is pinned both ways).
/// </summary>
public sealed class ResultStreamTests : IDisposable
{
    private readonly TestCertificates _certificates = new();

    [Fact]
    public void A_header_round_trips_and_anything_else_is_refused_saying_why()
    {
        var header = new byte[ResultStream.HeaderBytes];
        ResultStream.WriteHeader(header, 123_456_789_012, 3, 61, 19_200_000);
        Assert.Equal(new ResultStream.Header(123_456_789_012, 3, 61, 19_200_000), ResultStream.ReadHeader(header, 1 << 30));
        Assert.Equal("SWR2"u8.ToArray(), header[..4]);

        Assert.Contains("not a result frame (starts with 47455420", Refused("GET / HTTP/1.1\r\n\r\n       "u8.ToArray()));
        Assert.Contains("not a result frame (starts with 53575231", Refused([.. "SWR1"u8, .. Header(1, 1, 10)[4..]])); // the format before
        Assert.Contains("of 2000 + 0 bytes (each at most 1000)", Refused(Header(1, 1, 2000)));
        Assert.Contains("of 10 + 2000 bytes", Refused(Header(1, 1, 10, 2000)));
        Assert.Contains("of 10 + -1 bytes", Refused(Header(1, 1, 10, -1)));
        Assert.Contains("chunk -1", Refused(Header(-1, 1, 10)));
        Assert.Contains("attempt 0", Refused(Header(1, 0, 10)));
        Assert.Contains("of 0 + 0 bytes", Refused(Header(1, 1, 0)));

        static string Refused(byte[] bytes) => Assert.Throws<InvalidDataException>(() => ResultStream.ReadHeader(bytes, 1000)).Message;
    }

    [Fact]
    public async Task The_cluster_certificate_on_both_ends_carries_the_bytes()
    {
        using var cluster = Load(_certificates.Make("cluster"));
        var (server, client) = await HandshakeAsync(cluster, cluster);
        await using (var serverStream = await server)
        await using (var clientStream = await client)
        {
            await clientStream.WriteAsync(Header(7, 1, 3));
            var read = new byte[ResultStream.HeaderBytes];
            await serverStream.ReadExactlyAsync(read);
            Assert.Equal(new ResultStream.Header(7, 1, 3, 0), ResultStream.ReadHeader(read, 100));
        }
    }

    [Fact]
    public async Task A_client_with_another_certificate_or_none_is_refused_and_so_is_a_server_with_another()
    {
        using var cluster = Load(_certificates.Make("cluster"));
        using var other = Load(_certificates.Make("other"));

        var (server, client) = await HandshakeAsync(cluster, other);
        await Assert.ThrowsAnyAsync<AuthenticationException>(() => server);
        await Ignore(client); // with TLS 1.3 the client learns of it only at its next read

        (server, client) = await HandshakeAsync(cluster, null);
        await Assert.ThrowsAnyAsync<Exception>(() => server); // plain bytes, or no TLS at all: not a handshake
        await Ignore(client);

        (server, client) = await HandshakeAsync(other, cluster);
        await Assert.ThrowsAnyAsync<AuthenticationException>(() => client);
        await Ignore(server);
    }

    public void Dispose() => _certificates.Dispose();

    /// <summary>A server and a client handshake over a loopback connection; the client sends a header's worth of
    /// plain bytes when it has no certificate.</summary>
    private static async Task<(Task<Stream> Server, Task<Stream> Client)> HandshakeAsync(X509Certificate2 serverCertificate, X509Certificate2? clientCertificate)
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var connecting = new Socket(SocketType.Stream, ProtocolType.Tcp);
        await connecting.ConnectAsync(IPAddress.Loopback, ((IPEndPoint)listener.LocalEndpoint).Port);
        var accepted = await listener.AcceptSocketAsync();
        var server = ResultStream.AcceptAsync(new NetworkStream(accepted, ownsSocket: true), serverCertificate, CancellationToken.None);
        Task<Stream> client;
        if (clientCertificate is null)
        {
            var plain = new NetworkStream(connecting, ownsSocket: true);
            await plain.WriteAsync(Header(1, 1, 1));
            plain.Socket.Shutdown(SocketShutdown.Send);
            client = Task.FromResult<Stream>(plain);
        }
        else
        {
            client = ResultStream.ConnectAsync(new NetworkStream(connecting, ownsSocket: true), "127.0.0.1", clientCertificate, CancellationToken.None);
        }

        await Task.WhenAll(Settle(server), Settle(client));
        return (server, client);
    }

    /// <summary>Until <paramref name="task"/> ended, whichever way.</summary>
    private static async Task Settle(Task task)
    {
        try
        {
            await task;
        }
        catch (Exception ex) when (ex is AuthenticationException or IOException)
        {
            // the refusal under test: asserted by the caller
        }
    }

    private static async Task Ignore(Task<Stream> task)
    {
        try
        {
            await (await task).DisposeAsync();
        }
        catch (Exception ex) when (ex is AuthenticationException or IOException)
        {
            // the refusal under test: asserted by the caller
        }
    }

    private static byte[] Header(long chunk, int attempt, int headLength, int dataLength = 0)
    {
        var header = new byte[ResultStream.HeaderBytes];
        ResultStream.WriteHeader(header, chunk, attempt, headLength, dataLength);
        return header;
    }

    private static X509Certificate2 Load((string Pfx, string PasswordFile, string Password) files) =>
        ClusterCertificate.Load(files.Pfx, files.PasswordFile, _ => null);
}
