namespace Sweep.Worker.Cluster;

/// <summary>What one incarnation of a worker node's work source tells the process (thread-safe): counts
/// for the metrics, and the signals that end the incarnation.</summary>
public sealed class WorkerNodeState
{
    private readonly TaskCompletionSource _drained = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _lonely = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _held, _runs;
    private volatile bool _welcomed;

    /// <summary>Work items this node holds: queued or being evaluated.</summary>
    public int Held => Volatile.Read(ref _held);

    /// <summary>Runs this node serves.</summary>
    public int Runs => Volatile.Read(ref _runs);

    /// <summary>Completes once a stop was asked for and nothing is left in hand.</summary>
    public Task Drained => _drained.Task;

    /// <summary>Completes when the last coordinator node left the cluster.</summary>
    public Task LonelyTask => _lonely.Task;

    public void Update(int held, int runs, bool drained)
    {
        Volatile.Write(ref _held, held);
        Volatile.Write(ref _runs, runs);
        if (drained)
        {
            _drained.TrySetResult();
        }
    }

    public void Lonely() => _lonely.TrySetResult();

    /// <summary>True once the node learnt of a coordinator from the cluster's membership: a seed welcomed it.</summary>
    public bool Welcomed => _welcomed;

    public void Welcome() => _welcomed = true;
}
