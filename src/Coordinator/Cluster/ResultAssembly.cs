using System.Buffers;
using Sweep.Engine.Messages;
using Sweep.Engine.Serialization;

namespace Sweep.Coordinator.Cluster;

/// <summary>
/// Puts the <see cref="ResultPart"/>s of large results back together, per sender: parts arrive in order
/// (one sender, one receiver: Akka keeps their order), so a part out of order means the upload was cut
/// (its worker restarted it, or bytes were lost with a connection) and starts over. Pure: no actors.
/// </summary>
public sealed class ResultAssembly<TSender>
    where TSender : notnull
{
    private readonly Dictionary<(TSender Sender, long Chunk, int Attempt), (int Next, ArrayBufferWriter<byte> Bytes)> _open = [];

    /// <summary>Partial uploads held now.</summary>
    public int Open => _open.Count;

    /// <summary>Adds <paramref name="part"/>; returns the whole result once its last part arrived. Throws
    /// <see cref="System.Runtime.Serialization.SerializationException"/> if the joined bytes are not a result.</summary>
    public ChunkResult? Add(TSender sender, ResultPart part)
    {
        var key = (sender, part.Chunk, part.Attempt);
        if (part.Part == 0 || !_open.TryGetValue(key, out var upload) || upload.Next != part.Part)
        {
            if (part.Part != 0)
            {
                _open.Remove(key);
                return null; // a piece of an upload whose start was lost: the worker's lease covers it
            }

            upload = (0, new ArrayBufferWriter<byte>(part.Bytes.Length * part.Parts));
        }

        upload.Bytes.Write(part.Bytes);
        if (part.Part + 1 < part.Parts)
        {
            _open[key] = (part.Part + 1, upload.Bytes);
            return null;
        }

        _open.Remove(key);
        return (ChunkResult)SweepMessageSerializer.Read(upload.Bytes.WrittenMemory, SweepMessageSerializer.ResultManifestName);
    }

    /// <summary>Drops the partial uploads of a sender that is gone.</summary>
    public void Forget(TSender sender)
    {
        foreach (var key in _open.Keys.Where(k => k.Sender.Equals(sender)).ToList())
        {
            _open.Remove(key);
        }
    }
}
