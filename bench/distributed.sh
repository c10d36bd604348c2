#!/usr/bin/env bash
# Distributed vs embedded throughput on loopback (docs/BENCHMARKS.md). Starts a private broker on
# 127.0.0.1 and one `sweep-worker -j W` that serves every run, as a deployed worker does. Its first
# run is reported apart (a fresh process: JIT and tiering), then ROUNDS rounds of `sweep run -j W`
# against `sweep coordinator` on the same spec, each timed by the run's own "computed in".
#   bench/distributed.sh SPEC [W] [ROUNDS]
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
spec=$1; workers=${2:-$(nproc)}; rounds=${3:-3}
dotnet build src/Coordinator -c Release -v quiet >/dev/null
bin=src/Coordinator/bin/Release/net10.0
dir=$(mktemp -d); port=5690
mkdir -p "$dir/mnesia"; echo "[]." > "$dir/plugins"
printf "listeners.tcp.default = 127.0.0.1:%s\nloopback_users = none\n" $port > "$dir/rabbitmq.conf"
broker_env=(HOME="$dir" RABBITMQ_NODENAME=sweepbench@localhost RABBITMQ_CONFIG_FILE="$dir/rabbitmq" RABBITMQ_MNESIA_BASE="$dir/mnesia"
            RABBITMQ_LOG_BASE="$dir/log" RABBITMQ_ENABLED_PLUGINS_FILE="$dir/plugins" RABBITMQ_DIST_PORT=25690 ERL_EPMD_ADDRESS=127.0.0.1
            RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS="-kernel inet_dist_use_interface {127,0,0,1}")
env "${broker_env[@]}" /usr/lib/rabbitmq/bin/rabbitmq-server > "$dir/server.log" 2>&1 &
worker=
cleanup() {
  [[ -n $worker ]] && kill -TERM "$worker" 2>/dev/null && wait "$worker" || true
  env "${broker_env[@]}" /usr/lib/rabbitmq/bin/rabbitmqctl -n sweepbench@localhost stop >/dev/null 2>&1 || true
  rm -rf "$dir"
}
trap cleanup EXIT
for _ in $(seq 1 240); do (echo > /dev/tcp/127.0.0.1/$port) 2>/dev/null && break; sleep 0.25; done  # node registered, port open
env "${broker_env[@]}" /usr/lib/rabbitmq/bin/rabbitmqctl -n sweepbench@localhost await_startup -t 60 >/dev/null
export SWEEP_BROKER_URL="amqp://guest:guest@127.0.0.1:$port/"

seconds() { grep -oE "computed in [0-9.]+ s" | grep -oE "[0-9.]+"; }
embedded() { rm -rf "$dir/e"; "$bin/sweep" run "$spec" -o "$dir/e" -j "$workers" --progress none 2>&1 >/dev/null | seconds; }
distributed() { rm -rf "$dir/d"; "$bin/sweep" coordinator "$spec" -o "$dir/d" --progress none 2>&1 >/dev/null | seconds; }
chunks() { grep -oE '"total_chunks": [0-9]+' "$dir/d/manifest.json" | grep -oE "[0-9]+"; }

"$bin/sweep-worker" -j "$workers" > "$dir/worker.log" 2>&1 &
worker=$!
first=$(distributed)
echo "fresh worker (first run it serves): distributed $first s, $(chunks) chunks"
for i in $(seq 1 "$rounds"); do
  e=$(embedded); d=$(distributed)
  echo "round $i: embedded $e s, distributed $d s, ratio $(echo "scale=2; $e / $d" | bc)," \
       "$(chunks) chunks, $(echo "scale=0; $(chunks) / $d" | bc) work messages/s"
done
