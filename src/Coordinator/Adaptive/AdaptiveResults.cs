using Sweep.Coordinator.Store;
using Sweep.Engine.Adaptive;
using Sweep.Engine.Planning;

namespace Sweep.Coordinator.Adaptive;

/// <summary>Reads an adaptive run back: its cells (the coarse grid split as the rounds decided) and its stored points.</summary>
public static class AdaptiveResults
{
    /// <summary>The cells after the splits of <paramref name="rounds"/>, in order.</summary>
    public static AdaptiveCells Cells(AdaptiveLattice lattice, IEnumerable<StoredRound> rounds)
    {
        var cells = new AdaptiveCells(lattice);
        foreach (var split in rounds.SelectMany(r => r.Splits))
        {
            cells.Split(split);
        }

        return cells;
    }

    /// <summary>Every stored point of the plan's rounds, with the given observables (indices into the plan's stored
    /// observables); a chunk not stored is skipped (<paramref name="missing"/> counts its points).</summary>
    public static AdaptiveSamples Samples(RunStore store, SweepPlan plan, IReadOnlyList<int> observables, out long missing)
    {
        var model = plan.Models[0];
        var rounds = plan.Rounds ?? throw new InvalidOperationException("the plan has no adaptive rounds");
        int perPoint = model.RowsPerPoint * model.InnerLength, d = rounds.Dimensions;
        var samples = new AdaptiveSamples(perPoint, observables.Count);
        var values = observables.Select(_ => Array.Empty<double>()).ToArray();
        missing = 0;
        for (long chunk = 0; chunk < rounds.TotalChunks; chunk++)
        {
            var (round, start, count) = rounds.Locate(chunk);
            int evaluations = count * perPoint;
            byte[]? status = store.ReadStatus(chunk);
            if (status is null)
            {
                missing += count;
                continue;
            }

            if (status.Length != evaluations)
            {
                throw new RunDirectoryException($"chunk {chunk} in the run store is damaged: {status.Length} statuses for {evaluations} evaluations");
            }

            for (int o = 0; o < observables.Count; o++)
            {
                values[o] = new double[evaluations];
                store.ReadObservable(chunk, observables[o], values[o]);
            }

            for (int p = 0; p < count; p++)
            {
                long key = AdaptiveLattice.Key(round.Points.AsSpan((start + p) * d, d));
                samples.Add(key, status, values, p * perPoint);
            }
        }

        return samples;
    }
}
