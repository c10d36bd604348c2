using System.Diagnostics;
using System.Globalization;
using Sweep.Coordinator.Adaptive;
using Sweep.Coordinator.Cli;
using Sweep.Coordinator.Store;
using Sweep.Physics.Models;

namespace Sweep.Benchmarks;

/// <summary>
/// Adaptive refinement against uniform grids (docs/BENCHMARKS.md): runs the template spec (NH, NT, BUDGET filled in)
/// through <c>sweep run</c> in this process — adaptive at each budget from an 11 × 5 coarse grid, uniform as n × n'
/// grids (budget = grid: no refinement) — and measures the largest relative interpolation error of each against
/// direct evaluation at --samples random points. Prints a markdown table.
/// <code>dotnet run -c Release --project bench/Sweep.Benchmarks -- adaptive --spec bench/adaptive-junction.yaml</code>
/// </summary>
internal static class AdaptiveStudy
{
    public static int Run(string[] args)
    {
        string template = File.ReadAllText(Option(args, "--spec") ?? "bench/adaptive-junction.yaml");
        int samples = int.Parse(Option(args, "--samples") ?? "10000", CultureInfo.InvariantCulture);
        var budgets = (Option(args, "--budgets") ?? "250,500,1000,2000,4000,8000").Split(',').Select(int.Parse).ToArray();
        var uniform = (Option(args, "--uniform") ?? "21x9,41x17,81x33,161x65,321x129,641x257").Split(',')
            .Select(g => g.Split('x').Select(int.Parse).ToArray()).ToArray();
        string root = Path.Combine(Path.GetTempPath(), $"sweep-adaptive-study-{Environment.ProcessId}");
        Console.WriteLine($"| grid | points | max rel. error L11 | max rel. error tau_plus | compared | wall time (s) |");
        Console.WriteLine("|---|---:|---:|---:|---:|---:|");
        try
        {
            Measure(template, 11, 5, 100, "warm-up", root, 100, print: false); // JIT and actor system start: not part of any row
            foreach (int budget in budgets)
            {
                Measure(template, 11, 5, budget, $"adaptive, budget {budget}", root, samples);
            }

            foreach (var g in uniform)
            {
                Measure(template, g[0], g[1], g[0] * g[1], $"uniform {g[0]} × {g[1]}", root, samples);
            }
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }

        return 0;
    }

    private static void Measure(string template, int nh, int nt, int budget, string label, string root, int samples, bool print = true)
    {
        string spec = template.Replace("NH", nh.ToString(CultureInfo.InvariantCulture)).Replace("NT", nt.ToString(CultureInfo.InvariantCulture))
            .Replace("BUDGET", budget.ToString(CultureInfo.InvariantCulture));
        string directory = Path.Combine(root, label.Replace(' ', '-').Replace("×", "x").Replace(",", ""));
        Directory.CreateDirectory(root);
        string specPath = directory + ".yaml";
        File.WriteAllText(specPath, spec);
        var clock = Stopwatch.StartNew();
        int code = SweepCli.Run(["run", specPath, "--output", directory, "--progress", "none"], TextWriter.Null, TextWriter.Null, TextReader.Null);
        double seconds = clock.Elapsed.TotalSeconds;
        if (code != 0)
        {
            throw new InvalidOperationException($"{label}: sweep run exited {code}");
        }

        using var store = RunDirectory.OpenExisting(directory);
        var (plan, rounds) = AdaptiveExport.Load(RunDirectory.LoadPlan(store, ModelRegistry.Default, directory), directory);
        var model = plan.Models[0];
        var cells = AdaptiveResults.Cells(model.Lattice!, rounds);
        var all = AdaptiveResults.Samples(store, plan, Enumerable.Range(0, model.ObservableNames.Length).ToArray(), out _);
        var error = InterpolationCheck.Measure(plan, new AdaptiveInterpolator(plan, cells, all), samples, seed: 19);
        if (!print)
        {
            return;
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"| {label} | {plan.Rounds!.TotalPoints} | {error.MaxRelative["L11"]:E2} | {error.MaxRelative["tau_plus"]:E2} | {error.Compared} | {seconds:F2} |"));
    }

    private static string? Option(string[] args, string name) => Array.IndexOf(args, name) is var i and >= 0 && i + 1 < args.Length ? args[i + 1] : null;
}
