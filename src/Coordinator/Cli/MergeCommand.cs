using System.Collections;
using System.CommandLine;
using System.Globalization;
using Sweep.Coordinator.Store;
using Sweep.Engine;
using Sweep.Engine.Planning;

namespace Sweep.Coordinator.Cli;

/// <summary>
/// <c>sweep merge OUT RUN...</c>: combines run directories of one spec (the shards of a Slurm job
/// array, or any runs of the same spec) into one run directory that exports like an unsharded
/// run. Everything is checked before anything is written: every input holds the same spec hash,
/// and together they hold every chunk (unless <c>--allow-partial</c>). A chunk found in several
/// inputs (a shard that was rerun) is stored once. OUT may already hold a merge of the same spec:
/// merging again adds what is new, so a requeued merge job is harmless.
/// </summary>
public static class MergeCommand
{
    public static Command Create(CommandIO io)
    {
        var output = new Argument<string>("OUT") { Description = "Run directory to write (created, or a previous merge of the same spec)" };
        var inputs = new Argument<string[]>("RUN") { Description = "Run directories to merge (e.g. the shards)", Arity = ArgumentArity.OneOrMore };
        var partial = new Option<bool>("--allow-partial") { Description = "Merge even if some chunks are in no input (failed or unfinished shards)" };
        var force = new Option<bool>("--force") { Description = "Discard an OUT that holds a different spec" };
        var command = new Command("merge", "Merge run directories of the same spec (e.g. 'sweep run --shard' shards) into one. " +
                                           "Exit 65 if their specs differ or chunks are missing (see --allow-partial).")
        {
            output, inputs, partial, force,
        };
        command.SetAction(parse => Merge(io, parse.GetValue(output)!, parse.GetValue(inputs)!, parse.GetValue(partial), parse.GetValue(force)));
        return command;
    }

    private static int Merge(CommandIO io, string output, string[] inputs, bool allowPartial, bool force)
    {
        string outFull = Path.GetFullPath(output);
        if (inputs.Any(i => Path.GetFullPath(i) == outFull))
        {
            throw new UsageException($"OUT '{output}' is also one of the inputs; merge into a new directory");
        }

        var (plan, chunkOverride, stored) = CheckInputs(io, inputs);
        long missing = plan.TotalChunks - Count(stored);
        if (missing > 0 && !allowPartial)
        {
            throw new RunDirectoryException($"{missing} of the run's {plan.TotalChunks} chunks are in none of the inputs (shards failed or not finished; " +
                                            "'sweep status' on each shows which): rerun them, or pass --allow-partial to merge what there is");
        }

        bool created = !Directory.Exists(output);
        using var store = RunDirectory.OpenForRun(output, ref plan, chunkOverride, force, out bool existed);
        long added = 0, duplicates = 0, differing = 0;
        try
        {
            foreach (string input in inputs)
            {
                var counts = MergeInput(store, input, s => s.MergeStored(Path.Combine(input, RunStore.FileName)));
                added += counts.Added;
                duplicates += counts.AlreadyStored;
                differing += counts.Differing;
            }

            foreach (string input in inputs)
            {
                MergeInput(store, input, s => s.MergeFailures(Path.Combine(input, RunStore.FileName)));
            }
        }
        catch (RunDirectoryException) when (created)
        {
            // A damaged input found while copying: an output this merge created is removed again
            // (every input was only read).
            store.Dispose();
            Directory.Delete(output, recursive: true);
            throw;
        }

        var ledger = store.Summary();
        bool complete = ledger.DoneChunks == plan.TotalChunks;
        (Manifest.Start(plan, workers: 0) with
        {
            Status = complete ? "completed" : "incomplete",
            Ended = DateTimeOffset.UtcNow,
            DoneChunks = ledger.DoneChunks,
            FailedChunks = ledger.Failures.Count,
            MergedFrom = inputs.Select(Path.GetFullPath).ToArray(),
        }).Write(output);

        io.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"sweep: merged {inputs.Length} run directories into '{output}'{(existed ? " (a previous merge)" : "")}: {added} chunks added, " +
            $"{duplicates} already stored (rerun shards, kept once); {ledger.DoneChunks}/{plan.TotalChunks} chunks, {ledger.DoneEvaluations:N0} points"));
        if (differing > 0)
        {
            io.Error.WriteLine($"sweep: warning: {differing} chunks stored twice hold different values (inputs computed by different program versions?); kept the first");
        }

        if (!complete)
        {
            io.Error.WriteLine($"sweep: incomplete: {plan.TotalChunks - ledger.DoneChunks} chunks missing (--allow-partial)");
        }

        io.Out.WriteLine(output);
        return ExitCodes.Ok;
    }

    /// <summary>The inputs' common plan and chunk override, and which chunks any of them stores; throws unless they share one spec.</summary>
    private static (SweepPlan Plan, int? ChunkOverride, BitArray Stored) CheckInputs(CommandIO io, string[] inputs)
    {
        SweepPlan? plan = null;
        string? first = null;
        int? chunkOverride = null;
        BitArray? stored = null;
        foreach (string input in inputs)
        {
            using var store = RunDirectory.OpenExisting(input);
            var inputPlan = RunDirectory.LoadPlan(store, io.Registry, input);
            if (inputPlan.Spec.Adaptive is not null)
            {
                throw new UsageException($"'{input}' is an adaptive run: its rounds are not sharded, so there is nothing to merge");
            }

            if (plan is null)
            {
                (plan, first) = (inputPlan, input);
                chunkOverride = store.GetMeta("chunk_override") is { } text ? int.Parse(text, CultureInfo.InvariantCulture) : null;
                stored = new BitArray(checked((int)plan.TotalChunks));
            }
            else if (inputPlan.SpecHash != plan.SpecHash)
            {
                throw new RunDirectoryException($"'{input}' holds a different spec from '{first}' (spec hash {inputPlan.SpecHash[..12]}… against " +
                                                $"{plan.SpecHash[..12]}…): only runs of the same spec can be merged");
            }

            stored!.Or(store.LoadDone(plan.TotalChunks));
        }

        return (plan!, chunkOverride, stored!);
    }

    private static long Count(BitArray bits)
    {
        long count = 0;
        foreach (bool bit in bits)
        {
            count += bit ? 1 : 0;
        }

        return count;
    }

    /// <summary>One input's part of the merge; an input SQLite cannot copy is reported as damaged.</summary>
    private static T MergeInput<T>(RunStore store, string input, Func<RunStore, T> merge)
    {
        try
        {
            return merge(store);
        }
        catch (Microsoft.Data.Sqlite.SqliteException ex)
        {
            throw RunStore.Damaged(Path.Combine(input, RunStore.FileName), ex);
        }
    }
}
