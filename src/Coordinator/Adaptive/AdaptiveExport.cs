using Sweep.Coordinator.Cli;
using Sweep.Coordinator.Export;
using Sweep.Coordinator.Store;
using Sweep.Engine;
using Sweep.Engine.Planning;

namespace Sweep.Coordinator.Adaptive;

/// <summary><c>sweep export</c> of an adaptive run: <c>MODEL-points</c> (every evaluated point, <see cref="AdaptivePointTable"/>)
/// and, with <c>--grid</c>, <c>MODEL-grid</c> (<see cref="AdaptiveGrid"/>), in the chosen format.</summary>
public static class AdaptiveExport
{
    /// <summary>The plan with the run's stored rounds, the rounds, and the cells they split.</summary>
    public static (SweepPlan Plan, IReadOnlyList<StoredRound> Rounds) Load(SweepPlan plan, string directory)
    {
        using var rounds = AdaptiveStore.Open(directory, readOnly: true);
        var lattice = plan.Models[0].Lattice!;
        var stored = rounds.LoadRounds(lattice.Dimensions);
        return (plan.WithRounds(new AdaptiveRounds(stored.Select(r => r.Round).ToArray(), lattice.Dimensions)), stored);
    }

    public static int Write(CommandIO io, RunStore store, SweepPlan plan, string directory, string target, string format, string? gridText,
        ExportProvenance provenance)
    {
        var (withRounds, rounds) = Load(plan, directory);
        var model = withRounds.Models[0];
        var grid = gridText is null ? null : AdaptiveGrid.Parse(gridText, model.Lattice!);
        var attributes = new Dictionary<string, string>
        {
            ["model"] = model.Model.Name,
            ["spec"] = provenance.SpecText,
            ["spec_hash"] = provenance.SpecHash,
            ["program_version"] = provenance.ProgramVersion,
            ["source"] = $"sweep export --format {format}",
        };
        var table = AdaptivePointTable.Build(store, withRounds, out long missing);
        io.Out.WriteLine(AdaptiveExportWriter.Write(table, format, Path.Combine(target, model.Model.Name + "-points"), attributes));
        if (grid is not null)
        {
            var cells = AdaptiveResults.Cells(model.Lattice!, rounds);
            var samples = AdaptiveResults.Samples(store, withRounds, Enumerable.Range(0, model.ObservableNames.Length).ToArray(), out _);
            attributes["interpolation"] = "multilinear on the refined cells in scaled coordinates (log along log axes); log-scaled observables geometrically";
            io.Out.WriteLine(AdaptiveExportWriter.Write(AdaptiveGrid.Interpolate(withRounds, new AdaptiveInterpolator(withRounds, cells, samples), grid), format,
                Path.Combine(target, model.Model.Name + "-grid"), attributes));
        }

        if (missing > 0)
        {
            io.Error.WriteLine($"sweep: warning: {missing} adaptive points are not stored yet; they are left out (grid cells on them: status 255)");
        }

        return ExitCodes.Ok;
    }
}
