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

    // Long enough (seconds with one worker) to be read while it runs.
    private const string RunningSpec = """
        name: live
        models: [mtj]
        axes:
          h: {log: [1.0e-3, 1.0], n: 40}
          T: {lin: [0.05, 2.0], n: 25}
          J_T: {log: [0.05, 0.5], n: 20}
          S: {values: [50]}
          alpha_p: {values: [0.05]}
        bias: {lin: [-6, 6], n: 201, unit: h}
        observables: [Ns, i]
        chunk: 4
        """;

    // Run while the run runs, then again after it ended (argv[2] = "done"): numpy maps the array files
    // as they are being written; stored slices hold numbers or NaN with their status, the rest 255.
    private const string MapRunning = """
        import numpy as np, sys
        run, phase = sys.argv[1], sys.argv[2]
        status = np.load(run + "/arrays/mtj/status.npy", mmap_mode="r")
        ns = np.load(run + "/arrays/mtj/Ns.npy", mmap_mode="r")
        i = np.load(run + "/arrays/mtj/i.npy", mmap_mode="r")
        assert isinstance(ns, np.memmap) and ns.shape == (40, 25, 20, 1, 1, 201) and ns.dtype == np.float64, (type(ns), ns.shape)
        assert status.shape == ns.shape == i.shape and status.dtype == np.uint8
        done = np.count_nonzero(status != 255)
        assert set(np.unique(status)) <= {0, 1, 2, 3, 4, 255}, np.unique(status)
        if phase == "running":
            assert 0 < done < status.size, done
        else:
            assert done == status.size
            e = np.load(run + "/export/mtj.npz")
            assert np.array_equal(e["Ns"], ns, equal_nan=True) and np.array_equal(e["i"], i, equal_nan=True)
            assert np.array_equal(e["status"], status)
        ok = status == 0
        assert np.all(np.isfinite(ns[ok])), "a stored ok point is not a number"
        print("mapped", phase, done, "of", status.size)
        """;

    [Fact]
    public void A_running_run_s_array_files_map_in_numpy_and_equal_the_export_once_done()
    {
        string? python = PythonRunner.Find("numpy");
        if (python is null)
        {
            return;
        }

        using var run = new RunHarness(RunningSpec);
        string directory = run.RunDir("r");
        using (var process = RunHarness.Start("run", run.SpecPath, "--output", directory, "-j", "1", "--progress", "json", "--progress-interval", "0.05"))
        {
            long reported = 0;
            process.ErrorDataReceived += (_, e) =>
            {
                if (e.Data is { } line && line.StartsWith('{'))
                {
                    Interlocked.Exchange(ref reported, System.Text.Json.JsonDocument.Parse(line).RootElement.GetProperty("done_chunks").GetInt64());
                }
            };
            process.BeginErrorReadLine();
            var deadline = DateTime.UtcNow.AddSeconds(60);
            while (Interlocked.Read(ref reported) < 50 && !process.HasExited && DateTime.UtcNow < deadline)
            {
                Thread.Sleep(5);
            }

            var (running, output) = PythonRunner.Run(python, ["-c", MapRunning, directory, "running"]);
            Assert.False(process.HasExited, "the run ended before numpy read it");
            Assert.True(running == 0, output);
            Assert.Contains("mapped running", output);
            process.WaitForExit();
            Assert.Equal(0, process.ExitCode);
        }

        Assert.Equal(0, CliRunner.Run("export", directory).ExitCode);
        var (code, final) = PythonRunner.Run(python, ["-c", MapRunning, directory, "done"]);
        Assert.True(code == 0, final);
    }
}
