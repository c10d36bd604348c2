using System.Buffers;
using Google.Protobuf;
using Sweep.Engine.Messages;
using Wire = Sweep.Engine.Transport.Wire;

namespace Sweep.Engine.Transport;

/// <summary>Maps the in-process message records to their protobuf wire form and back.</summary>
public static class WireMapping
{
    public static Wire.WorkItem ToWire(WorkItem item) => new()
    {
        RunId = item.RunId, SpecHash = item.SpecHash, Chunk = item.Chunk, ModelIndex = item.ModelIndex,
        Start = item.Start, Count = item.Count, Attempt = item.Attempt,
    };

    public static WorkItem FromWire(Wire.WorkItem item) =>
        new(item.RunId, item.SpecHash, item.Chunk, item.ModelIndex, item.Start, item.Count, item.Attempt);

    /// <summary>A result as its wire message, written into a buffer rented from <paramref name="pool"/>
    /// (dispose the returned message to give it back). The values are wrapped, not copied, so a result
    /// is copied once on its way out and no large array is allocated per chunk.</summary>
    public static PooledMessage Result(ChunkResult result, ArrayPool<byte> pool) => PooledMessage.Write(new Wire.ResultEnvelope
    {
        Result = new Wire.ChunkResult
        {
            Item = ToWire(result.Item),
            Evaluations = result.Evaluations,
            ObservableCount = result.ObservableCount,
            Values = UnsafeByteOperations.UnsafeWrap(result.Values.AsMemory(0, result.ValueBytes)),
            Status = UnsafeByteOperations.UnsafeWrap(result.Status),
            WorkerId = result.WorkerId,
            ElapsedUs = (long)result.Elapsed.TotalMicroseconds,
        },
    }, pool);

    public static PooledMessage Failed(ChunkFailed failed, ArrayPool<byte> pool) => PooledMessage.Write(new Wire.ResultEnvelope
    {
        Failed = new Wire.ChunkFailed { Item = ToWire(failed.Item), Error = failed.Error, WorkerId = failed.WorkerId },
    }, pool);

    /// <summary>A results-queue message as a record; result values land in a pooled buffer.
    /// Throws <see cref="InvalidProtocolBufferException"/> or <see cref="MalformedMessageException"/> on malformed input.</summary>
    public static object ParseResult(ReadOnlyMemory<byte> body, ArrayPool<byte> pool)
    {
        var envelope = Wire.ResultEnvelope.Parser.ParseFrom(body.Span);
        switch (envelope.KindCase)
        {
            case Wire.ResultEnvelope.KindOneofCase.Result:
                var r = envelope.Result;
                int bytes = r.ObservableCount * r.Evaluations * sizeof(double);
                if (r.Item is null || r.Evaluations < 0 || r.ObservableCount < 0 || r.Values.Length != bytes || r.Status.Length != r.Evaluations)
                {
                    throw new MalformedMessageException("chunk result sizes do not add up");
                }

                byte[] values = pool.Rent(bytes);
                r.Values.Span.CopyTo(values);
                return new ChunkResult(FromWire(r.Item), r.Evaluations, r.ObservableCount, values, r.Status.ToByteArray(), r.WorkerId,
                    TimeSpan.FromMicroseconds(r.ElapsedUs));
            case Wire.ResultEnvelope.KindOneofCase.Failed when envelope.Failed.Item is not null:
                return new ChunkFailed(FromWire(envelope.Failed.Item), envelope.Failed.Error, envelope.Failed.WorkerId);
            default:
                throw new MalformedMessageException("empty result envelope");
        }
    }
}

/// <summary>A serialized message in a rented buffer; <see cref="Dispose"/> returns the buffer.</summary>
public readonly struct PooledMessage(byte[] buffer, int length, ArrayPool<byte> pool) : IDisposable
{
    public ReadOnlyMemory<byte> Body => buffer.AsMemory(0, length);

    public static PooledMessage Write(IMessage message, ArrayPool<byte> pool)
    {
        int length = message.CalculateSize();
        byte[] buffer = pool.Rent(length);
        message.WriteTo(buffer.AsSpan(0, length));
        return new PooledMessage(buffer, length, pool);
    }

    public void Dispose() => pool.Return(buffer);
}

/// <summary>A message that parsed but does not describe a valid chunk.</summary>
public sealed class MalformedMessageException(string message) : Exception(message);
