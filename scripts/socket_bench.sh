#!/bin/sh
# One node's socket cost (issue 16, item 8): the server pinned to core 0, the bots to core 1.
#   scripts/socket_bench.sh [BOTS] [SECONDS] [SERVER_BIN]   (BOTS_BIN= for another client binary)
# Prints the bots' JSON report, with the server's CPU per client-second and tick percentiles.
set -eu
bots=${1:-1000}
seconds=${2:-30}
bin=${3:-.build/release/bitgoeul}
bots_bin=${BOTS_BIN:-.build/release/bitgoeul}
port=${PORT:-18091}
data=$(mktemp -d /tmp/bitgoeul-socket-bench.XXXXXX)
taskset -c 0 "$bin" serve --host 127.0.0.1 --port "$port" --data "$data" --log-level warning ${SERVER_ARGS:-} --connections-per-second 1000 \
    --connections-per-address-per-second 1000 >"$data/server.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null; wait $server 2>/dev/null; rm -rf "$data"' EXIT INT TERM
for _ in $(seq 1 100); do
    curl -sf "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && break
    sleep 0.2
done
kill -0 $server 2>/dev/null || { cat "$data/server.log" >&2; exit 1; }
taskset -c 1 "$bots_bin" bots --url "ws://127.0.0.1:$port" --count "$bots" --duration "$seconds" \
    --connect-rate 400 --server-pid "$server" --json
