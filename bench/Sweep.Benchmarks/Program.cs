using BenchmarkDotNet.Running;
using Sweep.Benchmarks;

// Kernels (BenchmarkDotNet):  dotnet run -c Release --project bench/Sweep.Benchmarks -- --filter '*'
// Engine (wall-clock runs):   dotnet run -c Release --project bench/Sweep.Benchmarks -- engine [options]
// Cold start (fresh process): dotnet bench/Sweep.Benchmarks/bin/Release/net10.0/Sweep.Benchmarks.dll coldstart --spec FILE
// Adaptive vs uniform:       dotnet run -c Release --project bench/Sweep.Benchmarks -- adaptive --spec bench/adaptive-junction.yaml
// Remoting, TLS vs plain:     dotnet run -c Release --project bench/Sweep.Benchmarks -- remoting [--repeat N]
// See docs/BENCHMARKS.md.
if (args.Length > 0 && args[0] == "engine")
{
    return await EngineBenchmark.RunAsync(args[1..]);
}

if (args.Length > 0 && args[0] == "adaptive")
{
    return AdaptiveStudy.Run(args[1..]);
}

if (args.Length > 0 && args[0] == "remoting")
{
    return await RemotingBenchmark.RunAsync(args[1..]);
}

if (args.Length > 0 && args[0] == "coldstart")
{
    return ColdStartBenchmark.Run(args[1..]);
}

BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
return 0;
