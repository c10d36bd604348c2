using System.Net;
using Akka.Configuration;

namespace Sweep.Engine.Cluster;

/// <summary>
/// How this node's remoting listens and what it advertises (<c>akka.remote.dot-netty.tcp</c>). Plain TCP
/// is allowed only on loopback addresses unless <see cref="Insecure"/> says otherwise.
/// </summary>
/// <param name="Listen">Where to bind; port 0 picks a free port.</param>
/// <param name="PublicHost">The host name other nodes dial (default: the listen host).</param>
/// <param name="Insecure">Plain TCP on a non-loopback address, by explicit choice (warned about on every start).</param>
public sealed record RemotingSettings(HostPort Listen, string? PublicHost, bool Insecure)
{
    /// <summary>Largest remoting frame: the biggest message a node sends in one piece (results above
    /// <see cref="Messages.ResultPart"/>'s size travel in pieces), with room for the envelope.</summary>
    public const int MaximumFrameSize = 1024 * 1024;

    public const string InsecureWarning = "WARNING: --insecure: cluster remoting is plain TCP on a non-loopback address; " +
                                          "anyone who can reach this port can join the cluster and send it messages.";

    public string AdvertisedHost => PublicHost ?? Listen.Host;

    /// <summary>Plain TCP on a non-loopback address without <see cref="Insecure"/> is a usage error.</summary>
    public void Validate()
    {
        if (Listen.Host is "0.0.0.0" or "::" && PublicHost is null)
        {
            throw new UsageException($"--listen {Listen}: listening on every interface needs --public-host (the address other nodes dial)");
        }

        if (!Insecure && !(IsLoopback(Listen.Host) && IsLoopback(AdvertisedHost)))
        {
            throw new UsageException($"--listen {Listen}: plain TCP remoting is allowed on loopback addresses only; " +
                                     "give --insecure to accept an unauthenticated cluster on this network");
        }
    }

    public Config ToConfig() => ConfigurationFactory.ParseString($$"""
        akka.remote.dot-netty.tcp {
          hostname = "{{Listen.Host}}"
          port = {{Listen.Port}}
          public-hostname = "{{AdvertisedHost}}"
          maximum-frame-size = {{MaximumFrameSize}}b
          send-buffer-size = {{2 * MaximumFrameSize}}b
          receive-buffer-size = {{2 * MaximumFrameSize}}b
        }
        """);

    private static bool IsLoopback(string host) =>
        host == "localhost" || (IPAddress.TryParse(host, out var address) && IPAddress.IsLoopback(address));
}
