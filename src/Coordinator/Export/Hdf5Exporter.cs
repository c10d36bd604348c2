using System.Text;
using PureHDF;
using PureHDF.Filters;
using PureHDF.Selections;
using PureHDF.VOL.Native;
using Sweep.Coordinator.Store;
using Sweep.Physics.Models;

namespace Sweep.Coordinator.Export;

/// <summary>
/// Writes one <c>MODEL.h5</c> per model (PureHDF): a float64 dataset per observable over the
/// model's dimensions (spec axes in order, bias/time last; NaN where not a number), the uint8
/// <c>status</c> array (CF <c>flag_values</c>/<c>flag_meanings</c>), and one coordinate dataset
/// per dimension attached as an HDF5 dimension scale (the netCDF-4 layout: h5py's <c>dims</c>
/// and xarray's h5netcdf engine see named dimensions with their values). Units and meanings
/// from the model registry; spec, spec hash and program version as file attributes. Data are
/// chunked, shuffled and deflated, read from the store chunk by chunk; PureHDF keeps every written
/// HDF5 chunk until the file closes (its write-once chunk index rejects a bounded cache), so memory
/// is about one model's uncompressed arrays (docs/BENCHMARKS.md).
/// </summary>
public static class Hdf5Exporter
{
    /// <summary>HDF5 chunks hold about this many elements (512 KiB of float64).</summary>
    private const long TargetChunkElements = 1 << 16;

    public static string Write(RunStore store, ExportLayout layout, string directory, ExportProvenance run) =>
        layout.WriteFile(directory, ".h5", file => Write(store, layout, file, run));

    private static void Write(RunStore store, ExportLayout layout, Stream file, ExportProvenance run)
    {
        var plan = layout.Plan;
        ulong[] shape = layout.Shape.Select(n => (ulong)n).ToArray();
        uint[] chunks = ChunkShape(layout.Shape);
        var creation = new H5DatasetCreation(Filters: [ShuffleFilter.Id, new H5Filter(DeflateFilter.Id, new() { [DeflateFilter.COMPRESSION_LEVEL] = 1 })]);

        var root = new H5File();
        var scales = new List<H5Dataset>();
        foreach (var ((name, values), d) in layout.Coordinates().Select((c, d) => (c, d)))
        {
            var scale = new H5Dataset(values)
            {
                Attributes = new()
                {
                    ["CLASS"] = "DIMENSION_SCALE",
                    ["NAME"] = name,
                    ["units"] = layout.DimensionUnit(d),
                    ["long_name"] = layout.DimensionDescription(d),
                    ["spacing"] = layout.IsLogSpaced(d) ? "log" : "linear or listed",
                },
            };
            root[name] = scale;
            scales.Add(scale);
        }

        // DIMENSION_LIST: per dimension, a variable-length list of references to its scales.
        var dimensionList = scales.Select(s => new H5ObjectReference[] { s }).ToArray();
        // A model with no dimension (every parameter fixed) is one point: scalar datasets, as in the NPZ.
        bool scalar = shape.Length == 0;
        var buffer = new double[Math.Max(1, layout.LargestChunk)];
        var observables = new H5Dataset[plan.ObservableNames.Length];
        for (int o = 0; o < observables.Length; o++)
        {
            var spec = plan.Model.Observables[plan.ObservableIndices[o]];
            if (scalar)
            {
                layout.Read(store, plan.FirstChunk, o, buffer.AsSpan(0, 1));
            }

            observables[o] = scalar ? new H5Dataset(buffer[0]) : new H5Dataset<double[]>(shape, chunks, creation);
            observables[o].Attributes = new() { ["units"] = spec.Unit, ["long_name"] = spec.Description };
            root[spec.Name] = observables[o];
        }

        var statuses = Enum.GetValues<PointStatus>();
        H5Dataset status = scalar ? new H5Dataset(layout.ReadStatus(store, plan.FirstChunk, 1)[0]) : new H5Dataset<byte[]>(shape, chunks, creation);
        status.Attributes = new()
        {
            ["long_name"] = "what became of each point; observables are NaN unless ok",
            ["flag_values"] = statuses.Select(s => (byte)s).Append(ExportLayout.Missing).ToArray(),
            ["flag_meanings"] = string.Join(' ', statuses.Select(s => s.ToWireName()).Append("missing")),
        };
        root["status"] = status;
        if (!scalar)
        {
            foreach (var dataset in observables.Append(status))
            {
                dataset.Attributes["DIMENSION_LIST"] = dimensionList;
            }
        }

        root.Attributes = new()
        {
            ["model"] = plan.Model.Name,
            ["title"] = plan.Model.Description,
            ["dims"] = string.Join(' ', layout.Dimensions),
            ["spec"] = run.SpecText,
            ["spec_hash"] = run.SpecHash,
            ["program_version"] = run.ProgramVersion,
            ["source"] = "sweep export --format hdf5",
        };

        // CLASS must be a fixed-length string (h5py and the HDF5 dimension-scale API reject
        // variable-length ones), and PureHDF sets one string length per file: the longest needed.
        var options = new H5WriteOptions(DefaultStringLength: LongestString(root) + 1);
        using var writer = root.BeginWrite(file, options);
        if (scalar)
        {
            return;
        }

        for (int o = 0; o < observables.Length; o++)
        {
            long offset = 0;
            foreach (var (chunk, evaluations) in layout.Chunks())
            {
                var values = buffer.AsSpan(0, evaluations);
                layout.Read(store, chunk, o, values);
                writer.Write((H5Dataset<double[]>)observables[o], buffer[..evaluations], fileSelection: FlatRange(layout.Shape, offset, evaluations));
                offset += evaluations;
            }
        }

        long statusOffset = 0;
        foreach (var (chunk, evaluations) in layout.Chunks())
        {
            writer.Write((H5Dataset<byte[]>)status, layout.ReadStatus(store, chunk, evaluations), fileSelection: FlatRange(layout.Shape, statusOffset, evaluations));
            statusOffset += evaluations;
        }
    }

    /// <summary>The elements [start, start + count) of the row-major array as runs along the last dimension.</summary>
    internal static Selection FlatRange(long[] shape, long start, long count) =>
        new DelegateSelection((ulong)count, _ => Rows(shape, start, count));

    private static IEnumerable<Step> Rows(long[] shape, long start, long count)
    {
        long last = shape[^1];
        for (long flat = start, end = start + count; flat < end;)
        {
            var coordinates = new ulong[shape.Length];
            long rest = flat;
            for (int d = shape.Length - 1; d >= 0; d--)
            {
                coordinates[d] = (ulong)(rest % shape[d]);
                rest /= shape[d];
            }

            long run = Math.Min(end - flat, last - (long)coordinates[^1]);
            yield return new Step(coordinates, (ulong)run);
            flat += run;
        }
    }

    /// <summary>Whole trailing dimensions while they fit <see cref="TargetChunkElements"/>, then part of the next one:
    /// a chunk is a contiguous block of the flat array, so the sequential writes fill one chunk after another.</summary>
    internal static uint[] ChunkShape(long[] shape)
    {
        var chunk = new uint[shape.Length];
        long size = 1;
        for (int d = shape.Length - 1; d >= 0; d--)
        {
            long take = Math.Clamp(TargetChunkElements / size, 1, shape[d]);
            chunk[d] = (uint)take;
            size *= take;
            if (take < shape[d])
            {
                for (int e = d - 1; e >= 0; e--)
                {
                    chunk[e] = 1;
                }

                break;
            }
        }

        return chunk;
    }

    private static int LongestString(H5Group group)
    {
        IEnumerable<object?> values = group.Attributes.Values
            .Concat(group.Values.OfType<H5Object>().SelectMany(o => o.Attributes.Values));
        return values.OfType<string>().Select(Encoding.UTF8.GetByteCount).DefaultIfEmpty(0).Max();
    }
}

/// <summary>What an export records about where its numbers came from: the spec, its hash, and the
/// program that computed them ("version+commit").</summary>
public sealed record ExportProvenance(string SpecText, string SpecHash, string ProgramVersion)
{
    public static ExportProvenance Of(Sweep.Engine.Planning.SweepPlan plan, string directory)
    {
        var program = Manifest.Read(directory)?.Program ?? ProgramInfo.Current;
        return new ExportProvenance(plan.Spec.SourceText, plan.SpecHash, $"{program.Version}+{program.Commit}");
    }
}
