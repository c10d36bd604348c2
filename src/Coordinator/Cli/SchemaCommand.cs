using Sweep.Engine;
using System.CommandLine;
using Sweep.Engine.Spec;

namespace Sweep.Coordinator.Cli;

/// <summary><c>sweep schema</c>: the JSON Schema of a sweep spec.</summary>
public static class SchemaCommand
{
    public static Command Create(CommandIO io)
    {
        var command = new Command("schema", "Print the JSON Schema of the sweep spec (YAML); model parameters and observables: 'sweep models'");
        command.SetAction(_ =>
        {
            io.Out.Write(SpecSchema.Json);
            return ExitCodes.Ok;
        });
        return command;
    }
}
