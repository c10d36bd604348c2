namespace Sweep.Engine.Planning;

/// <summary>
/// The chunks of an adaptive run so far: round after round, each a list of new points (lattice
/// coordinates: round 0 the coarse grid in grid order, later rounds sorted by key) cut into chunks of <see cref="AdaptiveRound.ChunkSize"/> points, numbered
/// on from the previous round's. Round 0 is the coarse grid.
/// </summary>
public sealed class AdaptiveRounds
{
    public AdaptiveRounds(IReadOnlyList<AdaptiveRound> rounds, int dimensions)
    {
        Rounds = rounds;
        Dimensions = dimensions;
        long expected = 0;
        foreach (var round in rounds)
        {
            if (round.FirstChunk != expected || round.Points.Length % dimensions != 0 || round.ChunkSize < 1)
            {
                throw new ArgumentException($"round {round.Index} does not follow on from the rounds before it", nameof(rounds));
            }

            expected += round.ChunkCount(dimensions);
        }

        TotalChunks = expected;
        TotalPoints = rounds.Sum(r => (long)r.Points.Length / dimensions);
    }

    public IReadOnlyList<AdaptiveRound> Rounds { get; }

    public int Dimensions { get; }

    public long TotalChunks { get; }

    /// <summary>Refined points in all rounds (each evaluated over the unrefined axes and inner grid).</summary>
    public long TotalPoints { get; }

    /// <summary>The round holding global chunk <paramref name="chunk"/>, and the chunk's first point and point count in it.</summary>
    public (AdaptiveRound Round, int Start, int Count) Locate(long chunk)
    {
        foreach (var round in Rounds)
        {
            long local = chunk - round.FirstChunk;
            if (local >= 0 && local < round.ChunkCount(Dimensions))
            {
                int start = checked((int)(local * round.ChunkSize));
                return (round, start, Math.Min(round.ChunkSize, round.Points.Length / Dimensions - start));
            }
        }

        throw new ArgumentOutOfRangeException(nameof(chunk), chunk, $"the adaptive rounds have {TotalChunks} chunks");
    }

    /// <summary>The lattice coordinates of the chunk's points (a copy: it travels in the work item).</summary>
    public int[] Lattice(long chunk)
    {
        var (round, start, count) = Locate(chunk);
        return round.Points.AsSpan(start * Dimensions, count * Dimensions).ToArray();
    }
}

/// <summary>One round: its new points' lattice coordinates (point-major), where its chunks start and how many points each holds.</summary>
public sealed record AdaptiveRound(int Index, int[] Points, long FirstChunk, int ChunkSize)
{
    public long ChunkCount(int dimensions) => (Points.Length / dimensions + ChunkSize - 1) / ChunkSize;
}
