#!/bin/sh
# A PostgreSQL instance of Bitgoeul's own, in a folder, for tests and `make cluster`.
#
#   scripts/postgres.sh start DIR PORT   initdb into DIR when empty, start on 127.0.0.1:PORT, make database "bitgoeul"
#   scripts/postgres.sh stop DIR         stop it (fast shutdown)
#   scripts/postgres.sh run CMD...       a throwaway instance for CMD: BITGOEUL_TEST_PG holds its URL; removed after
#
# PostgreSQL refuses to run as root, so as root the server runs as the `postgres` user Debian's
# package makes (or BITGOEUL_PG_USER). Only loopback connections, trusted (no password): never for production.
set -eu

bindir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
if [ -z "$bindir" ] || [ ! -x "$bindir/initdb" ]; then
    echo "postgres.sh: PostgreSQL server binaries not found (apt-get install postgresql-15)" >&2
    exit 1
fi
pguser=${BITGOEUL_PG_USER:-postgres}

as_owner() {
    if [ "$(id -u)" -eq 0 ]; then runuser -u "$pguser" -- "$@"; else "$@"; fi
}

start() {
    dir=$1
    port=$2
    mkdir -p "$dir"
    if [ "$(id -u)" -eq 0 ]; then chown "$pguser" "$dir"; fi
    chmod 700 "$dir"
    if [ ! -f "$dir/PG_VERSION" ]; then
        as_owner "$bindir/initdb" -D "$dir" -U bitgoeul -A trust -E UTF8 --locale=C.UTF-8 >"$dir.initdb.log" 2>&1 ||
            { cat "$dir.initdb.log" >&2; exit 1; }
    fi
    # Sockets in the data folder; durable settings (fsync on) so the tests see what production sees.
    as_owner "$bindir/pg_ctl" -D "$dir" -l "$dir/server.log" -w -t 30 \
        -o "-c listen_addresses=127.0.0.1 -p $port -k $dir -c max_connections=200 -c shared_buffers=64MB" start >/dev/null
    if ! "$bindir/psql" -h 127.0.0.1 -p "$port" -U bitgoeul -d postgres -tAc \
        "SELECT 1 FROM pg_database WHERE datname = 'bitgoeul'" | grep -q 1; then
        "$bindir/createdb" -h 127.0.0.1 -p "$port" -U bitgoeul bitgoeul
    fi
    echo "postgres://bitgoeul@127.0.0.1:$port/bitgoeul"
}

stop() {
    as_owner "$bindir/pg_ctl" -D "$1" -m fast -w stop >/dev/null 2>&1 || true
}

free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

case "${1:-}" in
start) start "$2" "$3" ;;
stop) stop "$2" ;;
run)
    shift
    dir=$(mktemp -d /tmp/bitgoeul-pg.XXXXXX)
    if [ "$(id -u)" -eq 0 ]; then chown "$pguser" "$dir"; fi
    trap 'stop "$dir/data"; rm -rf "$dir"' EXIT INT TERM
    BITGOEUL_TEST_PG=$(start "$dir/data" "$(free_port)")
    export BITGOEUL_TEST_PG
    echo "postgres.sh: throwaway PostgreSQL at $BITGOEUL_TEST_PG" >&2
    "$@"
    ;;
*)
    echo "usage: scripts/postgres.sh start DIR PORT | stop DIR | run CMD..." >&2
    exit 2
    ;;
esac
