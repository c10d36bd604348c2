namespace Sweep.Cli.Tests;

/// <summary>The NPZ export loads with numpy itself: shapes, dims, coordinates and NaN/status agree.
/// Needs a python3 with numpy; CI installs Debian's python3-numpy and sets SWEEP_REQUIRE_NUMPY=1,
/// so there the check cannot be skipped.</summary>
public class NumpyInteropTests
{
    private const string Spec = """
        name: np
        models: [magnon-junction, mtj]
        axes:
          h: {values: [0, 0.01, 0.5]}
          T: {lin: [0.2, 1.0], n: 4}
          J_T: {values: [0.1]}
          alpha_p: {values: [0.02, 0.2]}
        constants: {S: 5, eta: 1}
        bias: {lin: [-9, 9], n: 13, unit: h}
        observables: [L11, tau_plus, Ns, i]
        """;

    private const string Check = """
        import numpy as np, sys
        run = sys.argv[1]
        j = np.load(run + "/export/magnon-junction.npz")
        m = np.load(run + "/export/mtj.npz")
        assert list(j["dims"]) == ["h", "T", "J_T"], j["dims"]
        assert j["L11"].shape == (3, 4, 1) and j["L11"].dtype == np.float64
        assert list(m["dims"]) == ["h", "T", "J_T", "alpha_p", "v"], m["dims"]
        assert m["Ns"].shape == (3, 4, 1, 2, 13) and m["status"].dtype == np.uint8
        assert np.all(j["status"][0] == 2) and np.all(np.isnan(j["L11"][0]))        # h = 0: critical
        assert np.all(j["status"][1:] == 0) and np.all(j["L11"][1:] > 0)
        assert np.all(m["status"][0] == 2)                                          # h = 0: critical for mtj too
        assert np.any(m["status"] == 3) and np.all(np.isnan(m["i"][m["status"] == 3]))  # swasing flagged
        assert np.allclose(m["coord_v"], np.linspace(-9, 9, 13), rtol=0, atol=1e-15)
        assert m["coord_alpha_p"].tolist() == [0.02, 0.2]
        assert list(m["status_names"]) == ["ok", "invalid", "critical", "unstable", "outside"], m["status_names"]
        print("numpy ok", np.__version__)
        """;

    [Fact]
    public void Npz_loads_in_numpy_with_the_documented_layout()
    {
        string? python = PythonRunner.Find("numpy");
        if (python is null)
        {
            return; // no numpy on this machine: the byte-level tests in RunCommandTests still run
        }

        using var run = new RunHarness(Spec);
        Assert.Equal(0, run.Run("r").ExitCode);
        Assert.Equal(0, CliRunner.Run("export", run.RunDir("r")).ExitCode);
        var (code, output) = PythonRunner.Run(python, ["-c", Check, run.RunDir("r")]);
        Assert.True(code == 0, output);
        Assert.Contains("numpy ok", output);
    }
}
