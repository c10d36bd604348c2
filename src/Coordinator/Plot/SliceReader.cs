using Sweep.Coordinator.Export;
using Sweep.Coordinator.Store;

namespace Sweep.Coordinator.Plot;

/// <summary>Reads the values and status of a set of flat indices from the run store, each stored chunk
/// once: a slice of a huge run costs the chunks it touches, not the run. Chunks not stored yet read as
/// NaN with status <see cref="ExportLayout.Missing"/> (a partial run plots what it has).</summary>
public static class SliceReader
{
    public static (double[][] Values, byte[] Status) Read(RunStore store, ExportLayout layout, IReadOnlyList<int> observables, long[] flat)
    {
        var plan = layout.Plan;
        long perChunk = (long)plan.ChunkSize * plan.InnerLength;
        var values = observables.Select(_ => new double[flat.Length]).ToArray();
        var status = new byte[flat.Length];
        var order = Enumerable.Range(0, flat.Length).OrderBy(k => flat[k]).ToArray();
        var buffer = new double[layout.LargestChunk];
        for (int i = 0; i < order.Length;)
        {
            long local = flat[order[i]] / perChunk;
            int end = i;
            while (end < order.Length && flat[order[end]] / perChunk == local)
            {
                end++;
            }

            int evaluations = plan.ChunkRange(local).Count * plan.InnerLength;
            long chunk = plan.FirstChunk + local, first = local * perChunk;
            byte[] chunkStatus = layout.ReadStatus(store, chunk, evaluations);
            for (int k = i; k < end; k++)
            {
                status[order[k]] = chunkStatus[flat[order[k]] - first];
            }

            for (int o = 0; o < observables.Count; o++)
            {
                layout.Read(store, chunk, observables[o], buffer.AsSpan(0, evaluations));
                for (int k = i; k < end; k++)
                {
                    values[o][order[k]] = buffer[flat[order[k]] - first];
                }
            }

            i = end;
        }

        return (values, status);
    }
}
