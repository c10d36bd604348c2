using System.Globalization;
using System.Text.Json;

namespace Sweep.Physics.Tests;

/// <summary>Loads the mpmath reference files of this project: Reference/ (tools/gen_reference.py) and
/// the dense Bose grid in Data/ (tools/gen_bose_tables.py), copied next to the tests at build time.
/// A missing file fails the test, never skips it.</summary>
internal static class ReferenceData
{
    public static JsonElement Physics => Load(Path.Combine("Reference", "physics-reference.json"));

    public static JsonElement More => Load(Path.Combine("Reference", "physics-reference-more.json"));

    public static JsonElement BoseGrid => Load(Path.Combine("Data", "bose-grid.json"));

    public static double Number(JsonElement element, string name)
    {
        var value = element.GetProperty(name);
        return value.ValueKind == JsonValueKind.String
            ? double.Parse(value.GetString()!, NumberStyles.Float, CultureInfo.InvariantCulture)
            : value.GetDouble();
    }

    private static JsonElement Load(string relative)
    {
        string path = Path.Combine(AppContext.BaseDirectory, relative);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException(
                $"reference file {relative} not found next to the tests (it is committed under tests/Sweep.Physics.Tests; rebuild)", path);
        }

        return JsonDocument.Parse(File.ReadAllText(path)).RootElement;
    }
}

/// <summary>Relative-error assertions with a readable failure message.</summary>
internal static class Near
{
    public static void Relative(double expected, double actual, double tolerance, string what)
    {
        double scale = Math.Abs(expected);
        double error = scale == 0 ? Math.Abs(actual) : Math.Abs(actual - expected) / scale;
        Assert.True(error <= tolerance,
            $"{what}: expected {expected:R}, got {actual:R}, relative error {error:E2} > {tolerance:E0}");
    }
}
