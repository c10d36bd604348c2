using System.Net;
using System.Net.Sockets;

namespace Sweep.Cli.Tests;

/// <summary>TCP ports for the servers the tests start, picked before the process that binds them exists. Drawn below the kernel's
/// ephemeral range (<c>/proc/sys/net/ipv4/ip_local_port_range</c>), from which every outgoing connection and every bind to
/// port 0 takes its port: a port from there, free when picked, could be taken by one of the many connections the other tests'
/// processes open before its own process binds it. Never the same port twice in one test run.</summary>
internal static class TestPorts
{
    private static readonly HashSet<int> HandedOut = [];

    /// <summary>A port in [<paramref name="from"/>, <paramref name="to"/>) that nobody listens on now and no test was given before;
    /// by default one below the ephemeral range.</summary>
    public static int Free(int from = 10000, int to = 0)
    {
        to = to > 0 ? to : EphemeralLow;
        lock (HandedOut)
        {
            for (int tries = 0; ; tries++)
            {
                int port = from + Random.Shared.Next(to - from);
                if (tries < 10_000 && !HandedOut.Add(port))
                {
                    continue;
                }

                try
                {
                    using var listener = new TcpListener(IPAddress.Loopback, port);
                    listener.Start();
                    return port;
                }
                catch (SocketException)
                {
                }
            }
        }
    }

    /// <summary>The lowest port of the ephemeral range (Linux's default 32768 where it cannot be read).</summary>
    private static int EphemeralLow { get; } = ReadEphemeralLow();

    private static int ReadEphemeralLow()
    {
        try
        {
            string[] range = File.ReadAllText("/proc/sys/net/ipv4/ip_local_port_range").Split((char[])['\t', ' ', '\n'], StringSplitOptions.RemoveEmptyEntries);
            return Math.Max(int.Parse(range[0]), 11000);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
        {
            return 32768;
        }
    }
}
