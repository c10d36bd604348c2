#!/usr/bin/env python3
"""A fresh `sweep run` process's throughput over its first two seconds against its warmed-up rate
(issue 16, item 3). For each binary, ROUNDS times alternating, starts `BINARY run SPEC -j 1` in a
new process into a fresh directory, reads its JSON progress lines (every 0.25 s) as they come,
stamping each with the time since the process was started, and reports:

  first2  points stored in the first 2 s after exec (start-up included) / 2 s
  warm    the rate between the line nearest 2 s before the end and the last progress line
  ratio   first2 / warm  (the issue asks >= 0.8)

plus the process's CPU time (user + sys). Usage:
  bench/coldstart.py SPEC ROUNDS NAME=BINARY [NAME=BINARY ...]
e.g. bench/coldstart.py bench/peers/junction-peers.yaml 3 jit=src/Coordinator/bin/Release/net10.0/sweep r2r=/tmp/r2r/sweep
"""
import json, os, resource, shutil, statistics, subprocess, sys, tempfile, time

spec, rounds, binaries = sys.argv[1], int(sys.argv[2]), [a.split("=", 1) for a in sys.argv[3:]]
work = tempfile.mkdtemp(prefix="coldstart-")
results = {name: [] for name, _ in binaries}
try:
    for r in range(rounds):
        for name, binary in binaries:
            out = os.path.join(work, "run")
            shutil.rmtree(out, ignore_errors=True)
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            start = time.monotonic()
            p = subprocess.Popen([binary, "run", spec, "-o", out, "-j", "1", "--progress", "json", "--progress-interval", "0.25"],
                                 stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
            samples, other = [(0.0, 0)], []
            for line in p.stderr:
                if line.startswith("{"):
                    samples.append((time.monotonic() - start, json.loads(line)["done_points"]))
                else:
                    other.append(line)
            if p.wait() != 0:
                sys.exit(f"{binary} run {spec} exited with {p.returncode}:\n" + "".join(other))
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
            end_t, end_n = samples[-1]
            # points at 2 s: linear between the samples around it
            at2 = next(((t0, n0, t1, n1) for (t0, n0), (t1, n1) in zip(samples, samples[1:]) if t0 <= 2.0 <= t1), None)
            first2 = (at2[1] + (at2[3] - at2[1]) * (2.0 - at2[0]) / (at2[2] - at2[0])) / 2.0 if at2 else end_n / end_t
            t_w, n_w = min(samples, key=lambda s: abs(s[0] - (end_t - 2.0)))
            warm = (end_n - n_w) / (end_t - t_w)
            row = dict(name=name, round=r + 1, wall=round(end_t, 3), cpu=round(cpu, 3), first2=first2, warm=warm, ratio=first2 / warm)
            results[name].append(row)
            print(json.dumps(row), flush=True)
    for name, rows in results.items():
        print(f"{name:8s} median: wall {statistics.median(x['wall'] for x in rows):.2f} s, CPU {statistics.median(x['cpu'] for x in rows):.2f} s, "
              f"first 2 s {statistics.median(x['first2'] for x in rows) / 1e6:.2f} M/s, warm {statistics.median(x['warm'] for x in rows) / 1e6:.2f} M/s, "
              f"ratio {statistics.median(x['ratio'] for x in rows):.2f}")
finally:
    shutil.rmtree(work, ignore_errors=True)
