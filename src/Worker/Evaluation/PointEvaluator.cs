using Sweep.Physics.Models;

namespace Sweep.Worker.Evaluation;

/// <summary>Evaluates single points given by model name and named parameter values. Bad input
/// becomes an <see cref="PointStatus.Invalid"/> result with a message, never a number.</summary>
public sealed class PointEvaluator(ModelRegistry registry)
{
    public ModelRegistry Registry { get; } = registry;

    public PointResult Evaluate(string modelName, IReadOnlyList<KeyValuePair<string, double>> assignments)
    {
        var model = Registry.Find(modelName);
        if (model is null)
        {
            return PointResult.Invalid(modelName, assignments,
                $"unknown model '{modelName}' (models: {string.Join(", ", Registry.Names)})");
        }

        if (!ParameterBinding.TryBind(model, assignments, out double[] values, out string? error))
        {
            return PointResult.Invalid(model.Name, assignments, error!);
        }

        var parameters = model.Parameters.Select((p, i) => KeyValuePair.Create(p.Name, values[i])).ToArray();
        var check = model.Check(values);
        if (!check.IsOk)
        {
            return new PointResult(model.Name, parameters, check.Status, check.Message, []);
        }

        var results = model.CreateResults(1);
        model.Evaluate(PointBatch.Single(values), results);
        if (results.Status[0] != PointStatus.Ok)
        {
            // The batch path and Check apply the same rules, except for conditions only the
            // evaluation can find; any other disagreement is a bug, not bad input.
            string message = model.EvaluationOnlyMessage(results.Status[0]) ?? throw new InvalidOperationException(
                $"model '{model.Name}': batch status {results.Status[0]} disagrees with the point check");
            return new PointResult(model.Name, parameters, results.Status[0], message, []);
        }

        var observables = model.Observables.Select((o, i) => KeyValuePair.Create(o.Name, results.Columns[i][0])).ToArray();
        return new PointResult(model.Name, parameters, PointStatus.Ok, null, observables);
    }
}
