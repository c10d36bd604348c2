using Sweep.Engine;
using System.CommandLine;
using Sweep.Coordinator.Output;
using Sweep.Physics.Models;
using Sweep.Worker.Evaluation;
using Sweep.Worker.Protocol;

namespace Sweep.Coordinator.Cli;

/// <summary>
/// <c>sweep eval MODEL --set name=value ... [--json]</c>: every observable at one point.
/// <c>sweep eval --jsonl</c>: one JSON request per stdin line, one JSON result per line, in order.
/// </summary>
public static class EvalCommand
{
    public static Command Create(CommandIO io)
    {
        var model = new Argument<string?>("MODEL") { Arity = ArgumentArity.ZeroOrOne, Description = "Model name (see 'sweep models')" };
        var set = new Option<string[]>("--set") { Description = "A parameter value, name=value (repeat for each parameter)", Arity = ArgumentArity.ZeroOrMore };
        var json = new Option<bool>("--json") { Description = "Print the result as one JSON object" };
        var jsonl = new Option<bool>("--jsonl")
        {
            Description = "Read {\"model\": ..., \"parameters\": {...}} lines on stdin; write one result line each " +
                          $"(status {PointStatusNames.NameList}); exit 0 unless stdin cannot be read",
        };
        var command = new Command("eval",
            "Evaluate every observable of a model at one point. Exit 65 if a value is out of its valid range; " +
            "critical (h = 0), unstable (swasing) and outside (beyond the model's validity) points exit 0 with that status.")
        {
            model, set, json, jsonl,
        };
        command.SetAction(parse =>
        {
            string? name = parse.GetValue(model);
            string[] assignments = parse.GetValue(set) ?? [];
            var evaluator = new PointEvaluator(io.Registry);
            if (parse.GetValue(jsonl))
            {
                if (name is not null || assignments.Length > 0 || parse.GetValue(json))
                {
                    throw new UsageException("eval --jsonl reads models and parameters from stdin: give no MODEL, --set or --json");
                }

                return EvaluateLines(io, evaluator);
            }

            if (name is null)
            {
                throw new UsageException($"eval needs a MODEL (one of: {string.Join(", ", io.Registry.Names)}) or --jsonl");
            }

            return EvaluatePoint(io, evaluator, name, ParameterAssignments.Parse(assignments), parse.GetValue(json));
        });
        return command;
    }

    private static int EvaluatePoint(CommandIO io, PointEvaluator evaluator, string name,
        IReadOnlyList<KeyValuePair<string, double>> assignments, bool asJson)
    {
        var model = io.Registry.Find(name)
                    ?? throw new UsageException($"unknown model '{name}' (models: {string.Join(", ", io.Registry.Names)})");
        if (!ParameterBinding.TryBind(model, assignments, out _, out string? error))
        {
            throw new UsageException(error!);
        }

        var result = evaluator.Evaluate(name, assignments);
        io.Out.Write(asJson ? PointResultWriter.ToJson(result) + "\n" : PointResultText.Format(result, model));
        if (result.Status == PointStatus.Invalid)
        {
            io.Error.WriteLine($"sweep: {result.Message}");
            return ExitCodes.DataError;
        }

        return ExitCodes.Ok;
    }

    private static int EvaluateLines(CommandIO io, PointEvaluator evaluator)
    {
        int lineNumber = 0;
        while (io.In.ReadLine() is { } line)
        {
            lineNumber++;
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            var request = PointRequestReader.Parse(line);
            var result = request.Error is null
                ? evaluator.Evaluate(request.Model!, request.Parameters)
                : PointResult.Invalid(request.Model, request.Parameters, $"line {lineNumber}: {request.Error}");
            io.Out.Write(PointResultWriter.ToJson(result));
            io.Out.Write('\n');
        }

        return ExitCodes.Ok;
    }
}
