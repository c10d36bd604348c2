using Sweep.Coordinator.Adaptive;
using Sweep.Coordinator.Store;
using Sweep.Engine.Planning;
using Sweep.Physics.Models;

namespace Sweep.Cli.Tests.Adaptive;

/// <summary>Reads a finished adaptive run directory back through the same classes export uses.</summary>
internal sealed record AdaptiveRunData(SweepPlan Plan, ExportTable Points, AdaptiveInterpolator Interpolator)
{
    public static AdaptiveRunData Load(string directory)
    {
        using var store = RunDirectory.OpenExisting(directory);
        var (plan, rounds) = AdaptiveExport.Load(RunDirectory.LoadPlan(store, ModelRegistry.Default, directory), directory);
        var model = plan.Models[0];
        var samples = AdaptiveResults.Samples(store, plan, Enumerable.Range(0, model.ObservableNames.Length).ToArray(), out long missing);
        Assert.Equal(0, missing);
        var points = AdaptivePointTable.Build(store, plan, out _);
        return new AdaptiveRunData(plan, points, new AdaptiveInterpolator(plan, AdaptiveResults.Cells(model.Lattice!, rounds), samples));
    }

    public long PointCount => Plan.Rounds!.TotalPoints;

    public T[] Column<T>(string name) => (T[])Points.Columns.First(c => c.Name == name).Data;
}
