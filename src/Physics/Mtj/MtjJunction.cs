using Sweep.Physics.Bose;

namespace Sweep.Physics.Mtj;

/// <summary>
/// The bias-independent constants of a magnetic tunnel junction with a fluctuating island spin
/// (PHYSICS.md §2), in units of ħΩ = h: evaluate once per junction, then <see cref="AtBias"/> for
/// each reduced bias v = eV/ħΩ.
/// </summary>
public readonly record struct MtjJunction
{
    private MtjJunction(double t, double spin, double dampingLattice, double polarization, double leadPolarization,
        double orientation, double conductanceRatio)
    {
        ReducedTemperature = t;
        Spin = spin;
        Orientation = orientation;
        LeadPolarization = leadPolarization;
        double p2 = polarization * polarization;
        MagnetoConductance = 2 * polarization * leadPolarization / (1 + p2);  // Gm/G0
        ReducedGamma = 2 * p2 / (1 + p2);                                     // Γ Gφ/G0
        Gamma = ReducedGamma * conductanceRatio;                              // Γ = (Γ Gφ/G0)(G0/Gφ)
        ElectronDamping = Gamma / (Math.PI * spin);                           // α_e = Γ/(π S)
        CriticalBias = orientation * (1 + dampingLattice / ElectronDamping) / leadPolarization;
        WeightedOccupation.Evaluate(1.0, t, out double n0, out _, out _);
        EquilibriumNumber = n0;                                               // N0 = n_B(1)
        ElectronShare = ElectronDamping / (dampingLattice + ElectronDamping); // α_e/(α_p + α_e)
        LatticeDamping = dampingLattice;
    }

    /// <summary>t = T/ħΩ.</summary>
    public double ReducedTemperature { get; }

    public double Spin { get; }

    /// <summary>η: +1 parallel, −1 antiparallel.</summary>
    public double Orientation { get; }

    /// <summary>P_L.</summary>
    public double LeadPolarization { get; }

    /// <summary>Gm/G0 = 2 P P_L/(1 + P²).</summary>
    public double MagnetoConductance { get; }

    /// <summary>Γ Gφ/G0 = 2P²/(1 + P²).</summary>
    public double ReducedGamma { get; }

    /// <summary>Γ.</summary>
    public double Gamma { get; }

    /// <summary>α_e = Γ/(π S).</summary>
    public double ElectronDamping { get; }

    /// <summary>α_p.</summary>
    public double LatticeDamping { get; }

    /// <summary>V_c = η (1 + α_p/α_e)/P_L, in units of ħΩ/e.</summary>
    public double CriticalBias { get; }

    /// <summary>N0 = n_B(ħΩ) at t.</summary>
    public double EquilibriumNumber { get; }

    /// <summary>α_e/(α_p + α_e).</summary>
    public double ElectronShare { get; }

    /// <param name="field">h = ħΩ &gt; 0.</param>
    /// <param name="temperature">T ≥ 0 (same unit as h).</param>
    /// <param name="spin">island spin S.</param>
    /// <param name="dampingLattice">α_p &gt; 0.</param>
    /// <param name="polarization">island polarization P = B/A &gt; 0.</param>
    /// <param name="leadPolarization">P_L ∈ (0, 1).</param>
    /// <param name="orientation">η = ±1.</param>
    /// <param name="conductanceRatio">G0/Gφ &gt; 0.</param>
    public static MtjJunction Create(double field, double temperature, double spin, double dampingLattice,
        double polarization, double leadPolarization, double orientation, double conductanceRatio) =>
        new(temperature / field, spin, dampingLattice, polarization, leadPolarization, orientation, conductanceRatio);

    /// <summary>False where the effective damping 1 + v/V_c ≤ 0: no steady state (swasing).</summary>
    public bool IsStable(double v) => 1 + v / CriticalBias > 0;

    /// <summary>N± at bias v and their first two v-derivatives (PHYSICS.md §2).</summary>
    public MagnonSources Sources(double v)
    {
        double t = ReducedTemperature;
        WeightedOccupation.Evaluate(1 - v, t, out double fm, out double fm1, out double fm2);
        WeightedOccupation.Evaluate(1 + v, t, out double fp, out double fp1, out double fp2);
        return new MagnonSources(
            0.5 * (fm + fp), 0.5 * (fm - fp),
            0.5 * (fp1 - fm1), -0.5 * (fm1 + fp1),
            0.5 * (fm2 + fp2), 0.5 * (fm2 - fp2));
    }

    /// <summary>Everything at one reduced bias v; call only where <see cref="IsStable"/>.</summary>
    public MtjBiasPoint AtBias(double v)
    {
        var n = Sources(v);
        double a = ElectronShare, c = Orientation * LeadPolarization, vc = CriticalBias;

        // N_s = P/D with P = (1−a)N0 + a(N+ − ηP_L N−), D = 1 + v/V_c; then P' = N_s' D + N_s/V_c, ….
        double d = 1 + v / vc;
        double p = (1 - a) * EquilibriumNumber + a * (n.Plus - c * n.Minus);
        double p1 = a * (n.PlusSlope - c * n.MinusSlope);
        double p2 = a * (n.PlusCurvature - c * n.MinusCurvature);
        double ns = p / d;
        double ns1 = (p1 - ns / vc) / d;
        double ns2 = (p2 - 2 * ns1 / vc) / d;

        double eta = Orientation, gm = MagnetoConductance, inelastic = ReducedGamma / Spin;
        double gEl = 1 + eta * gm * (1 - ns / Spin);
        double current = gEl * v + inelastic * (n.Minus - c * (n.Plus - ns));
        double gMat = inelastic * (n.MinusSlope - c * n.PlusSlope);
        double currentPerMagnon = -eta * gm * v / Spin + inelastic * c;     // ∂_N i
        double gStt = currentPerMagnon * ns1;
        double dIdV = gEl + gMat + gStt;

        double gMatSlope = inelastic * (n.MinusCurvature - c * n.PlusCurvature);
        double gSttSlope = -eta * gm * ns1 / Spin + currentPerMagnon * ns2;
        double ratio = gMatSlope != 0 ? gSttSlope / gMatSlope : double.NaN; // r undefined where ∂_v G_MAT = 0
        double resistance = Resistance(v, current, dIdV, gMatSlope + gSttSlope - eta * gm * ns1 / Spin,
            Math.Abs(gEl * v) + inelastic * (Math.Abs(n.Minus) + Math.Abs(c) * (Math.Abs(n.Plus) + Math.Abs(ns))));

        return new MtjBiasPoint(ns, ns1, current, dIdV, gEl, gMat, gStt, resistance, ratio);
    }

    /// <summary>R = v/i, or near v = 0 its limit from the expansion i/v = i'(v) − ½ i''(v) v + O(v²)
    /// (exact 1/(dI/dV) at v = 0). i is a sum of terms of size <paramref name="currentScale"/> that cancel
    /// as v → 0, so v/i carries a relative rounding error ~ ε·scale/|i|; the expansion's error is
    /// ~ (v/ℓ)², ℓ = 1 the distance to the nearest singularity of f(1 ± v) at t = 0 (and 2πt beyond),
    /// capped by the pole of N_s at v = −V_c. The smaller of the two errors decides.</summary>
    private double Resistance(double v, double current, double dIdV, double dIdVSlope, double currentScale)
    {
        double reach = Math.Min(Math.Max(1.0, 2 * Math.PI * ReducedTemperature), Math.Abs(CriticalBias));
        double expansionError = v / reach * (v / reach);
        double roundingError = current != 0 ? 4e-16 * currentScale / Math.Abs(current) : double.PositiveInfinity;
        return expansionError < roundingError ? 1 / (dIdV - 0.5 * dIdVSlope * v) : v / current;
    }
}

/// <summary>N±(v) = ½{(1−v) n_B(1−v) ± (1+v) n_B(1+v)} and their v-derivatives.</summary>
public readonly record struct MagnonSources(
    double Plus, double Minus, double PlusSlope, double MinusSlope, double PlusCurvature, double MinusCurvature);

/// <summary>The MTJ observables at one bias: N_s and dN_s/dv, current i, dI/dV and its split
/// G_el + G_MAT + G_STT, resistance R = v/i and r = ∂_v G_STT/∂_v G_MAT.</summary>
public readonly record struct MtjBiasPoint(
    double MagnonNumber, double MagnonNumberSlope, double Current, double DifferentialConductance,
    double ElasticConductance, double MagnonAssistedConductance, double SpinTransferConductance,
    double Resistance, double SttToMatRatio);
