using System.Collections;
using System.Globalization;

namespace Sweep.Engine.Planning;

/// <summary>
/// Shard <see cref="Index"/> of <see cref="Count"/> (0-based, written <c>i/N</c>): the chunks
/// whose number is ≡ i (mod N). Round-robin rather than contiguous ranges, so that every shard
/// gets a share of each model and of each region of the phase diagram (costs vary strongly
/// across it: near h → 0 and for pumped chains), and the shards finish together.
/// </summary>
public sealed record Shard(int Index, int Count)
{
    public const int MaxCount = 100_000;

    public static Shard Parse(string text)
    {
        string[] parts = text.Split('/');
        if (parts.Length != 2
            || !int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out int index)
            || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out int count)
            || count is < 1 or > MaxCount || index >= count)
        {
            throw new FormatException($"--shard: '{text}' is not i/N with N in 1…{MaxCount} and i in 0…N-1 (e.g. 0/4 … 3/4)");
        }

        return new Shard(index, count);
    }

    public bool Contains(long chunk) => chunk % Count == Index;

    /// <summary>Marks every chunk outside this shard in <paramref name="skip"/> (so a run passes them by).</summary>
    public void ExcludeOthers(BitArray skip)
    {
        for (int chunk = 0; chunk < skip.Length; chunk++)
        {
            if (!Contains(chunk))
            {
                skip[chunk] = true;
            }
        }
    }

    /// <summary>Chunks and evaluations of <paramref name="plan"/> in this shard.</summary>
    public (long Chunks, long Evaluations) Totals(SweepPlan plan)
    {
        long chunks = 0, evaluations = 0;
        for (long chunk = Index; chunk < plan.TotalChunks; chunk += Count)
        {
            var (model, local) = plan.Locate(chunk);
            chunks++;
            evaluations += (long)model.ChunkRange(local).Count * model.InnerLength;
        }

        return (chunks, evaluations);
    }

    public override string ToString() => $"{Index}/{Count}";
}
