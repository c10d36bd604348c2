using System.IO.Compression;
using System.Runtime.InteropServices;
using Sweep.Coordinator.Store;

namespace Sweep.Coordinator.Export;

/// <summary>
/// Writes one <c>MODEL.npz</c> per model: an N-D float64 array per observable (axes in spec order,
/// bias last; NaN where not a number), <c>status</c> (uint8: the codes of <see cref="Physics.Models.PointStatusNames"/>,
/// 255 not computed; <c>status_names</c> spells them), <c>coord_NAME</c> per dimension and <c>dims</c> (their names).
/// Streams chunk by chunk: memory stays at one chunk whatever the run's size.
/// </summary>
public static class NpzExporter
{
    public static string Write(RunStore store, ExportLayout layout, string directory) =>
        layout.WriteFile(directory, ".npz", file => Write(store, layout, file));

    private static void Write(RunStore store, ExportLayout layout, Stream file)
    {
        using (var zip = new ZipArchive(file, ZipArchiveMode.Create, leaveOpen: true))
        {
            var buffer = new double[layout.LargestChunk];
            for (int o = 0; o < layout.Plan.ObservableNames.Length; o++)
            {
                using var entry = Open(zip, layout.Plan.ObservableNames[o], NpyFormat.Float64, layout.Shape);
                foreach (var (chunk, evaluations) in layout.Chunks())
                {
                    var values = buffer.AsSpan(0, evaluations);
                    layout.Read(store, chunk, o, values);
                    entry.Write(MemoryMarshal.AsBytes(values));
                }
            }

            using (var status = Open(zip, "status", NpyFormat.UInt8, layout.Shape))
            {
                foreach (var (chunk, evaluations) in layout.Chunks())
                {
                    status.Write(layout.ReadStatus(store, chunk, evaluations));
                }
            }

            foreach (var (name, values) in layout.Coordinates())
            {
                using var coordinate = Open(zip, "coord_" + name, NpyFormat.Float64, [values.Length]);
                coordinate.Write(MemoryMarshal.AsBytes(values.AsSpan()));
            }

            using (var dims = zip.CreateEntry("dims.npy", CompressionLevel.NoCompression).Open())
            {
                dims.Write(NpyFormat.Strings(layout.Dimensions));
            }

            // status_names[code] names each status code (the codes are 0 … n−1).
            using var names = zip.CreateEntry("status_names.npy", CompressionLevel.NoCompression).Open();
            names.Write(NpyFormat.Strings(Physics.Models.PointStatusNames.All.Select(e => e.Name).ToArray()));
        }
    }

    private static Stream Open(ZipArchive zip, string name, string descr, IReadOnlyList<long> shape)
    {
        var stream = zip.CreateEntry(name + ".npy", CompressionLevel.NoCompression).Open();
        stream.Write(NpyFormat.Header(descr, shape));
        return stream;
    }
}
