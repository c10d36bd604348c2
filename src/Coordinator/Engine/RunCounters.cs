namespace Sweep.Coordinator.Engine;

/// <summary>Live counts of a run, written by the actors and read by progress reporting (thread-safe).</summary>
public sealed class RunCounters(long totalChunks, long totalEvaluations)
{
    private long _doneChunks, _doneEvaluations, _failedChunks, _retries, _redispatched, _duplicates, _inFlight, _malformed;
    private long _totalChunks = totalChunks, _totalEvaluations = totalEvaluations;

    public long TotalChunks => Interlocked.Read(ref _totalChunks);

    public long TotalEvaluations => Interlocked.Read(ref _totalEvaluations);

    /// <summary>An adaptive run's next round adds these chunks and evaluations to the totals.</summary>
    public void Extend(long chunks, long evaluations)
    {
        Interlocked.Add(ref _totalChunks, chunks);
        Interlocked.Add(ref _totalEvaluations, evaluations);
    }

    public long DoneChunks => Interlocked.Read(ref _doneChunks);

    public long DoneEvaluations => Interlocked.Read(ref _doneEvaluations);

    public long FailedChunks => Interlocked.Read(ref _failedChunks);

    public long Retries => Interlocked.Read(ref _retries);

    /// <summary>Chunks sent again because the worker node holding them left the cluster.</summary>
    public long Redispatches => Interlocked.Read(ref _redispatched);

    /// <summary>Results dropped because their chunk was already stored (at-least-once delivery).</summary>
    public long DuplicateResults => Interlocked.Read(ref _duplicates);

    public long InFlight => Interlocked.Read(ref _inFlight);

    /// <summary>Chunks neither stored nor abandoned: waiting to be dispatched, or in flight.</summary>
    public long Pending => TotalChunks - DoneChunks - FailedChunks;

    /// <summary>Messages dropped because they did not parse or did not fit the plan.</summary>
    public long MalformedMessages => Interlocked.Read(ref _malformed);

    public void Malformed() => Interlocked.Increment(ref _malformed);

    /// <summary>Evaluations stored before this process started (a resumed run).</summary>
    public long ResumedEvaluations { get; private set; }

    /// <summary>Chunks stored before this process started (a resumed run).</summary>
    public long ResumedChunks { get; private set; }

    public void Resumed(long chunks, long evaluations)
    {
        Interlocked.Add(ref _doneChunks, chunks);
        Interlocked.Add(ref _doneEvaluations, evaluations);
        ResumedChunks = chunks;
        ResumedEvaluations = evaluations;
    }

    private Func<long>? _workQueueDepth, _workers;

    /// <summary>Work items waiting for a worker (none: workers pull their work), if the runner reports it.</summary>
    public long? WorkQueueDepth => _workQueueDepth?.Invoke();

    /// <summary>Workers taking this run's work (embedded: worker actors; cluster: worker nodes Up).</summary>
    public long? Workers => _workers?.Invoke();

    /// <summary>Called by the runner: where the work queue depth and the worker count are read from.</summary>
    public void ObserveWork(Func<long> queueDepth, Func<long> workers)
    {
        _workQueueDepth = queueDepth;
        _workers = workers;
    }

    public void Stored(int evaluations)
    {
        Interlocked.Increment(ref _doneChunks);
        Interlocked.Add(ref _doneEvaluations, evaluations);
    }

    public void Failed() => Interlocked.Increment(ref _failedChunks);

    public void Retried() => Interlocked.Increment(ref _retries);

    public void Redispatched(long chunks) => Interlocked.Add(ref _redispatched, chunks);

    public void Duplicate() => Interlocked.Increment(ref _duplicates);

    public void SetInFlight(long count) => Interlocked.Exchange(ref _inFlight, count);
}
