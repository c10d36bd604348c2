using BenchmarkDotNet.Running;

// dotnet run -c Release --project bench/Sweep.Benchmarks -- --filter '*'   (see docs/BENCHMARKS.md)
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
