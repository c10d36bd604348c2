using System.Buffers;
using System.Runtime.Serialization;
using Sweep.Coordinator.Cluster;
using Sweep.Engine.Messages;
using Sweep.Engine.Serialization;

namespace Sweep.Cli.Tests.Actors;

/// <summary>Large results put back together from their parts (pure; the actors around it are tested end to end).</summary>
public class ResultAssemblyTests
{
    private static readonly WorkItem Item = new("run", "hash", 7, 0, 100, 50, 2);

    private static (ChunkResult Result, List<ResultPart> Parts) Split(int evaluations, int partBytes)
    {
        var values = new byte[2 * evaluations * sizeof(double)];
        new Random(evaluations).NextBytes(values);
        var status = Enumerable.Range(0, evaluations).Select(i => (byte)(i % 3)).ToArray();
        var result = new ChunkResult(Item, evaluations, 2, values, status, "node/w0", TimeSpan.FromMilliseconds(3));
        var bytes = new ArrayBufferWriter<byte>();
        SweepMessageSerializer.Write(result, bytes);
        int parts = (bytes.WrittenCount + partBytes - 1) / partBytes;
        var list = Enumerable.Range(0, parts).Select(p => new ResultPart(Item.RunId, Item.Chunk, Item.Attempt, p, parts,
            bytes.WrittenSpan.Slice(p * partBytes, Math.Min(partBytes, bytes.WrittenCount - p * partBytes)).ToArray())).ToList();
        return (result, list);
    }

    [Fact]
    public void Parts_in_order_give_back_the_result_bit_for_bit_and_leave_nothing_open()
    {
        var (result, parts) = Split(40_000, 65_536); // 640 KB of values and 40 KB of status: 11 parts
        Assert.Equal(11, parts.Count);
        var assembly = new ResultAssembly<string>();
        ChunkResult? whole = null;
        foreach (var part in parts)
        {
            Assert.Null(whole);
            whole = assembly.Add("a", part);
        }

        Assert.NotNull(whole);
        Assert.Equal((result.Item, result.Evaluations, result.WorkerId), (whole.Item, whole.Evaluations, whole.WorkerId));
        Assert.True(whole.Values.AsSpan(0, whole.ValueBytes).SequenceEqual(result.Values));
        Assert.Equal(result.Status, whole.Status);
        Assert.Equal(0, assembly.Open);
    }

    [Fact]
    public void Interleaved_senders_are_kept_apart_and_a_gap_drops_that_upload_only()
    {
        var (result, parts) = Split(10_000, 60_000); // 170 KB: 3 parts
        Assert.Equal(3, parts.Count);
        var assembly = new ResultAssembly<string>();
        Assert.Null(assembly.Add("a", parts[0]));
        Assert.Null(assembly.Add("b", parts[0]));
        Assert.Null(assembly.Add("b", parts[2])); // b lost part 1: its upload is dropped
        Assert.Equal(1, assembly.Open);
        Assert.Null(assembly.Add("a", parts[1]));
        var whole = assembly.Add("a", parts[2]);
        Assert.True(whole!.Values.AsSpan(0, whole.ValueBytes).SequenceEqual(result.Values));
        Assert.Null(assembly.Add("a", parts[1])); // a stray part without its start opens nothing
        Assert.Equal(0, assembly.Open);
        Assert.Null(assembly.Add("c", parts[0]));
        assembly.Forget("c");
        Assert.Equal(0, assembly.Open);
    }

    [Fact]
    public void A_piece_longer_than_its_first_promised_drops_the_upload_and_an_impossible_size_is_malformed()
    {
        var (_, parts) = Split(10_000, 60_000); // 3 parts of at most 60 000 bytes
        var assembly = new ResultAssembly<string>();
        Assert.Null(assembly.Add("a", parts[0]));
        Assert.Null(assembly.Add("a", parts[1] with { Bytes = new byte[120_001] })); // 60 000 + 120 001 exceeds 3 × 60 000
        Assert.Equal(0, assembly.Open);
        Assert.Null(assembly.Add("a", parts[2]));
        Assert.Equal(0, assembly.Open);

        var huge = parts[0] with { Parts = int.MaxValue };
        Assert.Throws<SerializationException>(() => assembly.Add("a", huge));
        Assert.Equal(0, assembly.Open);
    }

    [Fact]
    public void Every_fourth_piece_and_the_last_are_acknowledged()
    {
        var acknowledged = Enumerable.Range(0, 10).Where(p => new ResultPart("r", 1, 1, p, 10, default).Acknowledged);
        Assert.Equal([3, 7, 9], acknowledged);
        Assert.True(new ResultPart("r", 1, 1, 0, 1, default).Acknowledged);
    }
}
