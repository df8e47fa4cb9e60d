#!/usr/bin/env bash
# Coverage-guided fuzzing (libFuzzer with AddressSanitizer) of every parser of untrusted input.
#
#   FUZZ_S=300 scripts/fuzz.sh            # each target for FUZZ_S seconds (make fuzz)
#   FUZZ_TARGETS="FuzzWire" scripts/fuzz.sh
#   FUZZ_JOBS=1 scripts/fuzz.sh             # one target at a time (default: two, one per core)
#
# Seeds come from Fuzz/Corpus/<target> (scripts/fuzz_seeds.py writes them); inputs libFuzzer finds
# grow .build-fuzz/corpus/<target>. Every input that ever crashed is kept in Fuzz/Regressions/<target>
# and replayed first. A crash leaves its input in .build-fuzz/crashes/<target>/ and fails the run.
set -euo pipefail
cd "$(dirname "$0")/.."
FUZZ_S=${FUZZ_S:-300}
TARGETS=${FUZZ_TARGETS:-"FuzzWire FuzzGeoJSON FuzzScenario FuzzWKT FuzzGLB FuzzManifest FuzzCatalogue FuzzVault FuzzBackup FuzzFederation FuzzMissions"}
SCRATCH=.build-fuzz
SWIFT=${SWIFT:-swift}

for target in $TARGETS; do
  # -sanitize=fuzzer on every module (not only the executable) so the parsers carry coverage counters.
  BITGOEUL_FUZZ=1 "$SWIFT" build --scratch-path "$SCRATCH" --sanitize=fuzzer --sanitize=address \
    -Xswiftc -sanitize=fuzzer --product "$target" 2>&1 | grep -E "error|Build of product" || true
  [ -x "$SCRATCH/debug/$target" ] || { echo "fuzz: $target did not build" >&2; exit 1; }
done

# Fuzzes one target: its regression inputs first, then FUZZ_S seconds from the seeds; fails on a crash.
fuzz_one() {
  local target=$1
  local binary="$SCRATCH/debug/$target"
  local work="$SCRATCH/corpus/$target"
  local crashes="$SCRATCH/crashes/$target"
  local log="$SCRATCH/logs/$target.log"
  mkdir -p "$work" "$crashes" "$(dirname "$log")"
  local regressions=(Fuzz/Regressions/"$target"/*)
  if [ -e "${regressions[0]}" ]; then
    if ! "$binary" "${regressions[@]}" >"$log.regressions" 2>&1; then
      echo "fuzz: $target fails a regression input (see $log.regressions)" >&2
      return 1
    fi
  fi
  if "$binary" -max_total_time="$FUZZ_S" -timeout=10 -rss_limit_mb=3072 -print_final_stats=1 \
    -artifact_prefix="$crashes/" "$work" "Fuzz/Corpus/$target" >"$log" 2>&1; then
    local runs cov
    runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' || echo '?')
    cov=$(grep -o 'cov: [0-9]*' "$log" | tail -1 || true)
    echo "fuzz: $target ok: $runs inputs in ${FUZZ_S} s, $cov, corpus $(ls "$work" | wc -l) files"
  else
    echo "fuzz: $target FOUND A CRASH: $(ls "$crashes" | head -1) (log: $log)" >&2
    grep -E "ERROR|Fatal error|SUMMARY" "$log" | head -5 >&2 || true
    return 1
  fi
}

# libFuzzer runs on one thread: FUZZ_JOBS targets (default 2, one per core) are fuzzed at once.
FUZZ_JOBS=${FUZZ_JOBS:-2}
status=0
running=()
for target in $TARGETS; do
  fuzz_one "$target" &
  running+=($!)
  if [ "${#running[@]}" -ge "$FUZZ_JOBS" ]; then
    wait "${running[0]}" || status=1
    running=("${running[@]:1}")
  fi
done
for pid in "${running[@]}"; do
  wait "$pid" || status=1
done
exit $status
