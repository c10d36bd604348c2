using System.CommandLine;
using Sweep.Engine;
using Sweep.Engine.Cluster;

namespace Sweep.Worker;

/// <summary>The cluster options of <c>sweep coordinator</c> and <c>sweep worker</c> (docs/ENGINE.md, "Cluster"),
/// with their environment fallbacks <c>SWEEP_SEEDS</c> and <c>SWEEP_PUBLIC_HOST</c>.</summary>
public sealed class ClusterOptions
{
    public const string SeedsVariable = "SWEEP_SEEDS", PublicHostVariable = "SWEEP_PUBLIC_HOST";

    private readonly Option<string?> _listen;
    private readonly Option<string?> _publicHost = new("--public-host")
    {
        Description = $"Host name or address other nodes dial to reach this one (default: ${PublicHostVariable}, else the --listen host)",
    };

    private readonly Option<string[]> _seeds;
    private readonly Option<bool> _insecure = new("--insecure")
    {
        Description = "Allow plain-TCP remoting on a non-loopback address (unauthenticated; warned about on every start)",
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
            AllowMultipleArgumentsPerToken = false,
        };
        foreach (var option in new Option[] { _listen, _publicHost, _seeds, _insecure })
        {
            command.Options.Add(option);
        }
    }

    public ClusterSettings Resolve(ParseResult parse)
    {
        var listen = HostPort.Parse(parse.GetValue(_listen)!, "--listen", allowAnyPort: _role == ClusterSettings.WorkerRole);
        string? publicHost = parse.GetValue(_publicHost) ?? NonEmpty(Environment.GetEnvironmentVariable(PublicHostVariable));
        var given = parse.GetValue(_seeds) ?? [];
        var seeds = (given.Length > 0 ? given : (Environment.GetEnvironmentVariable(SeedsVariable) ?? "").Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
            .Select(s => HostPort.Parse(s, given.Length > 0 ? "--seed" : SeedsVariable)).ToList();
        if (_role == ClusterSettings.WorkerRole && seeds.Count == 0)
        {
            throw new UsageException($"a worker needs --seed HOST:PORT (or ${SeedsVariable}): the coordinator to join");
        }

        var remoting = new RemotingSettings(listen, publicHost, parse.GetValue(_insecure));
        remoting.Validate();
        return new ClusterSettings(remoting, _role, seeds);
    }

    private static string? NonEmpty(string? text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim();
}
