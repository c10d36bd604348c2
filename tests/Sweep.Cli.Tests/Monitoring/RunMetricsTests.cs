using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.RegularExpressions;

namespace Sweep.Cli.Tests.Monitoring;

/// <summary>/metrics of a real <c>sweep run</c> process (embedded workers, no cluster), and the
/// metrics port's failure mode.</summary>
public partial class RunMetricsTests
{
    // 4 × 3 × 2 = 24 outer points, 11 bias values each; 6 chunks of 4.
    private const string Spec = """
        name: observed
        models: [mtj]
        axes:
          h: {log: [1.0e-3, 1.0], n: 4}
          T: {lin: [0.1, 1.0], n: 3}
          J_T: {values: [0.05, 0.2]}
        constants: {S: 1.5, alpha_p: 0.05, P_L: 0.2, eta: -1, G0_over_Gphi: 2000}
        bias: {lin: [-6, 6], n: 11, unit: h}
        observables: [i, dIdV]
        """;

    private const long Points = 24 * 11;

    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(10) };

    [Fact]
    public async Task Promtool_accepts_the_metrics_of_a_finished_sweep_run_and_they_count_its_points()
    {
        using var run = new RunHarness(Spec);
        var log = new StringBuilder();
        using var process = Start(log, "run", run.SpecPath, "--output", run.RunDir("r"), "--progress", "none", "--chunk", "4",
            "--metrics-port", "127.0.0.1:0", "--metrics-linger", "60");
        try
        {
            var url = await MetricsUrlAsync(process, log);
            string text = await ScrapeWhenAsync(url, t => t.Contains("sweep_run_progress_ratio{run=", StringComparison.Ordinal) && Sample(t, "sweep_run_progress_ratio") == 1);

            var (code, output) = await PrometheusServer.CheckMetricsAsync(text);
            Assert.True(code == 0 && output.Trim().Length == 0, $"promtool check metrics: exit {code}\n{output}\n---\n{text}");
            Assert.Equal(Points, Sample(text, "sweep_run_points"));
            Assert.Equal(Points, Sample(text, "sweep_run_points_done"));
            Assert.Equal(Points, Sample(text, "sweep_points_stored_total"));
            Assert.Equal(Points, Sample(text, "sweep_points_evaluated_total"));
            Assert.Equal(6, Sample(text, "sweep_chunks_completed_total"));
            Assert.Equal(6, Sample(text, "sweep_chunk_duration_seconds_count"));
            Assert.Equal(0, Sample(text, "sweep_chunk_evaluation_failures_total"));
            Assert.Equal(0, Sample(text, "sweep_chunks_in_flight"));
            Assert.Equal(0, Sample(text, "sweep_chunks_pending"));
            Assert.Contains("# TYPE sweep_points_stored_total counter\n", text);
            Assert.Contains("# TYPE sweep_chunk_duration_seconds histogram\n", text);
            Assert.Matches("sweep_run_info\\{[^}]*name=\"observed\"[^}]*\\} 1\n", text);
            Assert.All(text.Split('\n').Where(l => l.Length > 0 && !l.StartsWith('#')), l => Assert.Contains("role=\"run\"", l));

            using var ready = await Http.GetAsync(new Uri(url, "/readyz"));
            Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode); // lingering after the run: no longer ready for work
            Assert.Equal("not ready: run completed\n", await ready.Content.ReadAsStringAsync());
        }
        finally
        {
            process.Kill(); // it would linger another minute; this test started it
            await process.WaitForExitAsync();
        }
    }

    [Fact]
    public void A_metrics_port_in_use_exits_69_and_leaves_no_run_directory()
    {
        using var taken = new TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        int port = ((IPEndPoint)taken.LocalEndpoint).Port;
        using var run = new RunHarness(Spec);

        var (code, _, error) = run.Run("r", "--metrics-port", $"127.0.0.1:{port}");
        Assert.Equal(69, code);
        Assert.Contains($"cannot serve metrics on 127.0.0.1:{port}", error);
        Assert.False(Directory.Exists(run.RunDir("r")));
    }

    [Theory]
    [InlineData("--metrics-port", "http://x")]
    [InlineData("--metrics-linger", "-1")]
    public void Bad_metrics_options_are_usage_errors_naming_the_option(string option, string value)
    {
        using var run = new RunHarness(Spec);
        var (code, _, error) = run.Run("r", "--metrics-port", "127.0.0.1:0", option, value);
        Assert.Equal(64, code);
        Assert.Contains(option, error);
        Assert.False(Directory.Exists(run.RunDir("r")));
    }

    private static Process Start(StringBuilder log, params string[] args)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "sweep.dll"));
        foreach (string arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        var process = new Process { StartInfo = info };
        process.OutputDataReceived += (_, e) => { lock (log) { log.AppendLine(e.Data); } };
        process.ErrorDataReceived += (_, e) => { lock (log) { log.AppendLine(e.Data); } };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    private static async Task<Uri> MetricsUrlAsync(Process process, StringBuilder log)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (DateTime.UtcNow < deadline && !process.HasExited)
        {
            string text;
            lock (log)
            {
                text = log.ToString();
            }

            if (MetricsLine().Match(text) is { Success: true } match)
            {
                return new Uri(match.Groups[1].Value);
            }

            await Task.Delay(50);
        }

        lock (log)
        {
            throw new InvalidOperationException($"no metrics URL in the log:\n{log}");
        }
    }

    private static async Task<string> ScrapeWhenAsync(Uri url, Func<string, bool> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        string text;
        do
        {
            text = await Http.GetStringAsync(url);
            if (condition(text))
            {
                return text;
            }

            await Task.Delay(100);
        }
        while (DateTime.UtcNow < deadline);

        throw new InvalidOperationException($"the metrics never met the condition:\n{text}");
    }

    /// <summary>The sum of the samples of <paramref name="name"/> (exactly that name), or null if there is none.</summary>
    private static double? Sample(string exposition, string name)
    {
        var values = exposition.Split('\n').Where(l => l.StartsWith(name + "{", StringComparison.Ordinal) || l.StartsWith(name + " ", StringComparison.Ordinal))
            .Select(l => double.Parse(l[(l.LastIndexOf(' ') + 1)..], CultureInfo.InvariantCulture)).ToList();
        return values.Count == 0 ? null : values.Sum();
    }

    [GeneratedRegex(@"metrics on (http://\S+/metrics)")]
    private static partial Regex MetricsLine();
}
