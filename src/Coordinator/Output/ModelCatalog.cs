using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Sweep.Physics.Models;

namespace Sweep.Coordinator.Output;

/// <summary>Renders the model registry as text, JSON or Markdown (the README's tables are this Markdown).</summary>
public static class ModelCatalog
{
    public static string ToText(ModelRegistry registry)
    {
        var text = new StringBuilder();
        foreach (var model in registry.Models)
        {
            text.Append(model.Name).Append(": ").AppendLine(model.Description);
            text.Append("  validity: ").AppendLine(model.Validity);
            text.AppendLine("  parameters:");
            var rows = model.Parameters.Select(p => new[]
            {
                p.Name, p.Unit, p.Default is { } d ? Number(d) : "required", p.Range.ToString(),
                p.Name == model.InnerAxis ? p.Description + " [inner axis]" : p.Description,
            });
            AppendAligned(text, rows);
            text.AppendLine("  observables:");
            AppendAligned(text, model.Observables.Select(o => new[] { o.Name, o.Unit, o.Description }));
            text.AppendLine();
        }

        return text.ToString();
    }

    public static string ToMarkdown(ModelRegistry registry)
    {
        var text = new StringBuilder();
        foreach (var model in registry.Models)
        {
            text.Append("#### `").Append(model.Name).Append("` — ").AppendLine(model.Description).AppendLine();
            text.Append("Validity (beyond it a point is `outside`): ").AppendLine(model.Validity).AppendLine();
            text.AppendLine("| parameter | unit | default | valid range | meaning |");
            text.AppendLine("|---|---|---|---|---|");
            foreach (var p in model.Parameters)
            {
                string meaning = p.Name == model.InnerAxis ? p.Description + " (inner axis)" : p.Description;
                text.AppendLine($"| `{p.Name}` | {p.Unit} | {(p.Default is { } d ? Number(d) : "required")} | {p.Range} | {meaning} |");
            }

            text.AppendLine().AppendLine("| observable | unit | meaning |").AppendLine("|---|---|---|");
            foreach (var o in model.Observables)
            {
                text.AppendLine($"| `{o.Name}` | {o.Unit} | {o.Description} |");
            }

            text.AppendLine();
        }

        return text.ToString();
    }

    public static string ToJson(ModelRegistry registry)
    {
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            w.WriteStartArray();
            foreach (var model in registry.Models)
            {
                w.WriteStartObject();
                w.WriteString("name", model.Name);
                w.WriteString("description", model.Description);
                w.WriteString("validity", model.Validity);
                if (model.InnerAxis is null)
                {
                    w.WriteNull("innerAxis");
                }
                else
                {
                    w.WriteString("innerAxis", model.InnerAxis);
                }

                w.WriteStartArray("parameters");
                foreach (var p in model.Parameters)
                {
                    WriteParameter(w, p);
                }

                w.WriteEndArray();
                w.WriteStartArray("observables");
                foreach (var o in model.Observables)
                {
                    w.WriteStartObject();
                    w.WriteString("name", o.Name);
                    w.WriteString("unit", o.Unit);
                    w.WriteString("description", o.Description);
                    w.WriteEndObject();
                }

                w.WriteEndArray();
                w.WriteEndObject();
            }

            w.WriteEndArray();
        }

        return Encoding.UTF8.GetString(stream.ToArray()) + "\n";
    }

    private static void WriteParameter(Utf8JsonWriter w, ParameterSpec p)
    {
        w.WriteStartObject();
        w.WriteString("name", p.Name);
        w.WriteString("unit", p.Unit);
        if (p.Default is { } d)
        {
            w.WriteNumber("default", d);
        }
        else
        {
            w.WriteNull("default");
        }

        w.WriteStartObject("range");
        w.WriteNumber("min", p.Range.Min);
        w.WriteNumber("max", p.Range.Max);
        w.WriteBoolean("minInclusive", p.Range.MinInclusive);
        w.WriteBoolean("maxInclusive", p.Range.MaxInclusive);
        if (p.Range.AllowedValues is { } allowed)
        {
            w.WriteStartArray("allowed");
            foreach (double value in allowed)
            {
                w.WriteNumberValue(value);
            }

            w.WriteEndArray();
        }

        w.WriteEndObject();
        w.WriteString("description", p.Description);
        w.WriteEndObject();
    }

    private static void AppendAligned(StringBuilder text, IEnumerable<string[]> rows)
    {
        var all = rows.ToList();
        int columns = all.Max(r => r.Length);
        var widths = Enumerable.Range(0, columns - 1).Select(c => all.Max(r => r[c].Length)).ToArray();
        foreach (var row in all)
        {
            text.Append("    ");
            for (int c = 0; c < row.Length; c++)
            {
                text.Append(c < widths.Length ? row[c].PadRight(widths[c] + 2) : row[c]);
            }

            text.AppendLine();
        }
    }

    internal static string Number(double value) => value.ToString("R", CultureInfo.InvariantCulture);
}
