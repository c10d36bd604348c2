using System.Diagnostics;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Akka.Actor;
using Akka.Configuration;
using Sweep.Engine.Cluster;

namespace Sweep.Benchmarks;

/// <summary>
/// What TLS costs the cluster's remoting: two actor systems in this process on 127.0.0.1, set up by
/// <see cref="RemotingSettings"/> exactly as nodes are, once with the cluster certificate and once in
/// plain TCP. Measures the first message (association and, with TLS, the handshake), the round trip
/// of a small message, and the one-way throughput of result-sized byte arrays.
/// Each figure is the best of <c>--repeat</c> fresh pairs of systems (default 3).
/// </summary>
public static class RemotingBenchmark
{
    public static async Task<int> RunAsync(string[] args)
    {
        int repeat = args.SkipWhile(a => a != "--repeat").Skip(1).Select(int.Parse).FirstOrDefault(3);
        Console.WriteLine($"machine: {Environment.ProcessorCount} cores, {Environment.OSVersion}, .NET {Environment.Version}");
        string directory = Directory.CreateTempSubdirectory("sweep-remoting-bench-").FullName;
        try
        {
            var (pfx, passwordFile) = MakeCertificate(directory);
            foreach (bool tls in new[] { false, true })
            {
                var results = new List<Result>();
                for (int i = 0; i < repeat; i++)
                {
                    results.Add(await MeasureAsync(tls ? pfx : null, tls ? passwordFile : null));
                }

                Console.WriteLine($"{(tls ? "TLS (mutual, pinned)" : "plain TCP"),-22}" +
                                  $"first message {results.Min(r => r.FirstMessage.TotalMilliseconds),7:F1} ms   " +
                                  $"round trip {results.Min(r => r.RoundTripMicroseconds),7:F1} µs   " +
                                  $"256 KiB messages {results.Max(r => r.MegabytesPerSecond),7:F1} MB/s");
            }
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }

        return 0;
    }

    private sealed record Result(TimeSpan FirstMessage, double RoundTripMicroseconds, double MegabytesPerSecond);

    private static async Task<Result> MeasureAsync(string? pfx, string? passwordFile)
    {
        var a = Start(pfx, passwordFile);
        var b = Start(pfx, passwordFile);
        try
        {
            var sink = a.ActorOf(Props.Create<Sink>(), "sink");
            var address = ((ExtendedActorSystem)a).Provider.DefaultAddress;
            // The first message opens the association: TCP connect, with TLS the handshake, Akka's handshake.
            var watch = Stopwatch.StartNew();
            var remote = await b.ActorSelection($"{address}/user/sink").ResolveOne(TimeSpan.FromSeconds(30)).ConfigureAwait(false);
            var first = watch.Elapsed;

            const int roundTrips = 2000;
            watch.Restart();
            for (int i = 0; i < roundTrips; i++)
            {
                await remote.Ask<int>(new Ping(), TimeSpan.FromSeconds(30)).ConfigureAwait(false);
            }

            double roundTrip = watch.Elapsed.TotalMicroseconds / roundTrips;

            const int messages = 800, size = 256 * 1024;
            var payload = new byte[size];
            Random.Shared.NextBytes(payload);
            watch.Restart();
            for (int i = 0; i < messages; i++)
            {
                remote.Tell(payload);
            }

            // The sink answers a ping after every message before it (one connection, in order).
            int received = await remote.Ask<int>(new Ping(), TimeSpan.FromSeconds(120)).ConfigureAwait(false);
            double seconds = watch.Elapsed.TotalSeconds;
            if (received != messages)
            {
                throw new InvalidOperationException($"{received} of {messages} messages arrived");
            }

            return new Result(first, roundTrip, messages * (double)size / seconds / 1e6);
        }
        finally
        {
            await Task.WhenAll(a.Terminate(), b.Terminate()).ConfigureAwait(false);
        }
    }

    private static ActorSystem Start(string? pfx, string? passwordFile)
    {
        var settings = RemotingSettings.FromOptions("127.0.0.1:0", null, pfx, passwordFile, insecure: false, _ => null);
        settings.Validate();
        var config = ConfigurationFactory.ParseString("""
            akka.actor.provider = remote
            akka.loglevel = WARNING
            akka.stdout-loglevel = WARNING
            akka.coordinated-shutdown.run-by-clr-shutdown-hook = off
            """);
        return ActorSystem.Create("sweep", settings.ToActorSystemSetup(config));
    }

    private static (string Pfx, string PasswordFile) MakeCertificate(string directory)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=sweep-cluster", key, HashAlgorithmName.SHA256);
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1));
        string password = Convert.ToHexString(RandomNumberGenerator.GetBytes(16));
        string pfx = Path.Combine(directory, "sweep-cluster.pfx"), passwordFile = Path.Combine(directory, "password");
        File.WriteAllBytes(pfx, certificate.Export(X509ContentType.Pkcs12, password));
        File.WriteAllText(passwordFile, password);
        return (pfx, passwordFile);
    }

    private sealed record Ping;

    /// <summary>Counts the byte arrays it receives; answers a ping with the count so far.</summary>
    private sealed class Sink : ReceiveActor
    {
        public Sink()
        {
            int count = 0;
            Receive<byte[]>(_ => count++);
            Receive<Ping>(_ => Sender.Tell(count));
        }
    }
}
