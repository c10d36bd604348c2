using Sweep.Engine;
using System.Text.Json;
using Sweep.Coordinator.Cli;

namespace Sweep.Cli.Tests;

public class ModelsCommandTests
{
    [Fact]
    public void Json_catalog_describes_parameters_and_observables()
    {
        var (code, output, err) = CliRunner.Run("models", "--json");
        Assert.True(code == ExitCodes.Ok, err);
        var models = JsonDocument.Parse(output).RootElement.EnumerateArray().ToArray();
        Assert.Equal(["magnon-junction", "mtj", "nf-interface", "spin-chain", "pair-tunneling"], models.Select(m => m.GetProperty("name").GetString()));
        var h = models[0].GetProperty("parameters")[0];
        Assert.Equal("h", h.GetProperty("name").GetString());
        Assert.Equal(JsonValueKind.Null, h.GetProperty("default").ValueKind);
        Assert.Equal(0.0, h.GetProperty("range").GetProperty("min").GetDouble());
        var eta = models[1].GetProperty("parameters").EnumerateArray().Single(p => p.GetProperty("name").GetString() == "eta");
        Assert.Equal([-1.0, 1.0], eta.GetProperty("range").GetProperty("allowed").EnumerateArray().Select(v => v.GetDouble()));
        Assert.Equal("V", models[1].GetProperty("innerAxis").GetString());
        Assert.Equal("t", models[3].GetProperty("innerAxis").GetString());
    }

    [Fact]
    public void Text_catalog_lists_every_model()
    {
        var (code, output, _) = CliRunner.Run("models");
        Assert.Equal(ExitCodes.Ok, code);
        Assert.Contains("magnon-junction: ", output);
        Assert.Contains("mtj: ", output);
        Assert.Contains("tau_plus", output);
    }

    /// <summary>The README's parameter and observable tables are `sweep models --markdown`, verbatim.</summary>
    [Fact]
    public void Readme_tables_are_in_sync_with_the_registry()
    {
        string readme = File.ReadAllText(Path.Combine(RepositoryRoot(), "README.md"));
        const string begin = "<!-- models:begin (generated: ./sweep models --markdown) -->\n", end = "<!-- models:end -->";
        int start = readme.IndexOf(begin, StringComparison.Ordinal);
        int stop = readme.IndexOf(end, StringComparison.Ordinal);
        Assert.True(start >= 0 && stop > start, "README.md lacks the models:begin/end markers");
        string actual = readme[(start + begin.Length)..stop];
        var (_, expected, _) = CliRunner.Run("models", "--markdown");
        Assert.True(expected == actual, "README model tables are stale: regenerate them with ./sweep models --markdown");
    }

    [Fact]
    public void Help_documents_the_exit_codes()
    {
        var (code, output, _) = CliRunner.Run("--help");
        Assert.Equal(ExitCodes.Ok, code);
        Assert.Contains("64 usage error", output);
        Assert.Contains("eval", output);
        Assert.Contains("models", output);
    }

    internal static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Sweep.sln")))
            {
                return dir.FullName;
            }
        }

        throw new DirectoryNotFoundException("Sweep.sln not found above the test directory");
    }
}
