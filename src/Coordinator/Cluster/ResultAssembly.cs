using System.Buffers;
using System.Runtime.Serialization;
using Sweep.Engine.Messages;
using Sweep.Engine.Serialization;

namespace Sweep.Coordinator.Cluster;

/// <summary>
/// Puts the <see cref="ResultPart"/>s of large results back together, per sender: parts arrive in order
/// (one sender, one receiver: Akka keeps their order), so a part out of order means the upload was cut
/// (its worker restarted it, or bytes were lost with a connection) and starts over. Each upload is copied
/// once, into a buffer rented from the shared pool (no large-object-heap array per result) that goes back
/// once the result is read out of it or the upload is dropped. Pure: no actors.
/// </summary>
public sealed class ResultAssembly<TSender>
    where TSender : notnull
{
    private readonly Dictionary<(TSender Sender, long Chunk, int Attempt), Upload> _open = [];

    /// <summary>Partial uploads held now.</summary>
    public int Open => _open.Count;

    /// <summary>Adds <paramref name="part"/>; returns the whole result once its last part arrived. Throws
    /// <see cref="SerializationException"/> if the joined bytes are not a result.</summary>
    public ChunkResult? Add(TSender sender, ResultPart part)
    {
        var key = (sender, part.Chunk, part.Attempt);
        if (part.Part == 0 || !_open.TryGetValue(key, out var upload) || upload.Next != part.Part)
        {
            Drop(key);
            if (part.Part != 0)
            {
                return null; // a piece of an upload whose start was lost: the worker's lease covers it
            }

            // Every piece but the last is as long as the first: the first's length times the count bounds the whole.
            long bound = (long)part.Bytes.Length * part.Parts;
            if (bound > Array.MaxLength)
            {
                throw new SerializationException($"malformed sweep message: a result of {part.Parts} parts of {part.Bytes.Length} bytes");
            }

            upload = new Upload(ArrayPool<byte>.Shared.Rent((int)bound), (int)bound);
            _open[key] = upload;
        }

        if (upload.Length + part.Bytes.Length > upload.Limit)
        {
            Drop(key);
            return null; // longer than its first piece promised: not an upload this worker sends
        }

        part.Bytes.Span.CopyTo(upload.Bytes.AsSpan(upload.Length));
        upload.Length += part.Bytes.Length;
        upload.Next++;
        if (upload.Next < part.Parts)
        {
            return null;
        }

        _open.Remove(key);
        try
        {
            return (ChunkResult)SweepMessageSerializer.Read(upload.Bytes.AsMemory(0, upload.Length), SweepMessageSerializer.ResultManifestName);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(upload.Bytes); // the result copied what it keeps
        }
    }

    /// <summary>Drops the partial uploads of a sender that is gone.</summary>
    public void Forget(TSender sender)
    {
        foreach (var key in _open.Keys.Where(k => k.Sender.Equals(sender)).ToList())
        {
            Drop(key);
        }
    }

    private void Drop((TSender Sender, long Chunk, int Attempt) key)
    {
        if (_open.Remove(key, out var upload))
        {
            ArrayPool<byte>.Shared.Return(upload.Bytes);
        }
    }

    private sealed class Upload(byte[] bytes, int limit)
    {
        /// <summary>Rented: may be longer than <see cref="Limit"/>.</summary>
        public byte[] Bytes { get; } = bytes;

        public int Limit { get; } = limit;

        public int Length { get; set; }

        public int Next { get; set; }
    }
}
