#!/usr/bin/env python3
"""Shares of a `perf record -g` profile by what the samples' stacks hold (docs/BENCHMARKS.md, "Cluster").

    bench/perf-classes.py perf.data

Each sample counts once, in the first class (in the order below) any frame of its stack names; what
matches none is "other" (ReadyToRun code perf cannot name, runtime stubs). Needs the process to have
run with DOTNET_PerfMapEnabled=1 so that JIT-compiled frames have names."""
import collections
import subprocess
import sys

CLASSES = [
    ("evaluation", ("Sweep.Physics", "ChunkEvaluator")),
    ("sqlite", ("libe_sqlite", "Sqlite")),
    ("store", ("Sweep.Coordinator.Store",)),
    ("our serializer", ("SweepMessageSerializer", "MessagePack")),
    ("result stream", ("ResultStream",)),
    ("dotnetty", ("DotNetty",)),
    ("akka.remote/protobuf", ("Akka.Remote", "Google.Protobuf")),
    ("spin", ("sched_yield", "LowLevelSpinWaiter", "SpinWait")),
    ("jit", ("libclrjit",)),
    ("gc", ("gc_heap", "WKS::", "SVR::")),
    ("socket", ("tcp_", "sock_")),
    ("memcpy", ("memmove",)),
    ("other akka", ("Akka.",)),
    ("kernel", ("kallsyms",)),
]

script = subprocess.run(["perf", "script", "-i", sys.argv[1], "-F", "comm,tid,ip,sym,dso"],
                        capture_output=True, text=True, check=True).stdout
counts = collections.Counter()
samples = [s for s in script.split("\n\n") if s.strip()]
for sample in samples:
    counts[next((name for name, keys in CLASSES if any(k in sample for k in keys)), "other")] += 1
print(f"{sys.argv[1]}: {len(samples)} samples")
for name, n in counts.most_common():
    print(f"  {name:22s} {100 * n / len(samples):5.1f} %")
