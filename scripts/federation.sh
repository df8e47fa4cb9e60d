#!/usr/bin/env bash
# `make federation`: three cities of one federation on loopback (docs/federation.md) — Gwangju on port 8080,
# Daegu on 8090, Jeju on 8100 — each its own `bitgoeul serve` with its own data folder, key and peers file in
# var/federation/<city>, the peers file naming the other two. Ctrl-C (or SIGTERM) stops the three.
#
# BITGOEUL_BIN picks the binary (default .build/release/bitgoeul); FEDERATION_BASE_PORT moves all three
# (Gwangju on it, Daegu 10 and Jeju 20 above), GWANGJU_PORT, DAEGU_PORT and JEJU_PORT move one.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${BITGOEUL_BIN:-.build/release/bitgoeul}
base=${FEDERATION_BASE_PORT:-8080}
dir=var/federation
cities=(gwangju daegu jeju)
declare -A port=([gwangju]=${GWANGJU_PORT:-$base} [daegu]=${DAEGU_PORT:-$((base + 10))} [jeju]=${JEJU_PORT:-$((base + 20))})
declare -A name=([gwangju]="광주 Gwangju" [daegu]="대구 Daegu" [jeju]="제주 Jeju")
declare -A pid=()
[ -x "$BIN" ] || { echo "federation.sh: no $BIN (make release, or set BITGOEUL_BIN)" >&2; exit 1; }
url() { echo "http://127.0.0.1:${port[$1]}"; }

# Each city's key (made at the first run, kept in its data folder) as the [[peer]] entry the others pin.
declare -A entry=()
for c in "${cities[@]}"; do
    mkdir -p "$dir/$c"
    entry[$c]=$("$BIN" federation key --data "$dir/$c" --server-id "$c.example" --url "$(url "$c")" \
        | sed "/^id = /a name = \"${name[$c]}\"")
done
for c in "${cities[@]}"; do
    {
        echo "# Written by scripts/federation.sh: the cities ${name[$c]} federates with."
        for other in "${cities[@]}"; do
            [ "$other" = "$c" ] && continue
            printf '\n%s\naccept_visitors = true\nsend_travellers = true\n' "${entry[$other]}"
        done
    } >"$dir/$c/peers.toml"
done

stop() {
    trap - INT TERM EXIT
    for c in "${!pid[@]}"; do kill -TERM "${pid[$c]}" 2>/dev/null || true; done
    for c in "${!pid[@]}"; do wait "${pid[$c]}" 2>/dev/null || true; done
}
trap stop INT TERM EXIT
for c in "${cities[@]}"; do
    "$BIN" serve --host 127.0.0.1 --port "${port[$c]}" --data "$dir/$c" --world "worlds/$c" --web Web \
        --server-id "$c.example" --server-name "${name[$c]}" --peers "$dir/$c/peers.toml" \
        --stats-epsilon 0.08 --stats-daily-epsilon 2.0 >"$dir/$c.log" 2>&1 &
    pid[$c]=$!
done
# Up when it publishes its identity; a city that stops first is reported with the end of its log.
for c in "${cities[@]}"; do
    for _ in $(seq 1 120); do
        curl -sf -o /dev/null --max-time 2 "$(url "$c")/.well-known/bitgoeul" && continue 2
        if ! kill -0 "${pid[$c]}" 2>/dev/null; then
            echo "federation.sh: ${name[$c]} stopped; the end of $dir/$c.log:" >&2
            tail -n 5 "$dir/$c.log" >&2
            exit 1
        fi
        sleep 0.5
    done
    echo "federation.sh: ${name[$c]} does not answer on $(url "$c") (log: $dir/$c.log)" >&2
    exit 1
done
# Each city looked at the others as it started, perhaps before they listened: SIGHUP makes it look again.
for c in "${cities[@]}"; do kill -HUP "${pid[$c]}"; done
for c in "${cities[@]}"; do
    echo "${name[$c]}: $(url "$c")/   (server id $c.example, log: $dir/$c.log)"
done
echo "Each city pins the other two in $dir/<city>/peers.toml. Ctrl-C stops the three."
wait -n || true
