#!/usr/bin/env bash
# Cluster vs embedded throughput on loopback (docs/BENCHMARKS.md, "Cluster"). One `sweep worker -j W`
# node serves every run, as a deployed worker does (it re-joins the seed after each coordinator
# leaves). Its first run is reported apart (a fresh process: JIT and tiering), then ROUNDS rounds of
# `sweep run -j W` against `sweep coordinator` on the same spec, each timed by the run's own "computed in".
#   bench/cluster.sh SPEC [W] [ROUNDS] [extra options for both, e.g. --chunk 1024]
# SWEEP_BIN=DIR runs the `sweep` built there instead of building this tree (before/after comparisons).
# WORKER_OPTS="--no-shared-memory" adds options to the worker's command (results over its socket, as across machines).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
spec=$1; workers=${2:-$(nproc)}; rounds=${3:-3}; extra=("${@:4}")
# The program users run: `./sweep`'s ReadyToRun build (a fresh coordinator process otherwise spends a
# third of its CPU compiling Akka.Remote's and DotNetty's code, docs/BENCHMARKS.md "Cluster").
bin=${SWEEP_BIN:-.build/sweep}
[[ -n ${SWEEP_BIN:-} ]] || ./sweep --help >/dev/null
dir=$(mktemp -d); port=$((24000 + RANDOM % 1000))
worker=
cleanup() {
  [[ -n $worker ]] && kill -TERM "$worker" 2>/dev/null && wait "$worker" || true
  rm -rf "$dir"
}
trap cleanup EXIT

seconds() { grep -oE "computed in [0-9.]+ s" | grep -oE "[0-9.]+"; }
embedded() { rm -rf "$dir/e"; "$bin/sweep" run "$spec" -o "$dir/e" -j "$workers" --progress none "${extra[@]}" 2>&1 >/dev/null | seconds; }
cluster() {
  rm -rf "$dir/d"
  "$bin/sweep" coordinator "$spec" -o "$dir/d" --listen 127.0.0.1:$port --progress none "${extra[@]}" 2>&1 >/dev/null | seconds
}
chunks() { grep -oE '"total_chunks": [0-9]+' "$dir/d/manifest.json" | grep -oE "[0-9]+"; }

# shellcheck disable=SC2086 # WORKER_OPTS: words
"$bin/sweep" worker --seed 127.0.0.1:$port -j "$workers" ${WORKER_OPTS:-} > "$dir/worker.log" 2>&1 &
worker=$!
first=$(cluster)
echo "fresh worker (first run it serves): cluster $first s, $(chunks) chunks"
for i in $(seq 1 "$rounds"); do
  # The worker re-joins the seed once the coordinator has left; the next coordinator waits for nothing.
  e=$(embedded); d=$(cluster)
  echo "round $i: embedded $e s, cluster $d s, ratio $(echo "scale=2; $e / $d" | bc)," \
       "$(chunks) chunks, $(echo "scale=0; $(chunks) / $d" | bc) work messages/s"
done
