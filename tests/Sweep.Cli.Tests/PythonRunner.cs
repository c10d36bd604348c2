using System.Diagnostics;

namespace Sweep.Cli.Tests;

/// <summary>Runs Debian's python3 (numpy, h5py, xarray) on files the tests wrote. Where CI sets
/// SWEEP_REQUIRE_NUMPY=1 (test.sh installs the packages), a missing module fails the test instead of skipping it.</summary>
internal static class PythonRunner
{
    /// <summary>A python3 that imports every one of <paramref name="modules"/>, or null (then the caller skips, unless CI requires it).</summary>
    public static string? Find(params string[] modules)
    {
        string? python = new[] { "/usr/bin/python3", "python3" }.FirstOrDefault(p => Run(p, ["-c", "import " + string.Join(", ", modules)]).Code == 0);
        Assert.True(python is not null || Environment.GetEnvironmentVariable("SWEEP_REQUIRE_NUMPY") != "1",
            $"SWEEP_REQUIRE_NUMPY=1 but no python3 with {string.Join(", ", modules)} was found");
        return python;
    }

    public static (int Code, string Output) Run(string python, string[] args)
    {
        try
        {
            var info = new ProcessStartInfo(python) { RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (string arg in args)
            {
                info.ArgumentList.Add(arg);
            }

            using var process = Process.Start(info)!;
            var error = process.StandardError.ReadToEndAsync();
            string output = process.StandardOutput.ReadToEnd() + error.Result;
            process.WaitForExit();
            return (process.ExitCode, output);
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return (-1, "not found");
        }
    }
}
