namespace Sweep.Cli.Tests.Adaptive;

/// <summary>numpy and h5py read the adaptive exports: the point table and the interpolated grid, with their shapes and values.</summary>
public class AdaptiveInteropTests
{
    private const string Spec = """
        name: interop
        models: [mtj]
        axes: {T: {lin: [0.02, 1.0], n: 3}}
        constants: {h: 1, S: 1.0e6, J_T: 0.5, P_L: 0.45, alpha_p: 2.546479089470325e-4}
        bias: {lin: [-6, 6], n: 7, unit: h}
        observables: [Ns, dIdV]
        adaptive: {axes: {v: 0.125, T: 0.1}, observables: {Ns: log}, budget: 200}
        """;

    private const string Check = """
        import sys, numpy as np, h5py
        d = sys.argv[1]
        text = lambda a: a.decode() if isinstance(a, bytes) else a  # fixed-length HDF5 strings read as bytes
        p = np.load(d + '/mtj-points.npz'); g = np.load(d + '/mtj-grid.npz')
        assert list(p['dims']) == ['point'] and list(g['dims']) == ['v', 'T'], (p['dims'], g['dims'])
        assert p['level'].dtype == np.int32 and p['status'].dtype == np.uint8 and p['Ns'].shape == p['v'].shape
        assert g['Ns'].shape == (25, 3) and g['status'].shape == (25, 3) and len(g['coord_v']) == 25
        ok = p['status'] == 0
        assert np.all(np.isfinite(p['Ns'][ok])) and np.all(np.isnan(p['Ns'][~ok])) and np.all(p['v'][~ok] > 4.44)
        assert np.all(g['status'][g['coord_v'] < 4, :] == 0) and np.any(g['status'] == 254)  # v = 4.5 straddles the threshold
        with h5py.File(d + '/mtj-grid.h5') as f:
            assert f['Ns'].shape == (25, 3) and text(f.attrs['dims']) == 'v T' and 'multilinear' in text(f.attrs['interpolation'])
            assert np.array_equal(f['Ns'][()], g['Ns'], equal_nan=True)
        with h5py.File(d + '/mtj-points.h5') as f:
            assert np.array_equal(f['v'][()], p['v']) and text(f['Ns'].attrs['units']) == '1'
        print('ok', int(ok.sum()))
        """;

    [Fact]
    public void Numpy_and_h5py_read_the_point_table_and_the_grid()
    {
        string? python = PythonRunner.Find("numpy", "h5py");
        if (python is null)
        {
            return; // no numpy/h5py here; CI (test.sh) installs them and requires this test
        }

        using var run = new RunHarness(Spec);
        Assert.Equal(0, run.Run("r").ExitCode);
        foreach (string format in new[] { "npz", "hdf5" })
        {
            var (code, _, error) = CliRunner.Run("export", run.RunDir("r"), "--format", format, "--grid", "v=lin:-6:6:25,T=lin:0.02:1:3");
            Assert.True(code == 0, error);
        }

        var (exit, output) = PythonRunner.Run(python, ["-c", Check, Path.Combine(run.RunDir("r"), "export")]);
        Assert.True(exit == 0, output);
        Assert.StartsWith("ok ", output);
    }
}
