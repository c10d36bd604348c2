using FsCheck;
using FsCheck.Fluent;
using Xunit.Abstractions;

namespace Sweep.Cli.Tests.Fuzz;

/// <summary>
/// Fuzzes <c>sweep run</c> with mutations of every example spec (<see cref="SpecMutations"/>). The
/// property: the exit code is 0, 64 or 65 (never 70, never an exception), a rejection is one line on
/// stderr that names the mutated field where a value was mutated, and a rejected spec writes nothing.
/// The cases are drawn from a fixed seed, so a failure reproduces; the count is reported.
/// </summary>
public class SpecFuzzTests(ITestOutputHelper output)
{
    /// <summary>Cases per example spec.</summary>
    private const int CasesPerExample = 100;

    /// <summary>Accepted specs really run, kept small by --max-points (bigger plans are refused with
    /// 65): the spin chain integrates a Lindblad equation per outer point, so it gets fewer.</summary>
    private static string MaxPoints(string example) => example.StartsWith("spin-chain", StringComparison.Ordinal) ? "150" : "4000";

    public static TheoryData<string> Examples() =>
        new(Directory.GetFiles(Path.Combine(ModelsCommandTests.RepositoryRoot(), "examples"), "*.yaml").Select(Path.GetFileName).Order()!);

    [Theory]
    [MemberData(nameof(Examples))]
    public void Mutated_example_specs_exit_0_64_or_65_with_one_line_and_write_nothing_when_rejected(string example)
    {
        string text = File.ReadAllText(Path.Combine(ModelsCommandTests.RepositoryRoot(), "examples", example));
        ulong seed = example.Aggregate(0x5eedUL, (h, c) => h * 31 + c); // stable across processes, unlike GetHashCode
        var cases = SpecMutations.For(example, text).Sample(CasesPerExample, new Rnd(seed), 40);
        using var scratch = new Scratch();
        var outcomes = new Dictionary<int, int>();
        var failures = new List<string>();
        foreach (var (mutated, index) in cases.Select((c, i) => (c, i)))
        {
            string spec = Path.Combine(scratch.Path, $"case{index}.yaml");
            string run = Path.Combine(scratch.Path, $"run{index}");
            File.WriteAllBytes(spec, mutated.Content);
            var (code, _, error) = CliRunner.Run("run", spec, "-o", run, "--progress", "none", "-j", "1", "--max-points", MaxPoints(example));
            outcomes[code] = outcomes.GetValueOrDefault(code) + 1;
            string? problem = Check(mutated, code, error, run);
            if (problem is not null)
            {
                failures.Add($"{mutated}: {problem}");
            }

            if (Directory.Exists(run))
            {
                Directory.Delete(run, recursive: true);
            }
        }

        output.WriteLine($"{example}: {cases.Length} cases, exit codes {string.Join(", ", outcomes.OrderBy(o => o.Key).Select(o => $"{o.Key}×{o.Value}"))}");
        Assert.True(failures.Count == 0, $"{failures.Count} of {cases.Length} cases failed:\n" + string.Join("\n", failures.Take(20)));
        Assert.True(outcomes.GetValueOrDefault(65) > 0, "no mutation was rejected: the fuzzer is not reaching the parser");
    }

    internal static string? Check(MutatedSpec mutated, int code, string error, string run)
    {
        if (code is not (0 or 64 or 65))
        {
            return $"exit {code}: {error.Trim()}";
        }

        if (code == 0)
        {
            return null;
        }

        string message = error.TrimEnd('\n', '\r');
        if (message.Contains('\n') || !message.StartsWith("sweep: ", StringComparison.Ordinal))
        {
            return $"exit {code} without a one-line 'sweep: …' message: {error}";
        }

        if (Directory.Exists(run))
        {
            return $"exit {code} but the run directory was written: {message}";
        }

        // A value mutation must be reported at its field (or as a plan too large, which the
        // mutation can legitimately cause, e.g. n: 1e308 on a list of values).
        bool named = mutated.KeysOnLine.Count == 0
                     || mutated.KeysOnLine.Any(k => message.Contains(k, StringComparison.Ordinal))
                     || message.Contains("max_points", StringComparison.Ordinal)
                     || message.Contains("(document)", StringComparison.Ordinal);
        return named ? null : $"the message names none of [{string.Join(", ", mutated.KeysOnLine)}]: {message}";
    }
}

/// <summary>A temporary directory, deleted with everything in it.</summary>
internal sealed class Scratch : IDisposable
{
    public string Path { get; } = Directory.CreateTempSubdirectory("sweep-fuzz-").FullName;

    public void Dispose() => Directory.Delete(Path, recursive: true);
}
