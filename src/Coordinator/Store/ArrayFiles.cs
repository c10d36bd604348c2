using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;
using Sweep.Coordinator.Export;
using Sweep.Engine.Evaluation;
using Sweep.Engine.Messages;

namespace Sweep.Coordinator.Store;

/// <summary>
/// The run's results as preallocated NumPy <c>.npy</c> files, one per (model, observable) plus a
/// status file per model (see <see cref="ModelArrays"/>), written in place with positional writes:
/// a chunk's slice lands at its offset, exports read the final layout, and
/// <c>numpy.load(path, mmap_mode='r')</c> reads a run while it runs. Which slices are valid is the
/// ledger's business (<see cref="RunStore"/>): data files start sparse (zeros), status files start at
/// 255 (not computed). The data starts at 4096 (the header is padded to it), so a chunk's slice, a
/// multiple of 4 KiB for the planner's chunk sizes, goes to the device with direct I/O
/// (<see cref="DirectIo"/>) straight from the result's page-aligned buffer, the status bytes too; only
/// the unaligned ends of a run of slices go through the page cache. Files written by versions before that (64-byte headers) are read and written alike.
/// </summary>
public sealed class ArrayFiles : IDisposable
{
    public const string DirectoryName = "arrays";

    public const byte NotComputed = ExportLayout.Missing;

    /// <summary>The data of new files starts here (<see cref="DirectIo.Alignment"/>).</summary>
    internal const int HeaderAlignment = DirectIo.Alignment;

    private readonly Dictionary<string, Model> _models;

    /// <summary>Where direct writes copy their data; made on the first one, and one per process: a 4 MiB
    /// pinned array per run counted towards the large-object budget, and several runs in one process (the
    /// benchmarks, tests) then paid a full collection each. Writers take turns on its lock.</summary>
    private static readonly Lazy<ResultBuffer> Staging = new(() => ResultBuffers.Rent(4 << 20)); // kept, never returned

    private sealed record Model(ModelArrays Layout, ArrayFile[] Observables, ArrayFile Status);

    /// <summary>One .npy file: the handle every read and buffered write uses, the direct-I/O handle
    /// where the file system allows it, and where the data starts.</summary>
    private sealed class ArrayFile(FileStream file, long dataOffset) : IDisposable
    {
        public FileStream File { get; } = file;

        public long DataOffset { get; } = dataOffset;

        public SafeFileHandle? Direct { get; set; }

        /// <summary>Bytes written directly from the results' buffers, and copied into the staging buffer first (tests).</summary>
        public long InPlaceBytes { get; set; }

        public long StagedBytes { get; set; }

        public void Dispose()
        {
            Direct?.Dispose();
            File.Dispose();
        }
    }

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
        byte[] header = NpyFormat.Header(descr, model.Shape, HeaderAlignment);
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
        var opened = new List<ArrayFile>();
        try
        {
            foreach (var model in layout.Models)
            {
                var observables = model.Observables
                    .Select(o => OpenChecked(PathOf(runDirectory, model.Model, o), NpyFormat.Float64, model, sizeof(double), writable, opened)).ToArray();
                var status = OpenChecked(PathOf(runDirectory, model.Model, ModelArrays.StatusName), NpyFormat.UInt8, model, 1, writable, opened);
                if (writable)
                {
                    foreach (var file in observables.Append(status))
                    {
                        file.Direct = DirectIo.TryOpen(file.File.Name);
                    }
                }

                models[model.Model] = new Model(model, observables, status);
            }

            return new ArrayFiles(models);
        }
        catch
        {
            opened.ForEach(f => f.Dispose());
            throw;
        }
    }

    private static ArrayFile OpenChecked(string path, string descr, ModelArrays model, int itemSize, bool writable, List<ArrayFile> opened)
    {
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

        var checkedFile = new ArrayFile(file, DataOffset(file, path, descr, model, itemSize));
        opened.Add(checkedFile);
        return checkedFile;
    }

    /// <summary>Where the data starts, after a header checked to be the layout's; the file checked not to be truncated.</summary>
    private static long DataOffset(FileStream file, string path, string descr, ModelArrays model, int itemSize)
    {
        try
        {
            // This version's header, or the 64-byte aligned one of versions before direct I/O.
            byte[] header = new[] { HeaderAlignment, NpyFormat.DefaultAlignment }
                .Select(alignment => NpyFormat.Header(descr, model.Shape, alignment))
                .FirstOrDefault(expected => HasHeader(file, expected))
                ?? throw new RunDirectoryException($"array file '{path}' is damaged: its header is not the .npy header of {descr} {Shape(model)}");
            long length = header.Length + model.Evaluations * itemSize;

            // Chunks that are not grid slices (adaptive rounds) are appended after the grid, so a file may be longer.
            if (file.Length < length || (file.Length - header.Length) % itemSize != 0)
            {
                throw new RunDirectoryException($"array file '{path}' is damaged: {file.Length} bytes, not {length} or more in whole items (truncated)");
            }

            return header.Length;
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }

    private static bool HasHeader(FileStream file, byte[] expected)
    {
        var found = new byte[expected.Length];
        int read = file.Length >= expected.Length ? RandomAccess.Read(file.SafeFileHandle, found, 0) : 0;
        return read == expected.Length && found.AsSpan().SequenceEqual(expected);
    }

    private static string Shape(ModelArrays model) => "(" + string.Join(", ", model.Shape) + ")";

    internal ModelArrays? Layout(string model) => _models.TryGetValue(model, out var m) ? m.Layout : null;

    /// <summary>Writes chunks' slices (<see cref="Slice"/>), those that lie end to end in a file as one:
    /// a batch of consecutive chunks costs a few large writes instead of one per chunk and observable.
    /// The files written to join <paramref name="touched"/>, for <see cref="Flush"/>. One caller at a time (the store's writer); reads and <see cref="Flush"/> may run beside it.</summary>
    internal void Write(IReadOnlyList<Slice> slices, ISet<FileStream> touched)
    {
        foreach (var group in slices.GroupBy(slice => slice.Model))
        {
            var m = _models[group.Key];
            for (int o = 0; o < m.Observables.Length; o++)
            {
                var file = m.Observables[o];
                WriteRuns(file, group.Select(slice => new Piece(file.DataOffset + slice.First * sizeof(double),
                    slice.Values.Slice(o * slice.Evaluations * sizeof(double), slice.Evaluations * sizeof(double)),
                    slice.Aligned && o * slice.Evaluations * sizeof(double) % DirectIo.Alignment == 0)));
                touched.Add(file.File);
            }

            WriteRuns(m.Status, group.Select(slice => new Piece(m.Status.DataOffset + slice.First, slice.Status, slice.Aligned)));
            touched.Add(m.Status.File);
        }
    }

    /// <summary>A chunk's result for <see cref="Write(IReadOnlyList{Slice}, ISet{FileStream})"/>: <see cref="Values"/> holds
    /// the model's observables one after another, each over <see cref="Evaluations"/> evaluations from flat index <see cref="First"/>.
    /// <see cref="Aligned"/>: both memories are pinned and start page-aligned (a <see cref="Sweep.Engine.Evaluation.ResultBuffer"/>'s),
    /// so direct writes may take them as they are.</summary>
    internal readonly record struct Slice(string Model, long First, ReadOnlyMemory<byte> Values, int Evaluations, ReadOnlyMemory<byte> Status, bool Aligned)
    {
        public static Slice Of(string model, long first, ChunkResult result) =>
            new(model, first, result.Values, result.Evaluations, result.Status, Aligned: true);
    }

    /// <summary>Bytes of a result bound for an offset of one file; <see cref="Aligned"/>: <see cref="Source"/> is pinned and
    /// starts page-aligned.</summary>
    private readonly record struct Piece(long Offset, ReadOnlyMemory<byte> Source, bool Aligned)
    {
        public long End => Offset + Source.Length;
    }

    private void WriteRuns(ArrayFile file, IEnumerable<Piece> pieces)
    {
        var sorted = pieces.OrderBy(piece => piece.Offset).ToArray();
        for (int first = 0, i = 1; i <= sorted.Length; i++)
        {
            if (i == sorted.Length || sorted[i].Offset != sorted[i - 1].End)
            {
                WriteRun(file, sorted.AsSpan(first..i));
                first = i;
            }
        }
    }

    /// <summary>A run of pieces end to end: its whole 4 KiB blocks go to the device directly; its unaligned
    /// ends (a block each at most, shared with the neighbouring slices) through the page cache, which
    /// merges them with what is already there.</summary>
    private void WriteRun(ArrayFile file, ReadOnlySpan<Piece> run)
    {
        long start = run[0].Offset, end = run[^1].End;
        long alignedStart = DirectIo.AlignUp(start), alignedEnd = DirectIo.AlignDown(end);
        // Even one block goes directly: the fsync before the commit waits for the device either way.
        if (file.Direct is null || alignedEnd <= alignedStart)
        {
            WriteBack(file.File, run, start, end);
            return;
        }

        WriteBack(file.File, run, start, alignedStart);
        WriteDirect(file, run, alignedStart, alignedEnd);
        WriteBack(file.File, run, alignedEnd, end);
    }

    /// <summary>Bytes [<paramref name="from"/>, <paramref name="to"/>) of the run, through the page cache.</summary>
    private static void WriteBack(FileStream file, ReadOnlySpan<Piece> run, long from, long to)
    {
        foreach (var piece in run)
        {
            long a = Math.Max(from, piece.Offset), b = Math.Min(to, piece.End);
            if (a < b)
            {
                WriteBack(file, piece.Source.Span.Slice((int)(a - piece.Offset), (int)(b - a)), a);
            }
        }
    }

    /// <summary>Bytes [<paramref name="from"/>, <paramref name="to"/>) of the run, block-aligned, written directly: from the
    /// results' own buffers when every piece of the range starts at an aligned address (the evaluator's and the result
    /// stream's buffers are page-aligned, so that is the rule), else copied into the staging buffer a few MiB at a time.</summary>
    private static void WriteDirect(ArrayFile file, ReadOnlySpan<Piece> run, long from, long to)
    {
        try
        {
            if (!WriteInPlace(file, run, from, to))
            {
                WriteStaged(file, run, from, to);
            }
        }
        catch (IOException)
        {
            // A file system that took the flag but refuses the write (EINVAL): this file goes through the page
            // cache from now on, this run's rest included. Rewriting the whole range is harmless (same bytes).
            file.Direct!.Dispose();
            file.Direct = null;
            WriteBack(file.File, run, from, to);
        }
    }

    /// <summary>Gathers of at most this many pieces per call: Linux takes up to 1024 (<c>IOV_MAX</c>).</summary>
    private const int MaxGather = 256;

    /// <summary>Writes the range with <c>pwritev</c> straight from the pieces' memory, if each piece's part of it starts
    /// at an aligned address and spans whole blocks (false, nothing written, if not).</summary>
    private static bool WriteInPlace(ArrayFile file, ReadOnlySpan<Piece> run, long from, long to)
    {
        var parts = new List<ReadOnlyMemory<byte>>(run.Length);
        foreach (var piece in run)
        {
            long a = Math.Max(from, piece.Offset), b = Math.Min(to, piece.End);
            if (a >= b)
            {
                continue;
            }

            long skip = a - piece.Offset;
            if (!piece.Aligned || skip % DirectIo.Alignment != 0 || (b - a) % DirectIo.Alignment != 0)
            {
                return false;
            }

            parts.Add(piece.Source.Slice((int)skip, (int)(b - a)));
        }

        file.InPlaceBytes += to - from;
        for (int first = 0; first < parts.Count; first += MaxGather)
        {
            var gather = parts.GetRange(first, Math.Min(MaxGather, parts.Count - first));
            RandomAccess.Write(file.Direct!, gather, from);
            from += gather.Sum(part => (long)part.Length);
        }

        return true;
    }

    /// <summary>Copies the range into the staging buffer, a few MiB at a time, and writes it from there.</summary>
    private static void WriteStaged(ArrayFile file, ReadOnlySpan<Piece> run, long from, long to)
    {
        lock (Staging)
        {
            var staging = Staging.Value.Span;
            for (long offset = from; offset < to;)
            {
                int length = (int)Math.Min(staging.Length, to - offset);
                foreach (var piece in run)
                {
                    long a = Math.Max(offset, piece.Offset), b = Math.Min(offset + length, piece.End);
                    if (a < b)
                    {
                        piece.Source.Span.Slice((int)(a - piece.Offset), (int)(b - a)).CopyTo(staging[(int)(a - offset)..]);
                    }
                }

                RandomAccess.Write(file.Direct!, staging[..length], offset);
                file.StagedBytes += length;
                offset += length;
            }
        }
    }

    /// <summary>A positional write whose write-back to disk starts at once: the fsync before the ledger
    /// commit then waits for little more than the last slices, instead of the whole batch's data
    /// (docs/BENCHMARKS.md, "The store").</summary>
    private static void WriteBack(FileStream file, ReadOnlySpan<byte> data, long offset)
    {
        if (data.IsEmpty)
        {
            return;
        }

        RandomAccess.Write(file.SafeFileHandle, data, offset);
        if (OperatingSystem.IsLinux())
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

    internal void ReadObservable(string model, int observable, long first, Span<double> destination)
    {
        var file = _models[model].Observables[observable];
        ReadExactly(file.File, MemoryMarshal.AsBytes(destination), file.DataOffset + first * sizeof(double));
    }

    internal void ReadStatus(string model, long first, Span<byte> destination) =>
        ReadExactly(_models[model].Status.File, destination, _models[model].Status.DataOffset + first);

    /// <summary>Bytes of <paramref name="model"/>'s files written directly from the results' buffers, and through the staging buffer (tests).</summary>
    internal (long InPlace, long Staged) DirectBytes(string model) =>
        _models[model].Observables.Append(_models[model].Status).Aggregate((0L, 0L), (sum, f) => (sum.Item1 + f.InPlaceBytes, sum.Item2 + f.StagedBytes));

    /// <summary>Whether every file of <paramref name="model"/> takes direct writes (tests).</summary>
    internal bool WritesDirect(string model) => _models[model].Observables.Append(_models[model].Status).All(file => file.Direct is not null);

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
