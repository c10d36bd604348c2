#!/usr/bin/env bash
# CPU time of cluster mode against embedded mode (docs/BENCHMARKS.md, "Cluster"): per round, `sweep run -j 2`
# (user + system, /usr/bin/time), then `sweep coordinator` (the same) and what one warm `sweep worker -j 2`
# node spent meanwhile (/proc/PID/stat before and after), with each run's own "computed in".
#   bench/cluster-cpu.sh SPEC [ROUNDS] [extra options for both, e.g. --chunk 1024]
# SWEEP_BIN=DIR runs the `sweep` built there instead of this tree's ./sweep (before/after comparisons).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
spec=$1; rounds=${2:-3}; extra=("${@:3}")
bin=${SWEEP_BIN:-.build/sweep}
[[ -n ${SWEEP_BIN:-} ]] || ./sweep --help >/dev/null
dir=$(mktemp -d); port=$((26000 + RANDOM % 1000)); tick=$(getconf CLK_TCK)
worker=
cleanup() {
  [[ -n $worker ]] && kill -TERM "$worker" 2>/dev/null && wait "$worker" || true
  rm -rf "$dir"
}
trap cleanup EXIT

cpu_of() { awk -v t="$tick" '{print ($14 + $15) / t}' "/proc/$1/stat"; }
seconds() { grep -oE "computed in [0-9.]+" "$1" | grep -oE "[0-9.]+$"; }
"$bin/sweep" worker --seed 127.0.0.1:$port -j 2 > "$dir/worker.log" 2>&1 &
worker=$!
"$bin/sweep" coordinator "$spec" -o "$dir/d" --listen 127.0.0.1:$port --progress none "${extra[@]}" > /dev/null 2>&1 # the worker's first run
for i in $(seq 1 "$rounds"); do
  rm -rf "$dir/e" "$dir/d"
  /usr/bin/time -o "$dir/te" -f "%U %S" "$bin/sweep" run "$spec" -o "$dir/e" -j 2 --progress none "${extra[@]}" > /dev/null 2> "$dir/le"
  before=$(cpu_of $worker)
  /usr/bin/time -o "$dir/tc" -f "%U %S" "$bin/sweep" coordinator "$spec" -o "$dir/d" --listen 127.0.0.1:$port --progress none "${extra[@]}" \
    > /dev/null 2> "$dir/lc"
  sleep 0.3 # the worker's last result and its re-join are counted with this run
  after=$(cpu_of $worker)
  e=$(awk '{print $1 + $2}' "$dir/te"); c=$(awk '{print $1 + $2}' "$dir/tc"); w=$(echo "$after - $before" | bc)
  echo "round $i: embedded $(seconds "$dir/le") s, $e CPU-s | cluster $(seconds "$dir/lc") s, coordinator $c CPU-s, worker $w CPU-s," \
       "both $(echo "$c + $w" | bc) CPU-s"
done
