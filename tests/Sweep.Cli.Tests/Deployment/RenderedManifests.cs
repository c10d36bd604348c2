using System.Diagnostics;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;
using YamlDotNet.Serialization;

namespace Sweep.Cli.Tests.Deployment;

/// <summary>The objects <c>kubectl kustomize</c> renders from a directory, as plain dictionaries and lists.</summary>
internal sealed class RenderedManifests
{
    private RenderedManifests(IReadOnlyList<Dictionary<object, object>> objects, string text) => (Objects, Text) = (objects, text);

    public IReadOnlyList<Dictionary<object, object>> Objects { get; }

    /// <summary>The rendered YAML as kubectl printed it.</summary>
    public string Text { get; }

    public static RenderedManifests Render(string directory)
    {
        string kubectl = Environment.GetEnvironmentVariable("PATH")!.Split(':').Select(d => Path.Combine(d, "kubectl")).FirstOrDefault(File.Exists)
                         ?? throw new InvalidOperationException("kubectl is not on the PATH; ./test.sh installs it (apt-get install kubernetes-client)");
        using var process = Process.Start(new ProcessStartInfo(kubectl, ["kustomize", directory]) { RedirectStandardOutput = true, RedirectStandardError = true })!;
        var error = process.StandardError.ReadToEndAsync();
        string yaml = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"kubectl kustomize {directory} failed: {error.Result}");

        var deserializer = new DeserializerBuilder().Build();
        var parser = new Parser(new StringReader(yaml));
        parser.Consume<StreamStart>();
        var objects = new List<Dictionary<object, object>>();
        while (parser.Accept<DocumentStart>(out _))
        {
            objects.Add(deserializer.Deserialize<Dictionary<object, object>>(parser));
        }

        return new RenderedManifests(objects, yaml);
    }

    public IEnumerable<Dictionary<object, object>> OfKind(string kind) => Objects.Where(o => Str(o, "kind") == kind);

    public Dictionary<object, object> Single(string kind, string name) =>
        OfKind(kind).SingleOrDefault(o => Str(o, "metadata.name") == name) ?? throw new Xunit.Sdk.XunitException($"no {kind} '{name}' rendered");

    public bool Has(string kind, string name) => OfKind(kind).Any(o => Str(o, "metadata.name") == name);

    /// <summary>The value at a dotted path of map keys, or null.</summary>
    public static object? At(object? node, string path)
    {
        foreach (string key in path.Split('.'))
        {
            if (node is not Dictionary<object, object> map || !map.TryGetValue(key, out node))
            {
                return null;
            }
        }

        return node;
    }

    public static string? Str(object? node, string path) => At(node, path) as string;

    public static IEnumerable<Dictionary<object, object>> List(object? node, string path) =>
        (At(node, path) as List<object> ?? []).Cast<Dictionary<object, object>>();

    public static Dictionary<string, string> Labels(object? node, string path) =>
        (At(node, path) as Dictionary<object, object> ?? []).ToDictionary(e => (string)e.Key, e => (string)e.Value);

    /// <summary>Every map anywhere below <paramref name="node"/> (itself included).</summary>
    public static IEnumerable<Dictionary<object, object>> Maps(object? node)
    {
        switch (node)
        {
            case Dictionary<object, object> map:
                yield return map;
                foreach (var child in map.Values.SelectMany(Maps))
                {
                    yield return child;
                }

                break;
            case List<object> list:
                foreach (var child in list.SelectMany(Maps))
                {
                    yield return child;
                }

                break;
        }
    }
}
