namespace Sweep.Physics.SpinChain;

/// <summary>
/// The bond couplings of the chain h/J0 = Σ_l (a_l/2) σ_l·σ_{l+1}, a_l = α(T_l)/α₁ (PHYSICS.md §4,
/// local density approximation with density ρ = 1, so L = N). Temperatures are in units of
/// ε0 = π²/6, the energy per particle of the infinite gas at ρ = 1 (the seed's k_B T/ε0).
/// </summary>
public sealed class ChainCouplings
{
    /// <summary>ε0 = π²/6: the seed's temperature unit.</summary>
    public static readonly double TemperatureUnit = Math.PI * Math.PI / 6;

    private ChainCouplings(int sites, double[] bonds, double alphaCold, double alphaHot, double alphaGround)
    {
        Sites = sites;
        Bonds = bonds;
        AlphaCold = alphaCold;
        AlphaHot = alphaHot;
        AlphaGround = alphaGround;
    }

    public int Sites { get; }

    /// <summary>a_l for bonds l = 0 … N − 2 (between sites l and l + 1, 0-based).</summary>
    public double[] Bonds { get; }

    /// <summary>α(T1), α(T2), α₁ = α(0).</summary>
    public double AlphaCold { get; }

    public double AlphaHot { get; }

    public double AlphaGround { get; }

    /// <summary>The temperature profile between the edges: a step at the centre (the seed's closed
    /// system: bonds l &lt; (N+1)/2, 1-based, at T1, the rest at T2), or linear with the edge bonds at
    /// exactly T1 and T2 (the seed's open system).</summary>
    public static ChainCouplings Create(int sites, double coldEdge, double hotEdge, bool linear)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(sites, 2);
        double alphaGround = ExchangeCoefficient.Alpha(sites, sites, 0);
        var bonds = new double[sites - 1];
        for (int l = 0; l < bonds.Length; l++)
        {
            double temperature = linear
                ? (bonds.Length == 1 ? 0.5 * (coldEdge + hotEdge) : coldEdge + (hotEdge - coldEdge) * l / (bonds.Length - 1))
                : (l + 1 < (sites + 1) / 2.0 ? coldEdge : hotEdge);
            bonds[l] = ExchangeCoefficient.Alpha(sites, sites, temperature * TemperatureUnit) / alphaGround;
        }

        return new ChainCouplings(sites, bonds,
            ExchangeCoefficient.Alpha(sites, sites, coldEdge * TemperatureUnit),
            ExchangeCoefficient.Alpha(sites, sites, hotEdge * TemperatureUnit), alphaGround);
    }

    /// <summary>A chain with given couplings a_l (tests: the Bessel law, a Sommerfeld profile).</summary>
    public static ChainCouplings FromBonds(double[] bonds)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(bonds.Length, 1);
        return new ChainCouplings(bonds.Length + 1, (double[])bonds.Clone(), double.NaN, double.NaN, double.NaN);
    }

    /// <summary>The centre site (0-based), ⌈N/2⌉ − 1: where the seed flips the first spin and pumps.</summary>
    public int Centre => (Sites + 1) / 2 - 1;
}
