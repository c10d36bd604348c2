using System.Globalization;
using System.Net;

namespace Sweep.Engine.Cluster;

/// <summary>A HOST:PORT pair from the command line (<c>--listen</c>, <c>--seed</c>, <c>SWEEP_SEEDS</c>).</summary>
public sealed record HostPort(string Host, int Port)
{
    /// <summary>Parses HOST:PORT (an IPv6 address in brackets: [::1]:4053); <paramref name="option"/> names the
    /// option or variable in the message of the <see cref="UsageException"/> thrown for anything else.</summary>
    public static HostPort Parse(string text, string option)
    {
        var trimmed = text.Trim();
        var colon = trimmed.LastIndexOf(':');
        if (colon <= 0 || colon == trimmed.Length - 1)
        {
            throw new UsageException($"{option} '{text}' is not HOST:PORT (e.g. 127.0.0.1:4053)");
        }

        var host = trimmed[..colon];
        if (host.StartsWith('[') && host.EndsWith(']'))
        {
            host = host[1..^1];
        }

        if (!IsHost(host))
        {
            throw new UsageException($"{option} '{text}': '{host}' is not a host name or IP address");
        }

        if (!int.TryParse(trimmed[(colon + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port > 65535)
        {
            throw new UsageException($"{option} '{text}': the port must be a number in [0, 65535]");
        }

        return new HostPort(host, port);
    }

    /// <summary>A DNS name or an IPv4/IPv6 address; nothing else reaches the HOCON it is written into.</summary>
    public static bool IsHost(string host) => Uri.CheckHostName(host) is UriHostNameType.Dns or UriHostNameType.IPv4 or UriHostNameType.IPv6;

    /// <summary>True for 127.0.0.0/8, ::1 and the name localhost: only processes on this machine can reach
    /// them. Other names are not resolved (a name can change what it points to after the check).</summary>
    public bool IsLoopback =>
        string.Equals(Host, "localhost", StringComparison.OrdinalIgnoreCase)
        || (IPAddress.TryParse(Host, out var address) && IPAddress.IsLoopback(address));

    /// <summary>0.0.0.0 or ::, every interface of the machine: not an address another node can dial.</summary>
    public bool IsAnyAddress => IPAddress.TryParse(Host, out var address) && (address.Equals(IPAddress.Any) || address.Equals(IPAddress.IPv6Any));

    public override string ToString() => Host.Contains(':') ? $"[{Host}]:{Port}" : $"{Host}:{Port}";
}
