using System.Buffers;
using System.Runtime.InteropServices;
using System.Runtime.Serialization;
using Akka.Actor;
using Akka.Serialization;
using MessagePack;
using Sweep.Engine.Evaluation;
using Sweep.Engine.Messages;
using Sweep.Engine.Spec;

namespace Sweep.Engine.Serialization;

/// <summary>
/// The wire format of every <see cref="ISweepMessage"/>: one MessagePack array per message, its fields
/// in record order, named by a one-letter manifest. A result's float64 payload travels as one raw
/// little-endian <c>bin</c> block (not element by element) and lands in a buffer rented from
/// <see cref="ResultBuffers"/>; serialization writes into a per-thread buffer that is
/// reused. Unknown manifests, truncated or corrupt bytes raise <see cref="SerializationException"/>
/// and are announced as <see cref="MalformedMessage"/> on the event stream (the coordinator counts
/// them); the message is dropped, the node goes on.
/// </summary>
public sealed class SweepMessageSerializer(ExtendedActorSystem system) : SerializerWithStringManifest(system)
{
    /// <summary>Above 100: Akka reserves 0–100 for its own serializers.</summary>
    public const int Id = 117;

    public override int Identifier => Id;

    private const string WorkItemManifest = "W", RequestWorkManifest = "Q", ResultManifest = "R", FailedManifest = "F",
        StoredManifest = "S", AbandonedManifest = "A", StopManifest = "T", DrainManifest = "N", DrainedManifest = "M",
        DescribeManifest = "?", OfferManifest = "O", WorkItemsManifest = "B";

    /// <summary>Work items in one <see cref="WorkItems"/> message, at most (a request asks for a few).</summary>
    public const int MaxBatch = 1024;

    [ThreadStatic]
    private static ArrayBufferWriter<byte>? t_buffer;

    public override string Manifest(object o) => o switch
    {
        WorkItem => WorkItemManifest,
        WorkItems => WorkItemsManifest,
        RequestWork => RequestWorkManifest,
        ChunkResult => ResultManifest,
        ChunkFailed => FailedManifest,
        ChunkStored => StoredManifest,
        ChunkAbandoned => AbandonedManifest,
        StopRequested => StopManifest,
        DrainAggregator => DrainManifest,
        AggregatorDrained => DrainedManifest,
        DescribeRun => DescribeManifest,
        RunOffer => OfferManifest,
        _ => throw new SerializationException($"{nameof(SweepMessageSerializer)} cannot serialize {o.GetType().Name}"),
    };

    public override byte[] ToBinary(object obj)
    {
        var buffer = t_buffer ??= new ArrayBufferWriter<byte>(256);
        buffer.ResetWrittenCount();
        Write(obj, buffer);
        return buffer.WrittenSpan.ToArray();
    }

    public override object FromBinary(byte[] bytes, string manifest)
    {
        try
        {
            return Read(bytes, manifest);
        }
        catch (SerializationException ex)
        {
            system.EventStream.Publish(new MalformedMessage(manifest, ex.Message));
            throw;
        }
    }

    /// <summary>Writes <paramref name="message"/> (an <see cref="ISweepMessage"/>) into <paramref name="output"/>.</summary>
    public static void Write(object message, IBufferWriter<byte> output)
    {
        var writer = new MessagePackWriter(output);
        switch (message)
        {
            case WorkItem item:
                WriteItem(ref writer, item);
                break;
            case WorkItems batch:
                writer.WriteArrayHeader(batch.Items.Count);
                foreach (var item in batch.Items)
                {
                    WriteItem(ref writer, item);
                }

                break;
            case RequestWork request:
                writer.WriteArrayHeader(1);
                writer.Write(request.Slots);
                break;
            case ChunkResult result:
                writer.WriteArrayHeader(7);
                WriteResultFields(ref writer, result);
                writer.Write(result.Values.Span); // one bin block: the bytes as they lie in memory (little-endian)
                writer.Write(result.Status.Span);
                break;
            case ChunkFailed failed:
                writer.WriteArrayHeader(3);
                WriteItem(ref writer, failed.Item);
                writer.Write(failed.Error);
                writer.Write(failed.WorkerId);
                break;
            case ChunkStored stored:
                writer.WriteArrayHeader(3);
                writer.Write(stored.Chunk);
                writer.Write(stored.Evaluations);
                writer.Write(stored.Duplicate);
                break;
            case ChunkAbandoned abandoned:
                writer.WriteArrayHeader(3);
                writer.Write(abandoned.Chunk);
                writer.Write(abandoned.Attempts);
                writer.Write(abandoned.Error);
                break;
            case StopRequested stop:
                writer.WriteArrayHeader(1);
                writer.Write(stop.Reason);
                break;
            case DrainAggregator or AggregatorDrained or DescribeRun:
                writer.WriteArrayHeader(0);
                break;
            case RunOffer offer:
                writer.WriteArrayHeader(6);
                writer.Write(offer.RunId);
                writer.Write(offer.SpecHash);
                writer.Write(offer.SpecText);
                writer.Write(offer.ChunkOverride);
                writer.Write(offer.ResultPort);
                writer.Write(offer.ChunkEvaluations);
                break;
            default:
                throw new SerializationException($"{nameof(SweepMessageSerializer)} cannot serialize {message.GetType().Name}");
        }

        writer.Flush();
    }

    /// <summary>The message that <see cref="Write"/> wrote under <paramref name="manifest"/>; throws
    /// <see cref="SerializationException"/> for anything else. The message copies what it keeps.</summary>
    public static object Read(ReadOnlyMemory<byte> bytes, string manifest)
    {
        var reader = new MessagePackReader(bytes);
        try
        {
            object message = ReadMessage(ref reader, manifest);
            if (!reader.End)
            {
                throw Malformed("trailing bytes after the message");
            }

            return message;
        }
        catch (Exception ex) when (ex is MessagePackSerializationException or EndOfStreamException or OverflowException or InvalidOperationException)
        {
            throw Malformed($"{ex.GetType().Name}: {ex.Message}");
        }
    }

    private static object ReadMessage(ref MessagePackReader reader, string manifest)
    {
        switch (manifest)
        {
            case WorkItemManifest:
                return ReadItem(ref reader);
            case WorkItemsManifest:
                int count = reader.ReadArrayHeader();
                if (count is < 1 or > MaxBatch)
                {
                    throw Malformed($"a batch of {count} work items (1 to {MaxBatch})");
                }

                var items = new WorkItem[count];
                for (int i = 0; i < count; i++)
                {
                    items[i] = ReadItem(ref reader);
                }

                return new WorkItems(items);
            case RequestWorkManifest:
                Fields(ref reader, 1);
                return reader.ReadInt32() is var slots and >= 1 ? new RequestWork(slots) : throw Malformed("a work request for fewer than one slot");
            case ResultManifest:
                return ReadResult(ref reader);
            case FailedManifest:
                Fields(ref reader, 3);
                return new ChunkFailed(ReadItem(ref reader), Text(ref reader), Text(ref reader));
            case StoredManifest:
                Fields(ref reader, 3);
                return new ChunkStored(NonNegative(reader.ReadInt64()), NonNegative(reader.ReadInt32()), reader.ReadBoolean());
            case AbandonedManifest:
                Fields(ref reader, 3);
                return new ChunkAbandoned(NonNegative(reader.ReadInt64()), NonNegative(reader.ReadInt32()), Text(ref reader));
            case StopManifest:
                Fields(ref reader, 1);
                return new StopRequested(Text(ref reader));
            case DrainManifest:
                Fields(ref reader, 0);
                return DrainAggregator.Instance;
            case DrainedManifest:
                Fields(ref reader, 0);
                return AggregatorDrained.Instance;
            case DescribeManifest:
                Fields(ref reader, 0);
                return DescribeRun.Instance;
            case OfferManifest:
                Fields(ref reader, 6);
                return new RunOffer(Text(ref reader), Text(ref reader), Text(ref reader), NonNegative(reader.ReadInt32()),
                    Port(reader.ReadInt32()), NonNegative(reader.ReadInt32()));
            default:
                throw Malformed($"unknown manifest '{manifest}'");
        }
    }

    private static void WriteItem(ref MessagePackWriter writer, WorkItem item)
    {
        // A grid chunk is 7 fields; an adaptive chunk adds its points' lattice coordinates as one bin block.
        writer.WriteArrayHeader(item.Lattice is null ? 7 : 8);
        writer.Write(item.RunId);
        writer.Write(item.SpecHash);
        writer.Write(item.Chunk);
        writer.Write(item.ModelIndex);
        writer.Write(item.Start);
        writer.Write(item.Count);
        writer.Write(item.Attempt);
        if (item.Lattice is { } lattice)
        {
            writer.Write(MemoryMarshal.AsBytes(lattice.AsSpan())); // little-endian int32, as they lie in memory
        }
    }

    private static WorkItem ReadItem(ref MessagePackReader reader)
    {
        int fields = reader.ReadArrayHeader();
        if (fields is not (7 or 8))
        {
            throw Malformed($"expected 7 or 8 fields, found {fields}");
        }

        string runId = Text(ref reader), specHash = Text(ref reader);
        long chunk = NonNegative(reader.ReadInt64());
        int model = NonNegative(reader.ReadInt32());
        long start = NonNegative(reader.ReadInt64());
        int count = NonNegative(reader.ReadInt32());
        int attempt = reader.ReadInt32();
        int[]? lattice = null;
        if (fields == 8)
        {
            var bytes = reader.ReadBytes() ?? throw Malformed("no lattice coordinates");
            if (count == 0 || bytes.Length % (sizeof(int) * (long)count) != 0 || bytes.Length / (sizeof(int) * count) is < 1 or > AdaptiveSpec.MaxAxes)
            {
                throw Malformed("lattice coordinates do not add up to the chunk's points");
            }

            lattice = new int[bytes.Length / sizeof(int)];
            bytes.CopyTo(MemoryMarshal.AsBytes(lattice.AsSpan()));
            if (lattice.Any(c => c < 0))
            {
                throw Malformed("negative lattice coordinate");
            }
        }

        return attempt >= 1 ? new WorkItem(runId, specHash, chunk, model, start, count, attempt, lattice) : throw Malformed("attempt below 1");
    }

    private static ChunkResult ReadResult(ref MessagePackReader reader)
    {
        Fields(ref reader, 7);
        var head = ReadResultFields(ref reader);
        var values = reader.ReadBytes() ?? throw Malformed("no values");
        var status = reader.ReadBytes() ?? throw Malformed("no status");
        if (head.ValueBytes != values.Length || status.Length != head.Evaluations)
        {
            throw Malformed("chunk result sizes do not add up");
        }

        var bytes = values.IsSingleSegment ? values.FirstSpan : values.ToArray();
        var statusBytes = status.IsSingleSegment ? status.FirstSpan : status.ToArray();
        return ChunkResult.Copy(head.Item, head.Evaluations, head.ObservableCount, bytes, statusBytes, head.WorkerId, head.Elapsed);
    }

    /// <summary>A <see cref="ChunkResult"/> without its bytes: the head of a result stream frame (<see cref="Cluster.ResultStream"/>),
    /// whose values and status follow it raw.</summary>
    public sealed record ResultHead(WorkItem Item, int Evaluations, int ObservableCount, string WorkerId, TimeSpan Elapsed)
    {
        /// <summary>Bytes of values and status that follow the head on the stream.</summary>
        public long ValueBytes => (long)ObservableCount * Evaluations * sizeof(double);

        public long DataBytes => ValueBytes + Evaluations;
    }

    /// <summary>Writes <paramref name="result"/>'s head (<see cref="ResultHead"/>) into <paramref name="output"/>.</summary>
    public static void WriteResultHead(ChunkResult result, IBufferWriter<byte> output)
    {
        var writer = new MessagePackWriter(output);
        writer.WriteArrayHeader(5);
        WriteResultFields(ref writer, result);
        writer.Flush();
    }

    /// <summary>The head <see cref="WriteResultHead"/> wrote; <see cref="SerializationException"/> for anything else.</summary>
    public static ResultHead ReadResultHead(ReadOnlyMemory<byte> bytes)
    {
        var reader = new MessagePackReader(bytes);
        try
        {
            Fields(ref reader, 5);
            var head = ReadResultFields(ref reader);
            return reader.End ? head : throw Malformed("trailing bytes after the result head");
        }
        catch (Exception ex) when (ex is MessagePackSerializationException or EndOfStreamException or OverflowException or InvalidOperationException)
        {
            throw Malformed($"{ex.GetType().Name}: {ex.Message}");
        }
    }

    private static void WriteResultFields(ref MessagePackWriter writer, ChunkResult result)
    {
        WriteItem(ref writer, result.Item);
        writer.Write(result.Evaluations);
        writer.Write(result.ObservableCount);
        writer.Write(result.WorkerId);
        writer.Write(result.Elapsed.Ticks);
    }

    private static ResultHead ReadResultFields(ref MessagePackReader reader)
    {
        var item = ReadItem(ref reader);
        int evaluations = NonNegative(reader.ReadInt32()), observables = NonNegative(reader.ReadInt32());
        string worker = Text(ref reader);
        long ticks = NonNegative(reader.ReadInt64());
        var head = new ResultHead(item, evaluations, observables, worker, TimeSpan.FromTicks(ticks));
        return head.DataBytes + ResultBuffer.Alignment <= ResultBuffers.MaxBytes ? head : throw Malformed($"a result of {observables} × {evaluations} values is too large");
    }

    private static void Fields(ref MessagePackReader reader, int expected)
    {
        int found = reader.ReadArrayHeader();
        if (found != expected)
        {
            throw Malformed($"expected {expected} fields, found {found}");
        }
    }

    private static string Text(ref MessagePackReader reader) => reader.ReadString() ?? throw Malformed("missing text field");

    private static long NonNegative(long value) => value >= 0 ? value : throw Malformed($"negative value {value}");

    private static int NonNegative(int value) => value >= 0 ? value : throw Malformed($"negative value {value}");

    private static int Port(int port) => port is >= 1 and <= 65535 ? port : throw Malformed($"port {port}");

    private static SerializationException Malformed(string reason) => new($"malformed sweep message: {reason}");
}
