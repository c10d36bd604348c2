using Sweep.Engine.Planning;
using Sweep.Engine.Spec;
using Sweep.Physics.Models;

namespace Sweep.Coordinator.Adaptive;

/// <summary>
/// How well an adaptive run's interpolation (<see cref="AdaptiveInterpolator"/>) reproduces the model: the
/// largest relative error |interpolated − direct| / |direct| over random points drawn uniformly in the scaled
/// coordinates (log-uniform along log axes; seeded, so reproducible), evaluated directly with the model's batch
/// kernel. Evaluations that are not ok either way (beyond a boundary, or in a cell on one) are counted, not compared.
/// </summary>
public static class InterpolationCheck
{
    public static InterpolationError Measure(SweepPlan plan, AdaptiveInterpolator interpolator, int points, int seed)
    {
        var model = plan.Models[0];
        var lattice = model.Lattice!;
        int d = lattice.Dimensions, perPoint = interpolator.EvaluationsPerPoint, rows = points * model.RowsPerPoint;
        var random = new Random(seed);
        var refined = new double[points * d];
        for (int i = 0; i < refined.Length; i++)
        {
            var axis = lattice.Axes[i % d].Coarse;
            double u = random.NextDouble();
            refined[i] = axis.Kind == AxisKind.Log
                ? Math.Exp(Math.Log(axis.Start) + u * (Math.Log(axis.End) - Math.Log(axis.Start)))
                : axis.Start + u * (axis.End - axis.Start);
        }

        var columns = model.Model.Parameters.Select(_ => new double[rows]).ToArray();
        model.FillPoints(refined, 0, rows, columns);
        var direct = model.Model.CreateResults(rows * model.InnerLength);
        model.Model.Evaluate(new PointBatch(columns, rows, model.InnerGrid, model.InnerScale), direct);

        var interpolated = model.ObservableNames.Select(_ => new double[points * perPoint]).ToArray();
        var status = new byte[points * perPoint];
        for (int p = 0; p < points; p++)
        {
            interpolator.Interpolate(refined.AsSpan(p * d, d), interpolated, status, (long)p * perPoint);
        }

        var worst = new double[model.ObservableNames.Length];
        long compared = 0, skipped = 0;
        for (int k = 0; k < status.Length; k++)
        {
            if (status[k] != 0 || direct.Status[k] != (byte)PointStatus.Ok)
            {
                skipped++;
                continue;
            }

            compared++;
            for (int o = 0; o < worst.Length; o++)
            {
                double exact = direct.Columns[model.ObservableIndices[o]][k];
                if (exact != 0 && double.IsFinite(exact))
                {
                    worst[o] = Math.Max(worst[o], Math.Abs(interpolated[o][k] - exact) / Math.Abs(exact));
                }
            }
        }

        return new InterpolationError(model.ObservableNames.Zip(worst).ToDictionary(e => e.First, e => e.Second), compared, skipped);
    }
}

/// <summary>The largest relative error per observable, and how many evaluations were compared and skipped.</summary>
public sealed record InterpolationError(IReadOnlyDictionary<string, double> MaxRelative, long Compared, long Skipped)
{
    public double Max => MaxRelative.Values.DefaultIfEmpty(0).Max();
}
