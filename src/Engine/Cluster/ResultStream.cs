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
/// <para>A worker node on the coordinator's machine sends results by reference instead (docs/ENGINE.md, "Results on one
/// machine"): the connection starts with a <see cref="HelloMagic"/> hello naming the worker's process and a probe
/// <see cref="Evaluation.SharedSegment"/>; the coordinator answers one byte, <see cref="Accepted"/> if it could map the probe.
/// Then a <see cref="SharedMagic"/> frame carries, in place of the data, a <see cref="SegmentReference"/> to the result's buffer
/// (a shared segment of the worker's); once the result is stored or dropped the coordinator writes the segment's id back
/// (<see cref="AckBytes"/> bytes), and only then may the worker use that buffer again.</para>
/// </summary>
public static class ResultStream
{
    public const int HeaderBytes = 24;

    /// <summary>A connection that has not completed its TLS handshake by then is closed (a port scanner, a stuck peer).</summary>
    public static readonly TimeSpan HandshakeTimeout = TimeSpan.FromSeconds(10);

    /// <summary>"SWR2": every frame starts with it, so bytes that are not a frame (or a frame of the format before, "SWR1")
    /// are recognised at their first four.</summary>
    public static ReadOnlySpan<byte> Magic => "SWR2"u8;

    /// <summary>"SWS2": a frame whose data is a <see cref="SegmentReference"/> (<see cref="SegmentReference.Bytes"/> bytes).</summary>
    public static ReadOnlySpan<byte> SharedMagic => "SWS2"u8;

    /// <summary>"SWH2": a connection's first <see cref="HeaderBytes"/> bytes when the worker offers shared memory: the magic, its
    /// process id, then a <see cref="SegmentReference"/> to its probe segment.</summary>
    public static ReadOnlySpan<byte> HelloMagic => "SWH2"u8;

    /// <summary>The coordinator's answer to a hello: it mapped the probe, results may come by reference.</summary>
    public const byte Accepted = 1;

    /// <summary>The coordinator's answer to a hello: send the bytes.</summary>
    public const byte Refused = 0;

    /// <summary>An acknowledgement: the id of a segment the coordinator is done with (little-endian).</summary>
    public const int AckBytes = 8;

    /// <summary>Where a result lies in a worker's shared segment: its descriptor in the worker's process, its length and its id.</summary>
    public readonly record struct SegmentReference(int Descriptor, int Length, long Id)
    {
        public const int Bytes = 16;

        public void Write(Span<byte> destination)
        {
            BinaryPrimitives.WriteInt32LittleEndian(destination, Descriptor);
            BinaryPrimitives.WriteInt32LittleEndian(destination[4..], Length);
            BinaryPrimitives.WriteInt64LittleEndian(destination[8..], Id);
        }

        public static SegmentReference Read(ReadOnlySpan<byte> source) =>
            new(BinaryPrimitives.ReadInt32LittleEndian(source), BinaryPrimitives.ReadInt32LittleEndian(source[4..]),
                BinaryPrimitives.ReadInt64LittleEndian(source[8..]));
    }

    /// <summary>Writes a hello: process <paramref name="pid"/> offers results by reference; <paramref name="probe"/> proves it.</summary>
    public static void WriteHello(Span<byte> destination, int pid, SegmentReference probe)
    {
        HelloMagic.CopyTo(destination);
        BinaryPrimitives.WriteInt32LittleEndian(destination[4..], pid);
        probe.Write(destination[8..]);
    }

    /// <summary>The hello in <paramref name="source"/> (<see cref="HeaderBytes"/> bytes), or false if it does not start with <see cref="HelloMagic"/>.</summary>
    public static bool TryReadHello(ReadOnlySpan<byte> source, out int pid, out SegmentReference probe)
    {
        (pid, probe) = (0, default);
        if (!source[..4].SequenceEqual(HelloMagic))
        {
            return false;
        }

        (pid, probe) = (BinaryPrimitives.ReadInt32LittleEndian(source[4..]), SegmentReference.Read(source[8..]));
        return true;
    }

    /// <summary>A frame's header: which chunk's result (for the log when an upload is cut), how many bytes of head and
    /// of data follow, and whether the data is a <see cref="SegmentReference"/> (<see cref="SharedMagic"/>).</summary>
    public readonly record struct Header(long Chunk, int Attempt, int HeadLength, int DataLength, bool Shared = false)
    {
        public long Length => (long)HeadLength + DataLength;
    }

    /// <summary>Writes the header of a frame whose head and data are <paramref name="headLength"/> and <paramref name="dataLength"/> bytes
    /// (<paramref name="shared"/>: the data is a <see cref="SegmentReference"/>).</summary>
    public static void WriteHeader(Span<byte> destination, long chunk, int attempt, int headLength, int dataLength, bool shared = false)
    {
        (shared ? SharedMagic : Magic).CopyTo(destination);
        BinaryPrimitives.WriteInt64LittleEndian(destination[4..], chunk);
        BinaryPrimitives.WriteInt32LittleEndian(destination[12..], attempt);
        BinaryPrimitives.WriteInt32LittleEndian(destination[16..], headLength);
        BinaryPrimitives.WriteInt32LittleEndian(destination[20..], dataLength);
    }

    /// <summary>The header in <paramref name="source"/>; <see cref="InvalidDataException"/> saying why if it is not one
    /// (no magic, a negative chunk, an attempt below 1, an empty head, head or data above <paramref name="maxLength"/> bytes, a
    /// reference of another length).</summary>
    public static Header ReadHeader(ReadOnlySpan<byte> source, int maxLength)
    {
        bool shared = source[..4].SequenceEqual(SharedMagic);
        if (!shared && !source[..4].SequenceEqual(Magic))
        {
            throw new InvalidDataException($"not a result frame (starts with {Convert.ToHexString(source[..4])}, not {Convert.ToHexString(Magic)})");
        }

        var header = new Header(BinaryPrimitives.ReadInt64LittleEndian(source[4..]), BinaryPrimitives.ReadInt32LittleEndian(source[12..]),
            BinaryPrimitives.ReadInt32LittleEndian(source[16..]), BinaryPrimitives.ReadInt32LittleEndian(source[20..]), shared);
        if (header.Chunk < 0 || header.Attempt < 1 || header.HeadLength < 1 || header.HeadLength > maxLength || header.DataLength < 0
            || header.DataLength > maxLength || (shared && header.DataLength != SegmentReference.Bytes))
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
