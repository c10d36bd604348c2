using Sweep.Engine;
using System.CommandLine;
using Sweep.Coordinator.Adaptive;
using Sweep.Coordinator.Export;
using Sweep.Coordinator.Store;

namespace Sweep.Coordinator.Cli;

/// <summary><c>sweep export RUN --format npz|csv|hdf5</c>: one file per model, paths printed on stdout.</summary>
public static class ExportCommand
{
    public static Command Create(CommandIO io)
    {
        var run = new Argument<string>("RUN") { Description = "Run directory" };
        var format = new Option<string>("--format", "-f") { Description = "npz (N-D arrays, numpy.load), hdf5 (N-D datasets with dimension scales, h5py/xarray) or csv (one row per point)", DefaultValueFactory = _ => "npz" };
        format.AcceptOnlyFromAmong("npz", "hdf5", "csv");
        var output = new Option<string?>("--output", "-o") { Description = "Directory for the files (default: RUN/export)" };
        var grid = new Option<string?>("--grid")
        {
            Description = "Adaptive runs: also interpolate onto this regular grid, NAME=lin|log:START:END:N per refined axis, comma-separated " +
                          "(multilinear on the refined cells, in log coordinates along log axes; see docs/ADAPTIVE.md)",
        };
        var command = new Command("export", "Export a run's results: NPZ with one array per observable (axes in spec order, bias last) " +
                                            "plus coordinates and a status array, HDF5 with the same and named dimensions, units and provenance, or CSV in long format. " +
                                            "An adaptive run exports its points as a table (MODEL-points: coordinates, level, round, status, observables), " +
                                            "and with --grid their interpolation onto a regular grid (MODEL-grid)") { run, format, output, grid };
        command.SetAction(parse =>
        {
            string directory = parse.GetValue(run)!;
            using var store = RunDirectory.OpenExisting(directory);
            var plan = RunDirectory.LoadPlan(store, io.Registry, directory);

            string target = parse.GetValue(output) ?? Path.Combine(directory, "export");
            Directory.CreateDirectory(target);
            string chosen = parse.GetValue(format)!;
            var provenance = ExportProvenance.Of(plan, directory);
            if (plan.Spec.Adaptive is not null)
            {
                return AdaptiveExport.Write(io, store, plan, directory, target, chosen, parse.GetValue(grid), provenance);
            }

            if (parse.GetValue(grid) is not null)
            {
                throw new UsageException("--grid interpolates an adaptive run; this run's spec has no adaptive section");
            }

            foreach (var model in plan.Models)
            {
                var layout = new ExportLayout(model);
                io.Out.WriteLine(chosen switch
                {
                    "npz" => NpzExporter.Write(store, layout, target),
                    "hdf5" => Hdf5Exporter.Write(store, layout, target, provenance),
                    _ => CsvExporter.Write(store, layout, target),
                });
            }

            if (store.Summary() is { } ledger && ledger.DoneChunks < plan.TotalChunks)
            {
                io.Error.WriteLine($"sweep: warning: {plan.TotalChunks - ledger.DoneChunks} of {plan.TotalChunks} chunks are not stored; " +
                                   "their points are NaN with status 255 (missing)");
            }

            return ExitCodes.Ok;
        });
        return command;
    }
}
