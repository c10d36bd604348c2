using Sweep.Physics.Junction;
using Sweep.Physics.Models;

namespace Sweep.Physics.Tests;

/// <summary>Random magnon-junction points for the tests of its fast paths against the full one.</summary>
internal static class JunctionTestPoints
{
    private static readonly int Parameters = new MagnonJunctionModel().Parameters.Count;

    /// <summary>h log-uniform so x = h/T spans [1e-9, 700], T on [0.01, 10], a third of them soft (S = 1) enough
    /// for a dense gas at high T, every 7th with a stiffer J and every 5th with larger reservoirs (N_r); every 50th
    /// point critical (h = 0), every 90th with T out of range, every 8th and 9th with a valid field or temperature
    /// bias, t log-uniform on [1e-3, 1e5] (every 4th 0) for the transients, and with <paramref name="invalidFieldBias"/>
    /// every 70th with a field bias beyond 2h (invalid).</summary>
    public static PointBatch Random(int count, int seed, bool invalidFieldBias)
    {
        var random = new Random(seed);
        var columns = Enumerable.Range(0, Parameters).Select(_ => new double[count]).ToArray();
        for (int i = 0; i < count; i++)
        {
            double t = 0.01 + 10 * random.NextDouble();
            double x = Math.Exp(Math.Log(1e-9) + random.NextDouble() * (Math.Log(700) - Math.Log(1e-9)));
            columns[0][i] = i % 50 == 7 ? 0.0 : Math.Min(x * t, 1e4);
            columns[1][i] = i % 90 == 11 ? 0.0 : t;
            columns[2][i] = 0.1;
            columns[3][i] = i % 3 == 0 ? 1.0 : 20.0;
            columns[4][i] = i % 7 == 2 ? 2.5 : 1.0;
            columns[5][i] = invalidFieldBias && i % 70 == 3 ? 3 * columns[0][i] + 1 : i % 8 == 1 ? 0.5 * columns[0][i] : 0.0;
            columns[6][i] = i % 9 == 5 ? 0.3 * t : 0.0; // biased reservoirs: their densities decide too
            columns[7][i] = i % 5 == 1 ? 1e3 : 1.0;
            columns[8][i] = i % 4 == 0 ? 0.0 : Math.Exp(Math.Log(1e-3) + random.NextDouble() * (Math.Log(1e5) - Math.Log(1e-3))); // the transients' t
        }

        return new PointBatch(columns, count);
    }
}
