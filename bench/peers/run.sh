#!/usr/bin/env bash
# Sweep against a NumPy and a Numba peer on the same 1.6e7 points (junction-peers.yaml: l11, l12,
# l22, k of the magnon junction), issue 16. Each round runs, one after the other:
#   sweep   `./sweep run junction-peers.yaml -j 1` in a fresh process, end to end (plan, compute,
#           store into SQLite, close), wall clock and CPU time (user + sys) of the process;
#   numba   the @njit loop, one thread, compiled and warmed first, compute only, in memory;
#   numpy   the vectorised NumPy version, compute only, in memory.
# Prints every measurement, then the medians and the ratios Sweep/peer, by wall clock and by CPU
# time (on a shared machine CPU time is the steadier of the two). Then checks the peers against
# Sweep's exported values on a 400 000-point sample. Usage: bench/peers/run.sh [ROUNDS] (default 3)
# Needs Debian's python3-numpy and python3-numba (/usr/bin/python3).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
rounds="${1:-3}"
py=/usr/bin/python3
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
points=16000000

"$root/sweep" models >/dev/null   # build once, outside the timing
results="$work/results.jsonl"
for ((r = 1; r <= rounds; r++)); do
  rm -rf "$work/run"
  /usr/bin/time -f '%e %U %S' -o "$work/time" \
    "$root/sweep" run "$here/junction-peers.yaml" -o "$work/run" -j 1 --progress none >/dev/null
  read -r wall user sys < "$work/time"
  echo "{\"peer\": \"sweep\", \"round\": $r, \"seconds\": $wall, \"cpu_seconds\": $(awk "BEGIN{print $user + $sys}")}" | tee -a "$results"
  (cd "$here" && "$py" numba_peer.py) | sed "s/}$/, \"round\": $r}/" | tee -a "$results"
  (cd "$here" && "$py" numpy_peer.py) | sed "s/}$/, \"round\": $r}/" | tee -a "$results"
done

"$py" - "$results" "$points" <<'PY'
import json, statistics, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
n = int(sys.argv[2])
med = {}
for peer in ("sweep", "numba", "numpy"):
    r = [x for x in rows if x["peer"] == peer]
    med[peer] = (statistics.median(x["seconds"] for x in r), statistics.median(x["cpu_seconds"] for x in r))
    print(f"{peer:6s} median {med[peer][0]:7.3f} s wall ({n / med[peer][0] / 1e6:6.2f} M points/s), "
          f"{med[peer][1]:7.3f} s CPU ({n / med[peer][1] / 1e6:6.2f} M points/CPU-s)")
for peer in ("numba", "numpy"):
    print(f"sweep/{peer} throughput: {med[peer][0] / med['sweep'][0]:.2f}x wall, {med[peer][1] / med['sweep'][1]:.2f}x CPU")
PY

"$root/sweep" export "$work/run" --format npz -o "$work/export" >/dev/null
(cd "$here" && "$py" compare.py "$work/export/magnon-junction.npz")
