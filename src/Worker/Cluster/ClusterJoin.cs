using Akka.Actor;
using Sweep.Engine.Cluster;

namespace Sweep.Worker.Cluster;

/// <summary>Waiting for this node to become an Up member of the cluster.</summary>
public static class ClusterJoin
{
    /// <summary>True once this node is Up; false if it gave up joining (no seed answered within
    /// <see cref="ClusterSettings.JoinTimeout"/>: the cluster extension then terminates the actor system) or <paramref name="stop"/> fired.</summary>
    public static async Task<bool> WaitUpAsync(ActorSystem system, CancellationToken stop)
    {
        var up = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Akka.Cluster.Cluster.Get(system).RegisterOnMemberUp(() => up.TrySetResult());
        var cancelled = Task.Delay(Timeout.Infinite, stop);
        return await Task.WhenAny(up.Task, system.WhenTerminated, cancelled) == up.Task;
    }

    /// <summary>The line that says no seed answered, naming each.</summary>
    public static string Unreachable(ClusterSettings settings) =>
        $"no seed node answered within {ClusterSettings.JoinTimeout.TotalSeconds:0} s: {string.Join(", ", settings.Seeds.Select(s => s.ToString()))} " +
        "(is a coordinator listening there, and is the port open?)";
}

/// <summary>This node could not join the cluster (no seed answered): exit 69.</summary>
public sealed class ClusterUnavailableException(string message) : Exception(message);
