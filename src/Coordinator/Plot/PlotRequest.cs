using Sweep.Physics.Models;
using Sweep.Engine.Spec;
using YamlDotNet.RepresentationModel;

namespace Sweep.Coordinator.Plot;

/// <summary>
/// A figure asked for by name/value options (<c>sweep plot</c>'s options, the live view's query string),
/// checked against the run's spec by the same parser as the spec's own <c>figures:</c>. Lists are
/// comma-separated; <see cref="At"/> holds NAME=VALUE items.
/// </summary>
public sealed record PlotRequest(string? Model, string? Y, string? X, string? Curves, string? Heatmap, string? Title, string? Log, string? Range,
    IReadOnlyList<string> At)
{
    /// <exception cref="PlotRequestException">An option is missing or does not fit the run (names the option's key).</exception>
    public FigureSpec ToFigure(SweepSpec spec, ModelRegistry registry)
    {
        var request = new YamlMappingNode { { "name", "plot" } };
        void Add(string key, string? value)
        {
            if (value is not null)
            {
                request.Add(key, value);
            }
        }

        Add("model", Model);
        request.Add("y", List(Y ?? throw new PlotRequestException("y", "name the observable to plot")));
        Add("x", X ?? throw new PlotRequestException("x", "name the dimension on the x axis"));
        Add("curves", Curves);
        Add("heatmap", Heatmap);
        Add("title", Title);
        if (Log is not null)
        {
            request.Add("log", List(Log));
        }

        if (Range is not null)
        {
            request.Add("range", List(Range));
        }

        if (At.Count > 0)
        {
            var mapping = new YamlMappingNode();
            foreach (string fix in At)
            {
                int equals = fix.IndexOf('=');
                if (equals <= 0)
                {
                    throw new PlotRequestException("at", $"expected NAME=VALUE, got '{fix}'");
                }

                mapping.Add(fix[..equals].Trim(), fix[(equals + 1)..].Trim());
            }

            request.Add("at", mapping);
        }

        try
        {
            return FigureParser.ParseOne(request, "plot", spec, registry);
        }
        catch (SpecException ex)
        {
            // The same checks as a spec's figures, reported against the request's keys.
            throw new PlotRequestException(ex.Field.Split('.').ElementAtOrDefault(1) ?? "", ex.Reason);
        }
    }

    private static YamlSequenceNode List(string text) =>
        new(text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(v => new YamlScalarNode(v)));
}

/// <summary>A plot request that does not fit the run: <see cref="Key"/> is the option (y, x, at, …) at fault.</summary>
public sealed class PlotRequestException(string key, string reason) : Exception($"{key}: {reason}")
{
    public string Key { get; } = key;

    public string Reason { get; } = reason;
}
