using System.Globalization;
using Sweep.Engine.Planning;
using Sweep.Engine.Spec;
using Sweep.Physics.Models;

namespace Sweep.Coordinator.Store;

/// <summary>
/// A run directory: <c>manifest.json</c>, <c>run.sqlite</c> (ledger, metadata, failures) and
/// <c>arrays/MODEL/OBSERVABLE.npy</c> plus <c>arrays/MODEL/status.npy</c> (the results). The same spec on the same directory
/// resumes; a different spec is refused unless forced; a directory that is not a run is never touched.
/// </summary>
public static class RunDirectory
{
    private static readonly string[] OwnFiles = [Manifest.FileName, RunStore.FileName, RunStore.FileName + "-wal", RunStore.FileName + "-shm",
        AdaptiveStore.FileName, AdaptiveStore.FileName + "-wal", AdaptiveStore.FileName + "-shm"];

    /// <summary>Opens the store for running <paramref name="plan"/> (only <paramref name="shard"/>'s chunks,
    /// if given); <paramref name="resumed"/> tells whether stored chunks were found. Recorded
    /// failures are cleared so they are tried again. A directory an earlier version made holds the same spec
    /// in its former automatic chunks: <paramref name="plan"/> becomes that plan (<see cref="AsStored"/>).</summary>
    public static RunStore OpenForRun(string directory, ref SweepPlan plan, int? chunkOverride, bool force, out bool resumed, Shard? shard = null)
    {
        string database = Path.Combine(directory, RunStore.FileName);
        resumed = false;
        if (File.Exists(database))
        {
            var store = RunStore.OpenExisting(database, writer: true);
            var asked = plan;
            string? hash, storedShard;
            try
            {
                (hash, storedShard) = (store.GetMeta("spec_hash"), store.GetMeta("shard"));
                plan = AsStored(asked, hash) ?? asked;
                if (hash == plan.SpecHash && storedShard == shard?.ToString())
                {
                    store.UseArrays(ArrayLayout.From(plan));
                    resumed = true;
                    store.ClearFailures();
                    // Same plan: keep the spec's latest text, so that presentation (its figures, comments) follows edits.
                    store.SetMeta("spec", plan.Spec.SourceText);
                    return store;
                }
            }
            catch
            {
                // Closed now, not by a finalizer later: an abandoned connection's close checkpoints and deletes
                // the log files, which changed a damaged directory after its command had returned (fuzz test).
                store.Dispose();
                throw;
            }

            store.Dispose();
            if (!force)
            {
                throw new RunDirectoryException(hash == plan.SpecHash
                    ? $"run directory '{directory}' holds {Describe(storedShard)}, not {Describe(shard?.ToString())}: " +
                      "choose another output, or pass --force to discard the stored results"
                    : $"run directory '{directory}' holds a different spec (hash {hash?[..12]}…, this spec {plan.SpecHash[..12]}…): " +
                      "choose another output, or pass --force to discard the stored results");
            }

            plan = asked; // discarded: the run starts afresh in this version's chunks
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            foreach (string file in OwnFiles)
            {
                File.Delete(Path.Combine(directory, file));
            }

            if (Directory.Exists(Path.Combine(directory, ArrayFiles.DirectoryName)))
            {
                Directory.Delete(Path.Combine(directory, ArrayFiles.DirectoryName), recursive: true);
            }
        }
        else if (Directory.Exists(directory) && Directory.EnumerateFileSystemEntries(directory).Any())
        {
            throw new RunDirectoryException($"'{directory}' exists and is not a sweep run directory (no {RunStore.FileName}); choose another output");
        }

        Directory.CreateDirectory(directory);
        var created = RunStore.Create(database, plan.SpecHash, plan.Spec.SourceText, chunkOverride, ArrayLayout.From(plan));
        created.SetMeta("run_id", Guid.NewGuid().ToString("N")[..16]); // names the run in its metrics and to worker nodes
        if (shard is not null)
        {
            created.SetMeta("shard", shard.ToString());
        }

        return created;
    }

    private static string Describe(string? shard) => shard is null ? "the whole run" : $"shard {shard}";

    /// <summary>The plan a stored run was made with (its spec text and chunk override), checked against its hash.</summary>
    public static SweepPlan LoadPlan(RunStore store, ModelRegistry registry, string directory)
    {
        string spec = store.GetMeta("spec") ?? throw new RunDirectoryException($"'{directory}' holds no spec");
        int? chunk = store.GetMeta("chunk_override") is { } text ? int.Parse(text, CultureInfo.InvariantCulture) : null;
        var plan = SweepPlan.Create(SpecParser.Parse(spec, registry, new SpecOverrides(Chunk: chunk)), registry);
        return AsStored(plan, store.GetMeta("spec_hash"))
               ?? throw new RunDirectoryException($"'{directory}' was written by a program whose plan differs from this one's (spec hash mismatch)");
    }

    /// <summary><paramref name="plan"/> if its hash is <paramref name="hash"/>; else the same spec planned with the automatic chunks of
    /// the versions before they were sized by result bytes (<see cref="ModelPlan.FormerChunkEvaluations"/>), if that has the hash,
    /// so that their run directories are still resumed, exported and merged; else null.</summary>
    private static SweepPlan? AsStored(SweepPlan plan, string? hash)
    {
        if (hash == plan.SpecHash)
        {
            return plan;
        }

        if (hash is null || plan.Spec.ChunkEvaluations is not null)
        {
            return null;
        }

        var former = SweepPlan.Create(plan.Spec with { ChunkEvaluations = ModelPlan.FormerChunkEvaluations }, new ModelRegistry(plan.Models.Select(m => m.Model)));
        return former.SpecHash == hash ? former : null;
    }

    /// <summary>Opens an existing run for reading (status, export).</summary>
    public static RunStore OpenExisting(string directory)
    {
        string database = Path.Combine(directory, RunStore.FileName);
        return File.Exists(database)
            ? RunStore.OpenExisting(database)
            : throw new RunDirectoryException($"'{directory}' is not a sweep run directory (no {RunStore.FileName})");
    }
}

/// <summary>A run directory that cannot be used as asked; maps to exit code 65.</summary>
public sealed class RunDirectoryException(string message) : Exception(message);
