using System.Text;
using Sweep.Physics.Models;
using Sweep.Worker.Evaluation;

namespace Sweep.Coordinator.Output;

/// <summary>Human-readable rendering of one evaluated point: parameters, status, then one line per
/// observable with its value (round-trip precision), unit and meaning.</summary>
public static class PointResultText
{
    public static string Format(PointResult result, Model model)
    {
        var text = new StringBuilder();
        text.Append(result.Model);
        foreach (var (name, value) in result.Parameters)
        {
            text.Append(' ').Append(name).Append('=').Append(ModelCatalog.Number(value));
        }

        text.AppendLine();
        text.Append("status: ").Append(result.Status.ToWireName());
        if (result.Message is not null)
        {
            text.Append(" — ").Append(result.Message);
        }

        text.AppendLine();
        if (result.Observables.Count == 0)
        {
            return text.ToString();
        }

        int nameWidth = result.Observables.Max(o => o.Key.Length) + 2;
        var values = result.Observables.Select(o => double.IsFinite(o.Value) ? ModelCatalog.Number(o.Value) : "undefined").ToArray();
        int valueWidth = values.Max(v => v.Length) + 2;
        for (int i = 0; i < result.Observables.Count; i++)
        {
            var spec = model.Observables[model.ObservableIndex(result.Observables[i].Key)];
            text.Append("  ").Append(spec.Name.PadRight(nameWidth)).Append(values[i].PadRight(valueWidth))
                .Append(spec.Unit.PadRight(16)).AppendLine(spec.Description);
        }

        return text.ToString();
    }
}
