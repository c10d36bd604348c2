namespace Sweep.Cli.Tests.Distributed;

/// <summary>An adaptive run through the cluster: the rounds' work items carry their lattice points over
/// remoting (MessagePack), so a coordinator and two worker processes give bitwise the embedded run's points.</summary>
[Collection("cluster")]
public class ClusterAdaptiveTests
{
    // The embedded adaptive tests' spec: J_T a grid axis, small chunks, several rounds.
    private const string Spec = Adaptive.AdaptiveRunTests.Spec;

    [Fact]
    public async Task An_adaptive_run_on_a_coordinator_and_two_workers_equals_the_embedded_one_bitwise()
    {
        using var run = new RunHarness(Spec);
        using var cluster = new DistributedHarness(run);
        var coordinator = cluster.Coordinator("c");
        cluster.Worker();
        cluster.Worker();
        Assert.True(await cluster.ExitCode(coordinator) == 0, cluster.AllLogs());

        Assert.Equal(0, run.Run("embedded").ExitCode);
        var expected = run.ExportNpz("embedded");
        var actual = run.ExportNpz("c");
        Assert.Contains("magnon-junction-points/L11.npy", expected.Keys);
        Assert.True(expected["magnon-junction-points/L11.npy"].Length > 300 * sizeof(double)); // refined past the 56-point coarse grid
        Assert.Equal(expected.Keys.Order(), actual.Keys.Order());
        Assert.All(expected, e => Assert.True(e.Value.AsSpan().SequenceEqual(actual[e.Key]), $"{e.Key} differs"));
    }
}
