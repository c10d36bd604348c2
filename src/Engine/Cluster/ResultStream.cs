using System.Buffers.Binary;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace Sweep.Engine.Cluster;

/// <summary>
/// The result stream: how a worker node's results reach its coordinator node, beside Akka.Remote rather than
/// through it (docs/ENGINE.md, "Cluster"). One TCP connection per worker node and coordinator, on the coordinator's
/// result port (announced in its <see cref="Messages.RunOffer"/>), carrying only frames from worker to coordinator:
/// a <see cref="HeaderBytes"/>-byte header (<see cref="Magic"/>, chunk, attempt, head length, data length; little-endian),
/// the head (the <see cref="Messages.ChunkResult"/> without its bytes, <see cref="Serialization.SweepMessageSerializer.WriteResultHead"/>),
/// then the data: the result's value bytes and status bytes as they lie in its buffer, so the sender writes them from the
/// evaluator's buffer and the receiver reads them into the buffer the store writes to disk from, with no copy in user space
/// (docs/ENGINE.md, "Results from kernel to disk"). With the
/// cluster's certificate the connection is TLS with mutual authentication and the peer's certificate pinned, exactly
/// as remoting's (<see cref="ClusterCertificate"/>); without it, the same loopback-only / <c>--insecure</c> rule holds,
/// because the port listens on the remoting host.
/// </summary>
public static class ResultStream
{
    public const int HeaderBytes = 24;

    /// <summary>A connection that has not completed its TLS handshake by then is closed (a port scanner, a stuck peer).</summary>
    public static readonly TimeSpan HandshakeTimeout = TimeSpan.FromSeconds(10);

    /// <summary>"SWR2": every frame starts with it, so bytes that are not a frame (or a frame of the format before, "SWR1")
    /// are recognised at their first four.</summary>
    public static ReadOnlySpan<byte> Magic => "SWR2"u8;

    /// <summary>A frame's header: which chunk's result (for the log when an upload is cut), and how many bytes of head and
    /// of data follow.</summary>
    public readonly record struct Header(long Chunk, int Attempt, int HeadLength, int DataLength)
    {
        public long Length => (long)HeadLength + DataLength;
    }

    /// <summary>Writes the header of a frame whose head and data are <paramref name="headLength"/> and <paramref name="dataLength"/> bytes.</summary>
    public static void WriteHeader(Span<byte> destination, long chunk, int attempt, int headLength, int dataLength)
    {
        Magic.CopyTo(destination);
        BinaryPrimitives.WriteInt64LittleEndian(destination[4..], chunk);
        BinaryPrimitives.WriteInt32LittleEndian(destination[12..], attempt);
        BinaryPrimitives.WriteInt32LittleEndian(destination[16..], headLength);
        BinaryPrimitives.WriteInt32LittleEndian(destination[20..], dataLength);
    }

    /// <summary>The header in <paramref name="source"/>; <see cref="InvalidDataException"/> saying why if it is not one
    /// (no magic, a negative chunk, an attempt below 1, an empty head, head or data above <paramref name="maxLength"/> bytes).</summary>
    public static Header ReadHeader(ReadOnlySpan<byte> source, int maxLength)
    {
        if (!source[..4].SequenceEqual(Magic))
        {
            throw new InvalidDataException($"not a result frame (starts with {Convert.ToHexString(source[..4])}, not {Convert.ToHexString(Magic)})");
        }

        var header = new Header(BinaryPrimitives.ReadInt64LittleEndian(source[4..]), BinaryPrimitives.ReadInt32LittleEndian(source[12..]),
            BinaryPrimitives.ReadInt32LittleEndian(source[16..]), BinaryPrimitives.ReadInt32LittleEndian(source[20..]));
        if (header.Chunk < 0 || header.Attempt < 1 || header.HeadLength < 1 || header.HeadLength > maxLength || header.DataLength < 0
            || header.DataLength > maxLength)
        {
            throw new InvalidDataException($"a result frame for chunk {header.Chunk}, attempt {header.Attempt}, of {header.HeadLength} + " +
                                           $"{header.DataLength} bytes (each at most {maxLength})");
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
