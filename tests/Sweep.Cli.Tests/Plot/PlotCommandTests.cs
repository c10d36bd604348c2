using System.Text.Json;
using System.Xml.Linq;

namespace Sweep.Cli.Tests.Plot;

/// <summary><c>sweep plot</c> from options: partial runs plot what is stored (the rest are gaps),
/// points that are not ok are never numbers, SVG output, and bad options exit 64 naming the option.</summary>
public class PlotCommandTests
{
    private const string Spec = """
        name: p
        models: [magnon-junction]
        axes:
          h: {values: [0, 0.01, 0.1, 1]}
          T: {log: [0.1, 1], n: 6}
          J_T: {values: [0.1]}
        constants: {S: 1}
        observables: [L11, K, lorenz]
        chunk: 4
        figures:
          - {name: l11, y: L11, x: T, curves: h}
        """;

    [Fact]
    public void A_partial_run_plots_its_stored_chunks_and_gaps_elsewhere()
    {
        using var run = new RunHarness(Spec);
        Assert.Equal(0, run.Run("r", "--shard", "0/2").ExitCode);
        string png = Path.Combine(run.Root, "l11.png"), json = Path.Combine(run.Root, "l11.json");
        var (code, output, error) = CliRunner.Run("plot", run.RunDir("r"), "-o", png, "-y", "L11", "-x", "T", "--curves", "h", "--data", json);
        Assert.True(code == 0, error);
        Assert.Equal(png, output.Trim());
        Assert.Contains("chunks are not stored yet", error);
        ExampleFiguresTests.AssertImage(png, 800, 600);

        using var data = JsonDocument.Parse(File.ReadAllText(json));
        var series = data.RootElement.GetProperty("series").EnumerateArray().ToList();
        Assert.Equal([0, 0.01, 0.1, 1], series.Select(s => s.GetProperty("curve_value").GetDouble()));
        var statuses = series.SelectMany(s => s.GetProperty("status").EnumerateArray().Select(v => v.GetString())).ToList();
        var values = series.SelectMany(s => s.GetProperty("values").EnumerateArray()).ToList();
        Assert.Contains("missing", statuses);
        Assert.Contains("ok", statuses);
        Assert.All(statuses.Zip(values), p => Assert.Equal(p.First == "ok", p.Second.ValueKind == JsonValueKind.Number));
        // h = 0 is the critical point: its curve is all gaps where stored, never a number.
        Assert.All(series[0].GetProperty("status").EnumerateArray(), s => Assert.Contains(s.GetString(), new[] { "critical", "missing" }));
        var gaps = data.RootElement.GetProperty("gaps");
        Assert.Equal(statuses.Count(s => s == "missing"), gaps.GetProperty("missing").GetInt32());
        Assert.True(data.RootElement.GetProperty("x").GetProperty("log").GetBoolean(), "T is log-spaced in the spec: a log x axis");
        Assert.Equal("L11", data.RootElement.GetProperty("y").GetProperty("label").GetString());
        Assert.Equal("T (energy)", data.RootElement.GetProperty("x").GetProperty("label").GetString());
    }

    [Fact]
    public void A_heatmap_hatches_the_critical_row_and_saves_svg()
    {
        using var run = new RunHarness(Spec);
        Assert.Equal(0, run.Run("r").ExitCode);
        string svg = Path.Combine(run.Root, "k.svg"), json = Path.Combine(run.Root, "k.json");
        var (code, _, error) = CliRunner.Run("plot", run.RunDir("r"), "-o", svg, "-y", "K", "-x", "T", "--heatmap", "h", "--width", "640", "--height", "480", "--data", json);
        Assert.True(code == 0, error);
        Assert.Equal("", error);
        var root = XDocument.Load(svg).Root!;
        Assert.Equal("svg", root.Name.LocalName);
        Assert.Equal(("640", "480"), (root.Attribute("width")?.Value, root.Attribute("height")?.Value));
        Assert.Contains("hatched: critical (6 points)", File.ReadAllText(svg));

        using var data = JsonDocument.Parse(File.ReadAllText(json));
        Assert.Equal("heatmap", data.RootElement.GetProperty("kind").GetString());
        Assert.Equal([0, 0.01, 0.1, 1], data.RootElement.GetProperty("y").GetProperty("values").EnumerateArray().Select(v => v.GetDouble()));
        Assert.Equal("K (energy)", data.RootElement.GetProperty("z").GetProperty("label").GetString());
        Assert.Equal(6, data.RootElement.GetProperty("gaps").GetProperty("critical").GetInt32());
    }

    [Fact]
    public void All_renders_the_specs_figures_into_the_run()
    {
        using var run = new RunHarness(Spec);
        Assert.Equal(0, run.Run("r").ExitCode);
        var (code, output, error) = CliRunner.Run("plot", run.RunDir("r"), "--all");
        Assert.True(code == 0, error);
        string png = Path.Combine(run.RunDir("r"), "figures", "l11.png");
        Assert.Equal(png, output.Trim());
        ExampleFiguresTests.AssertImage(png, 800, 600);
        Assert.True(File.Exists(Path.ChangeExtension(png, ".json")));
    }

    [Theory]
    [InlineData(new[] { "-y", "L11", "-x", "q" }, "-x: 'q' is not a dimension of 'magnon-junction'")]
    [InlineData(new[] { "-y", "L11", "-x", "T" }, "--at: dimension 'h' has 4 values")]
    [InlineData(new[] { "-y", "Ns", "-x", "T", "--curves", "h" }, "-y: 'Ns' is not an observable the run stores")]
    [InlineData(new[] { "-y", "L11", "-x", "T", "--curves", "h", "--at", "J_T" }, "--at: expected NAME=VALUE")]
    [InlineData(new[] { "-y", "L11", "-x", "T", "--curves", "h", "--log", "w" }, "--log: 'w' is not an axis")]
    [InlineData(new[] { "-y", "L11", "-x", "T", "--curves", "h", "--range", "3,1" }, "--range: expected [min, max]")]
    [InlineData(new[] { "-x", "T" }, "-y: name the observable")]
    [InlineData(new[] { "-y", "L11", "-x", "T", "--curves", "h", "--width", "5" }, "--width and --height")]
    public void Bad_options_exit_64_naming_the_option(string[] options, string message)
    {
        using var run = new RunHarness(Spec);
        Assert.Equal(0, run.Run("r").ExitCode);
        string png = Path.Combine(run.Root, "x.png");
        var (code, output, error) = CliRunner.Run(["plot", run.RunDir("r"), "-o", png, .. options]);
        Assert.Equal(64, code);
        Assert.Equal("", output);
        Assert.Contains(message, error);
        Assert.False(File.Exists(png));
    }

    [Fact]
    public void Wrong_image_type_and_a_spec_without_figures_are_refused()
    {
        using var run = new RunHarness(Spec.Replace("figures:\n  - {name: l11, y: L11, x: T, curves: h}", "", StringComparison.Ordinal));
        Assert.Equal(0, run.Run("r").ExitCode);
        var (code, _, error) = CliRunner.Run("plot", run.RunDir("r"), "-o", Path.Combine(run.Root, "x.jpg"), "-y", "L11", "-x", "T", "--curves", "h");
        Assert.Equal(64, code);
        Assert.Contains("must end in .png or .svg", error);
        (code, _, error) = CliRunner.Run("plot", run.RunDir("r"), "--all");
        Assert.Equal(65, code);
        Assert.Contains("declares no figures", error);
        (code, _, error) = CliRunner.Run("plot", Path.Combine(run.Root, "nothing"), "--all");
        Assert.Equal(65, code);
        Assert.Contains("not a sweep run directory", error);
    }
}
