using System.Numerics;
using System.Runtime.CompilerServices;
using Sweep.Physics.Bose;

namespace Sweep.Physics.Mtj;

/// <summary>
/// <see cref="MtjJunction.AtBias"/> over a bias grid, SIMD across bias points (PHYSICS.md §2): the
/// junction's constants are broadcast, the two weighted occupations f(1 ∓ v) come from
/// <see cref="WeightedOccupationBatch"/>, and every formula is the scalar one, operation for operation,
/// with the regime choices (the resistance's expansion near v = 0, r where ∂_v G_MAT = 0) as selects.
/// So results differ from the scalar path only through the vector exp, by a few ulp.
/// </summary>
public static class MtjBiasBatch
{
    /// <summary>Evaluates the reduced biases v_j = (<paramref name="biases"/>[j] · <paramref name="biasScale"/>) / h
    /// for whole vectors of j (the rest, fewer than a vector, is left to the caller) and writes N_s, i,
    /// dI/dV, G_el, G_MAT, G_STT, R and r to columns[<paramref name="firstColumn"/> + o][offset + j] (o = 0 … 7),
    /// and v_j to <paramref name="reducedBias"/>[j]. Lanes where
    /// the scalar path would not give numbers (|v| too large, swasing) get unspecified values: the caller
    /// decides statuses. Returns how many biases were done.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // hot: optimised from the first call (no tier-0 phase)
    public static int Evaluate(in MtjJunction junction, double field, ReadOnlySpan<double> biases, double biasScale,
        double[][] columns, int firstColumn, int offset, Span<double> reducedBias)
    {
        int lanes = Vector<double>.Count, done = biases.Length / lanes * lanes;
        double a = junction.ElectronShare, c = junction.Orientation * junction.LeadPolarization, vc = junction.CriticalBias;
        double eta = junction.Orientation, gm = junction.MagnetoConductance, spin = junction.Spin, inelastic = junction.ReducedGamma / spin;
        double t = junction.ReducedTemperature;
        double reach = Math.Min(Math.Max(1.0, 2 * Math.PI * t), Math.Abs(vc));
        var one = Vector<double>.One;
        var half = new Vector<double>(0.5);
        var mean = new Vector<double>((1 - a) * junction.EquilibriumNumber);
        var va = new Vector<double>(a);
        var vC = new Vector<double>(c);
        var vVc = new Vector<double>(vc);
        var vSpin = new Vector<double>(spin);
        var vInelastic = new Vector<double>(inelastic);
        var etaGm = new Vector<double>(eta * gm);
        for (int j = 0; j < done; j += lanes)
        {
            var v = new Vector<double>(biases[j..]) * new Vector<double>(biasScale) / new Vector<double>(field);
            v.CopyTo(reducedBias[j..]);
            Occupations(one - v, t, out var fm, out var fm1, out var fm2);
            Occupations(one + v, t, out var fp, out var fp1, out var fp2);
            // MagnonSources: N±, their slopes and curvatures.
            var plus = half * (fm + fp);
            var minus = half * (fm - fp);
            var plusSlope = half * (fp1 - fm1);
            var minusSlope = -half * (fm1 + fp1);
            var plusCurvature = half * (fm2 + fp2);
            var minusCurvature = half * (fm2 - fp2);

            var d = one + v / vVc;
            var p = mean + va * (plus - vC * minus);
            var p1 = va * (plusSlope - vC * minusSlope);
            var p2 = va * (plusCurvature - vC * minusCurvature);
            var ns = p / d;
            var ns1 = (p1 - ns / vVc) / d;
            var ns2 = (p2 - new Vector<double>(2.0) * ns1 / vVc) / d;

            var gEl = one + etaGm * (one - ns / vSpin);
            var current = gEl * v + vInelastic * (minus - vC * (plus - ns));
            var gMat = vInelastic * (minusSlope - vC * plusSlope);
            var currentPerMagnon = -etaGm * v / vSpin + vInelastic * vC;
            var gStt = currentPerMagnon * ns1;
            var dIdV = gEl + gMat + gStt;

            var gMatSlope = vInelastic * (minusCurvature - vC * plusCurvature);
            var gSttSlope = -etaGm * ns1 / vSpin + currentPerMagnon * ns2;
            var ratio = Vector.ConditionalSelect(Vector.Equals(gMatSlope, Vector<double>.Zero),
                new Vector<double>(double.NaN), gSttSlope / gMatSlope);

            // MtjJunction.Resistance: the expansion of i/v near v = 0 where v/i would carry more rounding.
            var dIdVSlope = gMatSlope + gSttSlope - etaGm * ns1 / vSpin;
            var scale = Vector.Abs(gEl * v) + vInelastic * (Vector.Abs(minus) + new Vector<double>(Math.Abs(c)) * (Vector.Abs(plus) + Vector.Abs(ns)));
            var reduced = v / new Vector<double>(reach);
            var expansionError = reduced * reduced;
            var roundingError = Vector.ConditionalSelect(Vector.Equals(current, Vector<double>.Zero),
                new Vector<double>(double.PositiveInfinity), new Vector<double>(4e-16) * scale / Vector.Abs(current));
            var resistance = Vector.ConditionalSelect(Vector.LessThan(expansionError, roundingError),
                one / (dIdV - half * dIdVSlope * v), v / current);

            ns.CopyTo(columns[firstColumn + 0], offset + j);
            current.CopyTo(columns[firstColumn + 1], offset + j);
            dIdV.CopyTo(columns[firstColumn + 2], offset + j);
            gEl.CopyTo(columns[firstColumn + 3], offset + j);
            gMat.CopyTo(columns[firstColumn + 4], offset + j);
            gStt.CopyTo(columns[firstColumn + 5], offset + j);
            resistance.CopyTo(columns[firstColumn + 6], offset + j);
            ratio.CopyTo(columns[firstColumn + 7], offset + j);
        }

        return done;
    }

    /// <summary>f, f', f'' at energies ε and reduced temperature t, including t = 0 (as WeightedOccupation).</summary>
    private static void Occupations(Vector<double> energy, double t, out Vector<double> value, out Vector<double> slope,
        out Vector<double> curvature)
    {
        if (t > 0)
        {
            WeightedOccupationBatch.Evaluate(energy, t, out value, out slope, out curvature);
            return;
        }

        // f = −ε θ(−ε); at the kink ε = 0 the slope is the mean of both sides.
        var below = Vector.LessThan(energy, Vector<double>.Zero);
        value = Vector.ConditionalSelect(below, -energy, Vector<double>.Zero);
        slope = Vector.ConditionalSelect(below, -Vector<double>.One,
            Vector.ConditionalSelect(Vector.GreaterThan(energy, Vector<double>.Zero), Vector<double>.Zero, new Vector<double>(-0.5)));
        curvature = Vector<double>.Zero;
    }
}
