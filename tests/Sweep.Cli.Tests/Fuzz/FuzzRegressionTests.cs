using System.Text.Json;

namespace Sweep.Cli.Tests.Fuzz;

/// <summary>Each failure the fuzzers found, as a plain test of its own.</summary>
public class FuzzRegressionTests
{
    [Theory]
    // YamlDotNet's scanner threw InvalidOperationException (exit 70) on this flow mapping.
    [InlineData("name: a\nmodels: [mtj]\nconstants: {h: 1, S: 2, J[_T: 0.2}\n", "(document)")]
    // A figure without x was a KeyNotFoundException (exit 70).
    [InlineData("name: a\nmodels: [nf-interface]\naxes:\n  T: {lin: [0.1, 1], n: 3}\nconstants: {h: 1, J_T: 0.1, S: 1}\nfigures:\n  - name: f\n    y: g_s\n", "figures[0].x")]
    public void Malformed_specs_found_by_the_fuzzer_exit_65_naming_the_field(string spec, string field)
    {
        using var run = new RunHarness(spec);
        var (code, _, error) = run.Run("out");
        Assert.Equal(65, code);
        Assert.Contains(field, error);
        Assert.Single(error.TrimEnd().Split('\n'));
        Assert.False(Directory.Exists(run.RunDir("out")));
    }

    [Theory]
    // γ = 5e-324 hung the pair integration forever; γ³ underflowed to a null G/S below ~1e-102.
    [InlineData("pair-tunneling", "T=1", "gamma=5e-324", "invalid")]
    [InlineData("pair-tunneling", "T=1", "gamma=1e-12", "ok")]
    // V_c was null on ok points when P_L, J_T or G0/Gφ underflowed the damping ratio.
    [InlineData("mtj", "h=1", "P_L=5e-324", "invalid")]
    [InlineData("mtj", "h=1", "P_L=1e-6", "ok")]
    [InlineData("mtj", "h=1", "G0_over_Gphi=1e-6", "ok")]
    // T2 = 5e-324 made β = 1/T infinite and the spin chain's level sum never ended.
    [InlineData("spin-chain", "T1=0", "T2=5e-324", "ok")]
    // τ± were null when A = J_T²/(8π³J³S) underflowed.
    [InlineData("magnon-junction", "h=1", "J_T=5e-324", "invalid")]
    [InlineData("magnon-junction", "h=1", "J_T=1e-10", "ok")]
    public void Extreme_parameters_found_by_the_fuzzer_are_refused_or_finite(string model, string first, string extreme, string status)
    {
        string[] required = model switch
        {
            "mtj" => ["T=1", "S=100", "alpha_p=0.05", "J_T=0.2"],
            "magnon-junction" => ["T=1", "S=1"],
            _ => [],
        };
        var args = new List<string> { "eval", model, "--json", "--set", first, "--set", extreme };
        foreach (string r in required.Where(r => !extreme.StartsWith(r.Split('=')[0] + "=", StringComparison.Ordinal)))
        {
            args.AddRange(["--set", r]);
        }

        if (model == "magnon-junction" && !extreme.StartsWith("J_T", StringComparison.Ordinal))
        {
            args.AddRange(["--set", "J_T=0.05"]);
        }

        var (code, output, error) = CliRunner.Run(args.ToArray());
        Assert.True(code == (status == "invalid" ? 65 : 0), error);
        var answer = JsonDocument.Parse(output).RootElement;
        Assert.Equal(status, answer.GetProperty("status").GetString());
        if (status == "ok")
        {
            foreach (var observable in answer.GetProperty("observables").EnumerateObject().Where(o => o.Name != "r"))
            {
                Assert.True(observable.Value.ValueKind == JsonValueKind.Number, $"{observable.Name} = {observable.Value.GetRawText()}");
            }
        }
    }

    private const string Spec = """
        name: regress
        models: [magnon-junction]
        axes:
          h: {log: [1.0e-3, 1.0], n: 40}
          T: {lin: [0.1, 1.0], n: 40}
        constants: {J_T: 0.1, S: 2}
        observables: [L11, K]
        chunk: 100
        """;

    [Fact]
    public void An_empty_store_is_refused_and_not_initialised_by_a_resume()
    {
        using var run = new RunHarness(Spec);
        Assert.Equal(0, run.Run("a").ExitCode);
        string database = Path.Combine(run.RunDir("a"), "run.sqlite");
        File.WriteAllBytes(database, []);
        var (code, _, error) = run.Run("a");
        Assert.Equal(65, code);
        Assert.Contains("run.sqlite", error);
        Assert.Equal(0, new FileInfo(database).Length);
    }

    [Fact]
    public void A_garbage_wal_is_not_touched_by_status()
    {
        using var run = new RunHarness(Spec);
        Assert.Equal(0, run.Run("a").ExitCode);
        string wal = Path.Combine(run.RunDir("a"), "run.sqlite-wal");
        byte[] garbage = new byte[4096];
        new Random(3).NextBytes(garbage);
        File.WriteAllBytes(wal, garbage);
        var (code, _, _) = CliRunner.Run("status", run.RunDir("a"));
        Assert.True(code is 0 or 65);
        Assert.Equal(garbage, File.ReadAllBytes(wal));
    }

    [Theory]
    [InlineData("[]")]
    [InlineData("{\"Status\": null}")]
    [InlineData("{\"name\": ")]
    public void A_damaged_manifest_gives_65_from_status(string manifest)
    {
        using var run = new RunHarness(Spec);
        Assert.Equal(0, run.Run("a").ExitCode);
        File.WriteAllText(Path.Combine(run.RunDir("a"), "manifest.json"), manifest);
        var (code, _, error) = CliRunner.Run("status", run.RunDir("a"));
        Assert.Equal(65, code);
        Assert.Contains("manifest.json", error);
    }

    [Fact]
    public void A_truncated_store_gives_65_from_export_and_merge_and_leaves_no_partial_output()
    {
        using var run = new RunHarness(Spec);
        Assert.Equal(0, run.Run("a").ExitCode);
        string database = Path.Combine(run.RunDir("a"), "run.sqlite");
        using (var file = new FileStream(database, FileMode.Open))
        {
            file.SetLength(file.Length - 65536); // the last page: a chunk's results lose their overflow pages
        }

        string export = run.RunDir("export");
        var (code, _, error) = CliRunner.Run("export", run.RunDir("a"), "--format", "npz", "-o", export);
        Assert.Equal(65, code);
        Assert.Contains("damaged", error);
        Assert.Empty(Directory.Exists(export) ? Directory.GetFiles(export) : []);
        (code, _, error) = CliRunner.Run("merge", run.RunDir("merged"), run.RunDir("a"), "--allow-partial");
        Assert.Equal(65, code);
        Assert.False(Directory.Exists(run.RunDir("merged")), error);
    }
}
