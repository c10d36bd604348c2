using System.Globalization;
using System.IO.Compression;
using System.Runtime.InteropServices;
using System.Text;
using PureHDF;
using Sweep.Coordinator.Export;
using Sweep.Physics.Models;

namespace Sweep.Coordinator.Adaptive;

/// <summary>Writes an <see cref="ExportTable"/> as NPZ (an array per column, in the table's shape, plus <c>coord_NAME</c>
/// and <c>dims</c>), HDF5 (a dataset per column and coordinate, units and meaning as attributes) or CSV (a row per
/// element, coordinates first). Files appear whole: written under a temporary name, then renamed.</summary>
public static class AdaptiveExportWriter
{
    public static string Write(ExportTable table, string format, string path, IReadOnlyDictionary<string, string> attributes)
    {
        path += format switch { "npz" => ".npz", "hdf5" => ".h5", _ => ".csv" };
        string temporary = path + ".partial";
        try
        {
            using (var file = File.Create(temporary))
            {
                switch (format)
                {
                    case "npz":
                        WriteNpz(table, file);
                        break;
                    case "hdf5":
                        WriteHdf5(table, file, attributes);
                        break;
                    default:
                        WriteCsv(table, file);
                        break;
                }
            }

            File.Move(temporary, path, overwrite: true);
            return path;
        }
        catch
        {
            File.Delete(temporary);
            throw;
        }
    }

    private static void WriteNpz(ExportTable table, Stream file)
    {
        using var zip = new ZipArchive(file, ZipArchiveMode.Create, leaveOpen: true);
        foreach (var column in table.Columns)
        {
            Entry(zip, column.Name, column.Data, table.Shape);
        }

        foreach (var coordinate in table.Coordinates)
        {
            Entry(zip, "coord_" + coordinate.Name, coordinate.Data, [coordinate.Data.Length]);
        }

        using var dims = zip.CreateEntry("dims.npy", CompressionLevel.NoCompression).Open();
        dims.Write(NpyFormat.Strings(table.Dimensions));
    }

    private static void Entry(ZipArchive zip, string name, Array data, long[] shape)
    {
        using var stream = zip.CreateEntry(name + ".npy", CompressionLevel.NoCompression).Open();
        var (descr, bytes) = data switch
        {
            double[] d => (NpyFormat.Float64, MemoryMarshal.AsBytes(d.AsSpan()).ToArray()),
            int[] i => (NpyFormat.Int32, MemoryMarshal.AsBytes(i.AsSpan()).ToArray()),
            byte[] b => (NpyFormat.UInt8, b),
            _ => throw new ArgumentException($"column '{name}' has an unsupported element type", nameof(data)),
        };
        stream.Write(NpyFormat.Header(descr, shape));
        stream.Write(bytes);
    }

    private static void WriteHdf5(ExportTable table, Stream file, IReadOnlyDictionary<string, string> attributes)
    {
        var root = new H5File();
        ulong[] shape = table.Shape.Select(n => (ulong)n).ToArray();
        foreach (var column in table.Columns)
        {
            root[column.Name] = new H5Dataset(column.Data, fileDims: shape)
            {
                Attributes = new() { ["units"] = column.Unit, ["long_name"] = column.Description },
            };
        }

        foreach (var coordinate in table.Coordinates)
        {
            root["coord_" + coordinate.Name] = new H5Dataset(coordinate.Data) { Attributes = new() { ["units"] = coordinate.Unit } };
        }

        root.Attributes = attributes.ToDictionary(e => e.Key, e => (object)e.Value);
        root.Attributes["dims"] = string.Join(' ', table.Dimensions);
        root.Write(file, new H5WriteOptions(DefaultStringLength: root.Attributes.Values.OfType<string>().Append("x").Max(s => Encoding.UTF8.GetByteCount(s)) + 1));
    }

    private static void WriteCsv(ExportTable table, Stream file)
    {
        using var writer = new StreamWriter(file, new UTF8Encoding(false), 1 << 20, leaveOpen: true);
        int dims = table.Coordinates.Count;
        writer.Write(string.Join(',', table.Coordinates.Select(c => c.Name).Concat(table.Columns.Select(c => c.Name))));
        writer.Write('\n');
        long rows = table.Shape.Aggregate(1L, (p, n) => p * n);
        var index = new int[dims];
        var row = new StringBuilder();
        for (long r = 0; r < rows; r++)
        {
            row.Clear();
            long rest = r;
            for (int a = dims - 1; a >= 0; a--)
            {
                index[a] = (int)(rest % table.Shape[a]);
                rest /= table.Shape[a];
            }

            for (int a = 0; a < dims; a++)
            {
                row.Append(Text(table.Coordinates[a].Data, index[a])).Append(',');
            }

            for (int c = 0; c < table.Columns.Count; c++)
            {
                var column = table.Columns[c];
                row.Append(column is { Name: "status", Data: byte[] codes } ? StatusName(codes[r]) : Text(column.Data, r)).Append(c + 1 < table.Columns.Count ? ',' : '\n');
            }

            writer.Write(row);
        }
    }

    private static string StatusName(byte code) => code switch
    {
        ExportLayout.Missing => "missing",
        AdaptiveInterpolator.Boundary => "boundary",
        _ => ((PointStatus)code).ToWireName(),
    };

    private static string Text(Array data, long i) => data switch
    {
        double[] d => double.IsFinite(d[i]) ? d[i].ToString("R", CultureInfo.InvariantCulture) : "nan",
        int[] n => n[i].ToString(CultureInfo.InvariantCulture),
        byte[] b => b[i].ToString(CultureInfo.InvariantCulture),
        _ => "",
    };
}
