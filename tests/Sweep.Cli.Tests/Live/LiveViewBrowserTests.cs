using System.Diagnostics;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using SkiaSharp;

namespace Sweep.Cli.Tests.Live;

/// <summary>The live view in a real browser (headless chromium) during a real run of the sweep program.</summary>
public partial class LiveViewBrowserTests
{
    // 20 pumped spin-chain points, one per chunk, integrated to their steady state (~1 s each on one
    // worker): the run lasts long enough for the page to see several chunks arrive.
    private const string SlowSpec = """
        name: live-browser
        models: [spin-chain]
        axes:
          gamma_I: {values: [0.31]}
          T2: {lin: [0.2, 2], n: 20}
        constants: {N: 7, T1: 0, profile: 1, gamma: 3.102, site_offset: 1}
        time: {lin: [0, 30], n: 121}
        observables: [j_steady]
        chunk: 1
        """;

    /// <summary>The page's first line colour (its palette's first entry, #1f77b4).</summary>
    private static readonly SKColor Line = new(0x1f, 0x77, 0xb4);

    [Fact]
    public async Task In_headless_chromium_the_plot_fills_in_and_the_progress_number_rises_during_a_real_run()
    {
        Assert.True(File.Exists(HeadlessChromium.Executable), $"{HeadlessChromium.Executable} is missing (test.sh installs Debian's chromium)");
        using var run = new RunHarness(SlowSpec);
        var log = new StringBuilder();
        using var sweep = RunHarness.Start("run", run.SpecPath, "--output", run.RunDir("r"), "--progress", "none", "-j", "1", "--serve", "127.0.0.1:0");
        sweep.ErrorDataReceived += (_, e) =>
        {
            lock (log)
            {
                log.AppendLine(e.Data);
            }
        };
        sweep.BeginErrorReadLine();
        try
        {
            var url = (await WaitFor(() => Task.FromResult(UrlLine().Match(Log(log)) is { Success: true } m ? new Address(new Uri(m.Groups[1].Value)) : (Address?)null),
                "the live view's URL in the log", log)).Url;
            await using var browser = await HeadlessChromium.OpenAsync(url);
            // Before the page has loaded there is no body yet: nothing plotted.
            async Task<PageState> Read()
            {
                var state = (await browser.EvaluateAsync("document.body ? [Number(document.body.dataset.points || 0), Number(document.body.dataset.progress || 0)] : [0, 0]"))!.AsArray();
                return new PageState((long)state[0]!, (long)state[1]!);
            }

            // The plot has data, then new data, while the progress number rises: the page follows the run.
            var first = await WaitFor(async () => await Read() is { Points: > 0 } s ? s : (PageState?)null, "a first plotted point", log);
            var later = await WaitFor(async () => await Read() is var s && s.Points > first.Points && s.Progress > first.Progress ? s : (PageState?)null,
                "more plotted points and a higher progress number", log);
            Assert.False(sweep.HasExited, "the run ended before the page saw it progress; make the spec slower");
            Assert.InRange(later.Points, 2, 19);
            Assert.InRange(later.Progress, 2 * 121, 19 * 121);

            byte[] png = await browser.ScreenshotPngAsync();
            File.WriteAllBytes(Path.Combine(run.Root, "live-view.png"), png);
            using var doc = JsonDocument.Parse((string)(await browser.EvaluateAsync("JSON.stringify(document.getElementById('plot').getBoundingClientRect())"))!);
            var rect = doc.RootElement;
            using var image = SKBitmap.Decode(png);
            int left = (int)rect.GetProperty("left").GetDouble(), top = (int)rect.GetProperty("top").GetDouble();
            int right = (int)rect.GetProperty("right").GetDouble(), bottom = (int)rect.GetProperty("bottom").GetDouble();
            Assert.True(left >= 0 && top >= 0 && right <= image.Width && bottom <= image.Height && right - left >= 900 && bottom - top >= 440,
                $"the plot ({left}, {top})–({right}, {bottom}) is not wholly in the {image.Width}×{image.Height} screenshot");
            int lineColoured = 0, inked = 0;
            for (int y = top + 1; y < bottom - 1; y++)
            {
                for (int x = left + 1; x < right - 1; x++)
                {
                    var c = image.GetPixel(x, y);
                    inked += c.Red < 240 || c.Green < 240 || c.Blue < 240 ? 1 : 0;
                    lineColoured += Math.Abs(c.Red - Line.Red) + Math.Abs(c.Green - Line.Green) + Math.Abs(c.Blue - Line.Blue) < 60 ? 1 : 0;
                }
            }

            // Axes and labels alone are ink too; the data is drawn in the line colour (markers 4×4 px per point, and the line between).
            Assert.True(inked > 2000, $"the plot area is blank ({inked} non-white pixels)");
            Assert.True(lineColoured >= 16 * later.Points, $"{lineColoured} pixels in the line colour for {later.Points} points");
            Assert.Contains("live-browser", (string)(await browser.EvaluateAsync("document.getElementById('title').textContent"))!);
            Assert.Equal("running", (string)(await browser.EvaluateAsync("document.getElementById('status').textContent"))!);
        }
        finally
        {
            if (!sweep.HasExited)
            {
                sweep.Kill(entireProcessTree: true); // the run this test started, by its PID
                await sweep.WaitForExitAsync();
            }
        }
    }

    private static string Log(StringBuilder log)
    {
        lock (log)
        {
            return log.ToString();
        }
    }

    private static async Task<T> WaitFor<T>(Func<Task<T?>> probe, string what, StringBuilder log)
        where T : struct
    {
        var deadline = DateTime.UtcNow.AddSeconds(90);
        while (DateTime.UtcNow < deadline)
        {
            if (await probe() is { } value)
            {
                return value;
            }

            await Task.Delay(100);
        }

        throw new TimeoutException($"no {what} within 90 s; the run's log:\n{Log(log)}");
    }

    private readonly record struct PageState(long Points, long Progress);

    private readonly record struct Address(Uri Url);

    [GeneratedRegex(@"live view on (http://\S+)")]
    private static partial Regex UrlLine();
}
