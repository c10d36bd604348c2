using System.Text.Json;

namespace Sweep.Worker.Protocol;

/// <summary>A parsed request line <c>{"model": "...", "parameters": {...}}</c>, or why it is malformed.</summary>
public sealed record PointRequest(string? Model, IReadOnlyList<KeyValuePair<string, double>> Parameters, string? Error);

/// <summary>Parses JSON request lines. Anything malformed (not JSON, not an object, missing model,
/// a parameter that is not a finite number) is reported with the field it concerns.</summary>
public static class PointRequestReader
{
    public static PointRequest Parse(string line)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(line);
        }
        catch (JsonException ex)
        {
            return Fail(null, $"malformed JSON: {ex.Message}");
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return Fail(null, "a request must be a JSON object {\"model\": ..., \"parameters\": {...}}");
            }

            string? model = null;
            var parameters = new List<KeyValuePair<string, double>>();
            foreach (var property in root.EnumerateObject())
            {
                switch (property.Name)
                {
                    case "model" when property.Value.ValueKind == JsonValueKind.String:
                        model = property.Value.GetString();
                        break;
                    case "model":
                        return Fail(null, "field 'model' must be a string");
                    case "parameters" when property.Value.ValueKind == JsonValueKind.Object:
                        string? error = ReadParameters(property.Value, parameters);
                        if (error is not null)
                        {
                            return Fail(model, error, parameters);
                        }

                        break;
                    case "parameters":
                        return Fail(model, "field 'parameters' must be an object of name: number");
                    default:
                        return Fail(model, $"unknown field '{property.Name}' (expected 'model' and 'parameters')");
                }
            }

            return model is null ? Fail(null, "field 'model' is required", parameters) : new PointRequest(model, parameters, null);
        }
    }

    private static string? ReadParameters(JsonElement element, List<KeyValuePair<string, double>> parameters)
    {
        foreach (var property in element.EnumerateObject())
        {
            if (parameters.Any(p => p.Key == property.Name))
            {
                return $"parameter '{property.Name}' is given twice";
            }

            if (property.Value.ValueKind != JsonValueKind.Number
                || !property.Value.TryGetDouble(out double value) || !double.IsFinite(value))
            {
                return $"parameter '{property.Name}' must be a finite number, got {property.Value.GetRawText()}";
            }

            parameters.Add(KeyValuePair.Create(property.Name, value));
        }

        return null;
    }

    private static PointRequest Fail(string? model, string error, IReadOnlyList<KeyValuePair<string, double>>? parameters = null) =>
        new(model, parameters ?? [], error);
}
