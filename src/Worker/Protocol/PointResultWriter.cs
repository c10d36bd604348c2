using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Sweep.Physics.Models;
using Sweep.Worker.Evaluation;

namespace Sweep.Worker.Protocol;

/// <summary>Writes a <see cref="PointResult"/> as one JSON object:
/// <c>{"model", "parameters", "status", "message", "observables"}</c>. Numbers round-trip exactly;
/// an undefined observable (NaN) is written as null.</summary>
public static class PointResultWriter
{
    public static string ToJson(PointResult result, bool indented = false)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = indented, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            writer.WriteStartObject();
            if (result.Model is null)
            {
                writer.WriteNull("model");
            }
            else
            {
                writer.WriteString("model", result.Model);
            }

            WriteNumbers(writer, "parameters", result.Parameters);
            writer.WriteString("status", result.Status.ToWireName());
            if (result.Message is null)
            {
                writer.WriteNull("message");
            }
            else
            {
                writer.WriteString("message", result.Message);
            }

            WriteNumbers(writer, "observables", result.Observables);
            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(stream.ToArray());
    }

    private static void WriteNumbers(Utf8JsonWriter writer, string name, IReadOnlyList<KeyValuePair<string, double>> values)
    {
        writer.WriteStartObject(name);
        foreach (var (key, value) in values)
        {
            if (double.IsFinite(value))
            {
                writer.WriteNumber(key, value);
            }
            else
            {
                writer.WriteNull(key);
            }
        }

        writer.WriteEndObject();
    }
}
