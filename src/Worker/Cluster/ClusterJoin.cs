using Akka.Actor;
using Sweep.Engine;
using Sweep.Engine.Cluster;
using Sweep.Worker.Actors;

namespace Sweep.Worker.Cluster;

/// <summary>Waiting for this node to become an Up member of the cluster.</summary>
public static class ClusterJoin
{
    /// <summary>Starts this node's actor system (remoting listening, joining the seeds); a listen address that
    /// cannot be bound is <see cref="ClusterUnavailableException"/> (exit 69), naming it.</summary>
    public static async Task<ActorHost> StartNodeAsync(ClusterSettings settings)
    {
        try
        {
            return await ActorHost.StartAsync(ClusterSettings.SystemName, CancellationToken.None, settings.ToConfig(), settings.Remoting.TlsSetup());
        }
        catch (Exception ex) when (ex is not UsageException and not OperationCanceledException)
        {
            throw new ClusterUnavailableException($"cannot listen on {settings.Remoting.Listen} (in use, or not an address of this machine): " +
                                                  ex.GetBaseException().Message);
        }
    }

    /// <summary>True once this node is Up; false if it gave up joining (no seed answered within
    /// <see cref="ClusterSettings.JoinTimeout"/>: the cluster extension then terminates the actor system) or <paramref name="stop"/> fired.</summary>
    public static async Task<bool> WaitUpAsync(ActorSystem system, CancellationToken stop)
    {
        var up = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Akka.Cluster.Cluster.Get(system).RegisterOnMemberUp(() => up.TrySetResult());
        var cancelled = Task.Delay(Timeout.Infinite, stop);
        return await Task.WhenAny(up.Task, system.WhenTerminated, cancelled) == up.Task;
    }

    /// <summary>The line that says the node could not join, naming each seed.</summary>
    public static string Unreachable(ClusterSettings settings) =>
        $"could not join the cluster through its seed nodes {string.Join(", ", settings.Seeds.Select(s => s.ToString()))}: none answered within " +
        $"{ClusterSettings.JoinTimeout.TotalSeconds:0} s (is a coordinator listening there, is the port open?), or they refused this node " +
        "(another cluster certificate, or TLS on one side only: see above)";
}

/// <summary>This node could not join the cluster (no seed answered): exit 69.</summary>
public sealed class ClusterUnavailableException(string message) : Exception(message);
