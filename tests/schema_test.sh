#!/bin/sh
# schema_test.sh - the JSON Schemas of docs/schema/ describe what lagsim
# prints: small real runs of run, compare (with replications and alerts),
# sweep (with --find and --precision) and trace validate against
# results.schema.json, and every scenario of configs/ (as `lagsim check`
# resolves it) against scenario.schema.json. Each schema must also reject a
# document with a mistake, so the test can fail. Needs python3-jsonschema
# (make deps installs it).
BUILD=${1:-build}
LAGSIM=$BUILD/lagsim
. tests/tap.sh
tap_init schema

if ! python3 -c 'import jsonschema' 2>/dev/null; then
  echo "not ok 1 - python3-jsonschema is installed (make deps)"
  exit 0
fi
small="--set scenario.horizon=3m --set traffic.scale=0.05"
val() { python3 tests/schema_check.py "$@" >"$TMP/err" 2>&1; }

run run configs/default.ini --format json --mode all $small --set burst.launch.start=1m \
  --set burst.launch.duration=30s --out "$TMP/run.json"
val results run_report "$TMP/run.json"
check $? "run --format json (every mode, a burst) matches results.schema.json"

run run configs/replay-launch.ini --format json --mode device --out "$TMP/replay.json"
val results run_report "$TMP/replay.json" && grep -q '"replay_fnv1a64": "[0-9a-f]\{16\}"' "$TMP/replay.json"
check $? "run of a replay scenario (manifest with replay_fnv1a64) matches the schema"

run compare configs/alerts-outage.ini --format json --reps 2 --set scenario.horizon=2m \
  --out "$TMP/compare.json"
val results run_report "$TMP/compare.json"
check $? "compare --format json (replications, differences, alerts) matches the schema"

run run configs/steady-state.ini --format json --precision 30% --max-reps 6 $small \
  --out "$TMP/precision.json"
val results run_report "$TMP/precision.json"
check $? "run --precision --format json (manifest's precision) matches the schema"

run sweep configs/steady-state.ini --format json --vary traffic.base_rate=100/s..400/s:100/s \
  --slo 'p99<=1m' --find $small --out "$TMP/find.json"
val results sweep_report "$TMP/find.json"
check $? "sweep --find --format json matches the schema"

run sweep configs/steady-state.ini --format json --vary traffic.base_rate=100/s..200/s:100/s \
  --vary segment.batch_wait=10s..20s:10s --reps 2 --mode cloud $small --out "$TMP/grid.json"
val results sweep_report "$TMP/grid.json"
check $? "sweep over a grid with replications matches the schema"

run trace configs/default.ini --format json --follow 2 --set traffic.scale=0.02 \
  --set burst.launch.start=1m --set burst.launch.duration=1m --set scenario.horizon=3m \
  --out "$TMP/trace.json"
val results trace_report "$TMP/trace.json"
check $? "trace --format json matches the schema"

# Segment refusing with Retry-After: segment_429 and the trace's
# retry_after_s / paused_batches / at fields.
run run configs/retry-after-storm.ini --format json --set scenario.horizon=4m \
  --out "$TMP/storm.json"
val results run_report "$TMP/storm.json" && grep -q '"segment_429"' "$TMP/storm.json"
check $? "run of retry-after-storm (segment_429) matches the schema"
run trace configs/retry-after-storm.ini --format json --follow 3 --out "$TMP/storm-trace.json"
val results trace_report "$TMP/storm-trace.json" && grep -q '"paused_batches"' "$TMP/storm-trace.json"
check $? "trace of retry-after-storm (Retry-After, pauses) matches the schema"

# The schema can fail: a report with a field of the wrong type, or a field
# it does not know, is rejected.
python3 - "$TMP/run.json" "$TMP/bad1.json" "$TMP/bad2.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
m = next(iter(d["modes"].values()))
m["fired"] = "many"
json.dump(d, open(sys.argv[2], "w"))
m["fired"] = 1
m["surprise"] = 1
json.dump(d, open(sys.argv[3], "w"))
PY
! val results run_report "$TMP/bad1.json" && ! val results run_report "$TMP/bad2.json"
check $? "results.schema.json rejects a wrong type and an unknown field"

ok=0
for f in configs/*.ini; do
  name=$(basename "$f" .ini)
  "$LAGSIM" check "$f" >"$TMP/$name.resolved.ini" 2>>"$TMP/check.err" || ok=1
done
val scenario "$TMP"/*.resolved.ini || ok=1
check $ok "every scenario of configs/, resolved by check, matches scenario.schema.json"
[ $ok -ne 0 ] && sed 's/^/#   /' "$TMP/err" | head -n 10

printf '[scenario]\nhorizon = 1h\nfoo = 1\n\n[event.a]\npriority = urgent\n' >"$TMP/bad.ini"
! val scenario "$TMP/bad.ini"
check $? "scenario.schema.json rejects an unknown key and an unknown priority"
exit 0
