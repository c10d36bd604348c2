using Sweep.Engine.Cluster;

namespace Sweep.Engine.Tests.Cluster;

/// <summary>The rules a node's remoting settings must pass before it binds a port (exit 64 otherwise),
/// and the HOCON they become.</summary>
public sealed class RemotingSettingsTests : IDisposable
{
    private readonly TestCertificates _certificates = new();

    private static Func<string, string?> NoEnvironment => _ => null;

    private static RemotingSettings Settings(string listen, string? publicHost = null, string? cert = null, string? passwordFile = null,
                                             bool insecure = false, Func<string, string?>? environment = null) =>
        RemotingSettings.FromOptions(listen, publicHost, cert, passwordFile, insecure, environment ?? NoEnvironment);

    [Theory]
    [InlineData("127.0.0.1:4053")]
    [InlineData("127.0.0.2:0")]
    [InlineData("localhost:4053")]
    [InlineData("[::1]:4053")]
    public void Loopback_without_tls_is_allowed_and_not_warned_about(string listen)
    {
        var settings = Settings(listen);
        settings.Validate();
        Assert.False(settings.Tls);
        Assert.Null(settings.InsecureWarning);
    }

    [Theory]
    [InlineData("0.0.0.0:4053")]
    [InlineData("10.1.2.3:4053")]
    [InlineData("node17.cluster:4053")]
    public void Non_loopback_without_tls_is_a_usage_error_naming_the_options(string listen)
    {
        var error = Assert.Throws<UsageException>(() => Settings(listen, publicHost: "10.1.2.3").Validate());
        Assert.Contains($"--listen {listen}", error.Message);
        Assert.Contains("--tls-cert", error.Message);
        Assert.Contains("--insecure", error.Message);
    }

    [Fact]
    public void Insecure_allows_any_address_and_warns()
    {
        var settings = Settings("0.0.0.0:4053", publicHost: "10.1.2.3", insecure: true);
        settings.Validate();
        Assert.Contains("--insecure", settings.InsecureWarning);
        Assert.Contains("0.0.0.0:4053", settings.InsecureWarning);
    }

    [Fact]
    public void Insecure_and_a_certificate_exclude_each_other()
    {
        var (pfx, passwordFile, _) = _certificates.Make("cluster");
        var error = Assert.Throws<UsageException>(() => Settings("127.0.0.1:4053", cert: pfx, passwordFile: passwordFile, insecure: true).Validate());
        Assert.Contains("--insecure and --tls-cert", error.Message);
    }

    [Theory]
    [InlineData("sweep-coordinator.sweep.svc")]
    [InlineData("10.0.0.7")]
    [InlineData("fe80::1")]
    public void Public_host_may_be_a_name_or_an_address(string host)
    {
        var settings = Settings("0.0.0.0:4053", publicHost: host, insecure: true);
        settings.Validate();
        Assert.Equal(host, settings.ToConfig().GetString("akka.remote.dot-netty.tcp.public-hostname"));
    }

    [Theory]
    [InlineData("a\"b")]
    [InlineData("node 1")]
    [InlineData("user@node")]
    public void Public_host_that_is_no_host_is_a_usage_error(string host)
    {
        var error = Assert.Throws<UsageException>(() => Settings("0.0.0.0:4053", publicHost: host, insecure: true).Validate());
        Assert.Contains($"--public-host '{host}' is not a host name or IP address", error.Message);
    }

    [Fact]
    public void Every_interface_needs_a_public_host()
    {
        var error = Assert.Throws<UsageException>(() => Settings("0.0.0.0:4053", insecure: true).Validate());
        Assert.Contains("--public-host", error.Message);
    }

    [Theory]
    [InlineData("127.0.0.1", "--listen '127.0.0.1' is not HOST:PORT")]
    [InlineData("127.0.0.1:", "is not HOST:PORT")]
    [InlineData("127.0.0.1:70000", "the port must be a number in [0, 65535]")]
    [InlineData("127.0.0.1:-1", "the port must be a number in [0, 65535]")]
    [InlineData("a b:4053", "is not a host name or IP address")]
    [InlineData("a\"b:4053", "is not a host name or IP address")]
    [InlineData("[::1:4053", "is not a host name or IP address")]
    public void Malformed_listen_address_is_a_usage_error(string listen, string expected)
    {
        var error = Assert.Throws<UsageException>(() => Settings(listen));
        Assert.Contains(expected, error.Message);
    }

    [Fact]
    public void Tls_with_the_right_password_validates_on_any_address()
    {
        var (pfx, passwordFile, _) = _certificates.Make("cluster");
        var settings = Settings("0.0.0.0:4053", publicHost: "sweep-coordinator.sweep.svc", cert: pfx, passwordFile: passwordFile);
        settings.Validate();
        Assert.True(settings.Tls);
        Assert.Null(settings.InsecureWarning);
        Assert.IsType<Akka.Remote.Transport.DotNetty.DotNettySslSetup>(settings.TlsSetup());
    }

    [Fact]
    public void Missing_certificate_file_names_the_option()
    {
        var missing = Path.Combine(_certificates.Directory, "absent.pfx");
        var error = Assert.Throws<UsageException>(() => Settings("127.0.0.1:0", cert: missing).Validate());
        Assert.Contains($"--tls-cert '{missing}': no such file", error.Message);
    }

    [Fact]
    public void Missing_password_file_names_the_option()
    {
        var (pfx, _, _) = _certificates.Make("cluster");
        var missing = Path.Combine(_certificates.Directory, "absent.password");
        var error = Assert.Throws<UsageException>(() => Settings("127.0.0.1:0", cert: pfx, passwordFile: missing).Validate());
        Assert.Contains($"--tls-password-file '{missing}' cannot be read", error.Message);
    }

    [Fact]
    public void Wrong_password_is_a_usage_error_that_does_not_contain_the_password()
    {
        var (pfx, _, right) = _certificates.Make("cluster");
        var wrongFile = Path.Combine(_certificates.Directory, "wrong.password");
        const string wrong = "Tr0ub4dor&3-not-the-password";
        File.WriteAllText(wrongFile, wrong);
        var error = Assert.Throws<UsageException>(() => Settings("127.0.0.1:0", cert: pfx, passwordFile: wrongFile).Validate());
        Assert.Contains("cannot be opened with the password from --tls-password-file", error.Message);
        Assert.DoesNotContain(wrong, error.ToString());
        Assert.DoesNotContain(right, error.ToString());
        Assert.Null(error.InnerException);
    }

    [Fact]
    public void Password_comes_from_the_environment_when_no_file_is_given()
    {
        var (pfx, _, password) = _certificates.Make("cluster");
        Settings("127.0.0.1:0", cert: pfx, environment: name => name == ClusterCertificate.PasswordVariable ? password : null).Validate();

        var error = Assert.Throws<UsageException>(() => Settings("127.0.0.1:0", cert: pfx).Validate());
        Assert.Contains("give --tls-password-file FILE or set SWEEP_TLS_PASSWORD", error.Message);
    }

    [Fact]
    public void Environment_fills_what_the_options_leave_out_and_options_win()
    {
        var (pfx, passwordFile, password) = _certificates.Make("cluster");
        var environment = new Dictionary<string, string>
        {
            [RemotingSettings.PublicHostVariable] = "10.0.0.7",
            [RemotingSettings.CertificateVariable] = pfx,
            [RemotingSettings.PasswordFileVariable] = passwordFile,
        };
        var fromEnvironment = Settings("0.0.0.0:4053", environment: environment.GetValueOrDefault);
        fromEnvironment.Validate();
        Assert.Equal(("10.0.0.7", pfx, passwordFile), (fromEnvironment.AdvertisedHost, fromEnvironment.TlsCertificateFile, fromEnvironment.TlsPasswordFile));
        Assert.Equal("10.0.0.8", Settings("0.0.0.0:4053", publicHost: "10.0.0.8", environment: environment.GetValueOrDefault).AdvertisedHost);

        // The record holds paths, never the password: its text (what a log of it would show) has none.
        Assert.DoesNotContain(password, fromEnvironment.ToString());
        Assert.DoesNotContain(password, fromEnvironment.ToConfig().ToString(true));
    }

    [Fact]
    public void Expired_certificate_is_refused()
    {
        var (pfx, passwordFile, _) = _certificates.Make("old", notAfter: DateTimeOffset.UtcNow.AddDays(-1));
        var error = Assert.Throws<UsageException>(() => Settings("127.0.0.1:0", cert: pfx, passwordFile: passwordFile).Validate());
        Assert.Contains("not now", error.Message);
    }

    [Fact]
    public void Password_file_without_certificate_is_a_usage_error()
    {
        var (_, passwordFile, _) = _certificates.Make("cluster");
        var error = Assert.Throws<UsageException>(() => Settings("127.0.0.1:0", passwordFile: passwordFile).Validate());
        Assert.Contains("--tls-password-file (or SWEEP_TLS_PASSWORD_FILE) needs --tls-cert", error.Message);
    }

    [Fact]
    public void Config_carries_address_frame_size_and_tls()
    {
        var (pfx, passwordFile, _) = _certificates.Make("cluster");
        var tcp = Settings("0.0.0.0:4053", publicHost: "sweep-coordinator.sweep.svc", cert: pfx, passwordFile: passwordFile)
            .ToConfig().GetConfig("akka.remote.dot-netty.tcp");
        Assert.Equal("0.0.0.0", tcp.GetString("hostname"));
        Assert.Equal(4053, tcp.GetInt("port"));
        Assert.Equal("sweep-coordinator.sweep.svc", tcp.GetString("public-hostname"));
        Assert.Equal(RemotingSettings.DefaultMaximumFrameSize, tcp.GetByteSize("maximum-frame-size"));
        Assert.True(tcp.GetBoolean("enable-ssl"));
        Assert.True(tcp.GetBoolean("ssl.require-mutual-authentication"));
        Assert.False(tcp.GetBoolean("ssl.suppress-validation"));
        Assert.Equal("", tcp.GetString("ssl.certificate.path", ""));

        var plain = Settings("127.0.0.1:2552").ToConfig().GetConfig("akka.remote.dot-netty.tcp");
        Assert.False(plain.GetBoolean("enable-ssl"));
        Assert.Equal("127.0.0.1", plain.GetString("public-hostname"));
        Assert.Null(Settings("127.0.0.1:2552").TlsSetup());
    }

    public void Dispose() => _certificates.Dispose();
}
