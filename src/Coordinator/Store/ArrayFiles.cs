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
    /// another (observable-major), each over <paramref name="status"/>.Length evaluations from flat index
    /// <paramref name="first"/>. The files written to join <paramref name="touched"/>, for <see cref="Flush"/>.</summary>
    internal void Write(string model, long first, ReadOnlySpan<double> values, ReadOnlySpan<byte> status, ISet<FileStream> touched)
    {
        var m = _models[model];
        int n = status.Length;
        for (int o = 0; o < m.Observables.Length; o++)
        {
            WriteBack(m.Observables[o], MemoryMarshal.AsBytes(values.Slice(o * n, n)), m.DataOffset + first * sizeof(double), touched);
        }

        WriteBack(m.Status, status, m.StatusOffset + first, touched);
    }

    /// <summary>A positional write whose write-back to disk starts at once: the fsync before the ledger
    /// commit then waits for little more than the last slices, instead of the whole batch's data
    /// (docs/BENCHMARKS.md, "The store").</summary>
    private static void WriteBack(FileStream file, ReadOnlySpan<byte> data, long offset, ISet<FileStream> touched)
    {
        RandomAccess.Write(file.SafeFileHandle, data, offset);
        touched.Add(file);
        if (OperatingSystem.IsLinux() && !data.IsEmpty)
        {
            // Written by hand: .NET has no API that starts write-back of a file range without waiting for it.
            _ = SyncFileRange(file.SafeFileHandle, offset, data.Length, SyncFileRangeWrite);
        }
    }

    private const uint SyncFileRangeWrite = 2; // SYNC_FILE_RANGE_WRITE: start write-back of dirty pages, do not wait

    [DllImport("libc", EntryPoint = "sync_file_range", SetLastError = true)]
    private static extern int SyncFileRange(SafeFileHandle fd, long offset, long nbytes, uint flags);

    /// <summary>Makes every write to <paramref name="files"/> durable (fsync). The store calls it before
    /// committing the ledger rows of those writes, so a committed chunk survives power loss. Safe beside
    /// <see cref="Write"/> on another thread: fsync and pwrite may share a file.</summary>
    internal static void Flush(IEnumerable<FileStream> files)
    {
        foreach (var file in files)
        {
            file.Flush(flushToDisk: true);
        }
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
