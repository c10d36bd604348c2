#!/usr/bin/env bash
# Distributed vs embedded throughput on loopback (docs/BENCHMARKS.md): starts a private broker on
# 127.0.0.1, then for SPEC runs `sweep run -j W` and `sweep coordinator` + one `sweep-worker -j W`,
# three times each, and prints the ratio and work messages per second. Needs rabbitmq-server.
#   bench/distributed.sh SPEC [W]
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
spec=$1; workers=${2:-$(nproc)}
dotnet build src/Coordinator -c Release -v quiet >/dev/null
bin=src/Coordinator/bin/Release/net10.0
dir=$(mktemp -d); port=5690
mkdir -p "$dir/mnesia"; echo "[]." > "$dir/plugins"
printf "listeners.tcp.default = 127.0.0.1:%s\nloopback_users = none\n" $port > "$dir/rabbitmq.conf"
broker_env=(HOME="$dir" RABBITMQ_NODENAME=sweepbench@localhost RABBITMQ_CONFIG_FILE="$dir/rabbitmq" RABBITMQ_MNESIA_BASE="$dir/mnesia"
            RABBITMQ_LOG_BASE="$dir/log" RABBITMQ_ENABLED_PLUGINS_FILE="$dir/plugins" RABBITMQ_DIST_PORT=25690 ERL_EPMD_ADDRESS=127.0.0.1
            RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS="-kernel inet_dist_use_interface {127,0,0,1}")
env "${broker_env[@]}" /usr/lib/rabbitmq/bin/rabbitmq-server > "$dir/server.log" 2>&1 &
trap 'env "${broker_env[@]}" /usr/lib/rabbitmq/bin/rabbitmqctl -n sweepbench@localhost stop >/dev/null 2>&1; pkill -f sweep-worker || true; rm -rf "$dir"' EXIT
for _ in $(seq 1 240); do (echo > /dev/tcp/127.0.0.1/$port) 2>/dev/null && break; sleep 0.25; done  # node registered, port open
env "${broker_env[@]}" /usr/lib/rabbitmq/bin/rabbitmqctl -n sweepbench@localhost await_startup -t 60 >/dev/null
export SWEEP_BROKER_URL="amqp://guest:guest@127.0.0.1:$port/"

seconds() { grep -oE "computed in [0-9.]+ s" | grep -oE "[0-9.]+"; }
for i in 1 2 3; do
  rm -rf "$dir/embedded" "$dir/distributed"
  embedded=$("$bin/sweep" run "$spec" -o "$dir/embedded" -j "$workers" --progress none 2>&1 >/dev/null | seconds)
  "$bin/sweep-worker" -j "$workers" > "$dir/worker.log" 2>&1 &
  worker=$!
  distributed=$("$bin/sweep" coordinator "$spec" -o "$dir/distributed" --progress none 2>&1 >/dev/null | seconds)
  kill -TERM $worker; wait $worker || true
  chunks=$(grep -oE '"total_chunks": [0-9]+' "$dir/distributed/manifest.json" | grep -oE "[0-9]+")
  echo "run $i: embedded $embedded s, distributed $distributed s, ratio $(echo "scale=2; $embedded / $distributed" | bc)," \
       "$chunks chunks, $(echo "scale=0; $chunks / $distributed" | bc) work messages/s"
done
