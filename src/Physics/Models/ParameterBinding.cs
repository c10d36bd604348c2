namespace Sweep.Physics.Models;

/// <summary>Turns named parameter values into a model's parameter vector, filling defaults.</summary>
public static class ParameterBinding
{
    /// <summary>The full vector, or an error naming the unknown or missing parameter.</summary>
    public static bool TryBind(Model model, IEnumerable<KeyValuePair<string, double>> assignments,
        out double[] values, out string? error)
    {
        values = new double[model.Parameters.Count];
        var given = new bool[values.Length];
        foreach (var (name, value) in assignments)
        {
            int index = model.ParameterIndex(name);
            if (index < 0)
            {
                error = $"unknown parameter '{name}' for model '{model.Name}' (parameters: {string.Join(", ", model.Parameters.Select(p => p.Name))})";
                return false;
            }

            values[index] = value;
            given[index] = true;
        }

        for (int i = 0; i < values.Length; i++)
        {
            if (given[i])
            {
                continue;
            }

            var spec = model.Parameters[i];
            if (spec.Default is not { } fallback)
            {
                error = $"parameter '{spec.Name}' of model '{model.Name}' is required (valid range {spec.Range})";
                return false;
            }

            values[i] = fallback;
        }

        error = null;
        return true;
    }
}
