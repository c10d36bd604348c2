using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;
using Sweep.Coordinator.Export;

namespace Sweep.Coordinator.Store;

/// <summary>
/// The run's results as preallocated NumPy <c>.npy</c> files, one per (model, observable) plus a
/// status file per model (see <see cref="ModelArrays"/>), written in place with positional writes:
/// a chunk's slice lands at its offset, so storing is a copy into the page cache, exports read the
/// final layout, and <c>numpy.load(path, mmap_mode='r')</c> reads a run while it runs. Which slices
/// are valid is the ledger's business (<see cref="RunStore"/>): data files start sparse (zeros),
/// status files start at 255 (not computed).
/// </summary>
public sealed class ArrayFiles : IDisposable
{
    public const string DirectoryName = "arrays";

    public const byte NotComputed = ExportLayout.Missing;

    private readonly Dictionary<string, Model> _models;
    private readonly HashSet<FileStream> _touched = [];

    private sealed record Model(ModelArrays Layout, FileStream[] Observables, FileStream Status, long DataOffset, long StatusOffset);

    private ArrayFiles(Dictionary<string, Model> models) => _models = models;

    public static string PathOf(string runDirectory, string model, string name) =>
        Path.Combine(runDirectory, DirectoryName, model, name + ".npy");

    /// <summary>Creates (replacing) every file of <paramref name="layout"/>, durable before it returns.</summary>
    internal static void Create(string runDirectory, ArrayLayout layout)
    {
        foreach (var model in layout.Models)
        {
            Directory.CreateDirectory(Path.Combine(runDirectory, DirectoryName, model.Model));
            foreach (string observable in model.Observables)
            {
                CreateFile(PathOf(runDirectory, model.Model, observable), NpyFormat.Float64, model, sizeof(double), fill: 0);
            }

            CreateFile(PathOf(runDirectory, model.Model, ModelArrays.StatusName), NpyFormat.UInt8, model, 1, fill: NotComputed);
        }
    }

    private static void CreateFile(string path, string descr, ModelArrays model, int itemSize, byte fill)
    {
        byte[] header = NpyFormat.Header(descr, model.Shape);
        using var file = new FileStream(path, FileMode.Create, FileAccess.ReadWrite, FileShare.Read, bufferSize: 0);
        file.Write(header);
        long length = header.Length + model.Evaluations * itemSize;
        file.SetLength(length); // sparse: zeros cost no disk until written
        if (fill != 0)
        {
            var block = new byte[1 << 20];
            Array.Fill(block, fill);
            for (long offset = header.Length; offset < length; offset += block.Length)
            {
                RandomAccess.Write(file.SafeFileHandle, block.AsSpan(0, (int)Math.Min(block.Length, length - offset)), offset);
            }
        }

        file.Flush(flushToDisk: true);
    }

    /// <summary>Opens every file of <paramref name="layout"/>, each checked to carry exactly the header and
    /// length the layout implies; a missing, truncated or foreign file raises <see cref="RunDirectoryException"/> naming it.</summary>
    internal static ArrayFiles Open(string runDirectory, ArrayLayout layout, bool writable)
    {
        var models = new Dictionary<string, Model>();
        var opened = new List<FileStream>();
        try
        {
            foreach (var model in layout.Models)
            {
                var observables = model.Observables
                    .Select(o => OpenChecked(PathOf(runDirectory, model.Model, o), NpyFormat.Float64, model, sizeof(double), writable, opened)).ToArray();
                var status = OpenChecked(PathOf(runDirectory, model.Model, ModelArrays.StatusName), NpyFormat.UInt8, model, 1, writable, opened);
                models[model.Model] = new Model(model, observables, status,
                    NpyFormat.Header(NpyFormat.Float64, model.Shape).Length, NpyFormat.Header(NpyFormat.UInt8, model.Shape).Length);
            }

            return new ArrayFiles(models);
        }
        catch
        {
            opened.ForEach(f => f.Dispose());
            throw;
        }
    }

    private static FileStream OpenChecked(string path, string descr, ModelArrays model, int itemSize, bool writable, List<FileStream> opened)
    {
        byte[] header = NpyFormat.Header(descr, model.Shape);
        long length = header.Length + model.Evaluations * itemSize;
        FileStream file;
        try
        {
            // Others may read (numpy, status, export) and, for readers, the run's writer may write.
            file = new FileStream(path, FileMode.Open, writable ? FileAccess.ReadWrite : FileAccess.Read,
                writable ? FileShare.Read : FileShare.ReadWrite, bufferSize: 0);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new RunDirectoryException($"array file '{path}' cannot be opened: {ex.Message.TrimEnd('.')}");
        }

        opened.Add(file);
        var found = new byte[header.Length];
        int read = file.Length >= header.Length ? RandomAccess.Read(file.SafeFileHandle, found, 0) : 0;
        if (read != header.Length || !found.AsSpan().SequenceEqual(header))
        {
            throw new RunDirectoryException($"array file '{path}' is damaged: its header is not the .npy header of {descr} {Shape(model)}");
        }

        // Chunks that are not grid slices (adaptive rounds) are appended after the grid, so a file may be longer.
        if (file.Length < length || (file.Length - header.Length) % itemSize != 0)
        {
            throw new RunDirectoryException($"array file '{path}' is damaged: {file.Length} bytes, not {length} or more in whole items (truncated)");
        }

        return file;
    }

    private static string Shape(ModelArrays model) => "(" + string.Join(", ", model.Shape) + ")";

    internal ModelArrays? Layout(string model) => _models.TryGetValue(model, out var m) ? m.Layout : null;

    /// <summary>Writes a chunk's slice: <paramref name="values"/> holds the model's observables one after
    /// another (observable-major), each over <paramref name="status"/>.Length evaluations from flat index <paramref name="first"/>.</summary>
    internal void Write(string model, long first, ReadOnlySpan<double> values, ReadOnlySpan<byte> status)
    {
        var m = _models[model];
        int n = status.Length;
        for (int o = 0; o < m.Observables.Length; o++)
        {
            RandomAccess.Write(m.Observables[o].SafeFileHandle, MemoryMarshal.AsBytes(values.Slice(o * n, n)), m.DataOffset + first * sizeof(double));
            _touched.Add(m.Observables[o]);
        }

        RandomAccess.Write(m.Status.SafeFileHandle, status, m.StatusOffset + first);
        _touched.Add(m.Status);
    }

    /// <summary>Makes every write since the last call durable (fsync of each file written to). The store
    /// calls it before committing the ledger rows of those writes, so a committed chunk survives power loss.</summary>
    internal void Flush()
    {
        foreach (var file in _touched)
        {
            file.Flush(flushToDisk: true);
        }

        _touched.Clear();
    }

    internal void ReadObservable(string model, int observable, long first, Span<double> destination) =>
        ReadExactly(_models[model].Observables[observable], MemoryMarshal.AsBytes(destination), _models[model].DataOffset + first * sizeof(double));

    internal void ReadStatus(string model, long first, Span<byte> destination) =>
        ReadExactly(_models[model].Status, destination, _models[model].StatusOffset + first);

    private static void ReadExactly(FileStream file, Span<byte> destination, long offset)
    {
        while (!destination.IsEmpty)
        {
            int read = RandomAccess.Read(file.SafeFileHandle, destination, offset);
            if (read == 0)
            {
                throw new RunDirectoryException($"array file '{file.Name}' is damaged: it ends at {offset} bytes (truncated while open)");
            }

            destination = destination[read..];
            offset += read;
        }
    }

    public void Dispose()
    {
        foreach (var model in _models.Values)
        {
            foreach (var file in model.Observables)
            {
                file.Dispose();
            }

            model.Status.Dispose();
        }
    }
}
