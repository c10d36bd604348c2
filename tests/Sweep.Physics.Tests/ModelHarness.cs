using Sweep.Physics.Models;

namespace Sweep.Physics.Tests;

/// <summary>Evaluates one point of a model through the batch path, by parameter name.</summary>
internal static class ModelHarness
{
    public static (PointStatus Status, Dictionary<string, double> Observables) Run(Model model, params (string Name, double Value)[] values)
    {
        Assert.True(ParameterBinding.TryBind(model, values.Select(v => KeyValuePair.Create(v.Name, v.Value)), out var vector, out var error), error);
        var results = model.CreateResults(1);
        model.Evaluate(PointBatch.Single(vector), results);
        var observables = model.Observables.Select((o, i) => (o.Name, results.Columns[i][0])).ToDictionary(p => p.Name, p => p.Item2);
        Assert.Equal(model.Check(vector).Status, results.Status[0]);
        return (results.Status[0], observables);
    }

    public static Dictionary<string, double> Ok(Model model, params (string Name, double Value)[] values)
    {
        var (status, observables) = Run(model, values);
        Assert.Equal(PointStatus.Ok, status);
        return observables;
    }
}
