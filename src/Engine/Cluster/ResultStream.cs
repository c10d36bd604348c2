using System.Buffers.Binary;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace Sweep.Engine.Cluster;

/// <summary>
/// The result stream: how a worker node's results reach its coordinator node, beside Akka.Remote rather than
/// through it (docs/ENGINE.md, "Cluster"). One TCP connection per worker node and coordinator, on the coordinator's
/// result port (announced in its <see cref="Messages.RunOffer"/>), carrying only frames from worker to coordinator:
/// a <see cref="HeaderBytes"/>-byte header (<see cref="Magic"/>, chunk, attempt, payload length; little-endian) and the
/// payload, a <see cref="Messages.ChunkResult"/> as <see cref="Serialization.SweepMessageSerializer"/> writes it. With the
/// cluster's certificate the connection is TLS with mutual authentication and the peer's certificate pinned, exactly
/// as remoting's (<see cref="ClusterCertificate"/>); without it, the same loopback-only / <c>--insecure</c> rule holds,
/// because the port listens on the remoting host.
/// </summary>
public static class ResultStream
{
    public const int HeaderBytes = 20;

    /// <summary>A connection that has not completed its TLS handshake by then is closed (a port scanner, a stuck peer).</summary>
    public static readonly TimeSpan HandshakeTimeout = TimeSpan.FromSeconds(10);

    /// <summary>"SWR1": every frame starts with it, so bytes that are not a frame are recognised at their first four.</summary>
    public static ReadOnlySpan<byte> Magic => "SWR1"u8;

    /// <summary>A frame's header: which chunk's result (for the log when an upload is cut), and how many bytes follow.</summary>
    public readonly record struct Header(long Chunk, int Attempt, int Length);

    /// <summary>Writes the header of a frame whose payload is <paramref name="length"/> bytes.</summary>
    public static void WriteHeader(Span<byte> destination, long chunk, int attempt, int length)
    {
        Magic.CopyTo(destination);
        BinaryPrimitives.WriteInt64LittleEndian(destination[4..], chunk);
        BinaryPrimitives.WriteInt32LittleEndian(destination[12..], attempt);
        BinaryPrimitives.WriteInt32LittleEndian(destination[16..], length);
    }

    /// <summary>The header in <paramref name="source"/>; <see cref="InvalidDataException"/> saying why if it is not one
    /// (no magic, a negative chunk, an attempt below 1, a payload empty or above <paramref name="maxLength"/> bytes).</summary>
    public static Header ReadHeader(ReadOnlySpan<byte> source, int maxLength)
    {
        if (!source[..4].SequenceEqual(Magic))
        {
            throw new InvalidDataException($"not a result frame (starts with {Convert.ToHexString(source[..4])}, not {Convert.ToHexString(Magic)})");
        }

        var header = new Header(BinaryPrimitives.ReadInt64LittleEndian(source[4..]), BinaryPrimitives.ReadInt32LittleEndian(source[12..]),
            BinaryPrimitives.ReadInt32LittleEndian(source[16..]));
        if (header.Chunk < 0 || header.Attempt < 1 || header.Length < 1 || header.Length > maxLength)
        {
            throw new InvalidDataException($"a result frame for chunk {header.Chunk}, attempt {header.Attempt}, of {header.Length} bytes (at most {maxLength})");
        }

        return header;
    }

    /// <summary>The server side of a connection: TLS with the cluster certificate, the client's certificate required and
    /// pinned to it; the plain stream without a certificate. Throws (<see cref="System.Security.Authentication.AuthenticationException"/>,
    /// <see cref="IOException"/>, <see cref="OperationCanceledException"/> after <see cref="HandshakeTimeout"/>) if the peer fails.</summary>
    public static async Task<Stream> AcceptAsync(Stream connection, X509Certificate2? certificate, CancellationToken stop)
    {
        if (certificate is null)
        {
            return connection;
        }

        var tls = new SslStream(connection, leaveInnerStreamOpen: false);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stop);
        timeout.CancelAfter(HandshakeTimeout);
        await tls.AuthenticateAsServerAsync(new SslServerAuthenticationOptions
        {
            ServerCertificate = certificate,
            ClientCertificateRequired = true,
            RemoteCertificateValidationCallback = (_, peer, _, _) => Pinned(certificate, peer),
        }, timeout.Token);
        return tls;
    }

    /// <summary>The client side: TLS presenting the cluster certificate and accepting only a server that presents it too.</summary>
    public static async Task<Stream> ConnectAsync(Stream connection, string host, X509Certificate2? certificate, CancellationToken stop)
    {
        if (certificate is null)
        {
            return connection;
        }

        var tls = new SslStream(connection, leaveInnerStreamOpen: false);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stop);
        timeout.CancelAfter(HandshakeTimeout);
        await tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
        {
            TargetHost = host,
            ClientCertificates = [certificate],
            LocalCertificateSelectionCallback = (_, _, _, _, _) => certificate,
            RemoteCertificateValidationCallback = (_, peer, _, _) => Pinned(certificate, peer),
        }, timeout.Token);
        return tls;
    }

    /// <summary>The peer proved it holds this very certificate (its chain is self-signed, so chain errors say nothing).</summary>
    private static bool Pinned(X509Certificate2 own, X509Certificate? peer) =>
        peer is not null && peer.GetCertHash().AsSpan().SequenceEqual(own.GetCertHash());
}
