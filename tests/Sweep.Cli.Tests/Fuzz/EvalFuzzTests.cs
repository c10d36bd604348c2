using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using FsCheck;
using FsCheck.Fluent;
using Sweep.Physics.Models;
using Xunit.Abstractions;

namespace Sweep.Cli.Tests.Fuzz;

/// <summary>
/// Fuzzes <c>sweep eval --jsonl</c> and <c>sweep eval --set</c>: every parameter of every model at
/// its range edges, just inside and just outside them, at extreme magnitudes, omitted, plus malformed
/// request lines. The properties: every line gets exactly one answer line, in order; its status is
/// one of the documented ones; an <c>ok</c> answer has a number for every observable except those
/// the model documents as undefined somewhere (their description says where they are NaN); and
/// every point answers within the model's stated time bound.
/// </summary>
public class EvalFuzzTests(ITestOutputHelper output)
{
    /// <summary>Points per model: the spin chain integrates a Lindblad equation per point, so fewer.</summary>
    private static int PointsPerModel(string model) => model == "spin-chain" ? 60 : 500;

    /// <summary>The longest a single point may take, per model (seconds, on a loaded 2-core CI
    /// machine; typical points take microseconds, the spin chain milliseconds to a second). A point
    /// that would take longer must be refused, not computed.</summary>
    public static double TimeBound(string model) => model == "spin-chain" ? 20 : 1;

    private static readonly string[] Statuses = Enum.GetValues<PointStatus>().Select(s => s.ToWireName()).ToArray();

    public static TheoryData<string> Models() => new(ModelRegistry.Default.Names);

    [Theory]
    [MemberData(nameof(Models))]
    public void Every_request_line_gets_one_documented_answer_within_the_bound(string modelName)
    {
        var model = ModelRegistry.Default.Find(modelName)!;
        ulong seed = modelName.Aggregate(0xe7a1UL, (h, c) => h * 31 + c);
        var requests = Requests(model).Sample(PointsPerModel(modelName), new Rnd(seed), 30);
        var counts = new Dictionary<string, int>();
        var failures = new List<string>();
        double slowest = 0;
        foreach (string line in requests)
        {
            var clock = Stopwatch.StartNew();
            var (code, stdout, stderr) = CliRunner.RunWithInput(line + "\n", "eval", "--jsonl");
            double seconds = clock.Elapsed.TotalSeconds;
            slowest = Math.Max(slowest, seconds);
            string[] answers = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
            string? problem = code != 0 ? $"exit {code}: {stderr.Trim()}"
                : answers.Length != 1 ? $"{answers.Length} answer lines"
                : CheckAnswer(answers[0], model, out string status);
            if (problem is null)
            {
                status = JsonDocument.Parse(answers[0]).RootElement.GetProperty("status").GetString()!;
                counts[status] = counts.GetValueOrDefault(status) + 1;
                if (seconds > TimeBound(modelName))
                {
                    problem = $"took {seconds:F1} s > {TimeBound(modelName)} s";
                }
            }

            if (problem is not null)
            {
                failures.Add($"{line}\n    → {problem}");
            }
        }

        output.WriteLine($"{modelName}: {requests.Length} points, {string.Join(", ", counts.OrderBy(c => c.Key).Select(c => $"{c.Key}×{c.Value}"))}; slowest {slowest:F3} s");
        Assert.True(failures.Count == 0, $"{failures.Count} of {requests.Length} failed:\n" + string.Join("\n", failures.Take(15)));
        Assert.True(counts.GetValueOrDefault("ok") > 0 && counts.GetValueOrDefault("invalid") > 0, "the fuzzer should reach both valid and invalid points");
    }

    [Fact]
    public void A_batch_of_malformed_and_valid_lines_gets_one_answer_per_line_in_order()
    {
        var lines = MalformedLines().Concat(ModelRegistry.Default.Models.SelectMany(m => Requests(m).Sample(20, new Rnd(7), 30)))
            .Select((l, i) => (l, i)).OrderBy(p => (p.i * 7919) % 101).Select(p => p.l).ToArray();
        var (code, stdout, _) = CliRunner.RunWithInput(string.Join("\n", lines) + "\n", "eval", "--jsonl");
        Assert.Equal(0, code);
        string[] answers = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(lines.Count(l => !string.IsNullOrWhiteSpace(l)), answers.Length);
        foreach (string answer in answers)
        {
            var root = JsonDocument.Parse(answer).RootElement;
            Assert.Contains(root.GetProperty("status").GetString(), Statuses);
        }

        output.WriteLine($"{lines.Length} lines, {MalformedLines().Count()} of them malformed");
    }

    [Theory]
    [MemberData(nameof(Models))]
    public void Eval_set_at_every_edge_exits_0_or_65_with_one_line(string modelName)
    {
        var model = ModelRegistry.Default.Find(modelName)!;
        int cases = 0;
        foreach (var parameter in model.Parameters)
        {
            foreach (double value in EdgeValues(parameter.Range))
            {
                var args = new List<string> { "eval", modelName, "--json" };
                foreach (var p in model.Parameters.Where(p => p.IsRequired && p.Name != parameter.Name))
                {
                    args.AddRange(["--set", $"{p.Name}={Format(Inside(p.Range))}"]);
                }

                args.AddRange(["--set", $"{parameter.Name}={Format(value)}"]);
                var (code, stdout, stderr) = CliRunner.Run(args.ToArray());
                cases++;
                Assert.True(code is 0 or 65, $"{string.Join(' ', args)}: exit {code} {stderr}");
                string? problem = CheckAnswer(stdout.Trim(), model, out _);
                Assert.True(problem is null, $"{string.Join(' ', args)}: {problem}");
                if (code == 65)
                {
                    Assert.Contains(parameter.Name, stderr);
                    Assert.Single(stderr.TrimEnd().Split('\n'));
                }
            }
        }

        output.WriteLine($"{modelName}: {cases} edge cases through --set");
    }

    /// <summary>Why an answer line breaks the contract, or null.</summary>
    private static string? CheckAnswer(string answer, Model model, out string status)
    {
        status = "";
        JsonElement root;
        try
        {
            root = JsonDocument.Parse(answer).RootElement;
        }
        catch (JsonException ex)
        {
            return $"answer is not JSON: {ex.Message}";
        }

        status = root.GetProperty("status").GetString() ?? "";
        if (!Statuses.Contains(status))
        {
            return $"undocumented status '{status}'";
        }

        var observables = root.GetProperty("observables");
        if (status != "ok")
        {
            return root.GetProperty("message").ValueKind == JsonValueKind.String ? null : $"{status} without a message";
        }

        foreach (var spec in model.Observables)
        {
            if (!observables.TryGetProperty(spec.Name, out var value))
            {
                return $"ok answer lacks {spec.Name}";
            }

            bool documentedUndefined = spec.Description.Contains("NaN", StringComparison.Ordinal);
            if (value.ValueKind != JsonValueKind.Number && !documentedUndefined)
            {
                return $"ok answer with {spec.Name} = {value.GetRawText()}";
            }
        }

        return null;
    }

    /// <summary>Request lines for one model: a point inside every range, where one parameter (most
    /// of the time) is moved to an edge, just beyond it, an extreme magnitude, or left out.</summary>
    private static Gen<string> Requests(Model model)
    {
        // Optional parameters mostly keep their defaults: random biases (dh, dT) are mostly beyond
        // their joint limits, which the edge cases below reach anyway.
        var inside = Gen.CollectToArray(model.Parameters.Select(p =>
        {
            var value = Gen.Choose(0, 1_000_000).Select(k => (double?)Between(p.Range, k / 1e6));
            return p.IsRequired ? value : Gen.Frequency((2, Gen.Constant<double?>(null)), (1, value));
        }));
        var extremes = new double?[] { 1e308, -1e308, 5e-324, -5e-324, 0.0, -0.0, 1e-300, 1e300, 1e15, -1e15, null };
        var point = from values in inside
                    from moved in Gen.Choose(-1, model.Parameters.Count - 1)
                    from edge in moved < 0 ? Gen.Constant<double?>(null)
                        : Gen.Frequency((3, Gen.Elements(EdgeValues(model.Parameters[moved].Range).Select(v => (double?)v).ToArray())), (1, Gen.Elements(extremes)))
                    select moved < 0 ? values : values.Select((v, i) => i == moved ? edge : v).ToArray();
        return point.Select(values =>
        {
            var given = model.Parameters.Zip(values).Where(p => p.Second is not null).Select(p => $"\"{p.First.Name}\": {Format(p.Second!.Value)}");
            return $"{{\"model\": \"{model.Name}\", \"parameters\": {{{string.Join(", ", given)}}}}}";
        });
    }

    private static IEnumerable<string> MalformedLines() =>
    [
        "{", "}", "[]", "null", "42", "\"mtj\"", "{\"model\": 1}", "{\"model\": null}", "{\"parameters\": {}}",
        "{\"model\": \"mtj\", \"parameters\": []}", "{\"model\": \"mtj\", \"parameters\": {\"h\": \"1\"}}",
        "{\"model\": \"mtj\", \"parameters\": {\"h\": NaN}}", "{\"model\": \"mtj\", \"parameters\": {\"h\": 1e400}}",
        "{\"model\": \"mtj\", \"parameters\": {\"h\": -1e400}}", "{\"model\": \"mtj\", \"parameters\": {\"h\": 1, \"h\": 2}}",
        "{\"model\": \"mtj\", \"parameters\": {\"h\": 1}, \"extra\": true}", "{\"model\": \"nope\", \"parameters\": {}}",
        "{\"model\": \"m\u00e9\u0000\", \"parameters\": {}}", "{\"model\": \"mtj\", \"parameters\": {\"bogus\": 1}}",
        "{\"model\": \"magnon-junction\", \"parameters\": {\"h\": 1, \"T\": 1, \"J_T\": 1, \"S\": 1}, \"model\": \"mtj\"}",
        new string('[', 10_000), new string('{', 3) + "\"a\":" + new string('}', 3), "{\"model\": \"" + new string('x', 1 << 20) + "\"}",
        "\u0001\u0002\u00ff\ufffd", "   ", "",
    ];

    /// <summary>Edges, just inside and just outside them, for a range or a set of allowed values.</summary>
    private static double[] EdgeValues(ValidRange range)
    {
        if (range.AllowedValues is { } allowed)
        {
            return [.. allowed, 0, 0.5, allowed.Max() + 1];
        }

        return [range.Min, range.Max, Math.BitIncrement(range.Min), Math.BitDecrement(range.Max),
                Math.BitDecrement(range.Min), Math.BitIncrement(range.Max), range.Min * 1.000001, range.Max * 0.999999];
    }

    private static double Inside(ValidRange range) => range.AllowedValues?[0] ?? Between(range, 0.37);

    /// <summary>A point of the range at fraction f: log-uniform where the range spans decades.</summary>
    private static double Between(ValidRange range, double f)
    {
        if (range.AllowedValues is { } allowed)
        {
            return allowed[(int)(f * allowed.Count) % allowed.Count];
        }

        double lo = range.Min, hi = range.Max;
        double value = lo > 0 && hi / lo > 100 ? lo * Math.Pow(hi / lo, f) : lo + (hi - lo) * f;
        return Math.Clamp(value, range.MinInclusive ? lo : Math.BitIncrement(lo), range.MaxInclusive ? hi : Math.BitDecrement(hi));
    }

    private static string Format(double value) => value.ToString("R", CultureInfo.InvariantCulture);
}
