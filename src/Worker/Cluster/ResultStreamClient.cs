using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using Sweep.Engine.Cluster;
using Sweep.Engine.Evaluation;
using Sweep.Engine.Messages;

namespace Sweep.Worker.Cluster;

/// <summary>A worker node's connection to one coordinator node's result stream (<see cref="ResultStream"/>), opened at
/// the first frame; after a failed write it is disposed and a new one is made. One write at a time.
/// <para>When this process evaluates into shared segments (<see cref="ResultBuffers.Sharing"/>, or <c>offerSharing</c>) and the
/// coordinator is on this machine, the connection opens with a hello; if the coordinator maps the probe, results go by reference and their buffers
/// stay lent to the connection until the coordinator acknowledges them (docs/ENGINE.md, "Results on one machine"). A
/// connection that ends lends nothing back: what it held is never reused (<see cref="ResultBuffer.Exposed"/>).</para></summary>
public sealed class ResultStreamClient(string host, int port, X509Certificate2? certificate, bool? offerSharing = null) : IDisposable
{
    private static readonly Lazy<SharedSegment> Probe = new(() => SharedSegment.Create(ResultBuffer.Alignment));

    private readonly ConcurrentDictionary<long, ResultBuffer> _lent = new();
    private byte[] _message = new byte[1024]; // a by-reference frame: header, head and reference, sent as one write
    private Stream? _stream;
    private bool _shares;

    public string Endpoint => $"{host}:{port}";

    /// <summary>Whether results go by reference on the current connection.</summary>
    public bool SharesMemory => _stream is not null && _shares;

    /// <summary>Sends <paramref name="result"/>, whose frame header and head are <paramref name="frame"/> (the header written for
    /// its bytes). True: it went by reference and the connection holds its buffer until acknowledged (the caller must not
    /// release it); false: its bytes went, and the buffer is the caller's again. Throws if the connection cannot be made or breaks
    /// (the buffer is then the caller's, and may be exposed).</summary>
    public async Task<bool> SendAsync(Memory<byte> frame, ChunkResult result)
    {
        _stream ??= await ConnectAsync();
        if (!_shares || result.Buffer.Segment is not { } segment)
        {
            await WriteAsync(frame, result.Values, result.Status);
            return false;
        }

        // The header says "by reference", and the data is where the result lies.
        ResultStream.WriteHeader(frame.Span, result.Item.Chunk, result.Item.Attempt, frame.Length - ResultStream.HeaderBytes,
            ResultStream.SegmentReference.Bytes, shared: true);
        // One write, so one segment on the wire and one wake-up of the coordinator's reader per result, not two.
        int length = frame.Length + ResultStream.SegmentReference.Bytes;
        if (_message.Length < length)
        {
            _message = new byte[Math.Max(length, 2 * _message.Length)];
        }

        frame.Span.CopyTo(_message);
        new ResultStream.SegmentReference(segment.Descriptor, segment.Length, segment.Id).Write(_message.AsSpan(frame.Length));
        result.Buffer.Expose();
        _lent[segment.Id] = result.Buffer; // before the write: the acknowledgement may come before the write returns
        try
        {
            await WriteAsync(_message.AsMemory(0, length));
            return true;
        }
        catch
        {
            // Still lent (no acknowledgement yet): the caller's again, exposed. Acknowledged already: the coordinator has it.
            if (_lent.TryRemove(segment.Id, out _))
            {
                throw;
            }

            return true;
        }
    }

    /// <summary>Writes the parts of one frame, one after another; throws if the connection cannot be made or breaks.</summary>
    public async Task WriteAsync(params ReadOnlyMemory<byte>[] parts)
    {
        _stream ??= await ConnectAsync();
        foreach (var part in parts)
        {
            await _stream.WriteAsync(part);
        }
    }

    public void Dispose()
    {
        _stream?.Dispose(); // ends the acknowledgements' reader
        LetGoOfLent();
    }

    private async Task<Stream> ConnectAsync()
    {
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            using var timeout = new CancellationTokenSource(ResultStream.HandshakeTimeout);
            await socket.ConnectAsync(host, port, timeout.Token);
            bool local = socket.RemoteEndPoint is IPEndPoint remote && OnThisMachine(remote.Address);
            var stream = await ResultStream.ConnectAsync(new NetworkStream(socket, ownsSocket: true), host, certificate, timeout.Token);
            _shares = (offerSharing ?? ResultBuffers.Sharing) && local && await OfferSharingAsync(stream, timeout.Token);
            if (_shares)
            {
                _ = Task.Factory.StartNew(() => ReadAcknowledgements(stream), CancellationToken.None, TaskCreationOptions.LongRunning,
                    TaskScheduler.Default);
            }

            return stream;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>The hello: this process and its probe segment; the coordinator answers whether it mapped it.</summary>
    private static async Task<bool> OfferSharingAsync(Stream stream, CancellationToken timeout)
    {
        var hello = new byte[ResultStream.HeaderBytes];
        var probe = Probe.Value;
        ResultStream.WriteHello(hello, Environment.ProcessId, new ResultStream.SegmentReference(probe.Descriptor, probe.Length, probe.Id));
        await stream.WriteAsync(hello, timeout);
        var answer = new byte[1];
        return await stream.ReadAsync(answer, timeout) == 1 && answer[0] == ResultStream.Accepted;
    }

    /// <summary>Gives each acknowledged buffer back to the pool; once the connection ends, lets go of those still lent (never
    /// reused: the coordinator may still be storing from them).</summary>
    private void ReadAcknowledgements(Stream stream)
    {
        var ack = new byte[ResultStream.AckBytes];
        try
        {
            while (true)
            {
                int got = 0;
                while (got < ack.Length)
                {
                    int read = stream.Read(ack, got, ack.Length - got);
                    if (read == 0)
                    {
                        return;
                    }

                    got += read;
                }

                if (_lent.TryRemove(BinaryPrimitives.ReadInt64LittleEndian(ack), out var buffer))
                {
                    buffer.Unexpose();
                    ResultBuffers.Return(buffer);
                }
            }
        }
        catch (Exception ex) when (ex is IOException or SocketException or ObjectDisposedException)
        {
        }
        finally
        {
            LetGoOfLent();
        }
    }

    /// <summary>The connection is over: what it still holds is returned exposed, so the pool lets go of it.</summary>
    private void LetGoOfLent()
    {
        foreach (long id in _lent.Keys)
        {
            if (_lent.TryRemove(id, out var buffer))
            {
                ResultBuffers.Return(buffer);
            }
        }
    }

    /// <summary>A loopback address, or one of this machine's interfaces: the coordinator may map this process's memory.</summary>
    private static bool OnThisMachine(IPAddress address)
    {
        if (IPAddress.IsLoopback(address))
        {
            return true;
        }

        var plain = address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;
        return NetworkInterface.GetAllNetworkInterfaces()
            .SelectMany(nic => nic.GetIPProperties().UnicastAddresses)
            .Any(unicast => unicast.Address.Equals(plain));
    }
}
