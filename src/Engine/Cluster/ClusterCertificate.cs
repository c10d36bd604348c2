using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Akka.Remote.Transport.DotNetty;

namespace Sweep.Engine.Cluster;

/// <summary>
/// The cluster's certificate: one self-signed PKCS#12 file that every node of a cluster holds
/// (deploy/tls/make-cluster-cert.sh). A peer is accepted when it proves in the TLS handshake that it
/// holds the private key of exactly this certificate: Akka's chain validation would reject a
/// self-signed certificate, and suppressing it would accept any certificate, so the peer's certificate
/// is pinned to this one's thumbprint instead (Akka's <see cref="CertificateValidation.PinnedCertificate"/>).
/// The password is read here and nowhere else; it never enters HOCON, argv, a log or a message.
/// </summary>
public static class ClusterCertificate
{
    /// <summary>The password itself; only ever from the environment, never an option.</summary>
    public const string PasswordVariable = "SWEEP_TLS_PASSWORD";

    /// <summary>Loads <paramref name="certificateFile"/> with the password from <paramref name="passwordFile"/>,
    /// else from <see cref="PasswordVariable"/>. Throws <see cref="UsageException"/> naming the option at fault.</summary>
    public static X509Certificate2 Load(string certificateFile, string? passwordFile, Func<string, string?> environment)
    {
        if (!File.Exists(certificateFile))
        {
            throw new UsageException($"--tls-cert '{certificateFile}': no such file (a PKCS#12 .pfx; deploy/tls/make-cluster-cert.sh makes one)");
        }

        var (password, source) = passwordFile is not null
            ? (ReadPasswordFile(passwordFile), $"--tls-password-file '{passwordFile}'")
            : environment(PasswordVariable) is { } fromEnvironment
                ? (fromEnvironment, PasswordVariable)
                : ((string?)null, $"no password (give --tls-password-file FILE or set {PasswordVariable})");

        X509Certificate2 certificate;
        try
        {
            // Ephemeral: the private key stays in memory, nothing is written to a key store on disk.
            certificate = X509CertificateLoader.LoadPkcs12FromFile(certificateFile, password, X509KeyStorageFlags.EphemeralKeySet);
        }
        catch (CryptographicException)
        {
            // The library's message is not passed on: it adds nothing an operator can act on.
            throw new UsageException($"--tls-cert '{certificateFile}' cannot be opened with the password from {source}: wrong password, or not a PKCS#12 file");
        }

        if (!certificate.HasPrivateKey)
        {
            certificate.Dispose();
            throw new UsageException($"--tls-cert '{certificateFile}' holds no private key; a node proves it belongs to the cluster with it");
        }

        var now = DateTime.Now;
        if (now < certificate.NotBefore || now > certificate.NotAfter)
        {
            var (from, to) = (certificate.NotBefore, certificate.NotAfter);
            certificate.Dispose();
            throw new UsageException($"--tls-cert '{certificateFile}' is valid from {from:u} to {to:u}, not now; make a new one with deploy/tls/make-cluster-cert.sh");
        }

        return certificate;
    }

    /// <summary>Akka's TLS setup for this certificate: mutual authentication (both ends present it),
    /// the peer's certificate pinned to its thumbprint, no host-name check (nodes dial IP addresses and
    /// Service names that a shared certificate cannot all name).</summary>
    public static DotNettySslSetup TlsSetup(X509Certificate2 certificate) =>
        new(certificate, suppressValidation: false, requireMutualAuthentication: true, validateCertificateHostname: false,
            customValidator: CertificateValidation.PinnedCertificate(certificate.Thumbprint));

    /// <summary>The first line, as openssl's <c>-passin file:</c> reads it (the trailing newline is not part of it).</summary>
    private static string ReadPasswordFile(string passwordFile)
    {
        try
        {
            var text = File.ReadAllText(passwordFile);
            var end = text.IndexOfAny(['\r', '\n']);
            return end < 0 ? text : text[..end];
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new UsageException($"--tls-password-file '{passwordFile}' cannot be read: {ex.Message}");
        }
    }
}
