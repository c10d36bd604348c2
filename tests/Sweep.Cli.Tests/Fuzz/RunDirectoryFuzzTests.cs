using System.Security.Cryptography;
using FsCheck;
using FsCheck.Fluent;
using Xunit.Abstractions;

namespace Sweep.Cli.Tests.Fuzz;

/// <summary>
/// Damages a real run directory (truncated, overwritten or zeroed bytes of run.sqlite; a broken,
/// truncated or missing manifest.json; a garbage WAL; array files truncated, extended, missing or
/// with random bytes in their header or data) and runs <c>status</c>, <c>export</c>, a
/// resume and <c>merge</c> on it. The property: exit 0 or 65 (a clear one-line error), never 70 or a
/// crash, and a command that fails never changes a byte of what was there.
/// </summary>
public class RunDirectoryFuzzTests(ITestOutputHelper output)
{
    private const int Cases = 120;

    private const string Spec = """
        name: fuzz
        models: [magnon-junction, mtj]
        axes:
          h: {log: [1.0e-3, 1.0], n: 6}
          T: {lin: [0.1, 1.0], n: 4}
        constants: {J_T: 0.1, S: 2, alpha_p: 0.05}
        bias: {lin: [-3, 3], n: 9, unit: h}
        observables: [L11, K, Ns, i]
        chunk: 3
        """;

    private sealed record Damage(string Description, Action<string> Apply);

    [Fact]
    public void Damaged_run_directories_give_65_and_are_left_as_they_were()
    {
        using var run = new RunHarness(Spec);
        Assert.Equal(0, run.Run("pristine").ExitCode);
        string pristine = run.RunDir("pristine");
        var commands = new (string Name, Func<string, string[]> Args)[]
        {
            ("status", d => ["status", d, "--json"]),
            ("export npz", d => ["export", d, "--format", "npz", "-o", d + "-export"]),
            ("export csv", d => ["export", d, "--format", "csv", "-o", d + "-export"]),
            ("resume", d => ["run", run.SpecPath, "--output", d, "--progress", "none", "-j", "1"]),
            ("merge", d => ["merge", d + "-merged", d]),
        };
        var arrays = Directory.GetFiles(Path.Combine(pristine, "arrays"), "*.npy", SearchOption.AllDirectories)
            .Select(f => (Path.GetRelativePath(pristine, f), new FileInfo(f).Length)).Order().ToArray();
        var cases = Gen.Frequency((3, Damages(new FileInfo(Path.Combine(pristine, "run.sqlite")).Length)), (2, ArrayDamages(arrays)))
            .Sample(Cases, new Rnd(2024), 30);
        var outcomes = new Dictionary<string, int>();
        var failures = new List<string>();
        int index = 0;
        foreach (var damage in cases)
        {
            string directory = run.RunDir($"case{index++}");
            CopyDirectory(pristine, directory);
            damage.Apply(directory);
            foreach (var (name, args) in commands)
            {
                Thread.Sleep(50);
                var before = SnapshotOrNull(directory, $"{damage.Description} / before {name}", failures);
                if (before is null)
                {
                    break;
                }

                var (code, _, error) = CliRunner.Run(args(directory));
                outcomes[$"{name} {code}"] = outcomes.GetValueOrDefault($"{name} {code}") + 1;
                string message = error.TrimEnd();
                if (code is not (0 or 65))
                {
                    failures.Add($"{damage.Description} / {name}: exit {code}: {message}");
                }
                else if (code == 65 && (message.Contains('\n') || !message.StartsWith("sweep: ", StringComparison.Ordinal)))
                {
                    failures.Add($"{damage.Description} / {name}: not one 'sweep: …' line: {message}");
                }
                else if ((code != 0 || name != "resume") && !Same(before, SnapshotOrNull(directory, $"{damage.Description} / after {name}", failures) ?? []))
                {
                    failures.Add($"{damage.Description} / {name}: exit {code} changed the run directory");
                }

                foreach (string extra in new[] { directory + "-export", directory + "-merged" })
                {
                    if (Directory.Exists(extra))
                    {
                        Directory.Delete(extra, recursive: true);
                    }
                }
            }

            Directory.Delete(directory, recursive: true);
        }

        output.WriteLine($"{cases.Length} damaged directories × {commands.Length} commands: " +
                         string.Join(", ", outcomes.OrderBy(o => o.Key).Select(o => $"{o.Key}×{o.Value}")));
        Assert.True(failures.Count == 0, $"{failures.Count} failures:\n" + string.Join("\n", failures.Take(20)));
        Assert.True(outcomes.Keys.Any(k => k.EndsWith(" 65", StringComparison.Ordinal)), "no damage was detected at all");
    }

    private static Gen<Damage> Damages(long databaseLength)
    {
        int length = (int)databaseLength;
        var database = (string d) => Path.Combine(d, "run.sqlite");
        var manifest = (string d) => Path.Combine(d, "manifest.json");
        return Gen.OneOf(
            Gen.Choose(0, length - 1).Select(n => new Damage($"run.sqlite truncated to {n}", d => Truncate(database(d), n))),
            from offset in Gen.Choose(0, length - 1)
            from count in Gen.Choose(1, 64)
            from seed in Gen.Choose(0, 1 << 30)
            select new Damage($"run.sqlite: {count} random bytes at {offset}", d => Overwrite(database(d), offset, RandomBytes(count, seed))),
            from page in Gen.Choose(0, Math.Max(0, length / 65536 - 1))
            select new Damage($"run.sqlite page {page} zeroed", d => Overwrite(database(d), page * 65536L, new byte[Math.Min(65536, length - page * 65536)])),
            from offset in Gen.Choose(0, 99)
            from value in Gen.Choose(0, 255)
            select new Damage($"run.sqlite header byte {offset} = {value}", d => Overwrite(database(d), offset, [(byte)value])),
            from seed in Gen.Choose(0, 1 << 30)
            select new Damage("run.sqlite replaced by random bytes", d => File.WriteAllBytes(database(d), RandomBytes(length, seed))),
            Gen.Constant(new Damage("run.sqlite empty", d => File.WriteAllBytes(database(d), []))),
            from seed in Gen.Choose(0, 1 << 30)
            select new Damage("garbage run.sqlite-wal", d => File.WriteAllBytes(database(d) + "-wal", RandomBytes(4096, seed))),
            Gen.Choose(0, 400).Select(n => new Damage($"manifest.json truncated to {n}", d => Truncate(manifest(d), n))),
            from seed in Gen.Choose(0, 1 << 30)
            select new Damage("manifest.json random bytes", d => File.WriteAllBytes(manifest(d), RandomBytes(300, seed))),
            Gen.Elements("{}", "[]", "null", "{\"Name\": 5}", "{\"TotalChunks\": -1}", "{\"Status\": null, \"Started\": \"yesterday\"}")
                .Select(json => new Damage($"manifest.json = {json}", d => File.WriteAllText(manifest(d), json))),
            Gen.Constant(new Damage("manifest.json missing", d => File.Delete(manifest(d)))));
    }

    /// <summary>Damage to one of the array files (<c>arrays/MODEL/NAME.npy</c>, given with their lengths).</summary>
    private static Gen<Damage> ArrayDamages((string Path, long Length)[] files) =>
        from file in Gen.Elements(files)
        from damage in Gen.OneOf(
            Gen.Choose(0, (int)file.Length - 1).Select(n => new Damage($"{file.Path} truncated to {n}", d => Truncate(Path.Combine(d, file.Path), n))),
            from offset in Gen.Choose(0, (int)file.Length - 1)
            from count in Gen.Choose(1, 16)
            from seed in Gen.Choose(0, 1 << 30)
            select new Damage($"{file.Path}: {count} random bytes at {offset}", d => Overwrite(Path.Combine(d, file.Path), offset, RandomBytes(count, seed))),
            from offset in Gen.Choose(0, 127)
            from value in Gen.Choose(0, 255)
            select new Damage($"{file.Path} header byte {offset} = {value}", d => Overwrite(Path.Combine(d, file.Path), offset, [(byte)value])),
            Gen.Choose(1, 100).Select(n => new Damage($"{file.Path} extended by {n} bytes", d => Overwrite(Path.Combine(d, file.Path), file.Length, new byte[n]))),
            Gen.Constant(new Damage($"{file.Path} missing", d => File.Delete(Path.Combine(d, file.Path)))),
            Gen.Constant(new Damage($"{file.Path} empty", d => File.WriteAllBytes(Path.Combine(d, file.Path), []))))
        select damage;

    private static void Truncate(string path, long length)
    {
        using var file = new FileStream(path, FileMode.Open, FileAccess.Write);
        file.SetLength(Math.Min(length, file.Length));
    }

    private static void Overwrite(string path, long offset, byte[] bytes)
    {
        using var file = new FileStream(path, FileMode.Open, FileAccess.Write);
        file.Position = offset;
        file.Write(bytes);
    }

    private static byte[] RandomBytes(int count, int seed)
    {
        var bytes = new byte[count];
        new System.Random(seed).NextBytes(bytes);
        return bytes;
    }

    private static void CopyDirectory(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (string file in Directory.GetFiles(from, "*", SearchOption.AllDirectories))
        {
            string copy = Path.Combine(to, Path.GetRelativePath(from, file));
            Directory.CreateDirectory(Path.GetDirectoryName(copy)!);
            File.Copy(file, copy);
        }
    }

    private static Dictionary<string, string>? SnapshotOrNull(string directory, string what, List<string> failures)
    {
        try
        {
            return Snapshot(directory);
        }
        catch (FileNotFoundException ex)
        {
            failures.Add($"{what}: {ex.Message} (a file changed after the command returned)");
            return null;
        }
    }

    /// <summary>The run's own files and their hashes (SQLite's -shm index is a cache, not content, and
    /// an empty -wal, which a reader may create, is the same as none).</summary>
    private static Dictionary<string, string> Snapshot(string directory) =>
        Directory.GetFiles(directory, "*", SearchOption.AllDirectories)
            .Where(f => !f.EndsWith("-shm", StringComparison.Ordinal) && !(f.EndsWith("-wal", StringComparison.Ordinal) && new FileInfo(f).Length == 0))
            .ToDictionary(f => Path.GetRelativePath(directory, f), f => Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(f))));

    private static bool Same(Dictionary<string, string> a, Dictionary<string, string> b) =>
        a.Count == b.Count && a.All(e => b.TryGetValue(e.Key, out string? h) && h == e.Value);
}
