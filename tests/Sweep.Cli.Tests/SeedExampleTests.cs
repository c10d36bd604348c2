using System.Globalization;

namespace Sweep.Cli.Tests;

/// <summary>The examples that reproduce the seeds' figures run as specs (seconds each) and show the
/// figures' physics: seed 002 Figs. 2, 5, 6 and seed 000 slide 25.</summary>
public class SeedExampleTests
{
    /// <summary>Runs examples/NAME.yaml and returns its CSV export of <paramref name="model"/> as rows by column name.</summary>
    private static List<Dictionary<string, string>> Run(string name, string model)
    {
        using var run = new RunHarness(File.ReadAllText(Path.Combine(ModelsCommandTests.RepositoryRoot(), "examples", name + ".yaml")));
        var (code, _, error) = run.Run("r");
        Assert.True(code == 0, error);
        var (exportCode, output, exportError) = CliRunner.Run("export", run.RunDir("r"), "--format", "csv");
        Assert.True(exportCode == 0, exportError);
        string file = output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Single(f => f.EndsWith(model + ".csv", StringComparison.Ordinal));
        var lines = File.ReadAllLines(file);
        var header = lines[0].Split(',');
        return lines.Skip(1).Select(l => header.Zip(l.Split(','), (h, v) => (h, v)).ToDictionary(p => p.h, p => p.v)).ToList();
    }

    private static double D(Dictionary<string, string> row, string column) => double.Parse(row[column], CultureInfo.InvariantCulture);

    [Fact]
    public void Slide_25_bias_relaxation_fast_temperature_slow_magnetization()
    {
        var rows = Run("junction-relaxation", "magnon-junction");
        Assert.All(rows, r => Assert.Equal("ok", r["status"]));
        // Scenario A: ΔM(0) > 0, ΔT(0) = 0 — a temperature difference appears and dies out; ΔM decays slowly.
        var a = rows.Where(r => D(r, "dh") == -0.002 && D(r, "dT") == 0).OrderBy(r => D(r, "t")).ToList();
        Assert.Equal(0, D(a[0], "dT_t"));
        Assert.True(D(a[0], "dM_t") > 0);
        Assert.True(a.Max(r => Math.Abs(D(r, "dT_t"))) > 1e-5, "ΔT is driven by the spin current");
        double tauSlow = D(a[0], "tau_plus"), tauFast = D(a[0], "tau_minus");
        Assert.True(tauSlow > 4 * tauFast, $"τ+ = {tauSlow}, τ− = {tauFast}");
        var late = a.Last();
        Assert.Equal(D(a[0], "dM_t") * Math.Exp(-D(late, "t") / tauSlow), D(late, "dM_t"), 0.05 * D(a[0], "dM_t"));
        // Scenario B: ΔM(0) = 0, ΔT(0) > 0 — ΔT relaxes, ΔM is created and relaxes back.
        var b = rows.Where(r => D(r, "dT") == 0.002 && D(r, "dh") == -0.00061964).OrderBy(r => D(r, "t")).ToList();
        Assert.True(Math.Abs(D(b[0], "dM_t")) < 1e-3 * D(a[0], "dM_t"), "ΔM(0) = 0 by the choice of dh");
        Assert.True(D(b[^1], "dT_t") < 0.01 * D(b[0], "dT_t"));
    }

    [Fact]
    public void Seed_002_fig_2_exchange_coefficient_grows_with_temperature_for_every_N()
    {
        var rows = Run("spin-chain-alpha", "spin-chain");
        Assert.All(rows, r => Assert.Equal("ok", r["status"]));
        foreach (var group in rows.GroupBy(r => r["N"]))
        {
            var ratio = group.OrderBy(r => D(r, "T2")).Select(r => D(r, "alpha_T2") / D(r, "alpha1")).ToList();
            Assert.Equal(1, ratio[0], 1e-12);
            Assert.True(ratio.Zip(ratio.Skip(1)).All(p => p.Second >= p.First), $"α(T) monotone for N = {group.Key}");
            Assert.InRange(ratio[^1], 1.2, 2.5); // α(2 ε0)/α₁ (seed Fig. 2)
        }
    }

    [Fact]
    public void Seed_002_fig_5_losses_empty_the_link()
    {
        var rows = Run("spin-chain-loss", "spin-chain");
        Assert.All(rows, r => Assert.Equal("ok", r["status"]));
        Assert.All(rows.Where(r => D(r, "T2") == 0), r => Assert.True(Math.Abs(D(r, "j")) < 1e-12, "no current at ΔT = 0"));
        Assert.True(rows.Where(r => D(r, "T2") == 2).Max(r => Math.Abs(D(r, "j"))) > 1e-3, "a current at ΔT = 2 ε0");
        Assert.All(rows, r => Assert.Equal(3.5, D(r, "m_steady")));
        var hot = rows.Where(r => D(r, "T2") == 2).OrderBy(r => D(r, "t")).ToList();
        Assert.Equal(2.5, D(hot[0], "m"), 1e-12);      // one flipped spin: m = N/2 − 1
        Assert.True(D(hot[^1], "m") > 3.3, $"m(40) = {D(hot[^1], "m")} → N/2");
    }

    [Fact]
    public void Seed_002_fig_6_pumped_current_grows_with_the_temperature_difference()
    {
        var series = Run("spin-chain-current", "spin-chain");
        Assert.All(series, r => Assert.Equal("ok", r["status"]));
        Assert.All(series.Where(r => D(r, "T2") == 0), r => Assert.True(Math.Abs(D(r, "j")) < 1e-12));
        double Late(double t2) => D(series.Where(r => D(r, "T2") == t2).MaxBy(r => D(r, "t"))!, "j");
        Assert.True(Late(2) > Late(1) && Late(1) > 0, $"j(30): {Late(1)}, {Late(2)}");

        var steady = Run("spin-chain-steady", "spin-chain");
        Assert.All(steady, r => Assert.Equal("ok", r["status"]));
        foreach (var group in steady.GroupBy(r => r["gamma_I"]))
        {
            var current = group.OrderBy(r => D(r, "T2")).Select(r => D(r, "j_steady")).ToList();
            Assert.True(Math.Abs(current[0]) < 1e-12, "no steady current at ΔT = 0");
            Assert.True(current.Skip(1).Zip(current.Skip(2)).All(p => p.Second > p.First), $"j_steady grows with ΔT at γ_I = {group.Key}");
        }
    }
}
