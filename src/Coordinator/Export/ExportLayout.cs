using Sweep.Coordinator.Store;
using Sweep.Engine.Planning;
using Sweep.Engine.Spec;

namespace Sweep.Coordinator.Export;

/// <summary>What an exported model looks like: dimensions (spec axes, bias last), coordinates,
/// and how stored chunks map onto the flat array. Status 255 marks points not computed.</summary>
public sealed class ExportLayout(ModelPlan plan)
{
    public const byte Missing = 255;

    public ModelPlan Plan { get; } = plan;

    public string[] Dimensions { get; } = plan.Axes.Select(a => a.Parameter)
        .Concat(plan.InnerDimension is { } inner ? [inner] : []).ToArray();

    public long[] Shape { get; } = plan.Shape.Select(n => (long)n)
        .Concat(plan.InnerGrid is null ? [] : [(long)plan.InnerGrid.Length]).ToArray();

    /// <summary>The unit of dimension <paramref name="d"/>: its parameter's, or ħΩ = h for mtj's reduced bias v = V/h.</summary>
    public string DimensionUnit(int d) =>
        d == Plan.Axes.Length && Plan.BiasUnit == BiasUnit.Field ? "h" : Parameter(d).Unit;

    /// <summary>What dimension <paramref name="d"/> means, from the model registry.</summary>
    public string DimensionDescription(int d) =>
        d == Plan.Axes.Length && Plan.BiasUnit == BiasUnit.Field ? "reduced bias v = V/h (bias in units of the magnon gap)" : Parameter(d).Description;

    /// <summary>Whether dimension <paramref name="d"/> is log-spaced in the spec (plots draw it on a log axis).</summary>
    public bool IsLogSpaced(int d) => d < Plan.Axes.Length
        ? Plan.Axes[d].Kind == AxisKind.Log
        : Plan.InnerAxis?.Kind == AxisKind.Log;

    private Physics.Models.ParameterSpec Parameter(int d) =>
        Plan.Model.Parameters[Plan.Model.ParameterIndex(d < Plan.Axes.Length ? Plan.Axes[d].Parameter : Plan.Model.InnerAxis!)];

    public IEnumerable<(string Name, double[] Values)> Coordinates() =>
        Plan.Axes.Select(a => (a.Parameter, a.ToArray()))
            .Concat(Plan.InnerGrid is null ? [] : [(Dimensions[^1], Plan.InnerGrid)]);

    /// <summary>Each chunk in order with its number of evaluations (they tile the flat array).</summary>
    public IEnumerable<(long Chunk, int Evaluations)> Chunks()
    {
        for (long local = 0; local < Plan.ChunkCount; local++)
        {
            yield return (Plan.FirstChunk + local, Plan.ChunkRange(local).Count * Plan.InnerLength);
        }
    }

    /// <summary>Evaluations in the largest chunk: the size of a reusable read buffer.</summary>
    public int LargestChunk => Chunks().Select(c => c.Evaluations).DefaultIfEmpty(0).Max();

    /// <summary>Writes <c>directory/MODEL.extension</c> through a temporary file, so a failed or
    /// interrupted export never leaves a truncated file under the final name.</summary>
    public string WriteFile(string directory, string extension, Action<Stream> write)
    {
        string path = Path.Combine(directory, Plan.Model.Name + extension), temporary = path + ".partial";
        try
        {
            using (var stream = File.Create(temporary))
            {
                write(stream);
            }

            File.Move(temporary, path, overwrite: true);
            return path;
        }
        catch
        {
            File.Delete(temporary); // a failed export leaves no partial file behind
            throw;
        }
    }

    /// <summary>Fills <paramref name="destination"/> with observable <paramref name="observable"/> of the
    /// chunk, or NaN if the chunk is not stored.</summary>
    public void Read(RunStore store, long chunk, int observable, Span<double> destination)
    {
        if (!store.ReadObservable(chunk, observable, destination))
        {
            destination.Fill(double.NaN);
        }
    }

    public byte[] ReadStatus(RunStore store, long chunk, int evaluations)
    {
        if (store.ReadStatus(chunk) is { } status)
        {
            return status.Length == evaluations
                ? status
                : throw new RunDirectoryException($"chunk {chunk} in the run store is damaged: {status.Length} status bytes for {evaluations} points");
        }

        var missing = new byte[evaluations];
        Array.Fill(missing, Missing);
        return missing;
    }
}
