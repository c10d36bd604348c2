using System.Runtime.CompilerServices;
using Sweep.Physics.Bose;
using Sweep.Physics.Models;

namespace Sweep.Physics.Junction;

/// <summary>
/// The magnon gas's thermodynamics (n_mag, kappa, zeta, entropy, C_h), the contact's relaxation times
/// (tau_plus, tau_minus) and the biases' relaxation after it opens (dh_t, dT_t, dM_t) for many points at once
/// (PHYSICS.md §1): the Bose integrals SIMD across points (<see cref="BoseBatch"/>: the half-integer orders,
/// and the integer ones only when the relaxation is asked for), then per point the scalar kernel's own closed
/// forms (<see cref="MagnonGas"/>, <see cref="ContactRelaxation"/>, <see cref="BiasRelaxation"/>), so both
/// paths share every formula — but for the relaxation times without the transients, which
/// <see cref="ContactRelaxation.Evaluate"/> computes SIMD across points, bitwise as its scalar form. The points' statuses are decided
/// before (by <see cref="LinearResponseBatch"/> and the model's scalar rules); points not
/// <see cref="PointStatus.Ok"/> get NaN.
/// </summary>
public static class GasRelaxationBatch
{
    /// <summary>Outputs, in the model's observable order.</summary>
    public const int Observables = 10;

    public const int Density = 0, Susceptibility = 1, Zeta = 2, Entropy = 3, HeatCapacity = 4, TauPlus = 5, TauMinus = 6,
        FieldBiasAt = 7, TemperatureBiasAt = 8, MagnetizationDifferenceAt = 9;

    /// <summary>Evaluates <paramref name="count"/> points into the non-null <paramref name="outputs"/> (indexed as
    /// <see cref="Observables"/>; null: not asked for) on the widest path (<paramref name="width"/> 0) or a chosen one.</summary>
    /// <param name="reservoirSites">N_r per point (the relaxation's reservoir size).</param>
    /// <param name="time">t per point after the contact opens (the transients' time).</param>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // hot: optimised from the first call (no tier-0 phase)
    public static void Evaluate(in JunctionPoints points, double[] reservoirSites, double[] time, int count, double[]?[] outputs,
        PointStatus[] status, int width = 0)
    {
        if (outputs.Length != Observables)
        {
            throw new ArgumentException($"outputs has {Observables} entries, one per observable (null: not asked for)", nameof(outputs));
        }

        width = width == 0 ? BoseBatch.PreferredWidth : width;
        bool transients = outputs[FieldBiasAt] is not null || outputs[TemperatureBiasAt] is not null || outputs[MagnetizationDifferenceAt] is not null;
        bool relaxation = transients || outputs[TauPlus] is not null || outputs[TauMinus] is not null;
        using var half = new BoseColumns(points.H.AsSpan(0, count), points.T.AsSpan(0, count));
        var x = half.X;
        for (int i = 0; i < count; i++)
        {
            if (status[i] != PointStatus.Ok)
            {
                x[i] = 1.0; // a rejected point's x may be 0 or of either sign: keep its lane an ordinary one
            }
        }

        BoseBatch.EvaluateHalfOrders(x, half.Scale, half.G(0), half.G(1), half.G(2), half.G(3), width);
        using var integer = new BoseColumns(count);
        if (relaxation)
        {
            BoseBatch.Evaluate(x, integer.Scale, integer.G(0), integer.G(1), integer.G(2), width);
        }

        ReadOnlySpan<double> scale = half.Scale, g05 = half.G(0), g15 = half.G(1), g25 = half.G(2);
        ReadOnlySpan<double> g1 = integer.G(0), g2 = integer.G(1), g3 = integer.G(2);
        // Per point: the gas's own observables, and the transients (which need its kappa and zeta, and the times). The
        // times without the transients go SIMD across points after this loop, which they then skip.
        bool timesAcross = relaxation && !transients;
        bool perPoint = transients || outputs[Density] is not null || outputs[Susceptibility] is not null || outputs[Zeta] is not null ||
                        outputs[Entropy] is not null || outputs[HeatCapacity] is not null;
        for (int i = 0; perPoint && i < count; i++)
        {
            if (status[i] != PointStatus.Ok)
            {
                foreach (var column in outputs)
                {
                    column?[i] = double.NaN;
                }

                continue;
            }

            // Both BoseBatch calls scale alike at one x (F_d = scale·G_d: 1 below the regime switch, e^{−x} above;
            // BoseBatchTests), so the set keeps F_d = Weight·G_d. Below the switch its Weight is 1 and its G_d are F_d,
            // not BoseIntegralSet's e^{−x} and e^{x} F_d: a common factor, which MagnonGas (F_d only), ContactRelaxation
            // and BiasRelaxation (ratios of products of two G_d) do not see. The set goes to those three only.
            double w = scale[i];
            double a = relaxation ? g1[i] : 0, b = relaxation ? g2[i] : 0, c = relaxation ? g3[i] : 0;
            var f = new BoseIntegralSet(x[i], w, w * g05[i], w * a, w * g15[i], w * b, w * g25[i], w * c, g05[i], a, g15[i], b, g25[i], c);
            double t = points.T[i];
            double lambda = MagnonGas.ThermalFactor(t, points.Exchange[i] * points.Spin[i]); // D = J S
            var gas = MagnonGas.Compute(f, t, lambda);
            outputs[Density]?[i] = gas.Density;
            outputs[Susceptibility]?[i] = gas.Susceptibility;
            outputs[Zeta]?[i] = gas.Zeta;
            outputs[Entropy]?[i] = gas.Entropy;
            outputs[HeatCapacity]?[i] = gas.HeatCapacity;
            if (transients)
            {
                double slope = JunctionTransport.TransmissionSlope(points.TunnelingExchange[i], points.Spin[i], points.Exchange[i]);
                var times = ContactRelaxation.Compute(f, t, slope, lambda, reservoirSites[i]);
                outputs[TauPlus]?[i] = times.TauPlus;
                outputs[TauMinus]?[i] = times.TauMinus;
                var biases = BiasRelaxation.Compute(f, times, points.FieldBias[i], points.TemperatureBias[i], time[i]);
                outputs[FieldBiasAt]?[i] = biases.FieldBias;
                outputs[TemperatureBiasAt]?[i] = biases.TemperatureBias;
                outputs[MagnetizationDifferenceAt]?[i] = -gas.Susceptibility * biases.FieldBias + gas.Zeta * biases.TemperatureBias;
            }
        }

        if (timesAcross)
        {
            // A time not asked for is written to the integer columns' x, which their batch does not use.
            var tauPlus = outputs[TauPlus] is { } plus ? plus.AsSpan(0, count) : integer.X;
            var tauMinus = outputs[TauMinus] is { } minus ? minus.AsSpan(0, count) : integer.X;
            ContactRelaxation.Evaluate(g05, g1, g15, g2, g25, g3, points, reservoirSites, count, tauPlus, tauMinus, width);
            for (int i = 0; i < count; i++)
            {
                if (status[i] != PointStatus.Ok)
                {
                    // Its lane held whatever its parameters gave (their checks rejected it); its integrals were x = 1's.
                    outputs[TauPlus]?[i] = double.NaN;
                    outputs[TauMinus]?[i] = double.NaN;
                }
            }
        }
    }
}
