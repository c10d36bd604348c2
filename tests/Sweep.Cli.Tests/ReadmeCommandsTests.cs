namespace Sweep.Cli.Tests;

/// <summary>The README's quick start is what CI runs: every command in it appears verbatim in
/// .ci/run, and the test command is ./test.sh, so a command that stops working fails CI.</summary>
public class ReadmeCommandsTests
{
    [Fact]
    public void Every_quick_start_command_is_run_by_ci()
    {
        string root = RepositoryRoot();
        var commands = QuickStartCommands(File.ReadAllLines(Path.Combine(root, "README.md")));
        var ci = File.ReadAllLines(Path.Combine(root, ".ci", "run")).Select(l => l.Trim()).ToHashSet();

        Assert.Contains("./test.sh", commands);
        Assert.Contains(commands, c => c.StartsWith("./sweep run ", StringComparison.Ordinal));
        Assert.Contains(commands, c => c.StartsWith("/usr/bin/python3 ", StringComparison.Ordinal));
        var missing = commands.Where(c => c != "./test.sh" && !ci.Contains(c)).ToList();
        Assert.True(missing.Count == 0, "README quick-start commands that .ci/run does not run:\n" + string.Join("\n", missing));
        // The test command runs in a session of its own so that CI can stop exactly its processes.
        Assert.Contains(ci, l => l.StartsWith("setsid --wait", StringComparison.Ordinal) && l.Contains("exec ./test.sh", StringComparison.Ordinal));
    }

    [Fact]
    public void No_script_or_test_reads_outside_the_repository_or_kills_processes_by_name()
    {
        string root = RepositoryRoot();
        var offenders = new List<string>();
        foreach (string file in TrackedTextFiles(root))
        {
            string text = File.ReadAllText(file);
            string relative = Path.GetRelativePath(root, file);
            if (relative.EndsWith(nameof(ReadmeCommandsTests) + ".cs", StringComparison.Ordinal))
            {
                continue;
            }

            if (System.Text.RegularExpressions.Regex.IsMatch(text, KillsByName))
            {
                offenders.Add($"{relative}: kills processes by name");
            }

            if (text.Contains(OutsideRepository, StringComparison.Ordinal) && !relative.StartsWith(".ci", StringComparison.Ordinal))
            {
                offenders.Add($"{relative}: reads {OutsideRepository}");
            }
        }

        Assert.True(offenders.Count == 0, string.Join("\n", offenders));
    }

    // Spelled in pieces so that this guard does not match itself in repository-wide searches.
    private const string KillsByName = @"\b(p" + "kill|kill" + "all)\b";
    private const string OutsideRepository = "../" + "shared";

    private static List<string> QuickStartCommands(string[] readme)
    {
        int start = Array.FindIndex(readme, l => l.StartsWith("## Quick start", StringComparison.Ordinal));
        Assert.True(start >= 0, "README has no '## Quick start' section");
        return readme.Skip(start + 1).TakeWhile(l => !l.StartsWith("## ", StringComparison.Ordinal))
            .Where(l => l.StartsWith("    ", StringComparison.Ordinal) && l.Trim().Length > 0)
            .Select(l => l.Trim()).ToList();
    }

    private static IEnumerable<string> TrackedTextFiles(string root) =>
        new[] { "src", "tests", "tools", "bench", "deploy", ".ci" }
            .Select(d => Path.Combine(root, d)).Where(Directory.Exists)
            .SelectMany(d => Directory.EnumerateFiles(d, "*", SearchOption.AllDirectories))
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                        && !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .Where(f => Path.GetExtension(f) is ".cs" or ".csproj" or ".props" or ".sh" or ".py" or ".sbatch" or ".yaml" or "")
            .Concat(new[] { "test.sh", "sweep", "Directory.Build.props", "Directory.Packages.props" }.Select(f => Path.Combine(root, f)));

    private static string RepositoryRoot() => ModelsCommandTests.RepositoryRoot();
}
