using System.Globalization;
using System.Net;

namespace Sweep.Coordinator.Live;

/// <summary>Where the live view listens: <c>PORT</c> (loopback only: the page has no authentication) or
/// <c>HOST:PORT</c> to choose an interface; port 0 picks a free port.</summary>
public sealed record LiveAddress(IPAddress Host, int Port)
{
    public bool IsLoopback => IPAddress.IsLoopback(Host);

    /// <exception cref="FormatException">The text is not PORT or HOST:PORT with an IP address (or localhost) and a port in 0…65535.</exception>
    public static LiveAddress Parse(string text)
    {
        int colon = text.LastIndexOf(':');
        string host = colon < 0 ? "" : text[..colon].Trim('[', ']'), port = colon < 0 ? text : text[(colon + 1)..];
        if (!int.TryParse(port, NumberStyles.None, CultureInfo.InvariantCulture, out int number) || number > 65535)
        {
            throw new FormatException($"--serve: '{text}' is not PORT or HOST:PORT with PORT in 0…65535");
        }

        if (host.Length == 0 || host == "localhost")
        {
            return new LiveAddress(IPAddress.Loopback, number);
        }

        return IPAddress.TryParse(host, out var address)
            ? new LiveAddress(address, number)
            : throw new FormatException($"--serve: '{host}' is not an IP address (use e.g. 0.0.0.0:{number} for every interface, or just the port for loopback)");
    }
}
