using System.Buffers;
using Akka.Actor;
using Sweep.Engine.Evaluation;
using Sweep.Engine.Messages;
using Sweep.Engine.Serialization;

namespace Sweep.Worker.Cluster;

/// <summary>
/// Sends results too large for one remoting frame to their run front in <see cref="ResultPart"/>s of at most
/// <see cref="PartBytes"/>, at most <see cref="Window"/> unacknowledged at once, one result after another.
/// So no frame is large and little is queued on the connection ahead of the cluster's heartbeats, whatever
/// the result's size (docs/ENGINE.md, "Cluster"). Tells its parent <see cref="UploadDone"/> after each.
/// <para>A result is serialized once into a buffer this actor reuses, and its parts are slices of it: the buffer
/// is written again only after every part of the previous upload was acknowledged, so remoting has serialized
/// them all; an upload dropped half-way leaves its buffer to the parts still queued and takes a new one.</para>
/// </summary>
public sealed class ResultUploadActor : ReceiveActor
{
    /// <summary>Largest piece, and the largest result sent whole: well under the remoting frame size, and under
    /// .NET's large-object threshold (85 000 bytes), so no message of a result lands on the large-object heap.</summary>
    public const int PartBytes = 64 * 1024;

    /// <summary>Pieces sent and not yet acknowledged, at most: 1 MiB on the wire at once.</summary>
    public const int Window = 16;

    private readonly Queue<UploadResult> _waiting = new();
    private ArrayBufferWriter<byte> _buffer = new(PartBytes);
    private Upload? _current;

    public ResultUploadActor()
    {
        Receive<UploadResult>(upload =>
        {
            _waiting.Enqueue(upload);
            Next();
        });
        Receive<ResultPartReceived>(OnAcknowledged);
        Receive<ForgetRun>(OnForget);
    }

    public static Props Props() => Akka.Actor.Props.Create(() => new ResultUploadActor());

    /// <summary>Whether <paramref name="result"/> fits one message (with room for its envelope).</summary>
    public static bool FitsWhole(ChunkResult result) => (long)result.ValueBytes + result.Evaluations + 1024 <= PartBytes;

    private void OnAcknowledged(ResultPartReceived received)
    {
        var upload = _current;
        if (upload is null || received.Chunk != upload.Item.Chunk || received.Attempt != upload.Item.Attempt || received.RunId != upload.Item.RunId)
        {
            return; // of an upload already dropped
        }

        upload.Acknowledged = Math.Max(upload.Acknowledged, received.Part + 1); // it acknowledges every part up to this one
        if (upload.Acknowledged == upload.Parts)
        {
            Finish();
            return;
        }

        Send(upload);
    }

    private void OnForget(ForgetRun forget)
    {
        int before = _waiting.Count;
        var keep = _waiting.Where(u => u.Result.Item.RunId != forget.RunId).ToList();
        foreach (var dropped in _waiting.Where(u => u.Result.Item.RunId == forget.RunId))
        {
            ChunkEvaluator.ResultBuffers.Return(dropped.Result.Values);
        }

        _waiting.Clear();
        keep.ForEach(_waiting.Enqueue);
        for (int i = keep.Count; i < before; i++)
        {
            Context.Parent.Tell(UploadDone.Instance);
        }

        if (_current?.Item.RunId == forget.RunId)
        {
            _buffer = new ArrayBufferWriter<byte>(PartBytes); // parts of the dropped upload may still wait for remoting
            Finish();
        }
    }

    private void Finish()
    {
        _current = null;
        Context.Parent.Tell(UploadDone.Instance);
        Next();
    }

    private void Next()
    {
        if (_current is not null || !_waiting.TryDequeue(out var next))
        {
            return;
        }

        _buffer.ResetWrittenCount();
        SweepMessageSerializer.Write(next.Result, _buffer);
        ChunkEvaluator.ResultBuffers.Return(next.Result.Values); // serialized: the evaluator may have it again
        _current = new Upload(next.Front, next.Result.Item, _buffer.WrittenMemory);
        Send(_current);
    }

    private void Send(Upload upload)
    {
        while (upload.Sent < upload.Parts && upload.Sent - upload.Acknowledged < Window)
        {
            int offset = upload.Sent * PartBytes;
            var piece = upload.Bytes.Slice(offset, Math.Min(PartBytes, upload.Bytes.Length - offset));
            upload.Front.Tell(new ResultPart(upload.Item.RunId, upload.Item.Chunk, upload.Item.Attempt, upload.Sent, upload.Parts, piece), Self);
            upload.Sent++;
        }
    }

    private sealed class Upload(IActorRef front, WorkItem item, ReadOnlyMemory<byte> bytes)
    {
        public IActorRef Front { get; } = front;

        public WorkItem Item { get; } = item;

        public ReadOnlyMemory<byte> Bytes { get; } = bytes;

        public int Parts { get; } = (bytes.Length + PartBytes - 1) / PartBytes;

        public int Sent { get; set; }

        public int Acknowledged { get; set; }
    }
}
