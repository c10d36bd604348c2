using Sweep.Engine;
using Sweep.Engine.Spec;
using Sweep.Physics.Models;

namespace Sweep.Coordinator.Cli;

/// <summary>Reads a spec file: an unreadable file is a usage error (64), a bad spec a data error (65).</summary>
public static class SpecFile
{
    public static SweepSpec Parse(string path, ModelRegistry registry, SpecOverrides? overrides = null)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new UsageException($"cannot read spec '{path}': {ex.Message}");
        }

        return SpecParser.Parse(text, registry, overrides);
    }
}
