using System.Globalization;

namespace Sweep.Engine.Cluster;

/// <summary>A node's address as the command line gives it: <c>HOST:PORT</c> (<c>[v6]:PORT</c> for IPv6).</summary>
public sealed record HostPort(string Host, int Port)
{
    /// <summary>Parses <paramref name="text"/>; a bad one is a usage error naming <paramref name="option"/>.</summary>
    public static HostPort Parse(string text, string option, bool allowAnyPort = false)
    {
        int colon = text.LastIndexOf(':');
        string host = colon > 0 ? text[..colon].Trim('[', ']') : "";
        int minimum = allowAnyPort ? 0 : 1;
        if (host.Length == 0 || host.Any(char.IsWhiteSpace)
            || !int.TryParse(text[(colon + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out int port) || port < minimum || port > 65535)
        {
            throw new UsageException($"{option} '{text}': expected HOST:PORT with PORT in {minimum}…65535");
        }

        return new HostPort(host, port);
    }

    public override string ToString() => Host.Contains(':') ? $"[{Host}]:{Port}" : $"{Host}:{Port}";
}
