using System.Reflection;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using Sweep.Engine.Planning;

namespace Sweep.Coordinator.Store;

/// <summary>The run's <c>manifest.json</c>: what was run (spec and its hash), by which program
/// (version and git commit), where and when, and how it ended. Rewritten atomically.</summary>
public sealed record Manifest
{
    public const string FileName = "manifest.json";

    public required string Name { get; init; }

    public required string SpecHash { get; init; }

    /// <summary>running, completed, failed or cancelled.</summary>
    public required string Status { get; init; }

    public required ProgramInfo Program { get; init; }

    public required string Host { get; init; }

    public required DateTimeOffset Started { get; init; }

    public DateTimeOffset? Ended { get; init; }

    public required int Workers { get; init; }

    /// <summary>The shard (<c>i/N</c>) this directory holds, or null for the whole run; totals are the shard's.</summary>
    public string? Shard { get; init; }

    /// <summary>For a <c>sweep merge</c> output: the run directories it was merged from.</summary>
    public IReadOnlyList<string>? MergedFrom { get; init; }

    public required long TotalChunks { get; init; }

    public required long TotalEvaluations { get; init; }

    public long DoneChunks { get; init; }

    public long FailedChunks { get; init; }

    public long DuplicateResults { get; init; }

    public required IReadOnlyList<ModelSummary> Models { get; init; }

    public required string Spec { get; init; }

    public static Manifest Start(SweepPlan plan, int workers, Shard? shard = null)
    {
        var (chunks, evaluations) = shard?.Totals(plan) ?? (plan.TotalChunks, plan.TotalEvaluations);
        return new Manifest
        {
            Name = plan.Spec.Name,
            SpecHash = plan.SpecHash,
            Status = "running",
            Program = ProgramInfo.Current,
            Host = Environment.MachineName,
            Started = DateTimeOffset.UtcNow,
            Workers = workers,
            Shard = shard?.ToString(),
            TotalChunks = chunks,
            TotalEvaluations = evaluations,
            Models = plan.Models.Select(ModelSummary.From).ToArray(),
            Spec = plan.Spec.SourceText,
        };
    }

    public void Write(string directory)
    {
        string path = Path.Combine(directory, FileName), temporary = path + ".tmp";
        File.WriteAllText(temporary, JsonSerializer.Serialize(this, Json));
        File.Move(temporary, path, overwrite: true);
    }

    /// <summary>The manifest, or null if there is none; a damaged one raises <see cref="RunDirectoryException"/>.</summary>
    public static Manifest? Read(string directory)
    {
        string path = Path.Combine(directory, FileName);
        if (!File.Exists(path))
        {
            return null;
        }

        try
        {
            return JsonSerializer.Deserialize<Manifest>(File.ReadAllText(path), Json)
                   ?? throw new RunDirectoryException($"'{path}' is damaged: it holds null");
        }
        catch (Exception ex) when (ex is JsonException or NotSupportedException or InvalidOperationException)
        {
            throw new RunDirectoryException($"'{path}' is damaged: {ex.Message.Split('\n')[0].TrimEnd('.')}");
        }
    }

    // Source-generated metadata (ManifestJson): a fresh process writes its manifest without first
    // building reflection metadata for these types (tens of ms of a cold start, issue 16).
    private static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
        TypeInfoResolver = ManifestJson.Default,
    };
}

[JsonSourceGenerationOptions(WriteIndented = true, PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    DefaultIgnoreCondition = JsonIgnoreCondition.Never)]
[JsonSerializable(typeof(Manifest))]
internal sealed partial class ManifestJson : JsonSerializerContext;

public sealed record ProgramInfo(string Version, string Commit)
{
    /// <summary>From the assembly's informational version, "1.2.3+commit" (the build stamps the git commit).</summary>
    public static ProgramInfo Current
    {
        get
        {
            string informational = typeof(ProgramInfo).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0.0.0";
            int plus = informational.IndexOf('+');
            return plus < 0 ? new ProgramInfo(informational, "unknown") : new ProgramInfo(informational[..plus], informational[(plus + 1)..]);
        }
    }
}

public sealed record ModelSummary(string Name, IReadOnlyList<string> Axes, IReadOnlyList<int> Shape, int BiasPoints, string? BiasUnit,
    IReadOnlyList<string> Observables, int ChunkSize, long Chunks, long Evaluations)
{
    public static ModelSummary From(ModelPlan m) => new(m.Model.Name, m.Axes.Select(a => a.Parameter).ToArray(), m.Shape,
        m.InnerLength, m.BiasUnit?.ToString().ToLowerInvariant(), m.ObservableNames, m.ChunkSize, m.ChunkCount, m.EvaluationCount);
}
