namespace Sweep.Worker.Cluster;

/// <summary>Failures a test makes a worker process suffer for real (hidden options of <c>sweep worker</c>).</summary>
/// <param name="CrashOnChunk">SIGKILL this process when it receives this chunk.</param>
/// <param name="CutUploadOfChunk">Write half of this chunk's result to the result stream, then SIGKILL this process:
/// the connection is cut inside a frame.</param>
public sealed record WorkerTestHooks(long? CrashOnChunk = null, long? CutUploadOfChunk = null)
{
    public static WorkerTestHooks None { get; } = new();
}
