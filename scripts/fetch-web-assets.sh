#!/usr/bin/env bash
# Fetches three.js for the web client from the PyPI wheel ifc-console-viewer==0.1.4 (MIT),
# checks every file against its SHA-256 and puts it in Web/vendor/three/ (kept out of git).
set -euo pipefail
cd "$(dirname "$0")/.."
dest=Web/vendor/three
wheel_sha=f28b4320eb4c060f90a2b6101e8f815eec2ccdb51690e64e607fc594d0bc8345
declare -A sums=(
  [three.module.min.js]=e2b5ee6bccd38fd6d8a2428546b83c5f2426d84b152ef82be8055556e3b40eb6
  [three.core.min.js]=61ba0df005b05991361d040d8ff670e1aadfd0ce7aeebd1fdb0725957a8957de
  [OrbitControls.js]=6c860c6b342200f8aef65493319c12bfb2d652107355b1d25eb2154371128391
  [LICENSE.three.txt]=bfe119ea4fd413f5f7ca3fcd63adb0c4a073ed39daa2fe7d3e6b769e21272601
)
ok=1
for f in "${!sums[@]}"; do
  if [ ! -f "$dest/$f" ] || [ "$(sha256sum "$dest/$f" | cut -d' ' -f1)" != "${sums[$f]}" ]; then ok=0; fi
done
if [ "$ok" = 1 ]; then echo "web assets: three.js present and verified"; exit 0; fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
python3 -m pip download --quiet --no-deps --only-binary=:all: ifc-console-viewer==0.1.4 -d "$tmp"
whl=$(ls "$tmp"/*.whl)
[ "$(sha256sum "$whl" | cut -d' ' -f1)" = "$wheel_sha" ] || { echo "error: wheel checksum mismatch: $whl" >&2; exit 1; }
python3 - "$whl" "$tmp/x" <<'PY'
import sys, zipfile
zipfile.ZipFile(sys.argv[1]).extractall(sys.argv[2])
PY
mkdir -p "$dest"
for f in "${!sums[@]}"; do
  src="$tmp/x/ifc_console_viewer/static/vendor/$f"
  [ "$(sha256sum "$src" | cut -d' ' -f1)" = "${sums[$f]}" ] || { echo "error: checksum mismatch: $f" >&2; exit 1; }
  cp "$src" "$dest/$f.tmp" && mv "$dest/$f.tmp" "$dest/$f"
done
echo "web assets: three.js r180 installed in $dest"
