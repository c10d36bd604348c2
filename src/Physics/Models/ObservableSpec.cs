namespace Sweep.Physics.Models;

/// <summary>One output of a model: its name, unit and meaning.</summary>
public sealed record ObservableSpec(string Name, string Unit, string Description);
