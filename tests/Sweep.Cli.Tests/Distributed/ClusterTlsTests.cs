using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography;
using System.Text.RegularExpressions;
using System.Security.Cryptography.X509Certificates;
using Sweep.Engine;

namespace Sweep.Cli.Tests.Distributed;

/// <summary>Cluster mode over mutually authenticated TLS with real processes: nodes holding the cluster's
/// certificate run the run; a worker with another certificate is refused (it exits 69, the coordinator
/// logs the refused handshake) and the run is unaffected; so is a peer without it on the result port.</summary>
[Collection("cluster")]
public class ClusterTlsTests
{
    private const string Spec = """
        name: tls
        models: [mtj]
        axes:
          h: {log: [1.0e-3, 1.0], n: 15}
          T: {lin: [0.05, 2.0], n: 10}
          J_T: {log: [0.05, 0.5], n: 4}
          S: {values: [50]}
          alpha_p: {values: [0.05]}
        bias: {lin: [-6, 6], n: 101, unit: h}
        observables: [Ns, i]
        chunk: 2
        """;

    [Fact]
    public async Task Nodes_with_the_cluster_certificate_complete_the_run_and_a_node_with_another_is_refused()
    {
        using var run = new RunHarness(Spec);
        string[] cluster = Certificate(run.Root, "cluster"), other = Certificate(run.Root, "other");
        using var nodes = new DistributedHarness(run);
        var coordinator = nodes.Coordinator("d", cluster);
        var intruder = nodes.Worker(other);
        var worker = nodes.Worker(cluster);
        // The result stream refuses what remoting refuses: another certificate, no certificate, no TLS at all.
        int resultPort = await nodes.ResultPort(coordinator);
        using (var otherCertificate = X509CertificateLoader.LoadPkcs12FromFile(other[1], File.ReadAllText(other[3]).Trim()))
        {
            await Knock(resultPort, otherCertificate);
        }

        await Knock(resultPort, null);
        using (var plain = new TcpClient())
        {
            await plain.ConnectAsync("127.0.0.1", resultPort);
            await plain.GetStream().WriteAsync("SWR1 results without TLS"u8.ToArray());
            await Task.Delay(200);
        }

        Assert.True(await nodes.ExitCode(coordinator) == 0, nodes.AllLogs());
        Assert.Contains("joined the cluster as akka.ssl.tcp://sweep@127.0.0.1:", nodes.Log(worker));
        Assert.Contains("go by reference to shared memory", nodes.Log(worker)); // the hello and acknowledgements over TLS
        Assert.True(await nodes.ExitCode(intruder, seconds: 40) == ExitCodes.Unavailable, nodes.Log(intruder));
        Assert.Contains($"could not join the cluster through its seed nodes 127.0.0.1:{nodes.SeedPort}", nodes.Log(intruder));
        Assert.DoesNotContain("serving run", nodes.Log(intruder));
        Assert.Contains("TLS handshake failed", nodes.Log(coordinator)); // the refused handshake, logged
        Assert.Contains("Certificate pinning failed", nodes.Log(coordinator));
        Assert.True(Regex.Count(nodes.Log(coordinator), @"result stream: refused 127\.0\.0\.1:\d+: the TLS handshake failed") >= 3, nodes.Log(coordinator));
        Assert.DoesNotContain(File.ReadAllText(cluster[3]).Trim(), nodes.AllLogs()); // never the password

        Assert.Equal(0, run.Run("embedded").ExitCode);
        var expected = run.ExportNpz("embedded");
        var actual = run.ExportNpz("d");
        Assert.All(expected, e => Assert.True(e.Value.AsSpan().SequenceEqual(actual[e.Key]), $"{e.Key} differs"));
    }

    /// <summary>A TLS handshake with the result port presenting <paramref name="certificate"/> (none: null), accepting any
    /// server; the refusal may reach this end only at its first read (TLS 1.3).</summary>
    private static async Task Knock(int port, X509Certificate2? certificate)
    {
        using var client = new TcpClient();
        await client.ConnectAsync("127.0.0.1", port);
        await using var tls = new SslStream(client.GetStream());
        try
        {
            await tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
            {
                TargetHost = "127.0.0.1",
                ClientCertificates = certificate is null ? null : [certificate],
                RemoteCertificateValidationCallback = (_, _, _, _) => true,
            });
            await tls.WriteAsync(new byte[20]);
            Assert.Equal(0, await tls.ReadAsync(new byte[1])); // closed by the server
        }
        catch (Exception ex) when (ex is AuthenticationException or IOException)
        {
            // refused during the handshake
        }
    }

    /// <summary>A self-signed certificate (as deploy/tls/make-cluster-cert.sh makes one), as the options that use it.</summary>
    private static string[] Certificate(string directory, string name)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=sweep-cluster", key, HashAlgorithmName.SHA256);
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1));
        string password = Convert.ToHexString(RandomNumberGenerator.GetBytes(16));
        string pfx = Path.Combine(directory, name + ".pfx"), passwordFile = Path.Combine(directory, name + ".password");
        File.WriteAllBytes(pfx, certificate.Export(X509ContentType.Pkcs12, password));
        File.WriteAllText(passwordFile, password + "\n");
        return ["--tls-cert", pfx, "--tls-password-file", passwordFile];
    }
}
