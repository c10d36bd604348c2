using System.Net.Sockets;
using Akka.Actor;
using Akka.Configuration;
using Sweep.Engine.Cluster;
using AkkaCluster = Akka.Cluster.Cluster;
using MemberStatus = Akka.Cluster.MemberStatus;

namespace Sweep.Engine.Tests.Cluster;

/// <summary>
/// Real Akka.Remote/Akka.Cluster actor systems on 127.0.0.1 (random ports) with the settings a node
/// gets from <see cref="RemotingSettings"/>: the cluster's certificate lets a node join and deliver;
/// another certificate, plain TCP and garbage bytes get nowhere, are logged, and leave the node serving
/// (garbage bytes also on a node without TLS, loopback only).
/// </summary>
public sealed class TlsRemotingTests : IDisposable
{
    private static readonly TimeSpan JoinTimeout = TimeSpan.FromSeconds(20);
    private readonly TestCertificates _certificates = new();
    private readonly List<ActorSystem> _systems = [];
    private readonly (string Pfx, string PasswordFile, string Password) _cluster;

    public TlsRemotingTests() => _cluster = _certificates.Make("cluster");

    [Fact]
    public async Task Node_with_the_cluster_certificate_joins_and_delivers_and_no_log_holds_the_password()
    {
        var (seed, echo) = StartSeed();
        Assert.Equal(Settings(_cluster.Pfx, _cluster.PasswordFile).Protocol, AkkaCluster.Get(seed).SelfAddress.Protocol);
        Assert.Equal("akka.ssl.tcp", AkkaCluster.Get(seed).SelfAddress.Protocol);

        // The seed address as a node builds it from --seed HOST:PORT: the scheme is the settings' protocol.
        var member = StartNode(_cluster.Pfx, _cluster.PasswordFile);
        var seedAddress = new Address(Settings(_cluster.Pfx, _cluster.PasswordFile).Protocol, "sweep", "127.0.0.1", AkkaCluster.Get(seed).SelfAddress.Port);
        AkkaCluster.Get(member).JoinSeedNodes([seedAddress]);
        await UntilUp(seed, 2);
        await UntilUp(member, 2);

        var reply = await member.ActorSelection(EchoPath(seed)).Ask<string>("ping", TimeSpan.FromSeconds(10));
        Assert.Equal("pong:ping", reply);
        Assert.Equal([AkkaCluster.Get(member).SelfAddress], Echo.SendersOf(echo));

        // Debug logging with the whole configuration logged at start: the password appears nowhere.
        foreach (var system in _systems)
        {
            var lines = CapturingLogger.Of(system);
            Assert.Contains(lines, line => line.Contains("akka.remote.dot-netty.tcp", StringComparison.Ordinal) || line.Contains("dot-netty", StringComparison.Ordinal));
            Assert.DoesNotContain(lines, line => line.Contains(_cluster.Password, StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task Node_with_another_certificate_can_neither_join_nor_deliver_and_is_logged()
    {
        var (seed, echo) = StartSeed();
        var other = _certificates.Make("other"); // same subject CN=sweep-cluster, another key: pinning tells them apart
        var intruder = StartNode(other.Pfx, other.PasswordFile);
        AkkaCluster.Get(intruder).JoinSeedNodes([AkkaCluster.Get(seed).SelfAddress]);

        await Assert.ThrowsAsync<AskTimeoutException>(() => intruder.ActorSelection(EchoPath(seed)).Ask<string>("ping", TimeSpan.FromSeconds(4)));
        Assert.Empty(Echo.SendersOf(echo));
        Assert.Single(AkkaCluster.Get(seed).State.Members);
        Assert.DoesNotContain(AkkaCluster.Get(intruder).State.Members, m => m.Status == MemberStatus.Up);
        Assert.Contains(CapturingLogger.Of(seed), line => line.Contains("Certificate pinning failed", StringComparison.Ordinal));

        await AssertStillServes(seed, echo);
    }

    [Fact]
    public async Task Node_without_tls_cannot_reach_a_tls_node_which_logs_it_and_keeps_serving()
    {
        var (seed, echo) = StartSeed();
        var plain = StartNode(certificate: null, passwordFile: null);
        Assert.Equal(Settings(null, null).Protocol, AkkaCluster.Get(plain).SelfAddress.Protocol);
        var seedAddress = AkkaCluster.Get(seed).SelfAddress;
        var plainPath = $"akka.tcp://{seedAddress.System}@{seedAddress.Host}:{seedAddress.Port}/user/echo";

        await Assert.ThrowsAsync<AskTimeoutException>(() => plain.ActorSelection(plainPath).Ask<string>("ping", TimeSpan.FromSeconds(4)));
        Assert.Empty(Echo.SendersOf(echo));
        await Until(() => CapturingLogger.Of(seed).Any(line => line.Contains("TLS", StringComparison.Ordinal)), TimeSpan.FromSeconds(10));

        await AssertStillServes(seed, echo);
    }

    [Theory]
    [InlineData(true, "TLS handshake failed")]
    [InlineData(false, "Error caught channel")]
    public async Task Garbage_bytes_on_the_remoting_port_are_logged_and_the_node_keeps_serving(bool tls, string logged)
    {
        var (seed, echo) = StartSeed(tls);
        var address = AkkaCluster.Get(seed).SelfAddress;
        var garbage = new byte[64 * 1024];
        new Random(15).NextBytes(garbage);
        for (var attempt = 0; attempt < 3; attempt++)
        {
            using var client = new TcpClient();
            await client.ConnectAsync(address.Host!, address.Port!.Value);
            var stream = client.GetStream();
            try
            {
                await stream.WriteAsync(garbage);
                // The node closes the connection: reading ends (0 bytes or a reset), it does not hang.
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
                var buffer = new byte[4096];
                while (await stream.ReadAsync(buffer, timeout.Token) > 0)
                {
                }
            }
            catch (IOException)
            {
                // A reset while writing or reading is the node refusing the connection.
            }
        }

        await Until(() => CapturingLogger.Of(seed).Any(line => line.Contains(logged, StringComparison.Ordinal)), TimeSpan.FromSeconds(10));
        Assert.Empty(Echo.SendersOf(echo));
        await AssertStillServes(seed, echo, tls);
    }

    /// <summary>A node with the cluster certificate still joins the seed and gets its reply.</summary>
    private async Task AssertStillServes(ActorSystem seed, IActorRef echo, bool tls = true)
    {
        var member = tls ? StartNode(_cluster.Pfx, _cluster.PasswordFile) : StartNode(certificate: null, passwordFile: null);
        AkkaCluster.Get(member).JoinSeedNodes([AkkaCluster.Get(seed).SelfAddress]);
        await UntilUp(seed, 2);
        Assert.Equal("pong:again", await member.ActorSelection(EchoPath(seed)).Ask<string>("again", TimeSpan.FromSeconds(10)));
        Assert.Equal([AkkaCluster.Get(member).SelfAddress], Echo.SendersOf(echo));
    }

    private (ActorSystem Seed, IActorRef Echo) StartSeed(bool tls = true)
    {
        var seed = tls ? StartNode(_cluster.Pfx, _cluster.PasswordFile) : StartNode(certificate: null, passwordFile: null);
        AkkaCluster.Get(seed).Join(AkkaCluster.Get(seed).SelfAddress);
        return (seed, seed.ActorOf(Props.Create<Echo>(), "echo"));
    }

    private static RemotingSettings Settings(string? certificate, string? passwordFile) =>
        RemotingSettings.FromOptions("127.0.0.1:0", null, certificate, passwordFile, insecure: false, _ => null);

    private ActorSystem StartNode(string? certificate, string? passwordFile)
    {
        var settings = Settings(certificate, passwordFile);
        settings.Validate();
        var config = ConfigurationFactory.ParseString(CapturingLogger.Hocon + """

            akka.loglevel = DEBUG
            akka.log-config-on-start = on
            akka.actor.provider = cluster
            akka.cluster.seed-node-timeout = 1s
            akka.cluster.retry-unsuccessful-join-after = 1s
            akka.remote.retry-gate-closed-for = 500ms
            akka.coordinated-shutdown.run-by-clr-shutdown-hook = off
            akka.coordinated-shutdown.exit-clr = off
            """);
        var system = ActorSystem.Create("sweep", settings.ToActorSystemSetup(config));
        _systems.Add(system);
        return system;
    }

    private static string EchoPath(ActorSystem system) => AkkaCluster.Get(system).SelfAddress + "/user/echo";

    private static Task UntilUp(ActorSystem system, int members) =>
        Until(() => AkkaCluster.Get(system).State.Members.Count(m => m.Status == MemberStatus.Up) == members, JoinTimeout);

    private static async Task Until(Func<bool> condition, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"not reached within {timeout.TotalSeconds} s");
            await Task.Delay(100);
        }
    }

    public void Dispose()
    {
        Task.WaitAll([.. _systems.Select(s => s.Terminate())], TimeSpan.FromSeconds(15));
        foreach (var system in _systems)
        {
            CapturingLogger.Forget(system);
        }

        _certificates.Dispose();
    }

    /// <summary>Replies "pong:MESSAGE" and remembers the address of every sender.</summary>
    private sealed class Echo : ReceiveActor
    {
        private readonly List<Address> _senders = [];

        public Echo()
        {
            Receive<string>(text =>
            {
                _senders.Add(Sender.Path.Address);
                Sender.Tell("pong:" + text);
            });
            Receive<Senders>(_ => Sender.Tell(_senders.ToArray()));
        }

        public static Address[] SendersOf(IActorRef echo) => echo.Ask<Address[]>(new Senders(), TimeSpan.FromSeconds(5)).GetAwaiter().GetResult();

        private sealed record Senders;
    }
}
