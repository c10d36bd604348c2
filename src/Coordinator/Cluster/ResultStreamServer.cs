using System.Buffers;
using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Runtime.Serialization;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using Sweep.Engine.Cluster;
using Sweep.Engine.Evaluation;
using Sweep.Engine.Messages;
using Sweep.Engine.Serialization;
using Sweep.Worker.Cluster;

namespace Sweep.Coordinator.Cluster;

/// <summary>
/// A coordinator node's end of the result stream (<see cref="ResultStream"/>, docs/ENGINE.md "Cluster"): listens on the
/// result port of the remoting host, reads each worker node's frames (their data straight into a result buffer) and hands every
/// result to the run's <see cref="ResultRoute"/>, which checks it against the plan and tells it to the aggregator (stored once,
/// confirmed by the ledger). Anything else ends its connection with one logged line: bytes that
/// are not a frame, a peer without the cluster's certificate, an upload cut off half-way (its chunk goes out again when
/// its worker node is removed or reports the failed upload).
/// </summary>
public sealed class ResultStreamServer : IAsyncDisposable
{
    /// <summary>Largest frame read: a result's bytes are rented whole, so a frame may not ask for more than this.</summary>
    public const int MaxFrameBytes = 1 << 30;

    private readonly TcpListener _listener;
    private readonly X509Certificate2? _certificate;
    private readonly TextWriter _log;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Task> _connections = [];
    private readonly Task _accepting;
    private volatile ResultRoute? _route;

    private ResultStreamServer(TcpListener listener, X509Certificate2? certificate, TextWriter log)
    {
        (_listener, _certificate, _log) = (listener, certificate, TextWriter.Synchronized(log));
        Port = ((IPEndPoint)listener.LocalEndpoint).Port;
        _accepting = Task.Run(AcceptAsync);
    }

    /// <summary>The port bound (the one given, or the free one picked for port 0): announced in the run offer.</summary>
    public int Port { get; }

    /// <summary>Listens on the remoting host at <see cref="ClusterSettings.ResultPort"/>; a port that cannot be bound is
    /// <see cref="ClusterUnavailableException"/> (exit 69) naming it, before anything else happens.</summary>
    public static ResultStreamServer Start(ClusterSettings settings, TextWriter log)
    {
        string host = settings.Remoting.Listen.Host;
        var listener = new TcpListener(IPAddress.TryParse(host, out var address) ? address : Dns.GetHostAddresses(host)[0], settings.ResultPort);
        try
        {
            listener.Start();
        }
        catch (SocketException ex)
        {
            listener.Dispose();
            throw new ClusterUnavailableException($"cannot listen on {host}:{settings.ResultPort} (--result-port; in use, or not an address of this machine): {ex.Message}");
        }

        return new ResultStreamServer(listener, settings.Remoting.Certificate(), log);
    }

    /// <summary>From now on results go to <paramref name="route"/> (a run's or an adaptive round's).</summary>
    public void DeliverTo(ResultRoute route) => _route = route;

    /// <summary>Results are released from now on, unless another route has been opened since <paramref name="route"/>.</summary>
    public void StopDelivering(ResultRoute route) => Interlocked.CompareExchange(ref _route, null, route);

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        Task[] open;
        lock (_connections)
        {
            open = [.. _connections, _accepting];
        }

        await Task.WhenAll(open.Select(t => t.ContinueWith(_ => { }, TaskScheduler.Default)));
        _certificate?.Dispose();
        _stop.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket socket;
            try
            {
                socket = await _listener.AcceptSocketAsync(_stop.Token);
            }
            catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                return;
            }

            socket.NoDelay = true;
            lock (_connections)
            {
                _connections.RemoveAll(t => t.IsCompleted);
                _connections.Add(Task.Run(() => ServeAsync(socket)));
            }
        }
    }

    private async Task ServeAsync(Socket socket)
    {
        string peer = socket.RemoteEndPoint?.ToString() ?? "an unknown peer";
        Stream stream;
        try
        {
            stream = await ResultStream.AcceptAsync(new NetworkStream(socket, ownsSocket: true), _certificate, _stop.Token);
        }
        catch (Exception ex) when (ex is AuthenticationException or IOException or OperationCanceledException or SocketException)
        {
            socket.Dispose();
            if (!_stop.IsCancellationRequested)
            {
                _log.WriteLine($"sweep: result stream: refused {peer}: the TLS handshake failed (no certificate, or not the cluster's): {ex.GetBaseException().Message}");
            }

            return;
        }

        await using (stream)
        {
            // The frames are read on a thread of the connection's own, with blocking reads: a worker node's results
            // arrive back to back, and thread-pool reads cost the coordinator's core a dispatch (and the pool's spinning)
            // per read (docs/BENCHMARKS.md, ninth part). Stopping the server closes the stream, which ends a read.
            await using var closeOnStop = _stop.Token.Register(stream.Dispose);
            string? closed = await Task.Factory.StartNew(() => ReadFrames(stream, peer), CancellationToken.None, TaskCreationOptions.LongRunning,
                TaskScheduler.Default);
            if (closed is not null && !_stop.IsCancellationRequested)
            {
                _log.WriteLine($"sweep: result stream: closed the connection from {peer}: {closed}");
            }
        }
    }

    /// <summary>Reads frames until the peer closes between two of them (null) or something is wrong (why, for the log).
    /// A frame's data is read straight into the result's buffer, from which the store writes it to disk; a frame by reference
    /// (the worker on this machine, after an accepted hello) becomes a buffer borrowed from the worker's shared segment.</summary>
    private const int ReadBufferBytes = 64 * 1024;

    private string? ReadFrames(Stream stream, string peer)
    {
        var header = new byte[ResultStream.HeaderBytes];
        var reference = new byte[ResultStream.SegmentReference.Bytes];
        // Reads through a buffer: a frame's header, head and reference (or the frames queued behind it) in one system call, not
        // three; a result's data larger than the buffer still goes straight into the result's buffer. Writes (the answer to a
        // hello, acknowledgements) go to the stream itself.
        var input = new BufferedStream(stream, ReadBufferBytes);
        WorkerSegments? segments = null;
        try
        {
            for (bool first = true; ; first = false)
            {
                int got = ReadFully(input, header);
                if (got == 0)
                {
                    return null;
                }

                if (got < header.Length)
                {
                    return $"it ended inside a frame header ({got} of {header.Length} bytes)";
                }

                if (first && ResultStream.TryReadHello(header, out int pid, out var probe))
                {
                    segments = WorkerSegments.TryAccept(pid, probe, id => Acknowledge(stream, id));
                    if (!Answer(stream, segments is null ? ResultStream.Refused : ResultStream.Accepted))
                    {
                        return "it closed before the answer to its hello";
                    }

                    continue;
                }

                ResultStream.Header frame;
                try
                {
                    frame = ResultStream.ReadHeader(header, MaxFrameBytes);
                }
                catch (InvalidDataException ex)
                {
                    return $"garbage: {ex.Message}";
                }

                byte[] headBytes = ArrayPool<byte>.Shared.Rent(frame.HeadLength);
                SweepMessageSerializer.ResultHead head;
                try
                {
                    got = ReadFully(input, headBytes.AsSpan(0, frame.HeadLength));
                    if (got < frame.HeadLength)
                    {
                        return Cut(frame, got);
                    }

                    head = SweepMessageSerializer.ReadResultHead(headBytes.AsMemory(0, frame.HeadLength));
                }
                catch (SerializationException ex)
                {
                    return $"garbage: the frame for chunk {frame.Chunk} does not start with a result's head ({ex.Message})";
                }
                finally
                {
                    ArrayPool<byte>.Shared.Return(headBytes);
                }

                if (head.Item.Chunk != frame.Chunk || head.Item.Attempt != frame.Attempt || (!frame.Shared && head.DataBytes != frame.DataLength))
                {
                    return $"garbage: the frame for chunk {frame.Chunk} (attempt {frame.Attempt}, {frame.DataLength} data bytes) holds chunk " +
                           $"{head.Item.Chunk} (attempt {head.Item.Attempt}, {head.DataBytes} data bytes)";
                }

                int bufferBytes = ChunkResult.BufferBytes(head.ObservableCount, head.Evaluations);
                if (frame.Shared)
                {
                    got = ReadFully(input, reference);
                    if (got < reference.Length)
                    {
                        return Cut(frame, frame.HeadLength + got);
                    }

                    if (segments is null)
                    {
                        return $"garbage: chunk {frame.Chunk}'s result by reference, on a connection that shares no memory";
                    }

                    var segment = ResultStream.SegmentReference.Read(reference);
                    if (segments.Borrow(segment, bufferBytes) is not { } borrowed)
                    {
                        if (!segments.WorkerAlive)
                        {
                            // As if it had died before sending: the frames behind it (an upload it cut) are read on.
                            _log.WriteLine($"sweep: result stream: chunk {frame.Chunk}'s result lay in the memory of worker process {segments.Pid} " +
                                           $"({peer}), which is gone: lost with it, the chunk goes out again when its node is removed");
                            continue;
                        }

                        return $"chunk {frame.Chunk}'s result refers to {bufferBytes} bytes of a shared segment that does not map from here " +
                               $"(descriptor {segment.Descriptor}, {segment.Length} bytes); dropped, the chunk goes out again";
                    }

                    Deliver(new ChunkResult(head.Item, head.Evaluations, head.ObservableCount, borrowed, head.WorkerId, head.Elapsed));
                    continue;
                }

                var buffer = ResultBuffers.Rent(bufferBytes);
                var result = new ChunkResult(head.Item, head.Evaluations, head.ObservableCount, buffer, head.WorkerId, head.Elapsed);
                got = ReadFully(input, buffer.Span[..result.ValueBytes]);
                if (got == result.ValueBytes)
                {
                    got += ReadFully(input, buffer.Span.Slice(result.StatusOffset, result.Evaluations));
                }

                if (got < frame.DataLength)
                {
                    result.Release();
                    return Cut(frame, frame.HeadLength + got);
                }

                Deliver(result);
            }
        }
        finally
        {
            segments?.Dispose();
        }
    }

    /// <summary>Writes the one-byte answer to a hello; false if the connection is gone.</summary>
    private static bool Answer(Stream stream, byte answer)
    {
        try
        {
            stream.Write([answer]);
            stream.Flush();
            return true;
        }
        catch (Exception ex) when (ex is IOException or SocketException or ObjectDisposedException)
        {
            return false;
        }
    }

    /// <summary>Tells the worker its segment <paramref name="id"/> is free again (from the thread that stored or dropped the result).
    /// A connection gone meanwhile needs no answer: its worker never reuses what it lent on it.</summary>
    private static void Acknowledge(Stream stream, long id)
    {
        Span<byte> ack = stackalloc byte[ResultStream.AckBytes];
        BinaryPrimitives.WriteInt64LittleEndian(ack, id);
        try
        {
            lock (stream)
            {
                stream.Write(ack);
            }
        }
        catch (Exception ex) when (ex is IOException or SocketException or ObjectDisposedException or InvalidOperationException)
        {
        }
    }

    private static string Cut(ResultStream.Header frame, long got) =>
        $"the upload of chunk {frame.Chunk} (attempt {frame.Attempt}) was cut after {got} of {frame.Length} bytes; dropped, the chunk goes out again";

    private void Deliver(ChunkResult result)
    {
        if (_route is { } route)
        {
            route.Deliver(result);
        }
        else
        {
            result.Release(); // no run now: nothing that dispatched it waits for it
        }
    }

    /// <summary>Fills <paramref name="buffer"/> as far as the stream goes; a connection reset or closed counts as its end.</summary>
    private static int ReadFully(Stream stream, Span<byte> buffer)
    {
        int total = 0;
        try
        {
            while (total < buffer.Length)
            {
                int read = stream.Read(buffer[total..]);
                if (read == 0)
                {
                    break;
                }

                total += read;
            }
        }
        catch (Exception ex) when (ex is IOException or SocketException or ObjectDisposedException)
        {
            // Ends the connection like an end of stream: whatever frame it was inside is incomplete.
        }

        return total;
    }
}
