namespace Sweep.Monitoring.Http;

/// <summary>
/// What <c>/healthz</c> and <c>/readyz</c> answer. Live: the process serves requests (a liveness
/// probe that failed on anything more would have Kubernetes restart every worker while its
/// coordinator restarts). Ready: the process does its job now (a member of the cluster, not shutting down), as
/// the owner's readiness check says.
/// </summary>
public sealed class Health
{
    private volatile Func<string?> _check = () => "starting";

    /// <summary>Null when ready, else why not.</summary>
    public string? NotReadyReason => _check();

    /// <summary>From now on readiness is <paramref name="check"/>: null when ready, else the reason.</summary>
    public void ReadyWhen(Func<string?> check) => _check = check;

    public void NotReady(string reason) => _check = () => reason;
}
