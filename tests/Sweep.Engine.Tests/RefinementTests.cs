using Sweep.Engine.Adaptive;
using Sweep.Engine.Planning;
using Sweep.Engine.Spec;
using Sweep.Physics.Models;

namespace Sweep.Engine.Tests;

/// <summary>The refinement rounds on synthetic functions, without the engine: each round's new points are "evaluated" by a formula.</summary>
public class RefinementTests
{
    private static SweepPlan Plan(string axes, string adaptive) => SweepPlan.Create(SpecParser.Parse($"""
        name: r
        models: [magnon-junction]
        axes: {axes}
        constants: {"{"}J_T: 0.1, S: 1{"}"}
        observables: [L11]
        adaptive: {adaptive}
        """, ModelRegistry.Default), ModelRegistry.Default);

    /// <summary>Runs rounds to the end with <paramref name="f"/> (status, value) at each point's (h, T).</summary>
    private static (AdaptiveCells Cells, AdaptiveSamples Samples, List<RefinementStep> Steps) Refine(SweepPlan plan, Func<double, double, (byte, double)> f)
    {
        var lattice = plan.Models[0].Lattice!;
        var cells = new AdaptiveCells(lattice);
        var samples = new AdaptiveSamples(1, 1);
        var steps = new List<RefinementStep>();
        int[] points = lattice.CoarsePoints();
        while (true)
        {
            for (int p = 0; p < points.Length / 2; p++)
            {
                var (status, value) = f(lattice.Axes[0].Value(points[2 * p]), lattice.Axes[1].Value(points[2 * p + 1]));
                samples.Add(AdaptiveLattice.Key(points.AsSpan(2 * p, 2)), [status], [[value]], 0);
            }

            var step = Refinement.Next(cells, samples, plan.Spec.Adaptive!);
            steps.Add(step);
            if (step.Done is not null)
            {
                return (cells, samples, steps);
            }

            foreach (var cell in step.Splits)
            {
                cells.Split(cell);
            }

            points = step.Points;
        }
    }

    [Fact]
    public void A_status_boundary_is_located_to_the_resolution_and_nothing_else_is_refined()
    {
        // A threshold T = 1.3 + 0.2 h (status 3 above it) on a function that is linear in the scaled coordinates.
        var plan = Plan("{h: {lin: [0, 1], n: 3}, T: {lin: [1, 2], n: 3}}", "{axes: {h: 0.25, T: 0.01}, observables: {L11: lin}, budget: 10000}");
        var (cells, samples, steps) = Refine(plan, (h, t) => (t > 1.3 + 0.2 * h ? (byte)3 : (byte)0, h + 2 * t));

        Assert.StartsWith("converged", steps[^1].Done);
        var lattice = plan.Models[0].Lattice!;
        foreach (var cell in cells.Leaves.Where(c => double.IsPositiveInfinity(Refinement.Loss(c, 2, samples, plan.Spec.Adaptive!, [1.0]))))
        {
            Assert.True(cell.AtResolution(2), "a boundary cell is left above the resolution");
            // The threshold runs through it: its T range meets the threshold's over the cell's h range.
            double hLo = lattice.Axes[0].Value(cell.LoAt(0)), tLo = lattice.Axes[1].Value(cell.LoAt(1)), tHi = lattice.Axes[1].Value(cell.LoAt(1) + 1);
            Assert.True(1.3 + 0.2 * hLo <= tHi && 1.3 + 0.2 * (hLo + 0.25) >= tLo, $"cell h ≥ {hLo}, T in [{tLo}, {tHi}]");
            Assert.Equal(1.0 / 128, tHi - tLo, 1e-12);
        }

        // Away from the threshold the linear function needs nothing beyond the first split of each coarse cell.
        Assert.True(samples.Count < 300, $"{samples.Count} points");
        Assert.Equal(steps.Count - 1, steps.Count(s => s.BoundaryCells > 0 && s.Splits.Length > 0));
    }

    [Fact]
    public void The_budget_is_never_exceeded_and_the_worst_cells_go_first()
    {
        var plan = Plan("{h: {log: [1.0e-6, 1], n: 4}, T: {lin: [0.1, 1], n: 4}}", "{axes: {h: 0.001, T: 0.001}, observables: {L11: log}, budget: 400}");
        var (_, samples, steps) = Refine(plan, (h, t) => (0, Math.Exp(-h / (0.01 * t))));
        Assert.Equal("budget reached", steps[^1].Done);
        Assert.InRange(samples.Count, 300, 400);
        // Losses fall as rounds go (each round splits the cells within a factor 2 of the largest).
        var losses = steps.Skip(1).Select(s => s.LargestLoss).ToList();
        Assert.True(losses[^1] < losses[0] / 4, string.Join(", ", losses));
    }

    [Fact]
    public void The_same_input_gives_bitwise_the_same_rounds()
    {
        var plan = Plan("{h: {log: [1.0e-6, 1], n: 4}, T: {lin: [0.1, 1], n: 4}}", "{axes: {h: 0.01, T: 0.01}, observables: {L11: log}, budget: 2000, tolerance: 0.01}");
        static (byte, double) F(double h, double t) => (h > 0.5 && t < 0.2 ? (byte)4 : (byte)0, Math.Exp(-h / (0.05 * t)) + 1e-3);
        var first = Refine(plan, F).Steps;
        var second = Refine(plan, F).Steps;
        Assert.Equal(first.Count, second.Count);
        for (int r = 0; r < first.Count; r++)
        {
            Assert.Equal(first[r].Points, second[r].Points);
            Assert.Equal(first[r].Splits, second[r].Splits);
            Assert.Equal(BitConverter.DoubleToInt64Bits(first[r].LargestLoss), BitConverter.DoubleToInt64Bits(second[r].LargestLoss));
        }
    }
}
