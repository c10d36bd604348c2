using System.Buffers;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using Microsoft.Win32.SafeHandles;

namespace Sweep.Engine.Evaluation;

/// <summary>
/// Memory that another process of the same user on this machine can map: an anonymous Linux memory file (<c>memfd</c>)
/// named <c>sweep-result-ID</c>, mapped shared. A worker node evaluates into such segments when its coordinator runs on the
/// same machine; the coordinator maps the worker's segment through <c>/proc/PID/fd/FD</c> (the worker's descriptor, which
/// only processes allowed to read the worker's memory may open) and writes the results to disk from there: no byte crosses
/// a socket (docs/ENGINE.md, "Results on one machine"). The segment has no name in any file system, so nothing is left
/// behind when both processes are gone, however they end.
/// <para>Written by hand: .NET has no memory files (its <c>MemoryMappedFile</c> maps named files or anonymous memory no
/// other process can open), so <c>memfd_create</c> and <c>mmap</c> are called through libc.</para>
/// </summary>
public sealed unsafe class SharedSegment : MemoryManager<byte>
{
    private const uint CloseOnExec = 1; // MFD_CLOEXEC
    private const int ProtRead = 1, ProtWrite = 2, MapShared = 1;
    private const string NamePrefix = "sweep-result-";

    private readonly SafeFileHandle? _file; // the owner's; a mapping of another process's segment needs none
    private byte* _address;

    private SharedSegment(SafeFileHandle? file, byte* address, int length, long id)
    {
        _address = address;
        (_file, Length, Id) = (file, length, id);
    }

    /// <summary>The random id in the segment's name: with <see cref="Descriptor"/>, what another process needs to find it.</summary>
    public long Id { get; }

    public int Length { get; }

    /// <summary>This process's descriptor of the memory file (the owner's: <see cref="Writable"/>).</summary>
    public int Descriptor => _file is null ? throw new InvalidOperationException("a mapping of another process's segment has no descriptor")
        : (int)_file.DangerousGetHandle();

    /// <summary>This process owns the segment (and may write it); false for a mapping of another process's.</summary>
    public bool Writable => _file is not null;

    /// <summary>Whether this machine has memory files (Linux 3.17 and later).</summary>
    public static bool Supported => OperatingSystem.IsLinux();

    /// <summary>A new segment of <paramref name="length"/> bytes (zero-filled), readable and writable, page-aligned.</summary>
    public static SharedSegment Create(int length)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(length);
        long id = BitConverter.ToInt64(RandomNumberGenerator.GetBytes(8)) & long.MaxValue;
        var file = new SafeFileHandle(MemfdCreate(NamePrefix + id.ToString("x16"), CloseOnExec), ownsHandle: true);
        if (file.IsInvalid)
        {
            throw new IOException($"memfd_create failed: {Marshal.GetLastPInvokeErrorMessage()}");
        }

        try
        {
            if (Ftruncate(file, length) != 0)
            {
                throw new IOException($"sizing a shared segment to {length} bytes failed: {Marshal.GetLastPInvokeErrorMessage()}");
            }

            return new SharedSegment(file, Map(file, length, ProtRead | ProtWrite), length, id);
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }

    /// <summary>Maps, read-only, segment <paramref name="id"/> of process <paramref name="pid"/>, which holds it as descriptor
    /// <paramref name="descriptor"/>; null if that is not possible from here (another machine or container, another user) or the
    /// descriptor is not that segment, or not of at least <paramref name="length"/> bytes.</summary>
    public static SharedSegment? TryOpen(int pid, int descriptor, long id, int length)
    {
        if (!Supported || pid <= 0 || descriptor < 0 || id < 0 || length <= 0)
        {
            return null;
        }

        SafeFileHandle file;
        try
        {
            file = File.OpenHandle($"/proc/{pid}/fd/{descriptor}", FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }

        try
        {
            // The descriptor opened is the one asked for only if it names that very segment (a pid of another machine's
            // process, or a descriptor closed and reused meanwhile, names something else).
            string? target = new FileInfo($"/proc/self/fd/{(int)file.DangerousGetHandle()}").LinkTarget;
            if (target != $"/memfd:{NamePrefix}{id:x16} (deleted)" || RandomAccess.GetLength(file) < length)
            {
                file.Dispose();
                return null;
            }

            // The mapping holds the memory; the descriptor would only hold one of the process's file slots per segment.
            using (file)
            {
                return new SharedSegment(null, Map(file, length, ProtRead), length, id);
            }
        }
        catch (IOException)
        {
            file.Dispose();
            return null;
        }
    }

    /// <summary>Unmaps the segment and closes its descriptor (<see cref="IDisposable.Dispose"/>, which a memory manager implements
    /// explicitly). Whoever lets go of a segment calls this: there is no finalizer, which could unmap memory a span still points at.</summary>
    public void Close() => ((IDisposable)this).Dispose();

    public override Span<byte> GetSpan()
    {
        ObjectDisposedException.ThrowIf(_address is null, this);
        return new Span<byte>(_address, Length);
    }

    public override MemoryHandle Pin(int elementIndex = 0)
    {
        ObjectDisposedException.ThrowIf(_address is null, this);
        ArgumentOutOfRangeException.ThrowIfGreaterThan((uint)elementIndex, (uint)Length);
        return new MemoryHandle(_address + elementIndex); // mapped memory never moves
    }

    public override void Unpin()
    {
    }

    protected override void Dispose(bool disposing)
    {
        if (_address is not null)
        {
            _ = Munmap(_address, (nuint)Length);
            _address = null;
        }

        if (disposing)
        {
            _file?.Dispose();
        }
    }

    private static byte* Map(SafeFileHandle file, int length, int protection)
    {
        void* address = Mmap(null, (nuint)length, protection, MapShared, file, 0);
        if (address == (void*)-1)
        {
            throw new IOException($"mapping a shared segment of {length} bytes failed: {Marshal.GetLastPInvokeErrorMessage()}");
        }

        return (byte*)address;
    }

    [DllImport("libc", EntryPoint = "memfd_create", SetLastError = true)]
    private static extern int MemfdCreate([MarshalAs(UnmanagedType.LPUTF8Str)] string name, uint flags);

    [DllImport("libc", EntryPoint = "ftruncate", SetLastError = true)]
    private static extern int Ftruncate(SafeFileHandle fd, long length);

    [DllImport("libc", EntryPoint = "mmap", SetLastError = true)]
    private static extern void* Mmap(void* address, nuint length, int protection, int flags, SafeFileHandle fd, long offset);

    [DllImport("libc", EntryPoint = "munmap", SetLastError = true)]
    private static extern int Munmap(void* address, nuint length);
}
