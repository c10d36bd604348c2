using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;
using Sweep.Engine.Evaluation;

namespace Sweep.Coordinator.Store;

/// <summary>
/// Writes that bypass the page cache (Linux <c>O_DIRECT</c>): the device reads the data straight from
/// an aligned buffer. A buffered write costs the storing thread ~2 ns a byte of kernel CPU (the copy into
/// the page cache and the write-back), a direct one ~0.2 (docs/BENCHMARKS.md, "The store without the page
/// cache"); on a machine whose every core computes, that CPU is the workers'. Written by hand: .NET opens
/// no file with <c>O_DIRECT</c> (its FileOptions have no such flag on Unix), so the flag is set afterwards
/// with <c>fcntl(F_SETFL)</c>, which Linux allows for it.
/// </summary>
internal static class DirectIo
{
    /// <summary>Offsets, lengths and buffer addresses of direct writes are multiples of this: the page
    /// size, which covers every logical block size Linux devices have, and the alignment of result buffers,
    /// which are written from where they lie.</summary>
    public const int Alignment = ResultBuffer.Alignment;

    /// <summary><c>SWEEP_DIRECT_IO=0</c> turns direct writes off (for a file system whose O_DIRECT
    /// misbehaves, or to compare): every write then goes through the page cache.</summary>
    public const string Switch = "SWEEP_DIRECT_IO";

    private const int GetFlags = 3, SetFlags = 4; // F_GETFL, F_SETFL (the same on every Linux architecture)

    /// <summary>O_DIRECT differs between architectures (asm-generic 040000; arm and arm64 0200000); 0: unknown here.</summary>
    private static readonly int DirectFlag = RuntimeInformation.ProcessArchitecture switch
    {
        Architecture.X64 or Architecture.X86 => 0x4000,
        Architecture.Arm64 or Architecture.Arm => 0x10000,
        _ => 0,
    };

    public static bool Enabled =>
        OperatingSystem.IsLinux() && DirectFlag != 0 && Environment.GetEnvironmentVariable(Switch) != "0";

    /// <summary>A write-only handle to <paramref name="path"/> with O_DIRECT set, or null where that
    /// is off or the file system refuses it (tmpfs before Linux 6.6, some network file systems).</summary>
    public static SafeFileHandle? TryOpen(string path)
    {
        if (!Enabled)
        {
            return null;
        }

        var handle = File.OpenHandle(path, FileMode.Open, FileAccess.Write, FileShare.ReadWrite);
        int flags = Fcntl(handle, GetFlags, 0);
        if (flags < 0 || Fcntl(handle, SetFlags, flags | DirectFlag) < 0)
        {
            handle.Dispose();
            return null;
        }

        return handle;
    }

    [DllImport("libc", EntryPoint = "fcntl", SetLastError = true)]
    private static extern int Fcntl(SafeFileHandle fd, int command, int argument);

    public static long AlignDown(long offset) => offset & ~(long)(Alignment - 1);

    public static long AlignUp(long offset) => AlignDown(offset + Alignment - 1);
}
