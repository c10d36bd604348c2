using System.Security.Cryptography;
using System.Text.Json;
using System.Text.RegularExpressions;
using Sweep.Engine.Planning;
using Sweep.Engine.Spec;
using Sweep.Physics.Models;

namespace Sweep.Cli.Tests;

/// <summary>The spec hash names a run directory's spec: it must never change for a given spec. It is
/// written with Utf8JsonWriter; this checks it against the reflection serializer's bytes for the same
/// shapes, which is how every existing run was hashed.</summary>
public class SpecHashTests
{
    public static TheoryData<string> Specs() => new(SpecFiles());

    private static IEnumerable<string> SpecFiles()
    {
        string root = ModelsCommandTests.RepositoryRoot();
        return Directory.GetFiles(Path.Combine(root, "examples"), "*.yaml")
            .Concat(Directory.GetFiles(Path.Combine(root, "bench"), "*.yaml", SearchOption.AllDirectories))
            .Select(file => Path.GetRelativePath(root, file)).Order();
    }

    [Theory]
    [MemberData(nameof(Specs))]
    public void Every_example_and_benchmark_spec_hashes_as_the_reflection_serializer_did(string file)
    {
        var spec = Parse(file);
        var plan = SweepPlan.Create(spec, ModelRegistry.Default);
        Assert.Equal(Reference(spec, plan.Models), plan.SpecHash);
    }

    [Fact]
    public void The_specs_cover_value_lists_bias_grids_constants_and_adaptive_sections()
    {
        var specs = SpecFiles().Select(Parse).ToList();
        Assert.Contains(specs, s => s.Axes.Any(a => a.Kind == AxisKind.Values));
        Assert.Contains(specs, s => s.Bias is not null);
        Assert.Contains(specs, s => s.Adaptive is not null);
        Assert.Contains(specs, s => s.Constants.Count > 0);
    }

    /// <summary>A spec file, with the adaptive study template's placeholders (NH, NT, BUDGET) filled in.</summary>
    private static SweepSpec Parse(string file)
    {
        string text = File.ReadAllText(Path.Combine(ModelsCommandTests.RepositoryRoot(), file));
        text = Regex.Replace(Regex.Replace(Regex.Replace(text, @"\bNH\b", "9"), @"\bNT\b", "7"), @"\bBUDGET\b", "500");
        return SpecParser.Parse(text, ModelRegistry.Default, new SpecOverrides());
    }

    /// <summary>The hash as issue 16's second part computed it: anonymous objects through JsonSerializer.</summary>
    private static string Reference(SweepSpec spec, IReadOnlyList<ModelPlan> models)
    {
        static object Describe(AxisSpec a) => a.Kind == AxisKind.Values
            ? new { a.Parameter, kind = "values", values = a.Values }
            : new { a.Parameter, kind = a.Kind.ToString(), start = a.Start, end = a.End, n = a.Count };
        var canonical = new
        {
            models = models.Select(m => new
            {
                name = m.Model.Name,
                axes = m.Axes.Select(Describe),
                constants = spec.Constants.Where(c => m.Model.ParameterIndex(c.Key) >= 0).OrderBy(c => c.Key, StringComparer.Ordinal),
                bias = spec.InnerGridFor(m.Model) is { } grid ? Describe(grid) : null,
                biasUnit = m.BiasUnit?.ToString(),
                observables = m.ObservableNames,
                chunk = m.ChunkSize,
            }),
        };
        byte[] json = spec.Adaptive is not { } adaptive ? JsonSerializer.SerializeToUtf8Bytes(canonical)
            : JsonSerializer.SerializeToUtf8Bytes(new
            {
                canonical.models,
                adaptive = new
                {
                    axes = adaptive.Axes.Select(a => new { a.Name, a.Resolution }),
                    observables = adaptive.Observables.Select(o => new { o.Name, scale = o.Scale.ToString() }),
                    adaptive.Budget,
                    adaptive.Tolerance,
                },
            });
        return Convert.ToHexStringLower(SHA256.HashData(json));
    }
}
