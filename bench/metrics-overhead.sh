#!/usr/bin/env bash
# Metrics overhead (docs/BENCHMARKS.md): alternating rounds of the 10^7-point junction sweep without
# metrics, with --metrics-port (served, not scraped) and served while curl scrapes it once a second.
# Prints each run's points/s (the run's own report) and the process's CPU seconds (user + system).
#   bench/metrics-overhead.sh [ROUNDS]
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
rounds=${1:-7}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
port=$((20000 + RANDOM % 20000))
./sweep --help >/dev/null # build first, outside the measurements
for round in $(seq 1 "$rounds"); do
  for mode in off on scraped; do
    rm -rf "$out/run"
    args=()
    scraper=""
    if [ "$mode" != off ]; then args=(--metrics-port "127.0.0.1:$port"); fi
    if [ "$mode" = scraped ]; then
      ( while sleep 1; do curl -s -o /dev/null "http://127.0.0.1:$port/metrics" || true; done ) &
      scraper=$!
    fi
    report=$( { /usr/bin/time -f "cpu %U %S" ./sweep run bench/junction-1e7.yaml -o "$out/run" --progress none "${args[@]}" >/dev/null; } 2>&1 )
    if [ -n "$scraper" ]; then kill "$scraper"; wait "$scraper" 2>/dev/null || true; fi
    pps=$(grep -o '([0-9,]* points/s' <<<"$report" | tr -d '(,' | cut -d' ' -f1)
    cpu=$(awk '/^cpu/ {print $2 + $3}' <<<"$report")
    echo "$round $mode points/s=$pps cpu_s=$cpu load=$(cut -d' ' -f1 /proc/loadavg)"
  done
done
