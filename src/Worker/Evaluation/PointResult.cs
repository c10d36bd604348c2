using Sweep.Physics.Models;

namespace Sweep.Worker.Evaluation;

/// <summary>One evaluated point: the model, every parameter as used (defaults filled in), the
/// status, why it is not ok (if so), and the observables (empty unless ok; NaN where an
/// observable is undefined at an ok point, such as r at t = 0).</summary>
public sealed record PointResult(
    string? Model,
    IReadOnlyList<KeyValuePair<string, double>> Parameters,
    PointStatus Status,
    string? Message,
    IReadOnlyList<KeyValuePair<string, double>> Observables)
{
    public static PointResult Invalid(string? model, IReadOnlyList<KeyValuePair<string, double>> parameters, string message) =>
        new(model, parameters, PointStatus.Invalid, message, []);
}
