using System.Text;
using System.Text.RegularExpressions;
using FsCheck;
using FsCheck.Fluent;

namespace Sweep.Cli.Tests.Fuzz;

/// <summary>One mutated spec: its text and what was done to it (for the failure message), plus the
/// YAML keys on the line a value mutation touched (the error must name one of them).</summary>
public sealed record MutatedSpec(string Source, string Mutation, string Text, IReadOnlyList<string> KeysOnLine)
{
    /// <summary>Raw bytes for the binary mutations; otherwise the text as UTF-8.</summary>
    public byte[]? Raw { get; init; }

    public byte[] Content => Raw ?? Encoding.UTF8.GetBytes(Text);

    public override string ToString() => $"{Source} / {Mutation}";
}

/// <summary>
/// FsCheck generators of broken sweep specs: structural mutations (truncated, unbalanced, duplicated
/// or unknown keys, deep nesting, binary, empty, huge names, unicode) and value mutations (every
/// numeric scalar of the example specs replaced by an extreme or ill-typed value).
/// </summary>
public static partial class SpecMutations
{
    /// <summary>Values that sit at or beyond every range: IEEE extremes, YAML's spellings of NaN and
    /// infinity, numbers as strings, wrong types.</summary>
    public static readonly string[] ExtremeValues =
    [
        "1e308", "-1e308", "1.7976931348623157e308", "1e309", "-1e999", "5e-324", "-5e-324", "2.2250738585072014e-308", "-0.0", "0",
        "-1", ".nan", "NaN", ".inf", "-.inf", "+.inf", "inf", "\"1.5\"", "'2'", "99999999999999999999999", "-9223372036854775809",
        "0x1F", "1_000", "true", "null", "~", "[]", "{}", "[1, [2]]", "abc", "\"\"", "1e", "--1", "1.2.3", "٣", "１",
    ];

    private static readonly string[] Unicode = ["h\u00e9", "\u03b1_p", "\U0001F600", "\u202Eh", "T\u0000", "\uFEFFname", "\u00a0"];

    [GeneratedRegex(@"(?<![A-Za-z_\d.])-?\d+(\.\d+)?([eE][-+]?\d+)?(?![A-Za-z_\d])")]
    private static partial Regex NumberPattern();

    [GeneratedRegex(@"([A-Za-z_][A-Za-z_0-9]*)\s*:")]
    private static partial Regex KeyPattern();

    public static Gen<MutatedSpec> For(string source, string text)
    {
        string[] lines = text.Split('\n');
        var numbers = NumberPattern().Matches(text).Cast<Match>().Where(m => !InComment(text, m.Index)).ToArray();
        var value = from i in Gen.Choose(0, numbers.Length - 1)
                    from v in Gen.Elements(ExtremeValues)
                    select ReplaceNumber(source, text, numbers[i], v);
        var structural = Gen.OneOf(
            Gen.Choose(0, text.Length).Select(n => new MutatedSpec(source, $"truncated at {n}", text[..n], [])),
            Gen.Choose(0, lines.Length - 1).Select(i => Lines(source, $"line {i + 1} removed", lines.Where((_, k) => k != i), [])),
            Gen.Choose(0, lines.Length - 1).Select(i => Lines(source, $"line {i + 1} duplicated", lines.SelectMany((l, k) => k == i ? [l, l] : new[] { l }), [])),
            from i in Gen.Choose(0, lines.Length - 1)
            from c in Gen.Elements("[", "{", "]", "}", ":", "- ", "\"", "'", "&a ", "*a ", "!!binary ", "\t", "? ", "|", "%YAML 1.2\n---\n")
            select Lines(source, $"'{c}' inserted in line {i + 1}", lines.Select((l, k) => k == i ? Insert(l, c) : l), []),
            from i in Gen.Choose(0, lines.Length - 1)
            from key in Gen.Elements("bogus", "Name", "axes ", "lin", "n", "observable", "model", "h", "__proto__")
            select Lines(source, $"key '{key}' added after line {i + 1}", lines.Take(i + 1).Append($"{key}: 1").Concat(lines.Skip(i + 1)), []),
            from i in Gen.Choose(0, lines.Length - 1)
            select Lines(source, $"line {i + 1} indented", lines.Select((l, k) => k == i ? "   " + l : l), []),
            from depth in Gen.Choose(50, 5000)
            select new MutatedSpec(source, $"nested {depth} deep", text + "\nconstants: " + new string('[', depth) + "1" + new string(']', depth) + "\n", ["constants"]),
            from n in Gen.Choose(0, 4096)
            from seed in Gen.Choose(0, int.MaxValue)
            select new MutatedSpec(source, $"{n} random bytes (seed {seed})", "", []) { Raw = Binary(n, seed) },
            Gen.Constant(new MutatedSpec(source, "empty", "", [])),
            Gen.Constant(new MutatedSpec(source, "whitespace only", " \n\t\n", [])),
            Gen.Constant(new MutatedSpec(source, "two documents", text + "\n---\n" + text, [])),
            from length in Gen.Elements(256, 4096, 1 << 20)
            select Rename(source, text, new string('n', length), $"name of {length} characters"),
            from u in Gen.Elements(Unicode)
            select Rename(source, text, u, $"unicode name {Escape(u)}"),
            from i in Gen.Choose(0, lines.Length - 1)
            from u in Gen.Elements(Unicode)
            select Lines(source, $"unicode {Escape(u)} in line {i + 1}", lines.Select((l, k) => k == i ? Insert(l, u) : l), []));
        return numbers.Length == 0 ? structural : Gen.Frequency((1, value), (1, structural));
    }

    private static MutatedSpec ReplaceNumber(string source, string text, Match number, string replacement)
    {
        int lineStart = text.LastIndexOf('\n', Math.Max(0, number.Index - 1)) + 1;
        int lineEnd = text.IndexOf('\n', number.Index) is var e and >= 0 ? e : text.Length;
        var keys = Keys(text[lineStart..lineEnd]).ToList();
        if (text[lineStart..lineEnd].TrimStart().StartsWith('-') || keys.Count == 0)
        {
            // A list item below its key: the nearest less-indented key names the field.
            keys.AddRange(Keys(PreviousKeyLine(text, lineStart)));
        }

        string mutated = text[..number.Index] + replacement + text[(number.Index + number.Length)..];
        return new MutatedSpec(source, $"{number.Value} → {replacement} (line {text[..number.Index].Count(c => c == '\n') + 1})", mutated, keys);
    }

    private static string PreviousKeyLine(string text, int lineStart)
    {
        var before = text[..lineStart].Split('\n');
        return before.Reverse().FirstOrDefault(l => KeyPattern().IsMatch(l)) ?? "";
    }

    private static IReadOnlyList<string> Keys(string line) =>
        KeyPattern().Matches(line.Split('#')[0]).Select(m => m.Groups[1].Value).ToList();

    private static bool InComment(string text, int index)
    {
        int lineStart = text.LastIndexOf('\n', Math.Max(0, index - 1)) + 1;
        return text[lineStart..index].Contains('#');
    }

    private static MutatedSpec Lines(string source, string mutation, IEnumerable<string> lines, IReadOnlyList<string> keys) =>
        new(source, mutation, string.Join('\n', lines), keys);

    private static MutatedSpec Rename(string source, string text, string name, string mutation) =>
        new(source, mutation, Regex.Replace(text, @"^name: .*$", "name: " + name, RegexOptions.Multiline), ["name"]);

    private static string Insert(string line, string what) => line.Length == 0 ? what : line.Insert(line.Length / 2, what);

    private static byte[] Binary(int length, int seed)
    {
        var bytes = new byte[length];
        new System.Random(seed).NextBytes(bytes);
        return bytes;
    }

    private static string Escape(string s) => string.Concat(s.Select(c => c < 128 && !char.IsControl(c) ? c.ToString() : $"\\u{(int)c:X4}"));
}
