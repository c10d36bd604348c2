using Sweep.Engine;
using System.CommandLine;
using System.Text.Encodings.Web;
using System.Text.Json;
using Sweep.Coordinator.Adaptive;
using Sweep.Coordinator.Store;

namespace Sweep.Coordinator.Cli;

/// <summary><c>sweep status RUN [--json]</c>: progress of a run directory, and its failed chunks with their errors.</summary>
public static class StatusCommand
{
    public static Command Create(CommandIO io)
    {
        var run = new Argument<string>("RUN") { Description = "Run directory" };
        var json = new Option<bool>("--json") { Description = "Print the status as one JSON object" };
        var command = new Command("status", "Show a run's progress (an adaptive run: rounds, points and the largest loss), its failed chunks and their errors") { run, json };
        command.SetAction(parse =>
        {
            string directory = parse.GetValue(run)!;
            using var store = RunDirectory.OpenExisting(directory);
            var manifest = Manifest.Read(directory);
            var ledger = store.Summary();
            var adaptive = File.Exists(Path.Combine(directory, AdaptiveStore.FileName))
                ? AdaptiveStatus.Read(directory, RunDirectory.LoadPlan(store, io.Registry, directory))
                : null;
            var status = new
            {
                run = directory,
                name = manifest?.Name,
                status = manifest?.Status ?? "unknown",
                shard = store.GetMeta("shard"),
                spec_hash = store.GetMeta("spec_hash"),
                done_chunks = ledger.DoneChunks,
                total_chunks = manifest?.TotalChunks,
                done_points = ledger.DoneEvaluations,
                total_points = manifest?.TotalEvaluations,
                failed_chunks = ledger.Failures.Select(f => new { chunk = f.Chunk, model = f.Model, start = f.Start, count = f.Count, attempts = f.Attempts, error = f.Error }),
                duplicates_dropped = manifest?.DuplicateResults,
                started = manifest?.Started,
                ended = manifest?.Ended,
                program = manifest?.Program,
                adaptive = adaptive is null ? null : new
                {
                    rounds = adaptive.Rounds,
                    points = adaptive.Points,
                    largest_loss = adaptive.LargestLoss,
                    boundary_cells = adaptive.BoundaryCells,
                    finished = adaptive.Finished,
                },
            };
            if (parse.GetValue(json))
            {
                io.Out.WriteLine(JsonSerializer.Serialize(status, new JsonSerializerOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }));
                return ExitCodes.Ok;
            }

            double percent = manifest?.TotalEvaluations is > 0 and var total ? 100.0 * ledger.DoneEvaluations / total : 0;
            io.Out.WriteLine($"run:       {directory} ({status.name})");
            io.Out.WriteLine($"status:    {status.status}{(status.shard is { } shard ? $" (shard {shard})" : "")}");
            io.Out.WriteLine($"progress:  {ledger.DoneChunks}/{status.total_chunks} chunks, {ledger.DoneEvaluations:N0}/{status.total_points:N0} points ({percent:F1}%)");
            if (adaptive is not null)
            {
                io.Out.WriteLine($"adaptive:  {adaptive.Rounds} rounds, {adaptive.Points:N0} points, largest loss {(adaptive.LargestLoss is { } loss ? loss.ToString("G4") : "-")}, " +
                                 $"{adaptive.BoundaryCells} boundary cells; {adaptive.Finished ?? "refining"}");
            }

            io.Out.WriteLine($"failed:    {ledger.Failures.Count} chunks");
            foreach (var f in ledger.Failures)
            {
                io.Out.WriteLine($"  chunk {f.Chunk} ({f.Model}, points {f.Start}…{f.Start + f.Count - 1}), {f.Attempts} attempts: {f.Error}");
            }

            io.Out.WriteLine($"started:   {status.started:u}   ended: {(status.ended is { } e ? e.ToString("u") : "-")}");
            io.Out.WriteLine($"spec hash: {status.spec_hash}");
            if (manifest is not null)
            {
                io.Out.WriteLine($"program:   sweep {manifest.Program.Version} ({manifest.Program.Commit}) on {manifest.Host}");
            }

            return ExitCodes.Ok;
        });
        return command;
    }
}
