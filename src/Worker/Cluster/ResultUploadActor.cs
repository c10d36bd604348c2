using System.Buffers;
using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Security.Cryptography.X509Certificates;
using Akka.Actor;
using Sweep.Engine.Cluster;
using Sweep.Engine.Messages;
using Sweep.Engine.Serialization;

namespace Sweep.Worker.Cluster;

/// <summary>
/// Sends a worker node's results to their coordinator nodes over the result stream (<see cref="ResultStream"/>), not
/// through remoting: one connection per coordinator node, one result after another: its frame header and head from a
/// buffer this actor reuses, then its values and status straight from the evaluator's result buffer, which goes back to
/// its pool once the frame is written. So results of any size never hold the remoting connection that carries the
/// heartbeats, and no byte is copied in user space on the way (docs/ENGINE.md and docs/BENCHMARKS.md, "Cluster"). To a coordinator
/// on this machine a result goes by reference to its shared buffer instead, which the connection holds until the coordinator
/// has stored it (<see cref="ResultStreamClient"/>; docs/ENGINE.md, "Results on one machine").
/// Tells its parent <see cref="UploadDone"/> after each.
/// <para>A failed write is tried once more on a new connection; if that fails too, the result is given up and reported
/// to the run front as <see cref="ChunkFailed"/>, so the coordinator dispatches the chunk again at once.</para>
/// </summary>
public sealed class ResultUploadActor : ReceiveActor
{
    /// <summary>Writes of one result, at most (the first, and one on a fresh connection).</summary>
    public const int Tries = 2;

    private readonly X509Certificate2? _certificate;
    private readonly string _workerId;
    private readonly TextWriter _log;
    private readonly WorkerTestHooks _hooks;
    private readonly Queue<UploadResult> _waiting = new();
    private readonly Dictionary<(string Host, int Port), ResultStreamClient> _connections = [];
    private readonly ArrayBufferWriter<byte> _frame = new(64 * 1024);
    private readonly HashSet<(string Host, int Port)> _sharing = []; // result ports told of, for the log
    private UploadResult? _current;
    private bool _currentForgotten;
    private int _tries;

    public ResultUploadActor(X509Certificate2? certificate, string workerId, TextWriter log, WorkerTestHooks hooks)
    {
        (_certificate, _workerId, _log, _hooks) = (certificate, workerId, log, hooks);
        Receive<UploadResult>(upload =>
        {
            _waiting.Enqueue(upload);
            Next();
        });
        Receive<UploadWritten>(OnWritten);
        Receive<ForgetRun>(OnForget);
    }

    public static Props Props(X509Certificate2? certificate, string workerId, TextWriter log, WorkerTestHooks hooks) =>
        Akka.Actor.Props.Create(() => new ResultUploadActor(certificate, workerId, log, hooks));

    protected override void PostStop()
    {
        foreach (var connection in _connections.Values)
        {
            connection.Dispose();
        }
    }

    private void OnWritten(UploadWritten written)
    {
        if (_current is not { } upload)
        {
            return; // of a write before this actor restarted
        }

        if (written.Error is null || _currentForgotten)
        {
            if (written.Lent && _sharing.Add((upload.Host, upload.Port)))
            {
                _log.WriteLine($"sweep-worker {_workerId}: results to {upload.Host}:{upload.Port} go by reference to shared memory (the coordinator is on this machine)");
            }

            Finish(release: !written.Lent);
            return;
        }

        var key = (upload.Host, upload.Port);
        _connections.Remove(key, out var broken);
        broken?.Dispose();
        var item = upload.Result.Item;
        if (++_tries < Tries)
        {
            _log.WriteLine($"sweep-worker {_workerId}: writing chunk {item.Chunk}'s result to {upload.Host}:{upload.Port} failed ({written.Error}); trying a new connection");
            Write();
            return;
        }

        _log.WriteLine($"sweep-worker {_workerId}: giving up chunk {item.Chunk}'s result after {Tries} writes to {upload.Host}:{upload.Port} failed ({written.Error})");
        upload.Front.Tell(new ChunkFailed(item, $"its result could not be sent to {upload.Host}:{upload.Port}: {written.Error}", _workerId));
        Finish();
    }

    private void OnForget(ForgetRun forget)
    {
        int before = _waiting.Count;
        var keep = _waiting.Where(u => u.Result.Item.RunId != forget.RunId).ToList();
        foreach (var dropped in _waiting.Where(u => u.Result.Item.RunId == forget.RunId))
        {
            dropped.Result.Release();
        }

        _waiting.Clear();
        keep.ForEach(_waiting.Enqueue);
        for (int i = keep.Count; i < before; i++)
        {
            Context.Parent.Tell(UploadDone.Instance);
        }

        // The write in progress ends by itself (written, or failed with its connection); it is neither retried nor reported.
        _currentForgotten |= _current?.Result.Item.RunId == forget.RunId;
    }

    private void Finish(bool release = true)
    {
        if (release)
        {
            _current!.Result.Release(); // written or given up: the evaluator may have the buffer again
        }

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

        // The frame's header and head; the head's length is known once it is written. The data follows from the result's buffer.
        _frame.ResetWrittenCount();
        _frame.Advance(ResultStream.HeaderBytes);
        SweepMessageSerializer.WriteResultHead(next.Result, _frame);
        var result = next.Result;
        ResultStream.WriteHeader(MemoryMarshal.AsMemory(_frame.WrittenMemory).Span, result.Item.Chunk, result.Item.Attempt,
            _frame.WrittenCount - ResultStream.HeaderBytes, result.ValueBytes + result.Evaluations);
        (_current, _currentForgotten, _tries) = (next, false, 0);
        Write();
    }

    /// <summary>Writes the current frame; its completion comes back as <see cref="UploadWritten"/> (the buffer is not
    /// touched until then).</summary>
    private void Write()
    {
        var upload = _current!;
        var key = (upload.Host, upload.Port);
        if (!_connections.TryGetValue(key, out var connection))
        {
            _connections[key] = connection = new ResultStreamClient(upload.Host, upload.Port, _certificate);
        }

        if (_hooks.CutUploadOfChunk == upload.Result.Item.Chunk)
        {
            CutAndDie(connection);
        }

        connection.SendAsync(MemoryMarshal.AsMemory(_frame.WrittenMemory), upload.Result).PipeTo(Self, success: lent => new UploadWritten(null, lent),
            failure: ex => new UploadWritten(ex.GetBaseException().Message));
    }

    /// <summary>Test hook: the frame's header and head and half its values on the wire, then SIGKILL.</summary>
    private void CutAndDie(ResultStreamClient connection)
    {
        var values = _current!.Result.Values;
        connection.WriteAsync(_frame.WrittenMemory, values[..(values.Length / 2)]).GetAwaiter().GetResult();
        long sent = _frame.WrittenCount + values.Length / 2, whole = _frame.WrittenCount + values.Length + _current.Result.Evaluations;
        _log.WriteLine($"sweep-worker {_workerId}: test hook: cut the upload of chunk {_current.Result.Item.Chunk} after {sent} of " +
                       $"{whole} bytes; killing this process");
        _log.Flush();
        Process.GetCurrentProcess().Kill();
    }
}
