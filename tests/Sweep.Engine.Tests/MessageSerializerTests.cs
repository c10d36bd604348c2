using System.Buffers;
using System.Runtime.Serialization;
using FsCheck;
using FsCheck.Fluent;
using Sweep.Engine.Messages;
using Sweep.Engine.Serialization;

namespace Sweep.Engine.Tests;

/// <summary>Every message type through the MessagePack wire format and back (FsCheck), and what
/// truncated, corrupt or unknown bytes do.</summary>
public class MessageSerializerTests
{
    private const int Runs = 300;

    private static readonly Gen<string> Text = Gen.Elements("", "run-1", "0123456789abcdef", "ünïcødé ✓", new string('x', 300));

    private static readonly Gen<WorkItem> Items =
        from runId in Text
        from hash in Text
        from chunk in Gen.Choose(0, int.MaxValue).Select(c => (long)c * 3)
        from model in Gen.Choose(0, 20)
        from start in Gen.Choose(0, int.MaxValue).Select(s => (long)s * 5)
        from count in Gen.Choose(0, 1 << 20)
        from attempt in Gen.Choose(1, 10)
        from dimensions in Gen.Choose(0, 3)
        from seed in Gen.Choose(0, int.MaxValue)
        select dimensions == 0 ? new WorkItem(runId, hash, chunk, model, start, count, attempt)
            : new WorkItem(runId, hash, chunk, model, start, count % 50 + 1, attempt, Lattice(count % 50 + 1, dimensions, seed)); // an adaptive chunk's points

    private static int[] Lattice(int count, int dimensions, int seed)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, count * dimensions).Select(_ => random.Next(0, 1 << 20)).ToArray();
    }

    private static bool SameItem(WorkItem e, WorkItem a) =>
        e with { Lattice = null } == a with { Lattice = null } && (e.Lattice ?? []).AsSpan().SequenceEqual(a.Lattice ?? []) && (e.Lattice is null) == (a.Lattice is null);

    private static readonly Gen<ChunkResult> Results =
        from item in Items
        from evaluations in Gen.Choose(0, 300)
        from observables in Gen.Choose(0, 4)
        from seed in Gen.Choose(0, int.MaxValue)
        from worker in Text
        from ticks in Gen.Choose(0, int.MaxValue)
        select MakeResult(item, evaluations, observables, seed, worker, ticks);

    private static ChunkResult MakeResult(WorkItem item, int evaluations, int observables, int seed, string worker, int ticks)
    {
        var random = new Random(seed);
        // Any double, NaN and infinities included, bit for bit.
        byte[] values = new byte[observables * evaluations * sizeof(double)];
        random.NextBytes(values);
        byte[] status = new byte[evaluations];
        random.NextBytes(status);
        return ChunkResult.Copy(item, evaluations, observables, values, status, worker, TimeSpan.FromTicks(ticks));
    }

    private static readonly Gen<object> Messages = Gen.OneOf(
        Items.Select(i => (object)i),
        Items.ArrayOf().Where(a => a.Length > 0).Select(a => (object)new WorkItems(a)),
        Gen.Choose(1, 1000).Select(n => (object)new RequestWork(n)),
        Results.Select(r => (object)r),
        from i in Items from e in Text from w in Text select (object)new ChunkFailed(i, e, w),
        from c in Gen.Choose(0, int.MaxValue) from e in Gen.Choose(0, 1 << 20) from d in Gen.Elements(true, false) select (object)new ChunkStored(c, e, d),
        from c in Gen.Choose(0, int.MaxValue) from a in Gen.Choose(1, 10) from e in Text select (object)new ChunkAbandoned(c, a, e),
        Gen.Constant((object)DescribeRun.Instance),
        from r in Text from h in Text from t in Text from c in Gen.Choose(0, 1 << 20) from p in Gen.Choose(1, 65535) from e in Gen.Choose(0, 1 << 20) select (object)new RunOffer(r, h, t, c, p, e),
        Text.Select(r => (object)new StopRequested(r)),
        Gen.Constant((object)DrainAggregator.Instance),
        Gen.Constant((object)AggregatorDrained.Instance));

    private static (byte[] Bytes, string Manifest) Serialize(object message)
    {
        var buffer = new ArrayBufferWriter<byte>();
        SweepMessageSerializer.Write(message, buffer);
        return (buffer.WrittenSpan.ToArray(), ManifestOf(message));
    }

    private static string ManifestOf(object message) => new SweepMessageSerializer(null!).Manifest(message);

    private static bool SameMessage(object expected, object actual) => (expected, actual) switch
    {
        (WorkItem e, WorkItem a) => SameItem(e, a),
        (WorkItems e, WorkItems a) => e.Items.Count == a.Items.Count && e.Items.Zip(a.Items).All(p => SameItem(p.First, p.Second)),
        (ChunkFailed e, ChunkFailed a) => SameItem(e.Item, a.Item) && e with { Item = a.Item } == a,
        (ChunkResult e, ChunkResult a) => SameItem(e.Item, a.Item) && e.Evaluations == a.Evaluations && e.ObservableCount == a.ObservableCount
                                          && e.Values.Span.SequenceEqual(a.Values.Span)
                                          && e.Status.Span.SequenceEqual(a.Status.Span) && e.WorkerId == a.WorkerId && e.Elapsed == a.Elapsed,
        _ => expected.Equals(actual),
    };

    [Fact]
    public void Every_message_type_round_trips_unchanged()
    {
        Check.One(Config.QuickThrowOnFailure.WithMaxTest(Runs), Prop.ForAll(Messages.ToArbitrary(), message =>
        {
            var (bytes, manifest) = Serialize(message);
            return SameMessage(message, SweepMessageSerializer.Read(bytes, manifest));
        }));
    }

    [Fact]
    public void A_result_head_round_trips_and_says_how_many_data_bytes_follow_it()
    {
        Check.One(Config.QuickThrowOnFailure.WithMaxTest(Runs), Prop.ForAll(Results.ToArbitrary(), result =>
        {
            var buffer = new ArrayBufferWriter<byte>();
            SweepMessageSerializer.WriteResultHead(result, buffer);
            var head = SweepMessageSerializer.ReadResultHead(buffer.WrittenMemory);
            return SameItem(result.Item, head.Item) && (head.Evaluations, head.ObservableCount, head.WorkerId, head.Elapsed)
                       == (result.Evaluations, result.ObservableCount, result.WorkerId, result.Elapsed)
                   && head.DataBytes == result.ValueBytes + result.Evaluations
                   && buffer.WrittenCount < 64 + result.Item.RunId.Length * 4 + result.Item.SpecHash.Length * 4 + result.WorkerId.Length * 4
                                             + (result.Item.Lattice?.Length ?? 0) * 4; // no values in the head
        }));
    }

    [Fact]
    public void A_result_head_that_is_cut_short_or_claims_more_than_a_gigabyte_is_refused()
    {
        var buffer = new ArrayBufferWriter<byte>();
        SweepMessageSerializer.WriteResultHead(MakeResult(new WorkItem("r", "h", 1, 0, 0, 4, 1), 4, 2, 7, "w", 5), buffer);
        var bytes = buffer.WrittenSpan.ToArray();
        for (int cut = 0; cut < bytes.Length; cut++)
        {
            Assert.Throws<SerializationException>(() => SweepMessageSerializer.ReadResultHead(bytes.AsMemory(0, cut)));
        }

        Assert.Throws<SerializationException>(() => SweepMessageSerializer.ReadResultHead(bytes.Append((byte)0).ToArray())); // trailing

        var huge = new ArrayBufferWriter<byte>();
        var writer = new MessagePack.MessagePackWriter(huge);
        writer.WriteArrayHeader(5);
        writer.Flush();
        SweepMessageSerializer.Write(new WorkItem("r", "h", 1, 0, 0, 4, 1), huge); // the item, as the head has it
        writer = new MessagePack.MessagePackWriter(huge);
        writer.Write(1 << 20);
        writer.Write(200); // 200 observables × 2^20 evaluations: 1.6 GB of values
        writer.Write("w");
        writer.Write(5L);
        writer.Flush();
        Assert.Contains("too large", Assert.Throws<SerializationException>(() => SweepMessageSerializer.ReadResultHead(huge.WrittenMemory)).Message);
    }

    [Fact]
    public void Result_values_travel_as_one_raw_block_of_their_bytes()
    {
        var result = MakeResult(new WorkItem("r", "h", 1, 0, 0, 4, 1), 1000, 2, 7, "w", 5);
        var (bytes, _) = Serialize(result);
        // The 16 000 value bytes appear verbatim (a bin 16 block), not as 2000 encoded float64 elements.
        int at = bytes.AsSpan().IndexOf(result.Values.Span);
        Assert.True(at > 0);
        Assert.Equal(0xc5, bytes[at - 3]); // bin 16 header, then the length (big-endian), then the raw bytes
        Assert.Equal(result.ValueBytes, (bytes[at - 2] << 8) | bytes[at - 1]);
        Assert.InRange(bytes.Length, result.ValueBytes + result.Evaluations, result.ValueBytes + result.Evaluations + 64);
    }

    [Fact]
    public void Every_truncation_of_a_message_is_rejected_with_a_serialization_exception()
    {
        Check.One(Config.QuickThrowOnFailure.WithMaxTest(100), Prop.ForAll(Messages.ToArbitrary(), message =>
        {
            var (bytes, manifest) = Serialize(message);
            for (int length = 0; length < bytes.Length; length++)
            {
                Assert.Throws<SerializationException>(() => SweepMessageSerializer.Read(bytes.AsMemory(0, length), manifest));
            }
        }));
    }

    [Fact]
    public void Corrupt_bytes_never_escape_as_anything_but_a_serialization_exception()
    {
        Check.One(Config.QuickThrowOnFailure.WithMaxTest(Runs), Prop.ForAll(Messages.ToArbitrary(), Gen.Choose(0, int.MaxValue).ToArbitrary(), (message, seed) =>
        {
            var (bytes, manifest) = Serialize(message);
            var random = new Random(seed);
            for (int flips = 0; flips < 3 && bytes.Length > 0; flips++)
            {
                bytes[random.Next(bytes.Length)] = (byte)random.Next(256);
            }

            try
            {
                SweepMessageSerializer.Read(bytes, manifest); // a flip inside a value may still parse: that is fine
            }
            catch (SerializationException)
            {
            }
        }));
    }

    [Fact]
    public void Sizes_that_do_not_add_up_and_unknown_manifests_are_rejected()
    {
        // A result claiming 2 observables × 10 evaluations (160 bytes) with 240 value bytes.
        var buffer = new ArrayBufferWriter<byte>();
        var writer = new MessagePack.MessagePackWriter(buffer);
        writer.WriteArrayHeader(7);
        writer.Flush();
        SweepMessageSerializer.Write(new WorkItem("r", "h", 1, 0, 0, 10, 1), buffer);
        writer = new MessagePack.MessagePackWriter(buffer);
        writer.Write(10);
        writer.Write(2);
        writer.Write("w");
        writer.Write(5L);
        writer.Write(new byte[240]);
        writer.Write(new byte[10]);
        writer.Flush();
        var ex = Assert.Throws<SerializationException>(() => SweepMessageSerializer.Read(buffer.WrittenMemory, "R"));
        Assert.Contains("do not add up", ex.Message);

        var unknown = Assert.Throws<SerializationException>(() => SweepMessageSerializer.Read(Serialize(new StopRequested("x")).Bytes, "Z"));
        Assert.Contains("unknown manifest 'Z'", unknown.Message);
        Assert.Throws<SerializationException>(() => SweepMessageSerializer.Read(Serialize(new RequestWork(1)).Bytes.Append((byte)0).ToArray(), "Q"));
        Assert.Throws<SerializationException>(() => SweepMessageSerializer.Read(Serialize(new WorkItem("r", "h", 1, 0, 0, 1, 1) with { }).Bytes, "R"));
        Assert.Throws<SerializationException>(() => new SweepMessageSerializer(null!).Manifest("not a message"));
        var empty = Assert.Throws<SerializationException>(() => SweepMessageSerializer.Read(new byte[] { 0x90 }, "B")); // an empty array
        Assert.Contains("a batch of 0 work items", empty.Message);
    }

    [Fact]
    public void An_adaptive_chunk_carries_its_lattice_points_as_one_raw_block()
    {
        var item = new WorkItem("r", "h", 7, 0, 12, 3, 2, [1, 2, 3, 4, 5, 1 << 20]);
        var (bytes, manifest) = Serialize(item);
        var read = (WorkItem)SweepMessageSerializer.Read(bytes, manifest);
        Assert.Equal(item.Lattice, read.Lattice);
        Assert.Equal(item with { Lattice = null }, read with { Lattice = null });
        Assert.True(bytes.AsSpan().IndexOf(System.Runtime.InteropServices.MemoryMarshal.AsBytes(item.Lattice.AsSpan())) > 0);
    }

    [Theory]
    [InlineData(new[] { 1, 2, 3, 4, 5 }, 3)] // 5 coordinates for 3 points
    [InlineData(new[] { 1, 2, 3, 4, 5, 6, 7, 8 }, 2)] // 4 per point: more axes than an adaptive run has
    [InlineData(new[] { -1, 2 }, 1)]
    public void Lattice_points_that_do_not_fit_the_chunk_are_rejected(int[] lattice, int count)
    {
        var (bytes, manifest) = Serialize(new WorkItem("r", "h", 7, 0, 0, count, 1, lattice));
        Assert.Throws<SerializationException>(() => SweepMessageSerializer.Read(bytes, manifest));
    }
}
