using System.Globalization;
using System.Net;

namespace Sweep.Monitoring.Http;

/// <summary>Where the metrics server listens: <c>PORT</c> (every interface, as in a pod) or
/// <c>HOST:PORT</c> (e.g. <c>127.0.0.1:9464</c>); port 0 picks a free port.</summary>
public sealed record MetricsAddress(IPAddress Host, int Port)
{
    public static MetricsAddress Parse(string text)
    {
        int colon = text.LastIndexOf(':');
        string host = colon < 0 ? "" : text[..colon].Trim('[', ']'), port = colon < 0 ? text : text[(colon + 1)..];
        if (!int.TryParse(port, NumberStyles.None, CultureInfo.InvariantCulture, out int number) || number > 65535)
        {
            throw new FormatException($"--metrics-port: '{text}' is not PORT or HOST:PORT with PORT in 0…65535");
        }

        if (host.Length == 0)
        {
            return new MetricsAddress(IPAddress.Any, number);
        }

        if (host == "localhost")
        {
            return new MetricsAddress(IPAddress.Loopback, number);
        }

        return IPAddress.TryParse(host, out var address)
            ? new MetricsAddress(address, number)
            : throw new FormatException($"--metrics-port: '{host}' is not an IP address (use e.g. 127.0.0.1:{number} or just the port)");
    }
}
