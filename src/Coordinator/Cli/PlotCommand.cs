using System.CommandLine;
using Sweep.Coordinator.Adaptive;
using Sweep.Coordinator.Export;
using Sweep.Coordinator.Plot;
using Sweep.Coordinator.Store;
using Sweep.Engine;
using Sweep.Engine.Spec;

namespace Sweep.Coordinator.Cli;

/// <summary><c>sweep plot RUN -o FILE.png|svg …</c> (one figure from options) or <c>sweep plot RUN --all</c>
/// (every figure the spec declares under <c>figures:</c>). Works on a partial run: what is stored so far.</summary>
public static class PlotCommand
{
    public static Command Create(CommandIO io)
    {
        var run = new Argument<string>("RUN") { Description = "Run directory" };
        var output = new Option<string?>("--output", "-o") { Description = "Image file (.png or .svg); with --all a directory (default: RUN/figures)" };
        var all = new Option<bool>("--all") { Description = "Render every figure of the spec's 'figures:' (NAME.png and its NAME.json data)" };
        var format = new Option<string>("--format") { Description = "Image format for --all", DefaultValueFactory = _ => "png" };
        format.AcceptOnlyFromAmong("png", "svg");
        var model = new Option<string?>("--model", "-m") { Description = "Model (needed when the run has several)" };
        var y = new Option<string?>("--y", "-y") { Description = "Observable(s) to plot, comma-separated (several: one line each)" };
        var x = new Option<string?>("--x", "-x") { Description = "Dimension on the x axis: a spec axis, or v, V or t for the inner grid" };
        var curves = new Option<string?>("--curves") { Description = "Dimension drawn as a family of curves, one per value (colour scale and legend)" };
        var heatmap = new Option<string?>("--heatmap") { Description = "Dimension on the y axis of a heatmap of the observable (colour bar with its unit)" };
        var at = new Option<string[]>("--at") { Description = "Fix a dimension: NAME=VALUE (nearest grid value, said in the title); repeatable", AllowMultipleArgumentsPerToken = false };
        var log = new Option<string?>("--log") { Description = "Log-scaled axes, comma-separated from x, y, z (colour); default: where the spec's grid is log-spaced" };
        var range = new Option<string?>("--range") { Description = "Values shown: MIN,MAX (y of lines, colour of a heatmap; outside is clipped)" };
        var title = new Option<string?>("--title") { Description = "Title (default: observable vs x at the fixed values)" };
        var width = new Option<int>("--width") { Description = "Image width in pixels", DefaultValueFactory = _ => PlotRenderer.DefaultWidth };
        var height = new Option<int>("--height") { Description = "Image height in pixels", DefaultValueFactory = _ => PlotRenderer.DefaultHeight };
        var data = new Option<string?>("--data") { Description = "Also write the plotted numbers as JSON to this file (null where a point is not ok)" };
        var command = new Command("plot", "Plot a run's results: lines against one dimension (a family of curves over another), or a heatmap over two; " +
                                          "points that are not ok are gaps or hatched cells, never numbers. An adaptive run: its points in the plane of two refined " +
                                          "axes (-x, --heatmap), coloured by the observable (-y). Works while the run is still going.")
        {
            run, output, all, format, model, y, x, curves, heatmap, at, log, range, title, width, height, data,
        };
        command.SetAction(parse =>
        {
            string directory = parse.GetValue(run)!;
            int w = parse.GetValue(width), h = parse.GetValue(height);
            if (w is < 100 or > 8000 || h is < 100 or > 8000)
            {
                throw new UsageException($"--width and --height must lie in [100, 8000] pixels, got {w}×{h}");
            }

            using var store = RunDirectory.OpenExisting(directory);
            var plan = RunDirectory.LoadPlan(store, io.Registry, directory);
            if (plan.Spec.Adaptive is not null)
            {
                if (parse.GetValue(all) || parse.GetValue(curves) is not null || (parse.GetValue(at) ?? []).Length > 0)
                {
                    throw new UsageException("an adaptive run plots its points: give -o FILE and optionally -y, -x and --heatmap (no --all, --curves or --at)");
                }

                string image = parse.GetValue(output) ?? throw new UsageException("give the image file with -o FILE.png or FILE.svg");
                var (withRounds, _) = AdaptiveExport.Load(plan, directory);
                AdaptivePlot.Save(AdaptivePointTable.Build(store, withRounds, out _), plan.Spec, parse.GetValue(y), parse.GetValue(x), parse.GetValue(heatmap), image, w, h);
                io.Out.WriteLine(image);
                return ExitCodes.Ok;
            }

            if (parse.GetValue(all))
            {
                if (plan.Spec.Figures.Count == 0)
                {
                    throw new RunDirectoryException($"the spec of '{directory}' declares no figures (add 'figures:' to the spec, or give -x and -y)");
                }

                string target = parse.GetValue(output) ?? Path.Combine(directory, "figures");
                Directory.CreateDirectory(target);
                foreach (var figure in plan.Spec.Figures)
                {
                    var layout = new ExportLayout(plan.Models.First(m => m.Model.Name == figure.Model));
                    string image = Path.Combine(target, $"{figure.Name}.{parse.GetValue(format)}");
                    Render(store, layout, figure, image, Path.ChangeExtension(image, ".json"), w, h);
                    io.Out.WriteLine(image);
                }

                return ExitCodes.Ok;
            }

            string file = parse.GetValue(output) ?? throw new UsageException("give the image file with -o FILE.png or FILE.svg (or --all for the spec's figures)");
            if (Path.GetExtension(file).ToLowerInvariant() is not (".png" or ".svg"))
            {
                throw new UsageException($"-o: the image file must end in .png or .svg, got '{file}'");
            }

            var request = new PlotRequest(parse.GetValue(model), parse.GetValue(y), parse.GetValue(x), parse.GetValue(curves), parse.GetValue(heatmap),
                parse.GetValue(title), parse.GetValue(log), parse.GetValue(range), parse.GetValue(at) ?? []);
            FigureSpec requested;
            try
            {
                requested = request.ToFigure(plan.Spec, io.Registry);
            }
            catch (PlotRequestException ex)
            {
                throw new UsageException($"{(ex.Key.Length == 1 ? "-" : "--")}{ex.Key}: {ex.Reason}");
            }

            var chosen = new ExportLayout(plan.Models.First(m => m.Model.Name == requested.Model));
            Render(store, chosen, requested, file, parse.GetValue(data), w, h);
            io.Out.WriteLine(file);
            if (store.Summary() is { } ledger && ledger.DoneChunks < plan.TotalChunks)
            {
                io.Error.WriteLine($"sweep: note: {plan.TotalChunks - ledger.DoneChunks} of {plan.TotalChunks} chunks are not stored yet; their points are gaps");
            }

            return ExitCodes.Ok;
        });
        return command;
    }

    private static void Render(RunStore store, ExportLayout layout, FigureSpec figure, string image, string? dataFile, int width, int height)
    {
        if (Path.GetDirectoryName(Path.GetFullPath(image)) is { } folder)
        {
            Directory.CreateDirectory(folder);
        }

        var data = PlotData.Build(store, layout, figure);
        PlotRenderer.Save(data, image, width, height);
        if (dataFile is not null)
        {
            File.WriteAllText(dataFile, PlotJson.Serialize(data));
        }
    }
}
