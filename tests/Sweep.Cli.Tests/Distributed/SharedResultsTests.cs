using System.Buffers;
using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using Sweep.Coordinator.Cluster;
using Sweep.Engine.Cluster;
using Sweep.Engine.Evaluation;
using Sweep.Engine.Messages;
using Sweep.Engine.Serialization;
using Sweep.Worker.Cluster;

namespace Sweep.Cli.Tests.Distributed;

/// <summary>Results by reference between a worker and a coordinator on one machine (docs/ENGINE.md, "Results on one machine"),
/// over a real loopback connection: the worker's <see cref="ResultStreamClient"/> against the coordinator's side of the protocol
/// (<see cref="WorkerSegments"/>, as <see cref="ResultStreamServer"/> uses it). A result's buffer is reused only once the
/// coordinator acknowledges it, is never reused when the connection ends first, and a coordinator that cannot map the worker's
/// memory gets the bytes.</summary>
public sealed class SharedResultsTests
{
    private static readonly WorkItem Item = new("run", "hash", 4, 0, 40, 5000, 1);

    [Fact]
    public async Task A_result_goes_by_reference_and_its_buffer_is_the_workers_again_only_once_acknowledged()
    {
        using var upload = await Upload.StartAsync();
        var (client, result, sent, stream) = (upload.Client, upload.Result, upload.Sent, upload.Stream);
        using var segments = await AcceptHello(stream, ResultStream.Accepted);

        Assert.True(await sent); // lent to the connection
        Assert.True(client.SharesMemory);
        var (frame, head, reference) = await ReadSharedFrame(stream);
        Assert.Equal((4L, 1, ResultStream.SegmentReference.Bytes), (frame.Chunk, frame.Attempt, frame.DataLength));
        var borrowed = segments.Borrow(reference, ChunkResult.BufferBytes(head.ObservableCount, head.Evaluations))!;
        var received = new ChunkResult(head.Item, head.Evaluations, head.ObservableCount, borrowed, head.WorkerId, head.Elapsed);
        Assert.Equal(result.Values.ToArray(), received.Values.ToArray()); // the worker's memory, seen from the coordinator's mapping
        Assert.Equal(result.Status.ToArray(), received.Status.ToArray());
        Assert.True(result.Buffer.Exposed);

        received.Release(); // stored: the acknowledgement goes back
        await Until(() => !result.Buffer.Exposed);
        Assert.True(RentedAgain(result.Buffer)); // back in the pool
    }

    [Fact]
    public async Task A_buffer_lent_on_a_connection_that_ends_unacknowledged_is_never_reused()
    {
        using var upload = await Upload.StartAsync();
        var result = upload.Result;
        using var segments = await AcceptHello(upload.Stream, ResultStream.Accepted);
        Assert.True(await upload.Sent);
        _ = await ReadSharedFrame(upload.Stream);
        upload.Connection.Dispose(); // the coordinator went away (or dropped the connection) holding the result

        await Until(() => Unmapped(result.Buffer)); // let go of: the coordinator might still be storing from it
        Assert.False(RentedAgain(result.Buffer));
    }

    [Fact]
    public async Task A_coordinator_that_cannot_map_the_workers_memory_gets_the_bytes()
    {
        using var upload = await Upload.StartAsync();
        var (client, result, sent, stream) = (upload.Client, upload.Result, upload.Sent, upload.Stream);
        var hello = new byte[ResultStream.HeaderBytes];
        await stream.ReadExactlyAsync(hello);
        Assert.True(ResultStream.TryReadHello(hello, out int pid, out _));
        Assert.Equal(Environment.ProcessId, pid);
        await stream.WriteAsync(new[] { ResultStream.Refused }); // another machine's, or container's, coordinator

        Assert.False(await sent); // the bytes went; the buffer is the caller's again
        Assert.False(client.SharesMemory);
        var header = new byte[ResultStream.HeaderBytes];
        await stream.ReadExactlyAsync(header);
        var frame = ResultStream.ReadHeader(header, 1 << 30);
        Assert.False(frame.Shared);
        await stream.ReadExactlyAsync(new byte[frame.HeadLength]);
        var data = new byte[frame.DataLength];
        await stream.ReadExactlyAsync(data);
        Assert.Equal(result.Values.ToArray(), data[..result.ValueBytes]);
        Assert.False(result.Buffer.Exposed);
        result.Release();
    }

    [Fact]
    public void A_hello_whose_probe_does_not_map_is_refused()
    {
        using var probe = SharedSegment.Create(4096);
        var reference = new ResultStream.SegmentReference(probe.Descriptor, probe.Length, probe.Id);
        using var accepted = WorkerSegments.TryAccept(Environment.ProcessId, reference, _ => { });
        Assert.NotNull(accepted);
        Assert.Null(WorkerSegments.TryAccept(Environment.ProcessId, reference with { Id = probe.Id ^ 1 }, _ => { }));
        Assert.Null(WorkerSegments.TryAccept(1, reference, _ => { })); // init holds no such segment
    }

    /// <summary>5000 evaluations of 2 observables in a shared buffer, as a worker node's evaluator makes them.</summary>
    private static ChunkResult SharedResult()
    {
        var buffer = ResultBuffers.Rent(ChunkResult.BufferBytes(2, 5000), shared: true);
        var result = new ChunkResult(Item, 5000, 2, buffer, "w1", TimeSpan.FromMilliseconds(3));
        var values = MemoryMarshal.Cast<byte, double>(buffer.Span[..result.ValueBytes]);
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = i * 0.25 - 7;
        }

        buffer.Span.Slice(result.StatusOffset, 5000).Fill(0);
        buffer.Span[result.StatusOffset + 17] = 3;
        return result;
    }

    /// <summary>The frame's header (for its bytes) and head, as the uploader writes them.</summary>
    private static Memory<byte> Frame(ChunkResult result)
    {
        var writer = new ArrayBufferWriter<byte>(1024);
        writer.GetSpan(ResultStream.HeaderBytes);
        writer.Advance(ResultStream.HeaderBytes);
        SweepMessageSerializer.WriteResultHead(result, writer);
        var frame = writer.WrittenMemory.ToArray();
        ResultStream.WriteHeader(frame, result.Item.Chunk, result.Item.Attempt, frame.Length - ResultStream.HeaderBytes, result.ValueBytes + result.Evaluations);
        return frame;
    }

    /// <summary>The coordinator's side of the hello: map the probe (as the result stream does), answer.</summary>
    private static async Task<WorkerSegments> AcceptHello(NetworkStream stream, byte answer)
    {
        var hello = new byte[ResultStream.HeaderBytes];
        await stream.ReadExactlyAsync(hello);
        Assert.True(ResultStream.TryReadHello(hello, out int pid, out var probe));
        var segments = WorkerSegments.TryAccept(pid, probe, id =>
        {
            var ack = new byte[ResultStream.AckBytes];
            BinaryPrimitives.WriteInt64LittleEndian(ack, id);
            stream.Write(ack);
        });
        Assert.NotNull(segments);
        await stream.WriteAsync(new[] { answer });
        return segments;
    }

    private static async Task<(ResultStream.Header Frame, SweepMessageSerializer.ResultHead Head, ResultStream.SegmentReference Reference)> ReadSharedFrame(
        NetworkStream stream)
    {
        var header = new byte[ResultStream.HeaderBytes];
        await stream.ReadExactlyAsync(header);
        var frame = ResultStream.ReadHeader(header, 1 << 30);
        Assert.True(frame.Shared);
        var head = new byte[frame.HeadLength];
        await stream.ReadExactlyAsync(head);
        var reference = new byte[frame.DataLength];
        await stream.ReadExactlyAsync(reference);
        return (frame, SweepMessageSerializer.ReadResultHead(head), ResultStream.SegmentReference.Read(reference));
    }

    /// <summary>Whether the pool gives <paramref name="buffer"/> out again (among a few rentals of its size: tests share the pool).</summary>
    private static bool RentedAgain(ResultBuffer buffer)
    {
        var rented = Enumerable.Range(0, 4).Select(_ => ResultBuffers.Rent(buffer.Capacity, shared: true)).ToList();
        rented.ForEach(ResultBuffers.Return);
        return rented.Contains(buffer);
    }

    private static bool Unmapped(ResultBuffer buffer)
    {
        try
        {
            _ = buffer.Span.Length;
            return false;
        }
        catch (ObjectDisposedException)
        {
            return true;
        }
    }

    private static async Task Until(Func<bool> condition)
    {
        for (var deadline = DateTime.UtcNow.AddSeconds(10); !condition(); await Task.Delay(10))
        {
            Assert.True(DateTime.UtcNow < deadline, "not within 10 s");
        }
    }

    /// <summary>A worker's client offering shared memory, sending one shared result to a listener here; the connection accepted.</summary>
    private sealed record Upload(TcpListener Listener, ResultStreamClient Client, ChunkResult Result, Task<bool> Sent, TcpClient Connection) : IDisposable
    {
        public NetworkStream Stream => Connection.GetStream();

        public static async Task<Upload> StartAsync()
        {
            var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            var client = new ResultStreamClient("127.0.0.1", ((IPEndPoint)listener.LocalEndpoint).Port, certificate: null, offerSharing: true);
            var result = SharedResult();
            var sent = client.SendAsync(Frame(result), result);
            return new Upload(listener, client, result, sent, await listener.AcceptTcpClientAsync());
        }

        public void Dispose()
        {
            Connection.Dispose();
            Client.Dispose();
            Listener.Dispose();
        }
    }
}
