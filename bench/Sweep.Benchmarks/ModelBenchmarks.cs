using BenchmarkDotNet.Attributes;
using Sweep.Physics.Interface;
using Sweep.Physics.Models;
using Sweep.Physics.PairTunneling;
using Sweep.Physics.SpinChain;

namespace Sweep.Benchmarks;

/// <summary>
/// The models of PHYSICS.md §3–5, single thread, per parameter point: the N/F interface over a
/// batch (closed forms), pair tunneling per point (μ_B root + energy quadrature), and the spin
/// chain per point with its time grid (α(T), exact closed evolution, Lindblad to the steady state).
/// </summary>
[MemoryDiagnoser]
public class ModelBenchmarks
{
    private const int Points = 4096;
    private readonly NfInterfaceModel _interface = new();
    private readonly PairTunnelingModel _pair = new();
    private readonly SpinChainModel _chain = new();
    private PointBatch _interfaceBatch = null!;
    private ResultBatch _interfaceResults = null!;
    private PointBatch _pairBatch = null!;
    private ResultBatch _pairResults = null!;
    private readonly double[] _times = Enumerable.Range(0, 121).Select(k => k * 0.25).ToArray();

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(20261121);
        double[] t = Enumerable.Range(0, Points).Select(_ => Math.Pow(10, -1.3 + 2.5 * random.NextDouble())).ToArray();
        _interfaceBatch = new PointBatch([Fill(1.0), t, Fill(0.1), Fill(1.0), Fill(1.0), Fill(0.1)], Points);
        _interfaceResults = _interface.CreateResults(Points);
        double[] pairT = Enumerable.Range(0, 256).Select(k => 0.219 + 2.8 * k / 255.0).ToArray();
        _pairBatch = new PointBatch([pairT, Enumerable.Repeat(0.1, 256).ToArray()], 256);
        _pairResults = _pair.CreateResults(256);
    }

    [Benchmark(OperationsPerInvoke = Points, Description = "nf-interface, all 7 observables, per point")]
    public double NfInterface()
    {
        _interface.Evaluate(_interfaceBatch, _interfaceResults);
        return _interfaceResults.Columns[0][0];
    }

    [Benchmark(OperationsPerInvoke = 256, Description = "pair-tunneling, per point (T ∈ [0.219, 3] T_F)")]
    public double PairTunneling()
    {
        _pair.Evaluate(_pairBatch, _pairResults);
        return _pairResults.Columns[1][0];
    }

    [Benchmark(Description = "spin-chain α(T), N = 7")]
    public double ExchangeCoefficientN7() => ExchangeCoefficient.Alpha(7, 7, 3.29);

    [Benchmark(Description = "spin-chain point, N = 7, loss only, 121 times")]
    public double SpinChainLossOnly() =>
        SpinChainPoint.Evaluate(7, 0, 2, true, 3.102, 0, 1, _times).Current[60];

    [Benchmark(Description = "spin-chain point, N = 7, pumped to steady state, 121 times")]
    public double SpinChainPumped() =>
        SpinChainPoint.Evaluate(7, 0, 2, true, 3.102, 0.62, 1, _times).Steady!.Value.Current;

    private static double[] Fill(double value) => Enumerable.Repeat(value, Points).ToArray();
}
