using Sweep.Engine;
using System.Text.Json;
using Sweep.Coordinator.Cli;

namespace Sweep.Cli.Tests;

public class EvalCommandTests
{
    private static readonly string[] Junction = ["eval", "magnon-junction", "--set", "h=0.01", "--set", "T=0.1", "--set", "J_T=0.05", "--set", "S=1"];

    [Fact]
    public void Text_output_lists_every_observable_with_reference_values()
    {
        var (code, output, error) = CliRunner.Run(Junction);
        Assert.Equal(ExitCodes.Ok, code);
        Assert.Equal("", error);
        Assert.Contains("status: ok", output);
        Assert.Contains("L11        2.370657566064043E-06", output);
        Assert.Equal(25, output.Split('\n').Count(l => l.StartsWith("  ", StringComparison.Ordinal)));
    }

    [Fact]
    public void Json_output_is_one_object_with_all_fields()
    {
        var (code, output, _) = CliRunner.Run([.. Junction, "--json"]);
        Assert.Equal(ExitCodes.Ok, code);
        var root = JsonDocument.Parse(output).RootElement;
        Assert.Equal("magnon-junction", root.GetProperty("model").GetString());
        Assert.Equal("ok", root.GetProperty("status").GetString());
        Assert.Equal(JsonValueKind.Null, root.GetProperty("message").ValueKind);
        Assert.Equal(1.0, root.GetProperty("parameters").GetProperty("J").GetDouble()); // default filled in
        Assert.Equal(2.370657566064043E-06, root.GetProperty("observables").GetProperty("L11").GetDouble(), 1e-20);
        Assert.Equal(25, root.GetProperty("observables").EnumerateObject().Count());
    }

    [Fact]
    public void Critical_point_is_flagged_not_computed()
    {
        var (code, output, _) = CliRunner.Run("eval", "magnon-junction", "--set", "h=0", "--set", "T=1", "--set", "J_T=0.05", "--set", "S=1", "--json");
        Assert.Equal(ExitCodes.Ok, code);
        var root = JsonDocument.Parse(output).RootElement;
        Assert.Equal("critical", root.GetProperty("status").GetString());
        Assert.Empty(root.GetProperty("observables").EnumerateObject());
    }

    [Theory]
    [InlineData("h=-1", "'h' = -1 is outside its valid range [0, 10000]")]
    [InlineData("h=NaN", "'h' = NaN is outside its valid range")]
    [InlineData("h=Infinity", "'h' = Infinity is outside its valid range")]
    public void Out_of_range_values_exit_65_naming_the_parameter_and_range(string assignment, string expected)
    {
        var (code, output, error) = CliRunner.Run("eval", "magnon-junction", "--set", assignment, "--set", "T=1", "--set", "J_T=0.05", "--set", "S=1");
        Assert.Equal(ExitCodes.DataError, code);
        Assert.Contains(expected, error);
        Assert.Contains("status: invalid", output);
        Assert.DoesNotContain("L11", output);
    }

    [Theory]
    [InlineData("unknown model 'nope'", "eval", "nope")]
    [InlineData("unknown parameter 'x'", "eval", "mtj", "--set", "x=1")]
    [InlineData("'T' of model 'mtj' is required", "eval", "mtj", "--set", "h=1")]
    [InlineData("'abc' is not a number", "eval", "mtj", "--set", "h=abc")]
    [InlineData("expected name=value", "eval", "mtj", "--set", "h")]
    [InlineData("given twice", "eval", "mtj", "--set", "h=1", "--set", "h=2")]
    [InlineData("eval needs a MODEL", "eval")]
    [InlineData("give no MODEL", "eval", "mtj", "--jsonl")]
    [InlineData("--bogus", "eval", "mtj", "--bogus")]
    [InlineData("frobnicate", "frobnicate")]
    public void Misuse_exits_64_with_one_line_on_stderr(string expected, params string[] args)
    {
        var (code, output, error) = CliRunner.Run(args);
        Assert.Equal(ExitCodes.Usage, code);
        Assert.Contains(expected, error);
        Assert.Single(error.TrimEnd('\n').Split('\n'));
        Assert.Equal("", output);
    }

    [Fact]
    public void Jsonl_answers_every_line_in_order_with_its_status()
    {
        string input = string.Join('\n',
            """{"model": "magnon-junction", "parameters": {"h": 0.01, "T": 0.1, "J_T": 0.05, "S": 1}}""",
            """{"model": "magnon-junction", "parameters": {"h": 0, "T": 0.1, "J_T": 0.05, "S": 1}}""",
            """{"model": "mtj", "parameters": {"h": 1, "T": 0.5, "S": 100, "alpha_p": 0.05, "J_T": 0.2, "eta": 1, "V": -9}}""",
            """{"model": "mtj", "parameters": {"h": 1, "T": 0.5, "S": 100, "alpha_p": -0.05, "J_T": 0.2}}""",
            "",
            """not json""",
            """{"model": "nope", "parameters": {}}""",
            """{"model": "mtj", "parameters": {"h": "1"}}""",
            """{"model": "mtj", "parameters": {"h": 1e400}}""",
            """{"parameters": {"h": 1}}""",
            """[1, 2]""",
            """{"model": "magnon-junction", "parameters": {"h": 0.01, "T": 10, "J_T": 0.05, "S": 0.5}}""");
        var (code, output, _) = CliRunner.RunWithInput(input, "eval", "--jsonl");
        Assert.Equal(ExitCodes.Ok, code);
        var lines = output.TrimEnd('\n').Split('\n').Select(l => JsonDocument.Parse(l).RootElement).ToArray();
        Assert.Equal(["ok", "critical", "unstable", "invalid", "invalid", "invalid", "invalid", "invalid", "invalid", "invalid", "outside"],
            lines.Select(l => l.GetProperty("status").GetString()));
        Assert.Contains("'alpha_p' = -0.05 is outside its valid range (0, 1000]", lines[3].GetProperty("message").GetString());
        Assert.Contains("line 6: malformed JSON", lines[4].GetProperty("message").GetString());
        Assert.Contains("unknown model 'nope'", lines[5].GetProperty("message").GetString());
        Assert.Contains("parameter 'h' must be a finite number", lines[6].GetProperty("message").GetString());
        Assert.Contains("parameter 'h' must be a finite number", lines[7].GetProperty("message").GetString());
        Assert.Contains("'model' is required", lines[8].GetProperty("message").GetString());
        Assert.All(lines.Skip(1), l => Assert.Empty(l.GetProperty("observables").EnumerateObject()));
        Assert.Contains("n ≪ S", lines[10].GetProperty("message").GetString());
        Assert.Equal(25, lines[0].GetProperty("observables").EnumerateObject().Count());
    }

    [Fact]
    public void Undefined_observable_is_null_in_json()
    {
        var (_, output, _) = CliRunner.Run("eval", "mtj", "--set", "h=1", "--set", "T=0", "--set", "S=100", "--set", "alpha_p=0.05", "--set", "J_T=0.2", "--set", "V=0.5", "--json");
        var observables = JsonDocument.Parse(output).RootElement.GetProperty("observables");
        Assert.Equal(JsonValueKind.Null, observables.GetProperty("r").ValueKind);
        Assert.Equal(JsonValueKind.Number, observables.GetProperty("i").ValueKind);
    }
}
