using System.Diagnostics;
using System.IO.Compression;
using System.Runtime.InteropServices;
using System.Text.Json;

namespace Sweep.Cli.Tests;

/// <summary>A temporary directory with a spec file, and helpers to run, export and read results.</summary>
internal sealed class RunHarness : IDisposable
{
    public RunHarness(string spec)
    {
        Root = Directory.CreateTempSubdirectory("sweep-test-").FullName;
        SpecPath = Path.Combine(Root, "spec.yaml");
        File.WriteAllText(SpecPath, spec);
    }

    public string Root { get; }

    public string SpecPath { get; }

    public string RunDir(string name) => Path.Combine(Root, name);

    /// <summary>The run id a run directory's store was created with (the metrics' run label).</summary>
    public static string RunId(string runDir)
    {
        using var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={Path.Combine(runDir, "run.sqlite")};Pooling=False;Mode=ReadOnly");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT value FROM meta WHERE key = 'run_id'";
        return (string)command.ExecuteScalar()!;
    }

    public (int ExitCode, string Out, string Error) Run(string name, params string[] extra) =>
        CliRunner.Run(["run", SpecPath, "--output", RunDir(name), "--progress", "none", .. extra]);

    /// <summary>Exports NPZ and returns every array entry of every model file: "model/entry" → bytes.</summary>
    public Dictionary<string, byte[]> ExportNpz(string name)
    {
        var (code, output, error) = CliRunner.Run("export", RunDir(name), "--format", "npz");
        Assert.True(code == 0, error);
        var entries = new Dictionary<string, byte[]>();
        foreach (string file in output.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            using var zip = ZipFile.OpenRead(file);
            foreach (var entry in zip.Entries)
            {
                using var stream = entry.Open();
                using var copy = new MemoryStream();
                stream.CopyTo(copy);
                entries[$"{Path.GetFileNameWithoutExtension(file)}/{entry.Name}"] = copy.ToArray();
            }
        }

        return entries;
    }

    /// <summary>The float64 payload of an .npy entry (after its header).</summary>
    public static double[] Doubles(byte[] npy)
    {
        int headerLength = 10 + BitConverter.ToUInt16(npy, 8);
        return MemoryMarshal.Cast<byte, double>(npy.AsSpan(headerLength)).ToArray();
    }

    public static JsonElement Status(string runDir)
    {
        var (code, output, error) = CliRunner.Run("status", runDir, "--json");
        Assert.True(code == 0, error);
        return JsonDocument.Parse(output).RootElement;
    }

    /// <summary>Starts the built sweep program as its own process.</summary>
    public static Process Start(params string[] args) => Start([], args);

    /// <summary>As <see cref="Start(string[])"/>, with SIGINT's default action restored first (coreutils' <c>env --default-signal</c>), as in a
    /// terminal: a shell starts its background jobs (<c>.ci/run &amp;</c>) with SIGINT ignored, every process below inherits that, and .NET
    /// leaves a signal ignored at start ignored, as the shell means it to be.</summary>
    public static Process StartAsFromATerminal(params string[] args) => Start(DefaultSigint.Value, args);

    /// <summary>A prefix that starts a command with SIGINT's default action: coreutils' <c>env</c> (8.31 and later), else Python (which
    /// also undoes the SIGPIPE and SIGXFSZ it ignores itself).</summary>
    private static readonly Lazy<string[]> DefaultSigint = new(() =>
    {
        using var env = Process.Start(new ProcessStartInfo("env", ["--default-signal=INT", "true"]) { RedirectStandardError = true })!;
        env.WaitForExit();
        return env.ExitCode == 0
            ? ["env", "--default-signal=INT"]
            : ["/usr/bin/python3", "-c", "import os, signal, sys\nfor s in (signal.SIGINT, signal.SIGPIPE, signal.SIGXFSZ): signal.signal(s, signal.SIG_DFL)\nos.execvp(sys.argv[1], sys.argv[1:])"];
    });

    private static Process Start(string[] prefix, string[] args)
    {
        string[] command = [.. prefix, "dotnet", Path.Combine(AppContext.BaseDirectory, "sweep.dll"), .. args];
        var info = new ProcessStartInfo(command[0]) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (string arg in command[1..])
        {
            info.ArgumentList.Add(arg);
        }

        return Process.Start(info)!;
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
