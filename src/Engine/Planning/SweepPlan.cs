using System.Buffers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Sweep.Engine.Messages;
using Sweep.Engine.Spec;
using Sweep.Physics.Models;

namespace Sweep.Engine.Planning;

/// <summary>
/// The whole sweep as chunks: each model's chunks in turn, numbered globally from 0. Chunk k is
/// the same contiguous range of the same model's flat indices on any machine, for any worker
/// count. Costs O(axes) memory whatever the number of points.
/// </summary>
public sealed class SweepPlan
{
    private SweepPlan(SweepSpec spec, IReadOnlyList<ModelPlan> models, AdaptiveRounds? rounds = null, string? hash = null)
    {
        Spec = spec;
        Models = models;
        Rounds = rounds;
        TotalChunks = rounds?.TotalChunks ?? models.Sum(m => m.ChunkCount);
        TotalEvaluations = rounds is null ? models.Sum(m => m.EvaluationCount) : rounds.TotalPoints * models[0].RowsPerPoint * models[0].InnerLength;
        SpecHash = hash ?? Hash(spec, models);
    }

    /// <summary>An adaptive run's rounds so far (its chunks are theirs), or null: a grid run, or an adaptive one not yet started.</summary>
    public AdaptiveRounds? Rounds { get; }

    /// <summary>The same plan with the chunks of these adaptive rounds.</summary>
    public SweepPlan WithRounds(AdaptiveRounds rounds) =>
        Spec.Adaptive is null ? throw new InvalidOperationException("a grid run has no adaptive rounds") : new SweepPlan(Spec, Models, rounds, SpecHash);

    /// <summary>Chunk <paramref name="chunk"/>'s model, first point and point count (for an adaptive chunk: within its round).</summary>
    public (ModelPlan Model, long Start, int Count) ChunkOf(long chunk)
    {
        if (Rounds is { } rounds)
        {
            var (_, start, count) = rounds.Locate(chunk);
            return (Models[0], start, count);
        }

        var (model, local) = Locate(chunk);
        var (first, points) = model.ChunkRange(local);
        return (model, first, points);
    }

    /// <summary>The first attempt's work item for chunk <paramref name="chunk"/>.</summary>
    public WorkItem Item(long chunk, string runId)
    {
        var (model, start, count) = ChunkOf(chunk);
        return new WorkItem(runId, SpecHash, chunk, model.Index, start, count, Attempt: 1, Rounds?.Lattice(chunk));
    }

    /// <summary>How many evaluations the work item's result holds: its rows (a grid chunk's outer points; an
    /// adaptive chunk's points × the unrefined axes) times the inner grid.</summary>
    public int EvaluationsOf(WorkItem item)
    {
        var model = Models[item.ModelIndex];
        int rows = item.Lattice is null ? item.Count : item.Count * model.RowsPerPoint;
        return rows * model.InnerLength;
    }

    public SweepSpec Spec { get; }

    public IReadOnlyList<ModelPlan> Models { get; }

    public long TotalChunks { get; }

    /// <summary>Points to evaluate, counting every bias point.</summary>
    public long TotalEvaluations { get; }

    /// <summary>SHA-256 over what determines the results and their chunking (not name, output or limits).</summary>
    public string SpecHash { get; }

    public static SweepPlan Create(SweepSpec spec, ModelRegistry registry)
    {
        var models = new List<ModelPlan>();
        long first = 0;
        foreach (string name in spec.Models)
        {
            var model = registry.Find(name) ?? throw new ArgumentException($"unknown model '{name}'", nameof(spec));
            var plan = new ModelPlan(models.Count, model, spec, spec.Chunk, first);
            models.Add(plan);
            first += plan.ChunkCount;
        }

        return new SweepPlan(spec, models);
    }

    /// <summary>The extents of the spec axes that <paramref name="model"/> depends on.</summary>
    public static IEnumerable<long> OuterShape(SweepSpec spec, Model model) =>
        spec.Axes.Where(a => model.ParameterIndex(a.Parameter) >= 0).Select(a => (long)a.Count);

    /// <summary>The model plan and its local chunk index for global chunk <paramref name="chunk"/>.</summary>
    public (ModelPlan Model, long Local) Locate(long chunk)
    {
        if (chunk < 0 || chunk >= TotalChunks)
        {
            throw new ArgumentOutOfRangeException(nameof(chunk), chunk, $"the plan has {TotalChunks} chunks");
        }

        foreach (var model in Models)
        {
            if (chunk < model.FirstChunk + model.ChunkCount)
            {
                return (model, chunk - model.FirstChunk);
            }
        }

        throw new InvalidOperationException("unreachable: chunk counts do not add up");
    }

    /// <summary>SHA-256 of the spec's canonical JSON: per model its name, axis definitions (not values: O(1)
    /// for any axis length), constants by name, inner grid, observables and chunk size; for an adaptive
    /// spec also its section. Written with <see cref="Utf8JsonWriter"/> in exactly the bytes that
    /// System.Text.Json's reflection serializer wrote for the same shapes (tested against it), so every
    /// existing run keeps its hash, without the ~80 ms a fresh process spent building serializer metadata.</summary>
    private static string Hash(SweepSpec spec, IReadOnlyList<ModelPlan> models)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteStartArray("models");
            foreach (var m in models)
            {
                json.WriteStartObject();
                json.WriteString("name", m.Model.Name);
                json.WriteStartArray("axes");
                foreach (var axis in m.Axes)
                {
                    Describe(json, axis);
                }

                json.WriteEndArray();
                json.WriteStartArray("constants");
                foreach (var (key, value) in spec.Constants.Where(c => m.Model.ParameterIndex(c.Key) >= 0).OrderBy(c => c.Key, StringComparer.Ordinal))
                {
                    json.WriteStartObject();
                    json.WriteString("Key", key);
                    json.WriteNumber("Value", value);
                    json.WriteEndObject();
                }

                json.WriteEndArray();
                json.WritePropertyName("bias");
                if (spec.InnerGridFor(m.Model) is { } grid)
                {
                    Describe(json, grid);
                }
                else
                {
                    json.WriteNullValue();
                }

                if (m.BiasUnit is { } unit)
                {
                    json.WriteString("biasUnit", unit.ToString());
                }
                else
                {
                    json.WriteNull("biasUnit");
                }

                json.WriteStartArray("observables");
                foreach (string name in m.ObservableNames)
                {
                    json.WriteStringValue(name);
                }

                json.WriteEndArray();
                json.WriteNumber("chunk", m.ChunkSize);
                json.WriteEndObject();
            }

            json.WriteEndArray();
            // A grid spec hashes as it always has; an adaptive one adds its section (it decides which points exist).
            if (spec.Adaptive is { } adaptive)
            {
                json.WriteStartObject("adaptive");
                json.WriteStartArray("axes");
                foreach (var axis in adaptive.Axes)
                {
                    json.WriteStartObject();
                    json.WriteString("Name", axis.Name);
                    json.WriteNumber("Resolution", axis.Resolution);
                    json.WriteEndObject();
                }

                json.WriteEndArray();
                json.WriteStartArray("observables");
                foreach (var observable in adaptive.Observables)
                {
                    json.WriteStartObject();
                    json.WriteString("Name", observable.Name);
                    json.WriteString("scale", observable.Scale.ToString());
                    json.WriteEndObject();
                }

                json.WriteEndArray();
                json.WriteNumber("Budget", adaptive.Budget);
                json.WriteNumber("Tolerance", adaptive.Tolerance);
                json.WriteEndObject();
            }

            json.WriteEndObject();
        }

        return Convert.ToHexStringLower(SHA256.HashData(buffer.WrittenSpan));
    }

    private static void Describe(Utf8JsonWriter json, AxisSpec a)
    {
        json.WriteStartObject();
        json.WriteString("Parameter", a.Parameter);
        if (a.Kind == AxisKind.Values)
        {
            json.WriteString("kind", "values");
            json.WriteStartArray("values");
            foreach (double value in a.Values)
            {
                json.WriteNumberValue(value);
            }

            json.WriteEndArray();
        }
        else
        {
            json.WriteString("kind", a.Kind.ToString());
            json.WriteNumber("start", a.Start);
            json.WriteNumber("end", a.End);
            json.WriteNumber("n", a.Count);
        }

        json.WriteEndObject();
    }
}
