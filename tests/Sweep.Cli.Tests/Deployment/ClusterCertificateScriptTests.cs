using System.Diagnostics;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using Akka.Event;
using Akka.Remote.Transport.DotNetty;
using Sweep.Engine.Cluster;

namespace Sweep.Cli.Tests.Deployment;

/// <summary>
/// deploy/tls/make-cluster-cert.sh run for real (openssl from Debian): its files are private, open
/// with its password, and serve both ends of a mutually authenticated TLS connection under the pinning
/// the nodes use; a certificate from another run of the script is refused. It never overwrites.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")] // bash, openssl and Unix file modes
public sealed class ClusterCertificateScriptTests : IDisposable
{
    private static readonly string Script = Path.Combine(ModelsCommandTests.RepositoryRoot(), "deploy", "tls", "make-cluster-cert.sh");
    private readonly string _root = Directory.CreateTempSubdirectory("sweep-cert-").FullName;

    [Fact]
    public async Task Makes_a_private_pfx_and_password_that_a_node_validates_and_that_pins_to_itself()
    {
        string dir = Path.Combine(_root, "cluster");
        var (code, log) = Run(dir);
        Assert.True(code == 0, log);
        string pfx = Path.Combine(dir, "sweep-cluster.pfx"), password = Path.Combine(dir, "password");
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(pfx));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(password));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(dir));
        Assert.Matches("^[0-9a-f]{64}\n$", File.ReadAllText(password));

        // What a node does with it: valid on every interface with TLS, the password never printed.
        var settings = RemotingSettings.FromOptions("0.0.0.0:4053", "10.0.0.1", pfx, password, insecure: false, _ => null);
        settings.Validate();
        using var certificate = ClusterCertificate.Load(pfx, password, _ => null);
        Assert.Equal("CN=sweep-cluster", certificate.Subject);
        Assert.Contains($"thumbprint {certificate.Thumbprint}", log);
        Assert.DoesNotContain(File.ReadAllText(password).Trim(), log);

        Assert.True(await HandshakeAsync(certificate, certificate));

        // Another run makes another cluster: its certificate is refused, whichever end presents it.
        string otherDir = Path.Combine(_root, "other");
        Assert.Equal(0, Run(otherDir).ExitCode);
        using var other = ClusterCertificate.Load(Path.Combine(otherDir, "sweep-cluster.pfx"), Path.Combine(otherDir, "password"), _ => null);
        Assert.NotEqual(certificate.Thumbprint, other.Thumbprint);
        Assert.False(await HandshakeAsync(certificate, other));
        Assert.False(await HandshakeAsync(other, certificate));
    }

    [Fact]
    public void Never_overwrites_a_certificate_and_refuses_bad_arguments()
    {
        string dir = Path.Combine(_root, "cluster");
        Assert.Equal(0, Run(dir).ExitCode);
        byte[] before = File.ReadAllBytes(Path.Combine(dir, "sweep-cluster.pfx"));
        var again = Run(dir);
        Assert.Equal(73, again.ExitCode);
        Assert.Contains("already holds", again.Log);
        Assert.Equal(before, File.ReadAllBytes(Path.Combine(dir, "sweep-cluster.pfx")));

        Assert.Equal(64, Run().ExitCode);
        var days = Run(Path.Combine(_root, "x"), "0");
        Assert.Equal(64, days.ExitCode);
        Assert.Contains("DAYS must be a whole number of days in [1, 3650]", days.Log);
        Assert.False(Directory.Exists(Path.Combine(_root, "x")));
    }

    /// <summary>A TLS connection over loopback, both ends authenticated, each end validating the other
    /// with the pinned validator a node with <paramref name="server"/> or <paramref name="client"/> uses.</summary>
    private static async Task<bool> HandshakeAsync(X509Certificate2 server, X509Certificate2 client)
    {
        var serverValidator = ((DotNettySslSetup)ClusterCertificate.TlsSetup(server)).CustomValidator!;
        var clientValidator = ((DotNettySslSetup)ClusterCertificate.TlsSetup(client)).CustomValidator!;
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        try
        {
            using var tcpClient = new TcpClient();
            var accept = listener.AcceptTcpClientAsync();
            await tcpClient.ConnectAsync(IPAddress.Loopback, ((IPEndPoint)listener.LocalEndpoint).Port);
            using var tcpServer = await accept;
            await using var serverStream = new SslStream(tcpServer.GetStream());
            await using var clientStream = new SslStream(tcpClient.GetStream());
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            var serverSide = serverStream.AuthenticateAsServerAsync(new SslServerAuthenticationOptions
            {
                ServerCertificate = server,
                ClientCertificateRequired = true,
                RemoteCertificateValidationCallback = (_, c, chain, errors) => serverValidator(c as X509Certificate2, chain, "client", errors, NoLogger.Instance),
            }, timeout.Token);
            var clientSide = clientStream.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
            {
                TargetHost = "127.0.0.1",
                ClientCertificates = [client],
                RemoteCertificateValidationCallback = (_, c, chain, errors) => clientValidator(c as X509Certificate2, chain, "server", errors, NoLogger.Instance),
            }, timeout.Token);
            try
            {
                await Task.WhenAll(serverSide, clientSide);
                return serverStream.IsMutuallyAuthenticated;
            }
            catch (Exception ex) when (ex is AuthenticationException or IOException)
            {
                return false;
            }
        }
        finally
        {
            listener.Stop();
        }
    }

    private static (int ExitCode, string Log) Run(params string[] args)
    {
        var info = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true };
        info.ArgumentList.Add(Script);
        foreach (string arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEndAsync();
        string error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, output.Result + error);
    }

    public void Dispose() => Directory.Delete(_root, recursive: true);
}
