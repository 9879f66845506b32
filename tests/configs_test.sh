#!/bin/sh
# configs_test.sh - every scenario in configs/ still loads, runs (shrunk
# with traffic.scale so that the whole set takes seconds), conserves its
# events, and gives valid JSON; `check` accepts each and its own output.
BUILD=${1:-build}
LAGSIM=$BUILD/lagsim
TMP=$(mktemp -d "${TMPDIR:-/tmp}/lagsim_configs.XXXXXX") || exit 1
trap 'rm -rf "$TMP"' EXIT HUP INT TERM
SCALE=${LAGSIM_CONFIG_SCALE:-0.02}
n=0
check() { n=$((n + 1)); if [ "$1" -eq 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; fi; }
for f in configs/*.ini; do
  name=$(basename "$f")
  "$LAGSIM" check "$f" > "$TMP/resolved.ini" 2>"$TMP/err" &&
    "$LAGSIM" check "$TMP/resolved.ini" > "$TMP/again.ini" 2>>"$TMP/err" &&
    cmp -s "$TMP/resolved.ini" "$TMP/again.ini"
  check $? "$name: check accepts it and its own resolved output"
  "$LAGSIM" run "$f" --mode all --set traffic.scale="$SCALE" --format json \
    > "$TMP/out.json" 2>"$TMP/err"
  rc=$?
  if ! command -v python3 >/dev/null 2>&1; then
    n=$((n + 1)); echo "ok $n - # SKIP $name: every mode, conservation, JSON: no python3"
    continue
  fi
  if [ $rc -eq 0 ]; then
    python3 -c 'import json,sys
d = json.load(open(sys.argv[1]))
ok = all(m["conserved"] and m["fired"] == m["visible"] + m["dropped_total"] + m["in_flight"]
         for m in d["modes"].values())
sys.exit(0 if ok and len(d["modes"]) == 3 else 1)' "$TMP/out.json"
    rc=$?
  fi
  check $rc "$name: runs in every mode (scale $SCALE), conserves events, valid JSON"
  [ $rc -ne 0 ] && sed 's/^/#   /' "$TMP/err" | head -5
done
exit 0
