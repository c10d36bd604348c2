using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Sweep.Cli.Tests.Distributed;

namespace Sweep.Cli.Tests.Monitoring;

/// <summary>
/// A real Prometheus (Debian's prometheus package, which ./test.sh installs) on 127.0.0.1 with a
/// generated config that scrapes the given targets every second, its data in a temporary
/// directory; killed and removed on dispose. Also runs promtool.
/// </summary>
internal sealed class PrometheusServer : IAsyncDisposable
{
    public const string Binary = "/usr/bin/prometheus";
    public const string Promtool = "/usr/bin/promtool";

    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(10) };
    private readonly string _directory = Directory.CreateTempSubdirectory("sweep-prometheus-").FullName;
    private readonly Process _process;

    private PrometheusServer(IEnumerable<string> targets)
    {
        Port = DistributedHarness.FreePort();
        string config = Path.Combine(_directory, "prometheus.yml");
        File.WriteAllText(config, $"""
            global:
              scrape_interval: 1s
              scrape_timeout: 900ms
            scrape_configs:
              - job_name: sweep
                static_configs:
                  - targets: [{string.Join(", ", targets.Select(t => $"'{t}'"))}]
            """);
        var info = new ProcessStartInfo(Binary) { UseShellExecute = false, RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (string arg in new[]
                 {
                     $"--config.file={config}", $"--storage.tsdb.path={Path.Combine(_directory, "data")}",
                     $"--web.listen-address=127.0.0.1:{Port}", "--log.level=warn",
                 })
        {
            info.ArgumentList.Add(arg);
        }

        _process = Process.Start(info)!;
        _process.OutputDataReceived += (_, _) => { };
        _process.ErrorDataReceived += (_, e) => { lock (Log) { Log.AppendLine(e.Data); } };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public int Port { get; }

    public System.Text.StringBuilder Log { get; } = new();

    public static async Task<PrometheusServer> StartAsync(params string[] targets)
    {
        Require(Binary);
        var server = new PrometheusServer(targets);
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            try
            {
                using var ready = await Http.GetAsync($"http://127.0.0.1:{server.Port}/-/ready");
                if (ready.IsSuccessStatusCode)
                {
                    return server;
                }
            }
            catch (HttpRequestException)
            {
            }

            if (server._process.HasExited || DateTime.UtcNow > deadline)
            {
                await server.DisposeAsync();
                throw new InvalidOperationException($"prometheus did not become ready:\n{server.Log}");
            }

            await Task.Delay(200);
        }
    }

    /// <summary>An instant PromQL query through the HTTP API: each result's labels and value.</summary>
    public async Task<IReadOnlyList<(Dictionary<string, string> Labels, double Value)>> QueryAsync(string promql)
    {
        string url = $"http://127.0.0.1:{Port}/api/v1/query?query={Uri.EscapeDataString(promql)}";
        using var document = JsonDocument.Parse(await Http.GetStringAsync(url));
        var data = document.RootElement.GetProperty("data");
        Assert.Equal("vector", data.GetProperty("resultType").GetString());
        return data.GetProperty("result").EnumerateArray().Select(r => (
            r.GetProperty("metric").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString()!),
            double.Parse(r.GetProperty("value")[1].GetString()!, CultureInfo.InvariantCulture))).ToList();
    }

    /// <summary>Runs <c>promtool check metrics</c> on <paramref name="exposition"/>: its exit code and what it printed.</summary>
    public static async Task<(int ExitCode, string Output)> CheckMetricsAsync(string exposition)
    {
        Require(Promtool);
        var info = new ProcessStartInfo(Promtool, ["check", "metrics"])
        {
            UseShellExecute = false, RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true,
        };
        using var process = Process.Start(info)!;
        await process.StandardInput.WriteAsync(exposition);
        process.StandardInput.Close();
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, await output + await error);
    }

    /// <summary>Runs promtool with <paramref name="args"/>: its exit code and what it printed.</summary>
    public static async Task<(int ExitCode, string Output)> RunPromtoolAsync(params string[] args)
    {
        Require(Promtool);
        using var process = Process.Start(new ProcessStartInfo(Promtool, args) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true })!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, await output + await error);
    }

    private static void Require(string binary)
    {
        if (!File.Exists(binary))
        {
            throw new InvalidOperationException($"{binary} is not installed; ./test.sh installs it (apt-get install prometheus)");
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
        Directory.Delete(_directory, recursive: true);
    }
}
