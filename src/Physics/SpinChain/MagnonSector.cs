using System.Numerics;

namespace Sweep.Physics.SpinChain;

/// <summary>
/// The states of the chain with a fixed number of magnons (down spins), as bit masks (bit i set:
/// site i is down), with h/J0 in that sector: a diagonal and the list of nearest-neighbour hops.
/// h/J0 = Σ_l (a_l/2) σ_l·σ_{l+1} keeps the magnon number, and σ·σ = 2P − 1 on a bond, so a
/// state's energy relative to the polarized chain is −Σ a_l over its antiparallel bonds and a
/// magnon hops across bond l with amplitude a_l.
/// </summary>
internal sealed class MagnonSector
{
    public MagnonSector(int sites, int magnons, double[] bonds)
    {
        var states = new List<int>();
        for (int mask = 0; mask < 1 << sites; mask++)
        {
            if (BitOperations.PopCount((uint)mask) == magnons)
            {
                states.Add(mask);
            }
        }

        Magnons = magnons;
        States = states.ToArray();
        Energies = new double[States.Length];
        var right = new List<int>();
        var left = new List<int>();
        var amplitude = new List<double>();
        for (int a = 0; a < States.Length; a++)
        {
            int mask = States[a];
            for (int l = 0; l < bonds.Length; l++)
            {
                int pair = (mask >> l) & 3;
                if (pair is 1 or 2)
                {
                    Energies[a] -= bonds[l];
                }

                if (pair == 2) // magnon on site l + 1, site l up: it may hop left
                {
                    right.Add(a);
                    left.Add(IndexOf(mask ^ (3 << l)));
                    amplitude.Add(bonds[l]);
                }
            }
        }

        HopRight = right.ToArray();
        HopLeft = left.ToArray();
        HopAmplitude = amplitude.ToArray();
    }

    public int Magnons { get; }

    public int[] States { get; }

    public int Dimension => States.Length;

    /// <summary>Diagonal of h/J0 (relative to the polarized chain).</summary>
    public double[] Energies { get; }

    /// <summary>Hop k connects state HopRight[k] (magnon on the right site of the bond) with
    /// HopLeft[k] (the same magnon one site to the left), amplitude HopAmplitude[k].</summary>
    public int[] HopRight { get; }

    public int[] HopLeft { get; }

    public double[] HopAmplitude { get; }

    /// <summary>Index of a state of this sector (binary search: States is sorted).</summary>
    public int IndexOf(int mask)
    {
        int index = Array.BinarySearch(States, mask);
        if (index < 0)
        {
            throw new ArgumentException($"state {mask} has not {Magnons} magnons", nameof(mask));
        }

        return index;
    }
}
