#!/bin/sh
# `make cluster`: a local PostgreSQL in var/pg and three Bitgoeul nodes on ports 8080–8082 sharing it.
# Ctrl-C (or SIGTERM) drains the nodes one by one, then stops PostgreSQL.
set -eu
cd "$(dirname "$0")/.."
BIN=${BIN:-.build/release/bitgoeul}
PG_PORT=${PG_PORT:-55433}
mkdir -p var
url=$(scripts/postgres.sh start "$PWD/var/pg" "$PG_PORT")
echo "PostgreSQL: $url (data in var/pg)"
pids=""
stop() {
    trap - INT TERM EXIT
    for pid in $pids; do kill -TERM "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; done
    scripts/postgres.sh stop "$PWD/var/pg"
}
trap stop INT TERM EXIT
for n in 1 2 3; do
    port=$((8079 + n))
    "$BIN" serve --host 127.0.0.1 --port "$port" --data "var/node$n" --database "$url" --node-id "node$n" \
        --world worlds/gwangju --world worlds/seoul --web Web --stats-epsilon 0.08 --stats-daily-epsilon 2.0 \
        >"var/node$n.log" 2>&1 &
    pids="$pids $!"
done
sleep 3
for n in 1 2 3; do
    echo "node$n: http://127.0.0.1:$((8079 + n))/   (log: var/node$n.log)"
done
echo "Every node shows every space; GET /api/v1/world names the node that serves each. Ctrl-C stops the cluster."
wait
