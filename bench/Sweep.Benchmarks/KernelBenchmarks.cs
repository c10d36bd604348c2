using BenchmarkDotNet.Attributes;
using Sweep.Physics.Bose;
using Sweep.Physics.Junction;
using Sweep.Physics.Models;
using Sweep.Physics.Mtj;

namespace Sweep.Benchmarks;

/// <summary>
/// Single-thread kernel throughput. Each benchmark evaluates <see cref="Points"/> points per
/// invocation (OperationsPerInvoke), so BenchmarkDotNet's "Mean" is the time per point and
/// points/s/core = 1e9 / Mean[ns].
/// </summary>
[MemoryDiagnoser]
public class KernelBenchmarks
{
    private const int Points = 4096;
    private const int BiasPoints = 201;
    private const int Junctions = Points / BiasPoints + 1; // ≈ the same number of evaluations as Points

    private readonly MagnonJunctionModel _junction = new();
    private readonly MtjModel _mtj = new();
    private double[] _x = [];
    private double[] _xNearSwitch = [];
    private PointBatch _junctionBatch = null!;
    private PointBatch _junctionSortedBatch = null!;
    private double[] _xSorted = [];
    private readonly double[] _scale = new double[Points], _g1 = new double[Points], _g2 = new double[Points], _g3 = new double[Points];
    private int[] _reducedSelection = [], _everySelection = [], _gasSelection = [];
    private ResultBatch _junctionResults = null!;
    private PointBatch _mtjBatch = null!;
    private ResultBatch _mtjResults = null!;

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(20261121);
        // x = h/T log-uniform over 1e-6 … 1e2, as in a phase diagram scanned towards the critical point.
        _x = Enumerable.Range(0, Points).Select(_ => Math.Pow(10, -6 + 8 * random.NextDouble())).ToArray();

        // Worst case: x ∈ [1, 2] around the regime switch, where both series need ~30 terms.
        _xNearSwitch = Enumerable.Range(0, Points).Select(_ => 1 + random.NextDouble()).ToArray();

        double[] h = _x.Select(x => x * 0.5).ToArray();
        _junctionBatch = new PointBatch(
        [
            h, Fill(Points, 0.5), Fill(Points, 0.05), Fill(Points, 1.5), Fill(Points, 1.0),
            Fill(Points, 0.0), Fill(Points, 0.0), Fill(Points, 1.0), Fill(Points, 0.0),
        ], Points);
        _junctionResults = _junction.CreateResults(Points);
        _xSorted = _x.Order().ToArray();
        _junctionSortedBatch = new PointBatch(
        [
            _xSorted.Select(x => x * 0.5).ToArray(), Fill(Points, 0.5), Fill(Points, 0.05), Fill(Points, 1.5), Fill(Points, 1.0),
            Fill(Points, 0.0), Fill(Points, 0.0), Fill(Points, 1.0), Fill(Points, 0.0),
        ], Points);
        _reducedSelection = new[] { "l11", "l12", "l22", "k" }.Select(_junction.ObservableIndex).ToArray();
        _everySelection = Enumerable.Range(0, _junction.Observables.Count).ToArray();
        _gasSelection = new[] { "L11", "K", "tau_plus" }.Select(_junction.ObservableIndex).ToArray();

        double[] t = Enumerable.Range(0, Junctions).Select(_ => 2 * random.NextDouble()).ToArray();
        double[] bias = Enumerable.Range(0, BiasPoints).Select(k => -4 + 8.0 * k / (BiasPoints - 1)).ToArray();
        _mtjBatch = new PointBatch(
        [
            Fill(Junctions, 1.0), t, Fill(Junctions, 100), Fill(Junctions, 0.05), Fill(Junctions, 0.2),
            Fill(Junctions, 0.2), Fill(Junctions, -1), Fill(Junctions, 2000), Fill(Junctions, 0.0),
        ], Junctions, bias);
        _mtjResults = _mtj.CreateResults(_mtjBatch.ResultCount);
    }

    [Benchmark(OperationsPerInvoke = Points, Description = "six F_d together, per x")]
    public double BoseIntegralSet() => SumBoseIntegrals(_x);

    [Benchmark(OperationsPerInvoke = Points, Description = "six F_d together, per x, worst case x in [1, 2]")]
    public double BoseIntegralSetNearSwitch() => SumBoseIntegrals(_xNearSwitch);

    [Benchmark(OperationsPerInvoke = Points, Description = "magnon-junction, all 25 observables, full scalar path (no selection), per point")]
    public void JunctionObservables() => _junction.Evaluate(_junctionBatch, _junctionResults);

    [Benchmark(OperationsPerInvoke = Points, Description = "magnon-junction, all 25 observables selected (a run storing all), x random")]
    public void JunctionEverySelected() => _junction.Evaluate(_junctionBatch, _junctionResults, _everySelection);

    [Benchmark(OperationsPerInvoke = Points, Description = "magnon-junction, L11 K tau_plus selected, x random")]
    public void JunctionGasSelected() => _junction.Evaluate(_junctionBatch, _junctionResults, _gasSelection);

    [Benchmark(OperationsPerInvoke = Points, Description = "magnon-junction, l11 l12 l22 k selected (SIMD), x random")]
    public void JunctionReducedRandom() => _junction.Evaluate(_junctionBatch, _junctionResults, _reducedSelection);

    [Benchmark(OperationsPerInvoke = Points, Description = "magnon-junction, l11 l12 l22 k selected (SIMD), x sorted as in a grid")]
    public void JunctionReducedSorted() => _junction.Evaluate(_junctionSortedBatch, _junctionResults, _reducedSelection);

    [Benchmark(OperationsPerInvoke = Points, Description = "F1 F2 F3 batch, 512-bit path, x sorted")]
    public void LowOrders512() => BoseBatch.Evaluate(_xSorted, _scale, _g1, _g2, _g3, BoseBatch.PreferredWidth);

    [Benchmark(OperationsPerInvoke = Points, Description = "F1 F2 F3 batch, 256-bit path, x sorted")]
    public void LowOrders256() => BoseBatch.Evaluate(_xSorted, _scale, _g1, _g2, _g3, 256);

    /// <summary>The memory-bound peer: read h and T, write x to four output arrays (what storing four
    /// observables per point costs at least).</summary>
    [Benchmark(OperationsPerInvoke = Points, Description = "copy loop: h/T into four arrays")]
    public void CopyToFourArrays()
    {
        double[] h = _junctionSortedBatch.Columns[0], t = _junctionSortedBatch.Columns[1];
        for (int i = 0; i < Points; i++)
        {
            double v = h[i] / t[i];
            _scale[i] = v;
            _g1[i] = v;
            _g2[i] = v;
            _g3[i] = v;
        }
    }

    [Benchmark(OperationsPerInvoke = Junctions * BiasPoints, Description = "mtj over a 201-point bias grid, per bias point")]
    public void MtjBiasGrid() => _mtj.Evaluate(_mtjBatch, _mtjResults);

    /// <summary>Evaluates every x and consumes the results, so the JIT cannot drop the work.</summary>
    private static double SumBoseIntegrals(double[] xs)
    {
        double sum = 0;
        foreach (double x in xs)
        {
            var f = BoseIntegrals.Evaluate(x);
            sum += f.F05 + f.F3;
        }

        return sum;
    }

    private static double[] Fill(int n, double value) => Enumerable.Repeat(value, n).ToArray();
}
