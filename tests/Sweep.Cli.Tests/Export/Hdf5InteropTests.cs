namespace Sweep.Cli.Tests.Export;

/// <summary>The HDF5 export opened by h5py and by xarray (h5netcdf engine): named dimensions with
/// their coordinate values, units, provenance, and every array equal to the NPZ export of the same
/// run, also for a partial run (missing chunks: NaN and status 255).</summary>
public class Hdf5InteropTests
{
    private const string Spec = """
        name: h5
        models: [magnon-junction, mtj, spin-chain]
        axes:
          h: {values: [0, 0.01, 0.5]}
          T: {lin: [0.2, 1.0], n: 4}
          J_T: {values: [0.1]}
          alpha_p: {log: [0.02, 0.2], n: 3}
          N: {values: [3, 4]}
        constants: {S: 5, eta: 1}
        bias: {lin: [-9, 9], n: 13, unit: h}
        time: {lin: [0, 2], n: 5}
        observables: [L11, tau_plus, Ns, i, impurity]
        chunk: 5
        """;

    private const string Check = """
        import sys, h5py, numpy as np, xarray as xr
        export = sys.argv[1]
        for model, dims, units in [("magnon-junction", ["h", "T", "J_T", "t"], {"h": "energy", "L11": "1", "tau_plus": "1/energy"}),
                                   ("mtj", ["h", "T", "J_T", "alpha_p", "v"], {"v": "h", "alpha_p": "1", "Ns": "1", "i": "G0 ħΩ/e"}),
                                   ("spin-chain", ["N", "t"], {"t": "1/J0", "impurity": "1"})]:
            npz = np.load(f"{export}/{model}.npz")
            with h5py.File(f"{export}/{model}.h5", "r") as f:
                assert f.attrs["model"] == model.encode(), f.attrs["model"]
                assert len(f.attrs["spec_hash"]) == 64 and b"name: h5" in bytes(f.attrs["spec"])
                assert f.attrs["program_version"].startswith(b"0.")
                names = [o for o in npz.files if not o.startswith("coord_") and o not in ("dims", "status_names")]
                for name in names:
                    d = f[name]
                    assert [dim[0].name for dim in d.dims] == ["/" + x for x in dims], (name, [dim[0].name for dim in d.dims])
                    assert np.array_equal(d[...], npz[name], equal_nan=True), name
                    if name != "status":
                        assert d.compression == "gzip" and d.chunks is not None, name
                for dim in dims:
                    assert f[dim].attrs["CLASS"] == b"DIMENSION_SCALE"
                    assert np.array_equal(f[dim][...], npz["coord_" + dim])
                meanings = f["status"].attrs["flag_meanings"].split()
                assert meanings[:4] == [b"ok", b"invalid", b"critical", b"unstable"] and meanings[-1] == b"missing"
                assert list(f["status"].attrs["flag_values"][-1:]) == [255]
            ds = xr.open_dataset(f"{export}/{model}.h5", engine="h5netcdf")
            for name in names:
                assert list(ds[name].dims) == dims, (name, ds[name].dims)
                assert np.array_equal(ds[name].values, npz[name], equal_nan=True), name
            for dim in dims:
                assert np.array_equal(ds[dim].values, npz["coord_" + dim]), dim
            for name, unit in units.items():
                assert ds[name].attrs["units"] == unit, (name, ds[name].attrs["units"], unit)
            ds.close()
            print(model, dict(zip(dims, npz["status"].shape)), "missing", int((npz["status"] == 255).sum()))
        print("hdf5 ok", h5py.version.hdf5_version, xr.__version__)
        """;

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Hdf5_opens_in_h5py_and_xarray_with_named_dimensions_equal_to_the_npz(bool partial)
    {
        string? python = PythonRunner.Find("numpy", "h5py", "xarray", "h5netcdf");
        if (python is null)
        {
            return; // no h5py/xarray here and CI does not require them
        }

        using var run = new RunHarness(Spec);
        Assert.Equal(0, run.Run("r", partial ? ["--shard", "0/3"] : []).ExitCode);
        string export = Path.Combine(run.Root, "export");
        foreach (string format in new[] { "hdf5", "npz" })
        {
            var (code, _, error) = CliRunner.Run("export", run.RunDir("r"), "--format", format, "-o", export);
            Assert.True(code == 0, error);
        }

        var (exit, output) = PythonRunner.Run(python, ["-c", Check, export]);
        Assert.True(exit == 0, output);
        Assert.Contains("hdf5 ok", output);
        Assert.Equal(partial, !output.Contains("mtj {'h': 3, 'T': 4, 'J_T': 1, 'alpha_p': 3, 'v': 13} missing 0", StringComparison.Ordinal));
    }

    [Fact]
    public void A_model_without_dimensions_exports_scalars_in_both_formats()
    {
        string? python = PythonRunner.Find("numpy", "h5py");
        if (python is null)
        {
            return;
        }

        using var run = new RunHarness("name: one\nmodels: [pair-tunneling]\nconstants: {T: 0.5}\n");
        Assert.Equal(0, run.Run("r").ExitCode);
        string export = Path.Combine(run.Root, "export");
        foreach (string format in new[] { "hdf5", "npz" })
        {
            var (code, _, error) = CliRunner.Run("export", run.RunDir("r"), "--format", format, "-o", export);
            Assert.True(code == 0, error);
        }

        const string check = """
            import sys, h5py, numpy as np
            n = np.load(sys.argv[1] + "/pair-tunneling.npz")
            with h5py.File(sys.argv[1] + "/pair-tunneling.h5", "r") as f:
                for k in ["mu_B", "G_over_S", "T_c", "status"]:
                    assert f[k].shape == () == n[k].shape and f[k][()] == n[k][()], k
                assert f["status"][()] == 0 and f["G_over_S"][()] > 1
            print("scalars ok")
            """;
        var (exit, output) = PythonRunner.Run(python, ["-c", check, export]);
        Assert.True(exit == 0, output);
        Assert.Contains("scalars ok", output);
    }
}
