using System.CommandLine;
using Sweep.Engine;
using Sweep.Engine.Cluster;

namespace Sweep.Worker;

/// <summary>The cluster options of <c>sweep coordinator</c> and <c>sweep worker</c> (docs/ENGINE.md, "Cluster"),
/// with their environment fallbacks (<c>SWEEP_SEEDS</c>, and those of <see cref="RemotingSettings.FromOptions"/>).</summary>
public sealed class ClusterOptions
{
    public const string SeedsVariable = "SWEEP_SEEDS";

    private readonly Option<string?> _listen;
    private readonly Option<string?> _publicHost = new("--public-host")
    {
        Description = $"Host name or address other nodes dial to reach this one (default: ${RemotingSettings.PublicHostVariable}, else the --listen host)",
    };

    private readonly Option<string[]> _seeds;
    private readonly Option<string?> _certificate = new("--tls-cert")
    {
        Description = $"The cluster's certificate (PKCS#12 .pfx): mutually authenticated TLS remoting (default: ${RemotingSettings.CertificateVariable})",
    };

    private readonly Option<string?> _passwordFile = new("--tls-password-file")
    {
        Description = $"File holding the certificate's password (default: ${RemotingSettings.PasswordFileVariable}, else ${ClusterCertificate.PasswordVariable})",
    };

    private readonly Option<bool> _insecure = new("--insecure")
    {
        Description = "Allow plain-TCP remoting on a non-loopback address (unauthenticated; warned about on every start)",
    };

    private readonly Option<int?> _resultPort = new("--result-port")
    {
        Description = "PORT of this coordinator's result stream, on the --listen host: workers send results there, beside remoting " +
                      "(default: the --listen port + 1; 0 picks a free one)",
    };

    private readonly string _role;

    public ClusterOptions(Command command, string role)
    {
        _role = role;
        bool coordinator = role == ClusterSettings.CoordinatorRole;
        _listen = new Option<string?>("--listen")
        {
            Description = coordinator
                ? "HOST:PORT this coordinator's cluster remoting listens on (workers give it as --seed)"
                : "HOST:PORT this worker's cluster remoting listens on; port 0 picks a free one",
            DefaultValueFactory = _ => coordinator ? null : "127.0.0.1:0",
            Required = coordinator,
        };
        _seeds = new Option<string[]>("--seed")
        {
            Description = coordinator
                ? "HOST:PORT of a node of an existing cluster to join (repeatable); default: this coordinator starts the cluster"
                : $"HOST:PORT of a coordinator to join (repeatable; default: ${SeedsVariable}, comma-separated)",
        };
        foreach (var option in new Option[] { _listen, _publicHost, _seeds, _certificate, _passwordFile, _insecure })
        {
            command.Options.Add(option);
        }

        if (coordinator)
        {
            command.Options.Add(_resultPort);
        }
    }

    public ClusterSettings Resolve(ParseResult parse)
    {
        var remoting = RemotingSettings.FromOptions(parse.GetValue(_listen)!, parse.GetValue(_publicHost), parse.GetValue(_certificate),
            parse.GetValue(_passwordFile), parse.GetValue(_insecure));
        remoting.Validate();
        if (_role == ClusterSettings.CoordinatorRole && remoting.Listen.Port == 0)
        {
            throw new UsageException("--listen: a coordinator needs a fixed port (workers dial it); port 0 picks a random one");
        }

        var given = parse.GetValue(_seeds) ?? [];
        string source = given.Length > 0 ? "--seed" : SeedsVariable;
        var seeds = (given.Length > 0 ? given : (Environment.GetEnvironmentVariable(SeedsVariable) ?? "").Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
            .Select(s => HostPort.Parse(s, source) is { Port: > 0 } seed ? seed : throw new UsageException($"{source} '{s}': a seed needs its port (1…65535)"))
            .ToList();
        if (_role == ClusterSettings.WorkerRole && seeds.Count == 0)
        {
            throw new UsageException($"a worker needs --seed HOST:PORT (or ${SeedsVariable}): the coordinator to join");
        }

        int resultPort = 0;
        if (_role == ClusterSettings.CoordinatorRole)
        {
            resultPort = parse.GetValue(_resultPort) ?? remoting.Listen.Port + 1;
            if (resultPort is < 0 or > 65535 || resultPort == remoting.Listen.Port)
            {
                throw new UsageException($"--result-port {resultPort}: a port from 1 to 65535 other than the --listen port, or 0 for a free one " +
                                         "(the default, the --listen port + 1, needs a --listen port below 65535)");
            }
        }

        return new ClusterSettings(remoting, _role, seeds) { ResultPort = resultPort };
    }
}
