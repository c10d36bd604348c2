using Akka.Actor;
using Akka.Actor.Setup;
using Akka.Configuration;
using Akka.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Sweep.Engine.Actors;

namespace Sweep.Worker.Actors;

/// <summary>
/// The one actor system of a process, set up with Akka.Hosting: <see cref="SweepActorConfig.Hocon"/>
/// (the MessagePack serializer, the worker and store dispatchers); no network listener unless
/// <c>cluster</c> makes it a cluster node. Disposing stops the host, which runs the actor system's
/// coordinated shutdown (a cluster node leaves the cluster first) and terminates it.
/// </summary>
public sealed class ActorHost : IAsyncDisposable
{
    private readonly IHost _host;

    private ActorHost(IHost host)
    {
        _host = host;
        System = host.Services.GetRequiredService<ActorSystem>();
    }

    public ActorSystem System { get; }

    /// <param name="cluster">A cluster node's configuration (<see cref="Engine.Cluster.ClusterSettings.ToConfig"/>); null: no remoting.</param>
    /// <param name="tls">The remoting certificate (<see cref="Engine.Cluster.RemotingSettings.TlsSetup"/>), if TLS is on.</param>
    public static async Task<ActorHost> StartAsync(string name, CancellationToken cancel = default, Config? cluster = null, Setup? tls = null)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        // Signals belong to the run (Ctrl+C lets the chunks in flight finish and closes the store cleanly),
        // not to the generic host, whose console lifetime would stop the actors at the first SIGINT.
        builder.Services.AddSingleton<IHostLifetime, RunOwnedLifetime>();
        builder.Services.AddAkka(name, akka => (tls is null ? akka : akka.AddSetup(tls))
            .AddHocon(cluster is null ? SweepActorConfig.Hocon : cluster.WithFallback(SweepActorConfig.Hocon), HoconAddMode.Prepend)
            .ConfigureLoggers(loggers =>
            {
                loggers.LogLevel = Akka.Event.LogLevel.WarningLevel;
                loggers.ClearLoggers();
                loggers.AddLogger<StandardErrorLogger>();
            }));
        var host = builder.Build();
        await host.StartAsync(cancel);
        return new ActorHost(host);
    }

    public async ValueTask DisposeAsync()
    {
        await _host.StopAsync();
        _host.Dispose();
    }

    private sealed class RunOwnedLifetime : IHostLifetime
    {
        public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
