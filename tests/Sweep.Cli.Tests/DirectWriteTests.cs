using System.Runtime.InteropServices;
using Sweep.Coordinator.Export;
using Sweep.Coordinator.Store;
using Sweep.Engine.Messages;

namespace Sweep.Cli.Tests;

/// <summary>
/// The array files' direct writes (O_DIRECT, <see cref="DirectIo"/>): slices of any offset and length land
/// exactly where the page-cache path puts them, and run directories of versions before them (64-byte
/// .npy headers, so every slice unaligned) are resumed in place. xunit runs a class's tests one after
/// another, so switching direct I/O off here for one store affects no other test's assertion.
/// </summary>
public class DirectWriteTests
{
    // 100 003 points in chunks of 10 007 (80 056 bytes: neither offsets nor lengths are 4 KiB multiples),
    // the last chunk 9 940 points; two observables.
    private const int Points = 100_003, Chunk = 10_007, Chunks = 10;
    private static readonly ArrayLayout Layout = new([new ModelArrays("big", [Points], 1, ["a", "b"], FirstChunk: 0, ChunkSize: Chunk)]);

    private static int Evaluations(long chunk) => (int)Math.Min(Chunk, Points - chunk * Chunk);

    private static double Value(int observable, long point) => observable * 1e6 + point + 0.25;

    private static ChunkResult Result(long chunk)
    {
        int n = Evaluations(chunk);
        var values = new byte[2 * n * sizeof(double)];
        var doubles = MemoryMarshal.Cast<byte, double>(values.AsSpan());
        for (int o = 0; o < 2; o++)
        {
            for (int k = 0; k < n; k++)
            {
                doubles[o * n + k] = Value(o, chunk * Chunk + k);
            }
        }

        return ChunkResult.Copy(new WorkItem("r", "h", chunk, 0, chunk * Chunk, n, 1), n, 2, values,
            Enumerable.Repeat((byte)(chunk % 5), n).ToArray(), "w0", TimeSpan.FromMilliseconds(1));
    }

    /// <summary>Every chunk, in an order that writes each slice beside ones already on disk and ones not yet.</summary>
    private static void StoreAll(RunStore store, IEnumerable<long> chunks)
    {
        foreach (var batch in chunks.Chunk(3))
        {
            store.Store(batch.Select(Result).ToArray(), _ => "big");
        }
    }

    private static readonly long[] Order = [7, 0, 3, 9, 1, 8, 2, 5, 4, 6];

    private static void AssertHoldsEveryValue(string path, int header)
    {
        byte[] file = File.ReadAllBytes(path);
        int observable = Path.GetFileNameWithoutExtension(path) == "a" ? 0 : 1;
        Assert.Equal(header + Points * sizeof(double), file.Length);
        var values = MemoryMarshal.Cast<byte, double>(file.AsSpan(header));
        for (int k = 0; k < Points; k++)
        {
            if (values[k] != Value(observable, k))
            {
                Assert.Fail($"{path}: point {k} holds {values[k]}, not {Value(observable, k)}");
            }
        }
    }

    [Fact]
    public void Unaligned_slices_go_to_the_disk_directly_and_read_back_exactly_as_through_the_page_cache()
    {
        using var dir = new RunHarness("");
        string direct = Path.Combine(dir.Root, "direct"), cached = Path.Combine(dir.Root, "cached");
        Directory.CreateDirectory(direct);
        Directory.CreateDirectory(cached);
        using (var store = RunStore.Create(Path.Combine(direct, RunStore.FileName), "hash", "spec", null, Layout))
        {
            Assert.True(store.WritesDirect("big"), "the test directory's file system refused O_DIRECT");
            StoreAll(store, Order);
            Assert.True(store.DirectBytes("big").Staged > 0, "slices off the pages are copied into the staging buffer");
            var read = new double[Evaluations(9)];
            Assert.True(store.ReadObservable(9, 1, read)); // the last, shorter chunk, read through the page cache
            Assert.Equal(Value(1, 9 * Chunk), read[0]);
            Assert.Equal(Value(1, Points - 1), read[^1]);
        }

        Environment.SetEnvironmentVariable(DirectIo.Switch, "0");
        try
        {
            using var store = RunStore.Create(Path.Combine(cached, RunStore.FileName), "hash", "spec", null, Layout);
            Assert.False(store.WritesDirect("big"));
            StoreAll(store, Order);
        }
        finally
        {
            Environment.SetEnvironmentVariable(DirectIo.Switch, null);
        }

        foreach (string name in new[] { "a", "b", "status" })
        {
            Assert.Equal(File.ReadAllBytes(ArrayFiles.PathOf(cached, "big", name)), File.ReadAllBytes(ArrayFiles.PathOf(direct, "big", name)));
        }

        AssertHoldsEveryValue(ArrayFiles.PathOf(direct, "big", "a"), ArrayFiles.HeaderAlignment);
        AssertHoldsEveryValue(ArrayFiles.PathOf(direct, "big", "b"), ArrayFiles.HeaderAlignment);
    }

    [Fact]
    public void Slices_of_page_multiples_go_to_the_disk_from_the_results_own_buffers()
    {
        // 5 chunks of 8 192 points (64 KiB per observable, 8 KiB of status) and a last one of 100: every slice but the
        // last starts on a page, so the evaluator's and the stream's page-aligned buffers are written as they are.
        const int chunk = 8192, points = 5 * chunk + 100;
        var layout = new ArrayLayout([new ModelArrays("big", [points], 1, ["a", "b"], FirstChunk: 0, ChunkSize: chunk)]);
        ChunkResult Make(long c)
        {
            int n = (int)Math.Min(chunk, points - c * chunk);
            var values = Enumerable.Range(0, 2 * n).Select(i => Value(i / n, c * chunk + i % n)).ToArray();
            return ChunkResult.Copy(new WorkItem("r", "h", c, 0, c * chunk, n, 1), n, 2, MemoryMarshal.AsBytes(values.AsSpan()),
                Enumerable.Repeat((byte)(c % 5), n).ToArray(), "w0", TimeSpan.Zero);
        }

        using var dir = new RunHarness("");
        using (var store = RunStore.Create(Path.Combine(dir.Root, RunStore.FileName), "hash", "spec", null, layout))
        {
            Assert.True(store.WritesDirect("big"), "the test directory's file system refused O_DIRECT");
            foreach (long[] batch in new long[][] { [3, 0], [5, 1, 2], [4] })
            {
                store.Store(batch.Select(Make).ToArray(), _ => "big");
            }

            var (inPlace, staged) = store.DirectBytes("big");
            Assert.Equal(0, staged);
            Assert.Equal(5L * chunk * (2 * sizeof(double) + 1), inPlace); // all but the last chunk's bytes, which are less than a page
        }

        byte[] a = File.ReadAllBytes(ArrayFiles.PathOf(dir.Root, "big", "a")), b = File.ReadAllBytes(ArrayFiles.PathOf(dir.Root, "big", "b"));
        byte[] status = File.ReadAllBytes(ArrayFiles.PathOf(dir.Root, "big", "status"));
        for (int k = 0; k < points; k++)
        {
            Assert.Equal(Value(0, k), BitConverter.ToDouble(a, ArrayFiles.HeaderAlignment + k * sizeof(double)));
            Assert.Equal(Value(1, k), BitConverter.ToDouble(b, ArrayFiles.HeaderAlignment + k * sizeof(double)));
            Assert.Equal(k / chunk % 5, status[ArrayFiles.HeaderAlignment + k]);
        }
    }

    [Fact]
    public void A_run_directory_with_64_byte_headers_is_resumed_in_place()
    {
        using var dir = new RunHarness("");
        string path = Path.Combine(dir.Root, RunStore.FileName);
        using (var store = RunStore.Create(path, "hash", "spec", null, Layout))
        {
            StoreAll(store, [0, 4, 9]);
        }

        // What a version before direct writes left: the same data after numpy's 64-byte aligned header.
        foreach (var (name, descr) in new[] { ("a", NpyFormat.Float64), ("b", NpyFormat.Float64), ("status", NpyFormat.UInt8) })
        {
            string file = ArrayFiles.PathOf(dir.Root, "big", name);
            byte[] data = File.ReadAllBytes(file)[ArrayFiles.HeaderAlignment..];
            File.WriteAllBytes(file, [.. NpyFormat.Header(descr, [Points]), .. data]);
        }

        int header = NpyFormat.Header(NpyFormat.Float64, [Points]).Length;
        Assert.Equal(128, header);
        using (var store = RunStore.OpenExisting(path, writer: true))
        {
            store.UseArrays(Layout);
            Assert.True(store.WritesDirect("big"));
            StoreAll(store, [8, 1, 2, 7, 3, 6, 5]);
            var read = new double[Chunk];
            Assert.True(store.ReadObservable(4, 0, read)); // stored before, found at the old offset
            Assert.Equal(Value(0, 4 * Chunk + 17), read[17]);
            Assert.Equal([4, 4], store.ReadStatus(4)![..2]);
        }

        AssertHoldsEveryValue(ArrayFiles.PathOf(dir.Root, "big", "a"), header);
        AssertHoldsEveryValue(ArrayFiles.PathOf(dir.Root, "big", "b"), header);
        Assert.Equal(NpyFormat.Header(NpyFormat.Float64, [Points]), File.ReadAllBytes(ArrayFiles.PathOf(dir.Root, "big", "a"))[..header]);
    }
}
