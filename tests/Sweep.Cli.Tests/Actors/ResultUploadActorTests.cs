using Akka.Actor;
using System.Net;
using System.Net.Sockets;
using Sweep.Engine.Cluster;
using Sweep.Engine.Evaluation;
using Sweep.Engine.Messages;
using Sweep.Engine.Serialization;
using Sweep.Worker.Cluster;

namespace Sweep.Cli.Tests.Actors;

/// <summary>A worker node's uploader against real loopback sockets: a result reaches the result port as one frame
/// (header, then the serialized result) and the upload is reported done; a port where nobody listens is tried
/// twice, then the chunk is reported failed to its run front, so the coordinator dispatches it again at once.</summary>
public sealed class ResultUploadActorTests : ActorTestKit
{
    private static readonly WorkItem Item = new("run", "hash", 12, 0, 96, 3, 2);

    [Fact]
    public async Task A_result_arrives_as_one_frame_and_the_upload_is_reported_done()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var front = CreateTestProbe();
        var uploader = ChildActorOf(ResultUploadActor.Props(null, "w1", TextWriter.Null, WorkerTestHooks.None));
        uploader.Tell(new UploadResult(front, "127.0.0.1", ((IPEndPoint)listener.LocalEndpoint).Port, Result()));

        using var connection = await listener.AcceptTcpClientAsync();
        var header = new byte[ResultStream.HeaderBytes];
        await connection.GetStream().ReadExactlyAsync(header);
        var frame = ResultStream.ReadHeader(header, 1 << 20);
        Assert.Equal((12L, 2, 6 * sizeof(double) + 3), (frame.Chunk, frame.Attempt, frame.DataLength));
        var head = new byte[frame.HeadLength];
        await connection.GetStream().ReadExactlyAsync(head);
        var read = SweepMessageSerializer.ReadResultHead(head);
        Assert.Equal((Item, 3, 2, "w1"), (read.Item, read.Evaluations, read.ObservableCount, read.WorkerId));
        var data = new byte[frame.DataLength]; // the values, then the status bytes, raw
        await connection.GetStream().ReadExactlyAsync(data);
        Assert.Equal([1.5, -2.0, 3.25, 0.0, 1e-300, 7.0], System.Runtime.InteropServices.MemoryMarshal.Cast<byte, double>(data.AsSpan(0, 48)).ToArray());
        Assert.Equal(new byte[] { 0, 1, 2 }, data[48..]);
        ExpectMsg<UploadDone>();
        front.ExpectNoMsg(TimeSpan.FromMilliseconds(200));
    }

    [Fact]
    public void A_result_port_nobody_listens_on_is_tried_twice_then_the_chunk_is_reported_failed_to_its_front()
    {
        int closed = Sweep.Cli.Tests.Distributed.DistributedHarness.FreePort();
        var log = new StringWriter();
        var front = CreateTestProbe();
        var uploader = ChildActorOf(ResultUploadActor.Props(null, "w1", TextWriter.Synchronized(log), WorkerTestHooks.None));
        uploader.Tell(new UploadResult(front, "127.0.0.1", closed, Result()));

        var failed = front.ExpectMsg<ChunkFailed>(TimeSpan.FromSeconds(20));
        Assert.Equal(Item, failed.Item);
        Assert.Equal("w1", failed.WorkerId);
        Assert.Contains($"its result could not be sent to 127.0.0.1:{closed}", failed.Error);
        ExpectMsg<UploadDone>();
        Assert.Contains($"writing chunk 12's result to 127.0.0.1:{closed} failed", log.ToString());
        Assert.Contains($"giving up chunk 12's result after {ResultUploadActor.Tries} writes", log.ToString());
    }

    /// <summary>3 evaluations of 2 observables, in a buffer from the pool the uploader returns it to.</summary>
    private static ChunkResult Result()
    {
        double[] values = [1.5, -2.0, 3.25, 0.0, 1e-300, 7.0];
        return ChunkResult.Copy(Item, 3, 2, System.Runtime.InteropServices.MemoryMarshal.AsBytes(values.AsSpan()), [0, 1, 2], "w1",
            TimeSpan.FromMilliseconds(5));
    }
}
