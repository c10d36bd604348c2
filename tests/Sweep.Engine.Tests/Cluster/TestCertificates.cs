using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Sweep.Engine.Tests.Cluster;

/// <summary>Self-signed cluster certificates made for a test (as deploy/tls/make-cluster-cert.sh makes
/// them: one key pair, CN=sweep-cluster), written as PKCS#12 files with a password file beside them in a
/// temporary directory that is deleted on dispose.</summary>
public sealed class TestCertificates : IDisposable
{
    public string Directory { get; } = System.IO.Directory.CreateTempSubdirectory("sweep-tls-").FullName;

    /// <summary>Writes NAME.pfx and NAME.password; returns their paths and the password.</summary>
    public (string Pfx, string PasswordFile, string Password) Make(string name, DateTimeOffset? notAfter = null)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=sweep-cluster", key, HashAlgorithmName.SHA256);
        var now = DateTimeOffset.UtcNow;
        var end = notAfter ?? now.AddDays(1);
        using var certificate = request.CreateSelfSigned(end < now ? end.AddDays(-1) : now.AddMinutes(-5), end);
        var password = Convert.ToHexString(RandomNumberGenerator.GetBytes(16));
        var pfx = Path.Combine(Directory, name + ".pfx");
        var passwordFile = Path.Combine(Directory, name + ".password");
        File.WriteAllBytes(pfx, certificate.Export(X509ContentType.Pkcs12, password));
        File.WriteAllText(passwordFile, password + "\n");
        return (pfx, passwordFile, password);
    }

    public void Dispose() => System.IO.Directory.Delete(Directory, recursive: true);
}
