using Sweep.Physics.Bose;
using Sweep.Physics.Junction;
using Sweep.Physics.Models;

namespace Sweep.Physics.Tests;

/// <summary>PHYSICS.md §1 against every junction entry of physics-reference.json.</summary>
public class JunctionReferenceTests
{
    private static readonly MagnonJunctionModel Model = new();

    [Fact]
    public void Reduced_conductances_match_to_1e12()
    {
        foreach (var entry in ReferenceData.Physics.GetProperty("junction_reduced").EnumerateArray())
        {
            double x = ReferenceData.Number(entry, "x");
            var t = JunctionTransport.Compute(BoseIntegrals.Evaluate(x), 1.0, 1.0);
            Near.Relative(ReferenceData.Number(entry, "l11"), t.l11, 1e-12, $"l11({x})");
            Near.Relative(ReferenceData.Number(entry, "l12"), t.l12, 1e-12, $"l12({x})");
            Near.Relative(ReferenceData.Number(entry, "l21"), t.L21 / (t.A * 1.0 * 1.0), 1e-12, $"l21({x})");
            Near.Relative(ReferenceData.Number(entry, "l22"), t.l22, 1e-12, $"l22({x})");
            Near.Relative(ReferenceData.Number(entry, "k"), t.k, 1e-12, $"k({x})");
        }
    }

    [Fact]
    public void Absolute_conductances_match_to_1e10()
    {
        foreach (var e in ReferenceData.Physics.GetProperty("junction_absolute").EnumerateArray())
        {
            // The kernel at every reference point, and the model where the point is inside its validity.
            double a = JunctionTransport.TransmissionSlope(Num(e, "J_T"), Num(e, "S"), Num(e, "J"));
            var t = JunctionTransport.Compute(BoseIntegrals.Evaluate(Num(e, "h") / Num(e, "T")), Num(e, "T"), a);
            var kernel = new Dictionary<string, double> { ["A"] = t.A, ["L11"] = t.L11, ["L12"] = t.L12, ["L21"] = t.L21, ["L22"] = t.L22, ["K"] = t.K };
            var (status, o) = ModelHarness.Run(Model, ("h", Num(e, "h")), ("T", Num(e, "T")), ("J_T", Num(e, "J_T")), ("S", Num(e, "S")), ("J", Num(e, "J")));
            Assert.Contains(status, (PointStatus[])[PointStatus.Ok, PointStatus.Outside]);
            foreach (string name in kernel.Keys)
            {
                Near.Relative(Num(e, name), kernel[name], 1e-10, $"{name} at h={Num(e, "h")}");
                if (status == PointStatus.Ok)
                {
                    Assert.Equal(kernel[name], o[name]);
                }
            }
        }
    }

    [Fact]
    public void Nonlinear_currents_match_to_1e10()
    {
        foreach (var e in ReferenceData.Physics.GetProperty("junction_currents").EnumerateArray())
        {
            double hL = Num(e, "hL"), hR = Num(e, "hR"), tL = Num(e, "TL"), tR = Num(e, "TR");
            var o = ModelHarness.Ok(Model, ("h", (hL + hR) / 2), ("T", (tL + tR) / 2), ("dh", hR - hL), ("dT", tL - tR),
                ("J_T", Num(e, "J_T")), ("S", Num(e, "S")), ("J", Num(e, "J")));
            Near.Relative(Num(e, "I_S"), o["I_S"], 1e-10, "I_S");
            Near.Relative(Num(e, "I_H"), o["I_H"], 1e-10, "I_H");
        }
    }

    [Fact]
    public void Magnon_gas_matches_to_1e10()
    {
        foreach (var e in ReferenceData.Physics.GetProperty("magnon_gas").EnumerateArray())
        {
            var o = ModelHarness.Ok(Model, ("h", Num(e, "h")), ("T", Num(e, "T")), ("J", Num(e, "J")), ("S", Num(e, "S")), ("J_T", 0.05));
            Near.Relative(Num(e, "n"), o["n_mag"], 1e-10, "n");
            Near.Relative(Num(e, "kappa"), o["kappa"], 1e-10, "kappa");
        }
    }

    private static double Num(System.Text.Json.JsonElement e, string name) => ReferenceData.Number(e, name);
}
