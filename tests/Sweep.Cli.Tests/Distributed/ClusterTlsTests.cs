using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Sweep.Engine;

namespace Sweep.Cli.Tests.Distributed;

/// <summary>Cluster mode over mutually authenticated TLS with real processes: nodes holding the cluster's
/// certificate run the run; a worker with another certificate is refused (it exits 69, the coordinator
/// logs the refused handshake) and the run is unaffected.</summary>
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
        Assert.True(await nodes.ExitCode(coordinator) == 0, nodes.AllLogs());
        Assert.Contains("joined the cluster as akka.ssl.tcp://sweep@127.0.0.1:", nodes.Log(worker));
        Assert.True(await nodes.ExitCode(intruder, seconds: 40) == ExitCodes.Unavailable, nodes.Log(intruder));
        Assert.Contains($"could not join the cluster through its seed nodes 127.0.0.1:{nodes.SeedPort}", nodes.Log(intruder));
        Assert.DoesNotContain("serving run", nodes.Log(intruder));
        Assert.Contains("TLS handshake failed", nodes.Log(coordinator)); // the refused handshake, logged
        Assert.Contains("Certificate pinning failed", nodes.Log(coordinator));
        Assert.DoesNotContain(File.ReadAllText(cluster[3]).Trim(), nodes.AllLogs()); // never the password

        Assert.Equal(0, run.Run("embedded").ExitCode);
        var expected = run.ExportNpz("embedded");
        var actual = run.ExportNpz("d");
        Assert.All(expected, e => Assert.True(e.Value.AsSpan().SequenceEqual(actual[e.Key]), $"{e.Key} differs"));
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
