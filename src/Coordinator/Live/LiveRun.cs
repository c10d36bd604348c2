using System.Diagnostics;
using System.Text.Encodings.Web;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Sweep.Coordinator.Engine;
using Sweep.Coordinator.Export;
using Sweep.Coordinator.Plot;
using Sweep.Coordinator.Progress;
using Sweep.Coordinator.Store;
using Sweep.Engine.Planning;
using Sweep.Engine.Spec;
using Sweep.Physics.Models;

namespace Sweep.Coordinator.Live;

/// <summary>
/// What the live view reads of a running sweep: progress, rate and ETA from the run's counters (the
/// same snapshot as <c>--progress json</c>), failures and slices from the run store through a
/// read-only connection of its own (WAL: the writer is never blocked), sliced exactly as
/// <c>sweep plot --data</c> slices.
/// </summary>
internal sealed class LiveRun(SweepPlan plan, string directory, RunCounters counters, ModelRegistry registry) : IDisposable
{
    /// <summary>Failures listed on the page (the count is always complete).</summary>
    private const int ListedFailures = 20;

    public static readonly Dictionary<string, object?> Starting = new() { ["status"] = "starting" };

    private static readonly JsonSerializerOptions Options = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    private readonly Stopwatch _elapsed = Stopwatch.StartNew();
    private readonly Lock _lock = new();
    private RunStore? _reader;

    public static string Serialize(object value) => JsonSerializer.Serialize(value, Options);

    public Dictionary<string, object?> Progress()
    {
        var json = ProgressSnapshot.Take(counters, _elapsed.Elapsed).ToJson(final: false);
        json["status"] = "running";
        json["name"] = plan.Spec.Name;
        json["failures"] = Read(store => store.Failures().Take(ListedFailures).Select(f => new Dictionary<string, object>
        {
            ["chunk"] = f.Chunk, ["model"] = f.Model, ["start"] = f.Start, ["count"] = f.Count, ["attempts"] = f.Attempts, ["error"] = f.Error,
        }).ToList());
        return json;
    }

    /// <summary>What the page offers to plot: each model's observables and dimensions, the spec's figures, and a default slice.</summary>
    public Dictionary<string, object?> Choices()
    {
        var models = plan.Models.Select(m =>
        {
            var layout = new ExportLayout(m);
            return new Dictionary<string, object>
            {
                ["name"] = m.Model.Name,
                ["observables"] = m.ObservableNames,
                ["dimensions"] = layout.Dimensions.Select((d, i) => new Dictionary<string, object>
                {
                    ["name"] = d, ["unit"] = layout.DimensionUnit(i), ["length"] = layout.Shape[i],
                }).ToList(),
            };
        }).ToList();
        var figures = plan.Spec.Figures.Select(f => new Dictionary<string, object?>
        {
            ["name"] = f.Name, ["model"] = f.Model, ["y"] = string.Join(",", f.Observables), ["x"] = f.X, ["curves"] = f.Curves, ["heatmap"] = f.Heatmap,
        }).ToList();
        return new Dictionary<string, object?> { ["name"] = plan.Spec.Name, ["models"] = models, ["figures"] = figures, ["default"] = DefaultSlice() };
    }

    /// <summary>The slice a query asks for (<c>figure=NAME</c>, or <c>model, y, x, curves, heatmap, at, log</c> as <c>sweep plot</c>'s options), as <c>sweep plot --data</c> JSON.</summary>
    /// <exception cref="PlotRequestException">The query does not fit the run.</exception>
    public string Slice(IQueryCollection query)
    {
        FigureSpec figure;
        if (query["figure"].ToString() is { Length: > 0 } name)
        {
            figure = plan.Spec.Figures.FirstOrDefault(f => f.Name == name)
                     ?? throw new PlotRequestException("figure", $"the spec declares no figure '{name}' (it has: {string.Join(", ", plan.Spec.Figures.Select(f => f.Name))})");
        }
        else
        {
            string? Get(string key) => query[key].ToString() is { Length: > 0 } value ? value : null;
            figure = new PlotRequest(Get("model"), Get("y"), Get("x"), Get("curves"), Get("heatmap"), null, Get("log"), null,
                query["at"].Where(a => !string.IsNullOrEmpty(a)).Select(a => a!).ToList()).ToFigure(plan.Spec, registry);
        }

        var layout = new ExportLayout(plan.Models.First(m => m.Model.Name == figure.Model));
        return PlotJson.Serialize(Read(store => PlotData.Build(store, layout, figure)));
    }

    /// <summary>The spec's first line figure; else the first model's first observable against its first outer
    /// dimension with several values (it fills in chunk by chunk), the other dimensions fixed at their first
    /// value, the bias/time grid at its last (the largest bias, the latest time).</summary>
    private Dictionary<string, object?>? DefaultSlice()
    {
        if (plan.Spec.Figures.FirstOrDefault(f => f.Heatmap is null) is { } figure)
        {
            return new()
            {
                ["model"] = figure.Model, ["y"] = string.Join(",", figure.Observables), ["x"] = figure.X, ["curves"] = figure.Curves,
                ["at"] = figure.At.Select(a => Fix(a.Key, a.Value)).ToList(),
            };
        }

        var model = plan.Models[0];
        var layout = new ExportLayout(model);
        if (layout.Dimensions.Length == 0)
        {
            return null;
        }

        int x = Array.FindIndex(layout.Shape, n => n > 1);
        x = x < 0 ? 0 : x;
        var coordinates = layout.Coordinates().Select(c => c.Values).ToArray();
        var at = Enumerable.Range(0, layout.Dimensions.Length).Where(d => d != x && layout.Shape[d] > 1)
            .Select(d => Fix(layout.Dimensions[d], d < model.Axes.Length ? coordinates[d][0] : coordinates[d][^1])).ToList();
        return new() { ["model"] = model.Model.Name, ["y"] = model.ObservableNames[0], ["x"] = layout.Dimensions[x], ["curves"] = null, ["at"] = at };
    }

    private static string Fix(string name, double value) => $"{name}={value.ToString("R", System.Globalization.CultureInfo.InvariantCulture)}";

    /// <summary>Requests come concurrently; the one read connection serves them in turn.</summary>
    private T Read<T>(Func<RunStore, T> read)
    {
        lock (_lock)
        {
            _reader ??= RunDirectory.OpenExisting(directory);
            return read(_reader);
        }
    }

    public void Dispose()
    {
        lock (_lock)
        {
            _reader?.Dispose();
        }
    }
}
