using Sweep.Engine;
using System.Text.Json;
using Sweep.Coordinator.Cli;
using Sweep.Physics.Models;
using Sweep.Worker.Evaluation;

namespace Sweep.Cli.Tests;

public class RunCommandTests
{
    private const string Spec = """
        name: det
        models: [magnon-junction, mtj]
        axes:
          h: {log: [1.0e-4, 1.0], n: 7}
          T: {lin: [0.1, 1.0], n: 5}
          J_T: {values: [0.05, 0.2]}
          alpha_p: {values: [0.01, 0.3]}
        constants: {S: 2, P_L: 0.3, eta: 1}
        bias: {lin: [-7, 7], n: 29, unit: h}
        observables: [L11, K, tau_plus, Ns, i, dIdV, r]
        """;

    [Fact]
    public void Results_are_bitwise_identical_for_any_worker_count_and_chunk_size()
    {
        using var run = new RunHarness(Spec);
        Assert.Equal(0, run.Run("a", "--workers", "1", "--chunk", "3").ExitCode);
        Assert.Equal(0, run.Run("b", "--workers", "3", "--chunk", "17").ExitCode);
        Assert.Equal(0, run.Run("c").ExitCode);
        var a = run.ExportNpz("a");
        Assert.Equal((3 + 1 + 3 + 2) + (4 + 1 + 5 + 2), a.Count); // per model: observables, status, coordinates, dims and status_names
        foreach (string other in new[] { "b", "c" })
        {
            var b = run.ExportNpz(other);
            Assert.Equal(a.Keys.Order(), b.Keys.Order());
            Assert.All(a, e => Assert.True(e.Value.AsSpan().SequenceEqual(b[e.Key]), $"{e.Key} differs in run {other}"));
        }
    }

    [Fact]
    public void Stored_values_equal_sweep_eval_at_sampled_points()
    {
        using var run = new RunHarness(Spec);
        Assert.Equal(0, run.Run("a").ExitCode);
        var npz = run.ExportNpz("a");
        var evaluator = new PointEvaluator(ModelRegistry.Default);

        double[] h = RunHarness.Doubles(npz["mtj/coord_h.npy"]), t = RunHarness.Doubles(npz["mtj/coord_T.npy"]);
        double[] jt = RunHarness.Doubles(npz["mtj/coord_J_T.npy"]), ap = RunHarness.Doubles(npz["mtj/coord_alpha_p.npy"]);
        double[] v = RunHarness.Doubles(npz["mtj/coord_v.npy"]), ns = RunHarness.Doubles(npz["mtj/Ns.npy"]), i = RunHarness.Doubles(npz["mtj/i.npy"]);
        byte[] status = npz["mtj/status.npy"][^ns.Length..];
        var random = new Random(7);
        for (int sample = 0; sample < 40; sample++)
        {
            int[] index = [random.Next(7), random.Next(5), random.Next(2), random.Next(2), random.Next(29)];
            int flat = (((index[0] * 5 + index[1]) * 2 + index[2]) * 2 + index[3]) * 29 + index[4];
            var result = evaluator.Evaluate("mtj", [
                new("h", h[index[0]]), new("T", t[index[1]]), new("J_T", jt[index[2]]), new("alpha_p", ap[index[3]]),
                new("S", 2), new("P_L", 0.3), new("eta", 1), new("V", v[index[4]] * h[index[0]])]);
            Assert.Equal((byte)result.Status, status[flat]);
            if (result.Status == PointStatus.Ok)
            {
                Assert.Equal(result.Observables.Single(o => o.Key == "Ns").Value, ns[flat]);
                Assert.Equal(result.Observables.Single(o => o.Key == "i").Value, i[flat]);
            }
            else
            {
                Assert.True(double.IsNaN(ns[flat]));
            }
        }

        double[] l11 = RunHarness.Doubles(npz["magnon-junction/L11.npy"]);
        var junction = evaluator.Evaluate("magnon-junction", [new("h", h[3]), new("T", t[2]), new("J_T", jt[1]), new("S", 2)]);
        Assert.Equal(junction.Observables.Single(o => o.Key == "L11").Value, l11[(3 * 5 + 2) * 2 + 1]);
    }

    [Fact]
    public void Transient_faults_are_retried_and_the_run_completes_identically()
    {
        using var run = new RunHarness(Spec);
        Assert.Equal(0, run.Run("clean", "--chunk", "5").ExitCode);
        var (code, _, error) = run.Run("faulty", "--chunk", "5", "--inject-fault", "0,4,9@2");
        Assert.True(code == 0, error);
        var status = RunHarness.Status(run.RunDir("faulty"));
        Assert.Equal("completed", status.GetProperty("status").GetString());
        Assert.Empty(status.GetProperty("failed_chunks").EnumerateArray());
        Assert.Equal(run.ExportNpz("clean").Values.SelectMany(b => b), run.ExportNpz("faulty").Values.SelectMany(b => b));
    }

    [Fact]
    public void A_chunk_that_always_fails_is_reported_and_everything_else_is_stored()
    {
        using var run = new RunHarness(Spec);
        var (code, _, error) = run.Run("r", "--chunk", "5", "--inject-fault", "16@all"); // junction: chunks 0–13; mtj: 14 on
        Assert.Equal(ExitCodes.Internal, code);
        Assert.Contains("chunk 16 (mtj, points 10…14) failed after 3 attempts: InjectedFaultException: injected fault on chunk 16, attempt 3", error);

        var status = RunHarness.Status(run.RunDir("r"));
        Assert.Equal("failed", status.GetProperty("status").GetString());
        var failed = status.GetProperty("failed_chunks").EnumerateArray().Single();
        Assert.Equal(16, failed.GetProperty("chunk").GetInt64());
        Assert.Equal(status.GetProperty("total_chunks").GetInt64() - 1, status.GetProperty("done_chunks").GetInt64());
        var (_, text, _) = CliRunner.Run("status", run.RunDir("r"));
        Assert.Contains("chunk 16 (mtj, points 10…14), 3 attempts: InjectedFaultException", text);

        // The export marks the missing chunk; a rerun without the fault completes it.
        byte[] mtjStatus = run.ExportNpz("r")["mtj/status.npy"];
        Assert.Contains((byte)255, mtjStatus);
        var (again, _, againError) = run.Run("r", "--chunk", "5");
        Assert.True(again == 0, againError);
        Assert.Contains("resuming", againError);
        Assert.Equal("completed", RunHarness.Status(run.RunDir("r")).GetProperty("status").GetString());
    }

    [Theory]
    [InlineData("name: x\nmodels: [mtj]\naxes: {h: {lin: [2, 1], n: 3}}\n", "line 3, field 'axes.h.lin': reversed range")]
    [InlineData("name: x\nmodels: [mtj\n", "malformed YAML")]
    [InlineData("name: x\nmodels: [mtj]\nextra: 1\n", "line 3, field 'extra': unknown key")]
    public void Bad_specs_exit_65_and_write_nothing(string yaml, string message)
    {
        using var run = new RunHarness(yaml);
        var (code, output, error) = run.Run("r");
        Assert.Equal(ExitCodes.DataError, code);
        Assert.Contains(message, error);
        Assert.Equal("", output);
        Assert.False(Directory.Exists(run.RunDir("r")));
    }

    [Fact]
    public void A_different_spec_is_refused_on_an_existing_run_unless_forced()
    {
        using var run = new RunHarness(Spec);
        Assert.Equal(0, run.Run("r").ExitCode);
        File.WriteAllText(run.SpecPath, Spec.Replace("S: 2", "S: 3"));
        var (code, _, error) = run.Run("r");
        Assert.Equal(ExitCodes.DataError, code);
        Assert.Contains("holds a different spec", error);
        Assert.Equal(0, run.Run("r", "--force").ExitCode);

        Directory.CreateDirectory(run.RunDir("foreign"));
        File.WriteAllText(Path.Combine(run.RunDir("foreign"), "notes.txt"), "mine");
        Assert.Equal(ExitCodes.DataError, run.Run("foreign", "--force").ExitCode);
        Assert.True(File.Exists(Path.Combine(run.RunDir("foreign"), "notes.txt")));
    }

    [Fact]
    public void Csv_export_is_one_row_per_point_with_coordinates_and_status()
    {
        using var run = new RunHarness(Spec);
        Assert.Equal(0, run.Run("r").ExitCode);
        var (code, output, _) = CliRunner.Run("export", run.RunDir("r"), "--format", "csv");
        Assert.Equal(0, code);
        string[] mtj = File.ReadAllLines(output.Split('\n')[1]);
        Assert.Equal("h,T,J_T,alpha_p,v,status,Ns,i,dIdV,r", mtj[0]);
        Assert.Equal(1 + 7 * 5 * 2 * 2 * 29, mtj.Length);
        Assert.StartsWith("0.0001,0.1,0.05,0.01,-7,", mtj[1]);
        Assert.Contains(mtj, l => l.Contains(",unstable,nan,nan,nan,nan", StringComparison.Ordinal));
    }

    [Fact]
    public void The_other_models_sweep_and_export_with_the_spin_chains_time_grid_last()
    {
        using var run = new RunHarness("""
            name: others
            models: [nf-interface, spin-chain, pair-tunneling]
            axes:
              T: {values: [0.3, 0.5]}
              T2: {values: [0, 1]}
            constants: {h: 0.2, J_T: 0.1, S: 1, N: 5, gamma_I: 0.62, profile: 1}
            time: {lin: [0, 4], n: 9}
            """);
        Assert.Equal(0, run.Run("r").ExitCode);
        var (code, output, _) = CliRunner.Run("export", run.RunDir("r"), "--format", "csv");
        Assert.Equal(0, code);
        var files = output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Skip(1).ToArray();
        string[] chain = File.ReadAllLines(files.Single(f => f.EndsWith("spin-chain.csv", StringComparison.Ordinal)));
        Assert.StartsWith("T2,t,status,alpha_T1", chain[0]);
        Assert.Equal(1 + 2 * 9, chain.Length);
        Assert.StartsWith("0,0,ok,", chain[1]);
        string[] pair = File.ReadAllLines(files.Single(f => f.EndsWith("pair-tunneling.csv", StringComparison.Ordinal)));
        Assert.Equal(["T,status,mu_B,G_over_S,T_c", "0.3,ok", "0.5,ok"], pair.Select((l, i) => i == 0 ? l : string.Join(',', l.Split(',').Take(2))));
        var (evalCode, evalOutput, _) = CliRunner.Run("eval", "pair-tunneling", "--set", "T=0.3", "--json");
        Assert.Equal(0, evalCode);
        double expected = JsonDocument.Parse(evalOutput).RootElement.GetProperty("observables").GetProperty("G_over_S").GetDouble();
        Assert.Equal(expected.ToString("R", System.Globalization.CultureInfo.InvariantCulture), pair[1].Split(',')[3]);
    }

    [Fact]
    public void Manifest_records_spec_program_and_outcome()
    {
        using var run = new RunHarness(Spec);
        Assert.Equal(0, run.Run("r", "--workers", "2").ExitCode);
        var manifest = JsonDocument.Parse(File.ReadAllText(Path.Combine(run.RunDir("r"), "manifest.json"))).RootElement;
        Assert.Equal("completed", manifest.GetProperty("status").GetString());
        Assert.Equal(Spec, manifest.GetProperty("spec").GetString());
        Assert.Equal(64, manifest.GetProperty("spec_hash").GetString()!.Length);
        Assert.Equal(2, manifest.GetProperty("workers").GetInt32());
        Assert.Matches("^[0-9a-f]{40}$|^unknown$", manifest.GetProperty("program").GetProperty("commit").GetString()!);
        Assert.Equal(JsonValueKind.String, manifest.GetProperty("ended").ValueKind);
        Assert.Equal(["magnon-junction", "mtj"], manifest.GetProperty("models").EnumerateArray().Select(m => m.GetProperty("name").GetString()));
    }

    [Fact]
    public void Schema_is_json()
    {
        var (code, output, _) = CliRunner.Run("schema");
        Assert.Equal(0, code);
        Assert.Equal("Sweep spec", JsonDocument.Parse(output).RootElement.GetProperty("title").GetString());
    }
}
