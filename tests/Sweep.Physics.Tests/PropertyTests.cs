using FsCheck;
using FsCheck.Fluent;
using Sweep.Physics.Bose;
using Sweep.Physics.Junction;
using Sweep.Physics.Models;
using Sweep.Physics.Mtj;

namespace Sweep.Physics.Tests;

/// <summary>Positivity and monotonicity over random valid inputs (FsCheck).</summary>
public class PropertyTests
{
    private static readonly Config Runs = Config.QuickThrowOnFailure.WithMaxTest(400);

    /// <summary>Log-uniform in [lo, hi].</summary>
    private static Gen<double> LogUniform(double lo, double hi) =>
        Gen.Choose(0, 1_000_000).Select(k => lo * Math.Pow(hi / lo, k / 1e6));

    private static Gen<double> Uniform(double lo, double hi) =>
        Gen.Choose(0, 1_000_000).Select(k => lo + (hi - lo) * k / 1e6);

    [Fact]
    public void Junction_conductances_and_gas_are_positive_and_thermodynamically_stable()
    {
        var points = from h in LogUniform(1e-9, 50)
                     from t in LogUniform(1e-3, 20)
                     from jt in LogUniform(1e-3, 1)
                     from s in Uniform(0.5, 10)
                     from j in LogUniform(0.1, 10)
                     select new[] { h, t, jt, s, j, 0, 0, 1, 0 };
        var model = new MagnonJunctionModel();
        Check.One(Runs, Prop.ForAll(points.ToArbitrary(), p =>
        {
            var r = model.CreateResults(1);
            model.Evaluate(PointBatch.Single(p), r);
            double O(string name) => r.Columns[model.ObservableIndex(name)][0];
            // A dense gas (n ≥ S/10) is outside the model; every other point is ok and physical.
            return r.Status[0] == PointStatus.Outside && O("n_mag") is double.NaN
                   || r.Status[0] == PointStatus.Ok
                   && O("L11") >= 0 && O("L22") >= 0 && O("K") >= 0 && O("K") <= O("L22") * (1 + 1e-12)
                   && O("seebeck") > 0 && O("lorenz") > 0 && O("ZT") >= 0
                   && O("kappa") >= 0 && O("zeta") <= 0 && O("C_h") >= 0 && O("entropy") >= 0
                   && O("tau_plus") >= O("tau_minus") && O("tau_minus") > 0
                   && model.Observables.Select((_, i) => r.Columns[i][0]).All(double.IsFinite);
        }));
    }

    [Fact]
    public void Bose_integrals_decrease_with_x_and_increase_with_order_below()
    {
        var pairs = from x in LogUniform(1e-12, 700)
                    from f in Uniform(1.0001, 1.5)
                    select (x, x * f);
        Check.One(Runs, Prop.ForAll(pairs.ToArbitrary(), p =>
        {
            var a = BoseIntegrals.Evaluate(p.Item1);
            var b = BoseIntegrals.Evaluate(p.Item2);
            return a.F05 >= b.F05 && a.F1 >= b.F1 && a.F15 >= b.F15 && a.F2 >= b.F2 && a.F25 >= b.F25 && a.F3 >= b.F3
                   && a.F05 >= a.F1 && a.F1 >= a.F15 && a.F15 >= a.F2 && a.F2 >= a.F25 && a.F25 >= a.F3 && a.F3 > 0;
        }));
    }

    /// <summary>x = h/T stays below 600 (h ≤ 5, T ≥ 0.01), where L11 is a positive number, not an underflowed 0.</summary>
    [Fact]
    public void Spin_conductance_falls_with_the_gap_and_rises_with_temperature()
    {
        var points = from h in LogUniform(1e-6, 5)
                     from t in LogUniform(1e-2, 10)
                     select (h, t);
        Check.One(Runs, Prop.ForAll(points.ToArbitrary(), p =>
        {
            double L11(double h, double t) => JunctionTransport.Compute(BoseIntegrals.Evaluate(h / t), t, 1.0).L11;
            return L11(p.h, p.t) > L11(p.h * 1.01, p.t) && L11(p.h, p.t * 1.01) > L11(p.h, p.t);
        }));
    }

    [Fact]
    public void Stable_magnon_number_is_non_negative_and_N0_grows_with_temperature()
    {
        var points = from t in Uniform(0, 5)
                     from v in Uniform(-8, 8)
                     from s in LogUniform(1, 1e4)
                     from ap in LogUniform(1e-3, 1)
                     from p in LogUniform(0.01, 1)
                     from pl in Uniform(0.01, 0.99)
                     from eta in Gen.Elements(-1.0, 1.0)
                     select (t, v, j: MtjJunction.Create(1, t, s, ap, p, pl, eta, 2000));
        Check.One(Runs, Prop.ForAll(points.ToArbitrary(), x =>
        {
            if (!x.j.IsStable(x.v))
            {
                return true;
            }

            var b = x.j.AtBias(x.v);
            var warmer = MtjJunction.Create(1, x.t + 0.1, x.j.Spin, x.j.LatticeDamping, 0.5, 0.5, 1, 2000);
            return b.MagnonNumber >= 0 && double.IsFinite(b.Current) && double.IsFinite(b.DifferentialConductance)
                   && warmer.EquilibriumNumber > x.j.EquilibriumNumber;
        }));
    }
}
