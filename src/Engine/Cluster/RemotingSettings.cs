using System.Globalization;
using System.Security.Cryptography.X509Certificates;
using Akka.Actor;
using Akka.Actor.Setup;
using Akka.Configuration;

namespace Sweep.Engine.Cluster;

/// <summary>
/// How a node talks to the others: Akka.Remote's DotNetty TCP transport on <see cref="Listen"/>,
/// advertised as <see cref="PublicHost"/>, over mutually authenticated TLS with the cluster's
/// certificate (<see cref="ClusterCertificate"/>) unless <see cref="Insecure"/>. Built from
/// <c>--listen</c>, <c>--public-host</c>, <c>--tls-cert</c>, <c>--tls-password-file</c>, <c>--insecure</c>
/// and their environment fallbacks; <see cref="Validate"/> before use. Holds no password.
/// </summary>
public sealed record RemotingSettings
{
    public const int DefaultPort = 4053;

    /// <summary>Every node must use the same value: a frame larger than the receiver's limit drops the
    /// association. Results do not travel through remoting (<see cref="ResultStream"/>): its messages are small,
    /// and no frame holds the single connection between two nodes (and the heartbeats behind it) for long.</summary>
    public const long DefaultMaximumFrameSize = 1024 * 1024;

    public const string PublicHostVariable = "SWEEP_PUBLIC_HOST";
    public const string CertificateVariable = "SWEEP_TLS_CERT";
    public const string PasswordFileVariable = "SWEEP_TLS_PASSWORD_FILE";

    /// <summary>Where the password variable is read (the process environment; tests give their own).</summary>
    private Func<string, string?> EnvironmentVariables { get; init; } = Environment.GetEnvironmentVariable;

    public required HostPort Listen { get; init; }

    /// <summary>The host other nodes dial; the listen host when not given.</summary>
    public string? PublicHost { get; init; }

    /// <summary>The cluster certificate (PKCS#12); TLS is on exactly when it is given.</summary>
    public string? TlsCertificateFile { get; init; }

    public string? TlsPasswordFile { get; init; }

    public bool Insecure { get; init; }

    public long MaximumFrameSize { get; init; } = DefaultMaximumFrameSize;

    public bool Tls => TlsCertificateFile is not null;

    public string AdvertisedHost => PublicHost ?? Listen.Host;

    /// <summary>The scheme of this node's actor addresses, and so of every seed address it dials: Akka.Remote
    /// names the TLS transport ssl.tcp, and a node has no transport for the other scheme.</summary>
    public string Protocol => Tls ? "akka.ssl.tcp" : "akka.tcp";

    /// <summary>Printed on every start with <c>--insecure</c>; null otherwise.</summary>
    public string? InsecureWarning => Insecure
        ? $"WARNING: --insecure: remoting on {Listen} is plain TCP without authentication or encryption; anyone who can reach " +
          "this port can join the cluster, take work and send results. Use --tls-cert with the cluster's certificate instead."
        : null;

    /// <summary>The options with their environment fallbacks (<see cref="PublicHostVariable"/>,
    /// <see cref="CertificateVariable"/>, <see cref="PasswordFileVariable"/>); an option wins over its variable.</summary>
    public static RemotingSettings FromOptions(string listen, string? publicHost, string? tlsCertificateFile, string? tlsPasswordFile,
                                               bool insecure, Func<string, string?>? environment = null)
    {
        environment ??= Environment.GetEnvironmentVariable;
        return new RemotingSettings
        {
            Listen = HostPort.Parse(listen, "--listen"),
            PublicHost = NonEmpty(publicHost) ?? NonEmpty(environment(PublicHostVariable)),
            TlsCertificateFile = NonEmpty(tlsCertificateFile) ?? NonEmpty(environment(CertificateVariable)),
            TlsPasswordFile = NonEmpty(tlsPasswordFile) ?? NonEmpty(environment(PasswordFileVariable)),
            Insecure = insecure,
            EnvironmentVariables = environment,
        };
    }

    /// <summary>Throws <see cref="UsageException"/> (exit 64) for settings a node must not start with,
    /// naming the option; with TLS it opens the certificate, so a wrong password fails here, before any
    /// port is bound.</summary>
    public void Validate()
    {
        if (Insecure && Tls)
        {
            throw new UsageException("--insecure and --tls-cert (or SWEEP_TLS_CERT) exclude each other: --insecure turns TLS off");
        }

        if (TlsPasswordFile is not null && !Tls)
        {
            throw new UsageException("--tls-password-file (or SWEEP_TLS_PASSWORD_FILE) needs --tls-cert (or SWEEP_TLS_CERT)");
        }

        if (!Tls && !Insecure && !Listen.IsLoopback)
        {
            throw new UsageException(
                $"--listen {Listen} is reachable from other machines, and remoting without TLS lets anyone who reaches it join the cluster: " +
                "give --tls-cert FILE with --tls-password-file FILE (or SWEEP_TLS_PASSWORD), listen on 127.0.0.1, or accept the risk with --insecure");
        }

        if (PublicHost is { } host && !HostPort.IsHost(host))
        {
            throw new UsageException($"--public-host '{host}' is not a host name or IP address");
        }

        if (Listen.IsAnyAddress && PublicHost is null)
        {
            throw new UsageException($"--listen {Listen} listens on every interface; give --public-host HOST (or SWEEP_PUBLIC_HOST), the address other nodes dial");
        }

        if (Tls)
        {
            ClusterCertificate.Load(TlsCertificateFile!, TlsPasswordFile, EnvironmentVariables).Dispose();
        }
    }

    /// <summary>The <c>akka.remote.dot-netty.tcp</c> HOCON. With TLS the certificate itself is not in it
    /// (no path, no password): it reaches Akka through <see cref="TlsSetup"/>.</summary>
    public Config ToConfig() => ConfigurationFactory.ParseString($$"""
        akka.remote.dot-netty.tcp {
          hostname = {{Quote(Listen.Host)}}
          port = {{Listen.Port.ToString(CultureInfo.InvariantCulture)}}
          public-hostname = {{Quote(AdvertisedHost)}}
          maximum-frame-size = {{MaximumFrameSize.ToString(CultureInfo.InvariantCulture)}}b
          enable-ssl = {{(Tls ? "on" : "off")}}
          ssl {
            require-mutual-authentication = on
            suppress-validation = off
            validate-certificate-hostname = off
          }
        }
        """);

    /// <summary>The certificate for Akka (see <see cref="ClusterCertificate.TlsSetup"/>); null without TLS.</summary>
    public Setup? TlsSetup() => Tls ? ClusterCertificate.TlsSetup(ClusterCertificate.Load(TlsCertificateFile!, TlsPasswordFile, EnvironmentVariables)) : null;

    /// <summary>The cluster certificate for the result stream (<see cref="ResultStream"/>); null without TLS.</summary>
    public X509Certificate2? Certificate() => Tls ? ClusterCertificate.Load(TlsCertificateFile!, TlsPasswordFile, EnvironmentVariables) : null;

    /// <summary>Everything an actor system of a node needs from these settings: <see cref="ToConfig"/> over
    /// <paramref name="config"/> (the cluster, delivery and serializer HOCON), and <see cref="TlsSetup"/>.</summary>
    public ActorSystemSetup ToActorSystemSetup(Config config)
    {
        var bootstrap = BootstrapSetup.Create().WithConfig(ToConfig().WithFallback(config));
        return TlsSetup() is { } tls ? bootstrap.And(tls) : ActorSystemSetup.Create(bootstrap);
    }

    private static string? NonEmpty(string? text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim();

    private static string Quote(string text) => "\"" + text + "\"";
}
