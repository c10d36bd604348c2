using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Sweep.Cli.Tests.Distributed;

/// <summary>
/// A real RabbitMQ server (Debian's rabbitmq-server) for the distributed tests: its own node name,
/// data directory and ports, listening on 127.0.0.1 only (AMQP and Erlang distribution), started
/// once for the collection and stopped afterwards. Tests may stop and start it (broker restart).
/// </summary>
public sealed class BrokerFixture : IAsyncLifetime
{
    private const string Server = "/usr/lib/rabbitmq/bin/rabbitmq-server";
    private const string Control = "/usr/lib/rabbitmq/bin/rabbitmqctl";
    private readonly string _directory = Directory.CreateTempSubdirectory("sweep-broker-").FullName;
    private Process? _server;

    public int Port { get; } = FreePort();

    private int DistributionPort { get; } = FreePort();

    /// <summary>The broker's own Prometheus endpoint (the rabbitmq_prometheus plugin), on 127.0.0.1.</summary>
    public int PrometheusPort { get; } = FreePort();

    private string Node => $"sweeptest{Port}@localhost";

    /// <summary>The URL workers and coordinators get through SWEEP_BROKER_URL (never argv).</summary>
    public string Url => $"amqp://guest:guest@127.0.0.1:{Port}/";

    public async Task InitializeAsync()
    {
        if (!File.Exists(Server))
        {
            throw new InvalidOperationException("rabbitmq-server is not installed; ./test.sh installs it (apt-get install rabbitmq-server)");
        }

        Directory.CreateDirectory(Path.Combine(_directory, "mnesia"));
        await File.WriteAllTextAsync(Path.Combine(_directory, "enabled_plugins"), "[rabbitmq_prometheus].");
        await File.WriteAllTextAsync(Path.Combine(_directory, "rabbitmq.conf"),
            $"listeners.tcp.default = 127.0.0.1:{Port}\nloopback_users = none\nprometheus.tcp.ip = 127.0.0.1\nprometheus.tcp.port = {PrometheusPort}\n");
        await StartAsync();
    }

    public async Task StartAsync()
    {
        var info = Info(Server);
        info.RedirectStandardOutput = info.RedirectStandardError = true;
        _server = Process.Start(info)!;
        _server.OutputDataReceived += (_, _) => { };
        _server.ErrorDataReceived += (_, _) => { };
        _server.BeginOutputReadLine();
        _server.BeginErrorReadLine();
        var deadline = DateTime.UtcNow.AddSeconds(90);
        while (!await AcceptsAsync())
        {
            if (DateTime.UtcNow > deadline || _server.HasExited)
            {
                throw new InvalidOperationException($"rabbitmq-server did not start on port {Port}; logs in {_directory}/log");
            }

            await Task.Delay(250);
        }

        // The port opens before the node is ready for clients.
        using var wait = Process.Start(Info(Control, "-n", Node, "await_startup", "--timeout", "60"))!;
        await wait.WaitForExitAsync();
    }

    public async Task StopAsync()
    {
        using var stop = Process.Start(Info(Control, "-n", Node, "stop"))!;
        await stop.WaitForExitAsync();
        if (_server is { HasExited: false })
        {
            await _server.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
        }
    }

    public async Task DisposeAsync()
    {
        try
        {
            await StopAsync();
        }
        finally
        {
            if (_server is { HasExited: false })
            {
                _server.Kill(entireProcessTree: true);
            }

            Directory.Delete(_directory, recursive: true);
        }
    }

    private ProcessStartInfo Info(string file, params string[] args)
    {
        var info = new ProcessStartInfo(file) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        info.Environment["HOME"] = _directory; // the Erlang cookie lives here, shared by server and rabbitmqctl
        info.Environment["RABBITMQ_NODENAME"] = Node;
        info.Environment["RABBITMQ_CONFIG_FILE"] = Path.Combine(_directory, "rabbitmq");
        info.Environment["RABBITMQ_MNESIA_BASE"] = Path.Combine(_directory, "mnesia");
        info.Environment["RABBITMQ_LOG_BASE"] = Path.Combine(_directory, "log");
        info.Environment["RABBITMQ_ENABLED_PLUGINS_FILE"] = Path.Combine(_directory, "enabled_plugins");
        info.Environment["RABBITMQ_DIST_PORT"] = DistributionPort.ToString();
        info.Environment["ERL_EPMD_ADDRESS"] = "127.0.0.1";
        info.Environment["RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS"] = "-kernel inet_dist_use_interface {127,0,0,1}";
        return info;
    }

    private async Task<bool> AcceptsAsync()
    {
        try
        {
            using var client = new TcpClient();
            await client.ConnectAsync(IPAddress.Loopback, Port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    internal static int FreePort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        int port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}

[CollectionDefinition("broker")]
public sealed class BrokerCollection : ICollectionFixture<BrokerFixture>;
