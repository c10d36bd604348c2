using System.Numerics;
using Sweep.Coordinator.Store;
using Sweep.Engine.Planning;
using Sweep.Physics.Models;

namespace Sweep.Coordinator.Adaptive;

/// <summary>
/// An adaptive run's evaluated points as one table, a row per evaluation: the refined coordinates,
/// the unrefined axes and inner grid, the point's level (0 on the coarse grid; the number of halvings
/// its finest coordinate needed) and round, its status and every stored observable (NaN unless ok).
/// Rows follow the rounds, each round in lattice-key order.
/// </summary>
public static class AdaptivePointTable
{
    public static ExportTable Build(RunStore store, SweepPlan plan, out long missingPoints)
    {
        var model = plan.Models[0];
        var rounds = plan.Rounds!;
        var lattice = model.Lattice!;
        int d = lattice.Dimensions, rows = model.RowsPerPoint, inner = model.InnerLength, perPoint = rows * inner;
        var restAxes = model.RestAxes.Select(a => model.Axes[a]).ToArray();
        var innerGrid = model.InnerGrid;

        var coordinates = Enumerable.Range(0, d + restAxes.Length + (innerGrid is null ? 0 : 1)).Select(_ => new List<double>()).ToArray();
        var levels = new List<int>();
        var roundOf = new List<int>();
        var status = new List<byte>();
        var values = model.ObservableNames.Select(_ => new List<double>()).ToArray();
        missingPoints = 0;
        for (long chunk = 0; chunk < rounds.TotalChunks; chunk++)
        {
            var (round, start, count) = rounds.Locate(chunk);
            byte[]? chunkStatus = store.ReadStatus(chunk);
            if (chunkStatus is null)
            {
                missingPoints += count;
                continue;
            }

            int evaluations = count * perPoint;
            var chunkValues = new double[values.Length][];
            for (int o = 0; o < values.Length; o++)
            {
                chunkValues[o] = new double[evaluations];
                store.ReadObservable(chunk, o, chunkValues[o]);
            }

            for (int p = 0; p < count; p++)
            {
                var point = round.Points.AsSpan((start + p) * d, d);
                int level = Level(lattice, point);
                for (int e = 0; e < perPoint; e++)
                {
                    for (int a = 0; a < d; a++)
                    {
                        coordinates[a].Add(lattice.Axes[a].Value(point[a]));
                    }

                    int rest = e / inner;
                    for (int k = restAxes.Length - 1; k >= 0; k--)
                    {
                        coordinates[d + k].Add(restAxes[k].ValueAt(rest % restAxes[k].Count));
                        rest /= restAxes[k].Count;
                    }

                    if (innerGrid is not null)
                    {
                        coordinates[^1].Add(innerGrid[e % inner]);
                    }

                    levels.Add(level);
                    roundOf.Add(round.Index);
                    status.Add(chunkStatus[p * perPoint + e]);
                    for (int o = 0; o < values.Length; o++)
                    {
                        values[o].Add(chunkValues[o][p * perPoint + e]);
                    }
                }
            }
        }

        var names = DimensionNames(plan);
        var columns = names.Select((n, i) => new ExportColumn(n, coordinates[i].ToArray(), DimensionUnit(model.Model, n), "coordinate"))
            .Append(new ExportColumn("level", levels.ToArray(), "1", "refinement level: 0 on the spec's grid, ℓ where the finest coordinate needed ℓ halvings"))
            .Append(new ExportColumn("round", roundOf.ToArray(), "1", "the round that evaluated the point (0: the spec's grid)"))
            .Append(new ExportColumn("status", status.ToArray(), "1", $"status code ({PointStatusNames.CodeList}); observables are NaN unless ok"))
            .Concat(model.ObservableNames.Select((n, o) => Observable(model, n, values[o].ToArray())))
            .ToArray();
        return new ExportTable(["point"], [status.Count], columns, []);
    }

    /// <summary>The refined axes, then the unrefined spec axes, then an unrefined inner grid.</summary>
    public static string[] DimensionNames(SweepPlan plan)
    {
        var model = plan.Models[0];
        var names = model.Lattice!.Axes.Select(a => a.Name).Concat(model.RestAxes.Select(a => model.Axes[a].Parameter));
        return (model.InnerGrid is null ? names : names.Append(model.InnerDimension!)).ToArray();
    }

    public static ExportColumn Observable(ModelPlan model, string name, double[] values)
    {
        var spec = model.Model.Observables[model.Model.ObservableIndex(name)];
        return new ExportColumn(name, values, spec.Unit, spec.Description);
    }

    public static string DimensionUnit(Model model, string name) =>
        model.ParameterIndex(name) is var i and >= 0 ? model.Parameters[i].Unit : name == "v" ? "ħΩ (units of h)" : "1";

    /// <summary>0 for a coarse-grid point; else the most halvings any of its coordinates needed.</summary>
    public static int Level(AdaptiveLattice lattice, ReadOnlySpan<int> point)
    {
        int level = 0;
        for (int a = 0; a < point.Length; a++)
        {
            int levels = lattice.Axes[a].Levels;
            int zeros = point[a] == 0 ? levels : Math.Min(levels, BitOperations.TrailingZeroCount(point[a]));
            level = Math.Max(level, levels - zeros);
        }

        return level;
    }
}
