using Sweep.Engine;
using System.CommandLine;
using Sweep.Coordinator.Output;

namespace Sweep.Coordinator.Cli;

/// <summary><c>sweep models [--json | --markdown]</c>: the registry's models, parameters and observables.</summary>
public static class ModelsCommand
{
    public static Command Create(CommandIO io)
    {
        var json = new Option<bool>("--json") { Description = "Print the catalog as JSON" };
        var markdown = new Option<bool>("--markdown") { Description = "Print the catalog as Markdown tables (as in the README)" };
        var command = new Command("models", "List models with their parameters (unit, default, valid range) and observables") { json, markdown };
        command.SetAction(parse =>
        {
            bool asJson = parse.GetValue(json), asMarkdown = parse.GetValue(markdown);
            if (asJson && asMarkdown)
            {
                throw new UsageException("models: choose one of --json and --markdown");
            }

            io.Out.Write(asJson ? ModelCatalog.ToJson(io.Registry) : asMarkdown ? ModelCatalog.ToMarkdown(io.Registry) : ModelCatalog.ToText(io.Registry));
            return ExitCodes.Ok;
        });
        return command;
    }
}
