using System.Text.Json;
using SkiaSharp;
using Sweep.Coordinator.Export;
using Sweep.Engine.Planning;
using Sweep.Engine.Spec;
using Sweep.Physics.Models;

namespace Sweep.Cli.Tests.Plot;

/// <summary>
/// Every example spec's figures, rendered by <c>sweep plot --all</c> and checked as data: each image
/// decodes at the requested size and is not blank, and each plotted value (the --data sidecar) is
/// the run's value at that point of the NPZ export — found here by coordinates, independently of the
/// plot code — or null exactly where the point's status is not ok.
/// </summary>
public class ExampleFiguresTests
{
    public static TheoryData<string> Examples() =>
        new(Directory.GetFiles(Path.Combine(RepositoryRoot(), "examples"), "*.yaml")
            .Where(f => File.ReadAllText(f).Contains("\nfigures:", StringComparison.Ordinal)).Select(Path.GetFileName).Order()!);

    [Theory]
    [MemberData(nameof(Examples))]
    public void Example_figures_render_and_plot_the_runs_values(string example)
    {
        string spec = File.ReadAllText(Path.Combine(RepositoryRoot(), "examples", example));
        // The open spin chain costs ~1 s per point: the test keeps 3 of its 21 ΔT values (same figures).
        spec = spec.Replace("T2: {lin: [0, 2], n: 21}", "T2: {lin: [0, 2], n: 3}", StringComparison.Ordinal);
        using var run = new RunHarness(spec);
        var (code, _, error) = run.Run("r");
        Assert.True(code == 0, error);
        string figures = Path.Combine(run.Root, "figures");
        (code, string output, error) = CliRunner.Run("plot", run.RunDir("r"), "--all", "-o", figures);
        Assert.True(code == 0, error);
        var npz = run.ExportNpz("r");

        var plan = SweepPlan.Create(SpecParser.Parse(spec, ModelRegistry.Default), ModelRegistry.Default);
        Assert.NotEmpty(plan.Spec.Figures);
        Assert.Equal(plan.Spec.Figures.Select(f => Path.Combine(figures, f.Name + ".png")), output.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        foreach (var figure in plan.Spec.Figures)
        {
            string image = Path.Combine(figures, figure.Name + ".png");
            AssertImage(image, 800, 600);
            using var data = JsonDocument.Parse(File.ReadAllText(Path.ChangeExtension(image, ".json")));
            AssertValuesMatch(data.RootElement, new ExportLayout(plan.Models.First(m => m.Model.Name == figure.Model)), figure, npz);
        }
    }

    /// <summary>The PNG decodes, has the size asked for, and its plot area is not one colour.</summary>
    internal static void AssertImage(string path, int width, int height)
    {
        using var bitmap = SKBitmap.Decode(path);
        Assert.NotNull(bitmap);
        Assert.Equal((width, height), (bitmap.Width, bitmap.Height));
        var colours = new HashSet<uint>();
        for (int y = height / 10; y < 9 * height / 10; y += 2)
        {
            for (int x = width / 10; x < 9 * width / 10; x += 2)
            {
                colours.Add((uint)bitmap.GetPixel(x, y));
            }
        }

        Assert.True(colours.Count > 3, $"{path}: the plot area has {colours.Count} colours");
        Assert.InRange(new FileInfo(path).Length, 1_000, 200_000);
    }

    /// <summary>Each series value equals the exported array at the point with the series' coordinates.</summary>
    internal static void AssertValuesMatch(JsonElement data, ExportLayout layout, FigureSpec figure, Dictionary<string, byte[]> npz)
    {
        var dims = layout.Dimensions;
        var coordinates = layout.Coordinates().Select(c => c.Values).ToArray();
        var strides = new long[dims.Length];
        for (long d = dims.Length - 1, stride = 1; d >= 0; stride *= layout.Shape[d], d--)
        {
            strides[d] = stride;
        }

        long fixedOffset = 0;
        foreach (var f in data.GetProperty("fixed").EnumerateArray())
        {
            int d = Array.IndexOf(dims, f.GetProperty("name").GetString());
            fixedOffset += Array.IndexOf(coordinates[d], f.GetProperty("value").GetDouble()) * strides[d];
            Assert.True(Array.IndexOf(coordinates[d], f.GetProperty("value").GetDouble()) >= 0, "a fixed value is a grid value");
        }

        int xDim = Array.IndexOf(dims, figure.X), seriesDim = Array.IndexOf(dims, figure.Curves ?? figure.Heatmap ?? "");
        Assert.Equal(coordinates[xDim], data.GetProperty("x").GetProperty("values").EnumerateArray().Select(v => v.GetDouble()));
        byte[] status = npz[$"{figure.Model}/status.npy"];
        int statusHeader = 10 + BitConverter.ToUInt16(status, 8);
        var series = data.GetProperty("series").EnumerateArray().ToList();
        int expectedSeries = seriesDim < 0 ? figure.Observables.Count : coordinates[seriesDim].Length;
        Assert.Equal(expectedSeries, series.Count);
        int checkedValues = 0;
        for (int s = 0; s < series.Count; s++)
        {
            string observable = series[s].GetProperty("observable").GetString()!;
            double[] values = RunHarness.Doubles(npz[$"{figure.Model}/{observable}.npy"]);
            long offset = fixedOffset + (seriesDim < 0 ? 0 : s * strides[seriesDim]);
            if (seriesDim >= 0)
            {
                Assert.Equal(coordinates[seriesDim][s], series[s].GetProperty("curve_value").GetDouble());
            }

            var plotted = series[s].GetProperty("values").EnumerateArray().ToList();
            var names = series[s].GetProperty("status").EnumerateArray().Select(n => n.GetString()).ToList();
            for (int x = 0; x < coordinates[xDim].Length; x++)
            {
                long flat = offset + x * strides[xDim];
                byte code = status[statusHeader + flat];
                Assert.Equal(code == ExportLayout.Missing ? "missing" : ((PointStatus)code).ToWireName(), names[x]);
                if (code == 0 && double.IsFinite(values[flat]))
                {
                    Assert.Equal(values[flat], plotted[x].GetDouble());
                    checkedValues++;
                }
                else
                {
                    Assert.Equal(JsonValueKind.Null, plotted[x].ValueKind);
                }
            }
        }

        Assert.True(checkedValues > 0, $"{figure.Name}: no plotted value");
    }

    private static string RepositoryRoot() => ModelsCommandTests.RepositoryRoot();
}
