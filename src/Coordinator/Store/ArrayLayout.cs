using System.Text.Json;
using System.Text.Json.Serialization;
using Sweep.Engine.Planning;

namespace Sweep.Coordinator.Store;

/// <summary>
/// What the run's array files hold: per model, its export shape (spec axes, inner grid last), the
/// evaluations per outer point (the inner grid's length) and the stored observables. Chunks tile
/// each model's flat array in order, so a chunk's slice of an observable is the contiguous range
/// [start × inner, (start + count) × inner). Kept in the store's meta table, so readers need no plan.
/// </summary>
public sealed record ArrayLayout(IReadOnlyList<ModelArrays> Models)
{
    public static ArrayLayout From(SweepPlan plan) => new(plan.Models.Select(m => new ModelArrays(
        m.Model.Name,
        m.Shape.Select(n => (long)n).Concat(m.InnerGrid is null ? [] : [(long)m.InnerGrid.Length]).ToArray(),
        m.InnerLength,
        m.ObservableNames,
        m.FirstChunk,
        m.ChunkSize)).ToArray());

    public ModelArrays? Find(string model) => Models.FirstOrDefault(m => m.Model == model);

    public string ToJson() => JsonSerializer.Serialize(Models, Json);

    /// <summary>The layout a store recorded; text that is not one raises <see cref="RunDirectoryException"/>.</summary>
    public static ArrayLayout Parse(string json, string where)
    {
        try
        {
            var models = JsonSerializer.Deserialize<ModelArrays[]>(json, Json);
            if (models is not null && models.All(m => m?.IsValid == true))
            {
                return new ArrayLayout(models);
            }
        }
        catch (Exception ex) when (ex is JsonException or NotSupportedException or InvalidOperationException)
        {
        }

        throw new RunDirectoryException($"'{where}' is damaged: its array layout (meta 'arrays') does not parse");
    }

    /// <summary>Same models, shapes and observables (records compare lists by reference).</summary>
    public bool SameAs(ArrayLayout other) => ToJson() == other.ToJson();

    // Source-generated metadata (ArrayLayoutJson), as the manifest's: every run writes or compares its
    // layout before the first chunk, and reflection metadata cost a fresh process tens of ms (issue 16).
    private static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        TypeInfoResolver = ArrayLayoutJson.Default,
    };
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(ModelArrays[]))]
[JsonSerializable(typeof(IReadOnlyList<ModelArrays>))]
internal sealed partial class ArrayLayoutJson : JsonSerializerContext;

/// <summary>One model's arrays: <c>arrays/MODEL/OBSERVABLE.npy</c> (float64) and <c>arrays/MODEL/status.npy</c> (uint8).
/// The grid's chunks are <see cref="FirstChunk"/> on, <see cref="ChunkSize"/> outer points each; a chunk of
/// another shape (an adaptive round's points) is appended after the grid, where the ledger records it.</summary>
public sealed record ModelArrays(string Model, long[] Shape, int Inner, string[] Observables, long FirstChunk, int ChunkSize)
{
    public long Evaluations => Shape.Aggregate(1L, (p, n) => p * n);

    public long OuterCount => Evaluations / Inner;

    /// <summary>The flat index where chunk <paramref name="chunk"/>'s slice lies in the grid, or null if the
    /// chunk is not one of the grid's (its number, first point, points and evaluations all decide).</summary>
    public long? GridOffset(long chunk, long start, int count, int evaluations)
    {
        long local = chunk - FirstChunk, chunks = (OuterCount + ChunkSize - 1) / ChunkSize;
        return local >= 0 && local < chunks && start == local * ChunkSize && count == Math.Min(ChunkSize, OuterCount - start)
               && evaluations == (long)count * Inner
            ? start * Inner
            : null;
    }

    /// <summary>Names usable as file names, a positive inner length dividing a non-negative shape.</summary>
    internal bool IsValid =>
        IsFileName(Model) && Observables is not null && Observables.All(IsFileName) && Observables.Distinct().Count() == Observables.Length
        && !Observables.Contains(StatusName) && Shape is not null && Shape.All(n => n >= 0) && Inner > 0 && FirstChunk >= 0 && ChunkSize > 0
        && (Shape.Length == 0 ? Inner == 1 : Inner == 1 || Shape[^1] == Inner);

    public const string StatusName = "status";

    private static bool IsFileName(string? name) =>
        !string.IsNullOrEmpty(name) && name[0] != '.' && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-' or '.');
}
