using System.Runtime.InteropServices;
using Sweep.Engine.Evaluation;

namespace Sweep.Engine.Tests;

/// <summary>The packing copy with streaming stores (<see cref="StreamingCopy"/>): every length and alignment copies exactly
/// the source, bit for bit, and touches nothing beyond it. CI runs this suite again with AVX-512 off, which takes the
/// 256-bit stores.</summary>
public class StreamingCopyTests
{
    [Fact]
    public void Every_length_and_destination_alignment_copies_exactly_the_source_and_nothing_else()
    {
        var random = new Random(16);
        var buffer = ResultBuffers.Rent(1 << 16); // page-aligned, as a chunk's buffer
        try
        {
            var memory = MemoryMarshal.Cast<byte, double>(buffer.Span);
            foreach (int length in Enumerable.Range(0, 300).Concat([511, 512, 513, 2047, 2048, 2049, 4096, 6000]))
            {
                for (int shift = 0; shift < 9; shift++) // 0: 64-byte aligned; 1–7: not; 8: aligned again
                {
                    // Bit patterns, not just numbers: NaN payloads and negative zeros must survive.
                    var source = Enumerable.Range(0, length).Select(_ => BitConverter.Int64BitsToDouble(random.NextInt64())).ToArray();
                    memory.Fill(double.Epsilon);
                    StreamingCopy.Copy(source, memory[shift..]);
                    StreamingCopy.Publish();

                    Assert.True(memory[..shift].ToArray().All(v => v == double.Epsilon), $"before the destination, length {length}, shift {shift}");
                    Assert.Equal(source.Select(BitConverter.DoubleToInt64Bits), memory.Slice(shift, length).ToArray().Select(BitConverter.DoubleToInt64Bits));
                    Assert.True(memory[(shift + length)..].ToArray().All(v => v == double.Epsilon), $"after the destination, length {length}, shift {shift}");
                }
            }
        }
        finally
        {
            ResultBuffers.Return(buffer);
        }
    }

    [Fact]
    public void A_destination_not_aligned_even_to_a_double_is_copied_all_the_same()
    {
        var bytes = new byte[8 * 1000 + 3];
        var source = Enumerable.Range(0, 1000).Select(i => i * 0.5 - 7).ToArray();
        var destination = MemoryMarshal.Cast<byte, double>(bytes.AsSpan(3));
        StreamingCopy.Copy(source, destination);
        Assert.Equal(source, destination.ToArray());
    }

    [Fact]
    public void A_destination_shorter_than_the_source_is_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => StreamingCopy.Copy(new double[10], new double[9]));
    }
}
