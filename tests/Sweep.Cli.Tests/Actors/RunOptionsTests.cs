using Sweep.Coordinator.Engine;
using Sweep.Engine.Planning;
using Sweep.Engine.Spec;
using Sweep.Physics.Models;

namespace Sweep.Cli.Tests.Actors;

/// <summary>The dispatch window: as many chunks per worker as fit the result budget, within its bounds.</summary>
public class RunOptionsTests
{
    private static SweepPlan Plan(int chunk, string observables) => SweepPlan.Create(SpecParser.Parse($$"""
        name: window
        models: [magnon-junction]
        axes:
          h: {lin: [0.1, 1.0], n: 100000}
          T: {values: [1]}
        constants: {J_T: 0.1, S: 1}
        observables: [{{observables}}]
        chunk: {{chunk}}
        """, ModelRegistry.Default), ModelRegistry.Default);

    [Fact]
    public void Small_results_get_the_deepest_window_and_large_ones_the_shallowest()
    {
        var options = new RunOptions { Workers = 3 };
        // 1024 points × (4 observables × 8 B + 1 status byte): 33 KB a chunk, far below the budget.
        Assert.Equal(3 * RunOptions.MaxWindowPerWorker, options.WindowFor(Plan(1024, "l11, l12, l22, k")));
        // 65536 points × (25 × 8 + 1) B = 13 MB a chunk: the budget holds two, the floor keeps eight.
        var all = string.Join(", ", new Physics.Junction.MagnonJunctionModel().Observables.Select(o => o.Name));
        Assert.Equal(3 * RunOptions.MinWindowPerWorker, options.WindowFor(Plan(65536, all)));
        // 32768 points × 2 observables: 557 KB a chunk, 32 MiB / 557 KB = 60, clamped to 32; 16384 points
        // × 25 observables: 3.3 MB, ten of them.
        Assert.Equal(3 * 10, options.WindowFor(Plan(16384, all)));
    }

    [Fact]
    public void An_explicit_window_wins()
    {
        Assert.Equal(5, new RunOptions { Workers = 3, DispatchWindow = 5 }.WindowFor(Plan(1024, "k")));
    }
}
