using System.Text.Encodings.Web;
using System.Text.Json;

namespace Sweep.Coordinator.Plot;

/// <summary>The <c>--data</c> sidecar: a figure's <see cref="PlotData"/> as JSON (snake_case; null where a point is not ok).</summary>
public static class PlotJson
{
    private static readonly JsonSerializerOptions Options = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static string Serialize(PlotData data) => JsonSerializer.Serialize(data, Options);
}
