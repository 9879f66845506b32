#!/bin/sh
# cli_test.sh - black-box tests of the lagsim command: help and version,
# usage errors and their exit statuses, scenario errors with FILE:LINE,
# text and JSON reports (parsed with python3), byte-identical output for
# the same seed, check's output accepted by check again, and --out
# writing atomically. Prints one "ok N - ..." or "not ok N - ..." line
# per check; tests whose config file is missing are skipped.
#
# Usage: sh tests/cli_test.sh [BUILD]   (BUILD defaults to build)

BUILD=${1:-build}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
LAGSIM=$BUILD/lagsim
CFG=$ROOT/configs/default.ini
# Keep runs short: two simulated minutes, with the launch burst moved
# inside them and made brief.
FAST="--set scenario.horizon=2m --set burst.launch.start=30s --set burst.launch.duration=2s"

. "$(dirname "$0")/tap.sh"
tap_init cli_test


if [ ! -x "$LAGSIM" ]; then
  not_ok "$LAGSIM exists and is executable"
  exit 1
fi

# ---- Help, version, usage errors -------------------------------------------

run --help
[ $rc -eq 0 ] && grep -q '^usage: lagsim' "$TMP/out" && grep -q 'run SCENARIO' "$TMP/out"
check $? "--help exits 0 and shows usage on stdout"

run help
[ $rc -eq 0 ] && grep -q '^usage: lagsim' "$TMP/out"
check $? "help exits 0"

run --version
[ $rc -eq 0 ] && grep -q '^lagsim [0-9][0-9]*\.[0-9][0-9]*\.[0-9][0-9]*$' "$TMP/out"
check $? "--version exits 0 and prints 'lagsim X.Y.Z'"

run run --help
[ $rc -eq 0 ] && grep -q '^usage: lagsim run SCENARIO' "$TMP/out" && grep -q -- '--format' "$TMP/out"
check $? "run --help exits 0 and lists the options"

run help check
[ $rc -eq 0 ] && grep -q '^usage: lagsim check SCENARIO' "$TMP/out"
check $? "help check exits 0"

run frobnicate
[ $rc -eq 2 ] && grep -q "unknown command 'frobnicate'" "$TMP/err" && grep -q '^usage:' "$TMP/err" \
  && [ ! -s "$TMP/out" ]
check $? "an unknown subcommand exits 2 with a message and usage on stderr"

run
[ $rc -eq 2 ] && grep -q '^usage:' "$TMP/err"
check $? "no subcommand exits 2"

run --frobnicate
[ $rc -eq 2 ] && grep -q "unknown option" "$TMP/err"
check $? "an unknown top-level option exits 2"

run run
[ $rc -eq 2 ] && grep -q 'missing SCENARIO' "$TMP/err" && grep -q '^usage: lagsim run' "$TMP/err"
check $? "run without SCENARIO exits 2"

run run "$CFG" --frobnicate
[ $rc -eq 2 ] && grep -q "unknown option '--frobnicate'" "$TMP/err" && grep -q '^usage: lagsim run' "$TMP/err"
check $? "run with an unknown option exits 2 with the run usage"

run run "$CFG" --format xml
[ $rc -eq 2 ] && grep -q "bad --format value 'xml'" "$TMP/err"
check $? "a bad --format value exits 2"

run run "$CFG" --seed
[ $rc -eq 2 ] && grep -q "needs a value" "$TMP/err"
check $? "an option missing its value exits 2"

run run "$CFG" --seed 12x
[ $rc -eq 2 ] && grep -q "bad --seed value" "$TMP/err"
check $? "a bad --seed value exits 2"

run run "$CFG" --mode sideways
[ $rc -eq 2 ] && grep -q "bad --mode value" "$TMP/err"
check $? "a bad --mode value exits 2"

run check "$CFG" --seed 3
[ $rc -eq 2 ] && grep -q "unknown option '--seed'" "$TMP/err"
check $? "check rejects options it does not take"

run run "$TMP/no-such-file.ini"
[ $rc -eq 2 ] && [ -s "$TMP/err" ]
check $? "a missing scenario file exits 2 with a message"

# ---- Scenario errors ---------------------------------------------------------

BAD=$TMP/bad.ini
printf '[scenario]\nname = bad\nhorizon = 10 parsecs\n' >"$BAD"
run run "$BAD"
first=$(head -n 1 "$TMP/err")
case $first in "$BAD:3:"*) line_ok=0 ;; *) line_ok=1 ;; esac
[ $rc -eq 2 ] && [ $line_ok -eq 0 ] && [ ! -s "$TMP/out" ]
check $? "a mistake on line 3 exits 2 with stderr starting 'FILE:3:'"

run check "$BAD"
case $(head -n 1 "$TMP/err") in "$BAD:3:"*) line_ok=0 ;; *) line_ok=1 ;; esac
[ $rc -eq 2 ] && [ $line_ok -eq 0 ]
check $? "check reports the same mistake with exit 2"

if [ ! -f "$CFG" ]; then
  for t in "a bad --set exits 2" "run prints both modes" "json has the required keys" \
           "same seed gives byte-identical JSON" "--mode selects the mode" \
           "--seed changes the seed" "check output is accepted by check" \
           "--out writes atomically" "--out to a missing directory fails cleanly"; do
    skip "$t: no configs/default.ini"
  done
  exit 0
fi

run run "$CFG" --set scenario.horizon=10parsecs
[ $rc -eq 2 ] && [ -s "$TMP/err" ] && [ ! -s "$TMP/out" ]
check $? "a bad --set value exits 2"

run run "$CFG" --set nosuchsection.key=1
[ $rc -eq 2 ] && [ -s "$TMP/err" ]
check $? "a --set of an unknown key exits 2"

# ---- Runs ----------------------------------------------------------------------

# shellcheck disable=SC2086 # $FAST is a list of arguments
run run "$CFG" $FAST
[ $rc -eq 0 ] && grep -q 'cloud' "$TMP/out" && grep -q 'device' "$TMP/out" \
  && grep -q 'conservation' "$TMP/out" && ! grep -q 'FAILED' "$TMP/out" \
  && grep -q '^lagsim: [0-9][0-9]* simulated events in .* s (.* events/s, .* simulated s per wall s)$' "$TMP/err"
check $? "run on default.ini exits 0, shows cloud and device, and the speed line on stderr"

# shellcheck disable=SC2086
run run "$CFG" $FAST --format json
cp "$TMP/out" "$TMP/a.json"
if [ $have_python -eq 0 ]; then
  skip "json has the required keys: no python3"
else
  [ $rc -eq 0 ] && python3 -c '
import json, sys
d = json.load(sys.stdin)
assert isinstance(d["scenario"], str) and isinstance(d["seed"], int), "scenario/seed"
assert "lagsim_version" in d
assert sorted(d["modes"]) == ["cloud", "device"], sorted(d["modes"])
for name, m in d["modes"].items():
    for k in ("fired", "delivered", "visible", "in_flight", "retries", "requests",
              "backlog_peak"):
        assert isinstance(m[k], int) and m[k] >= 0, (name, k)
    assert isinstance(m["conserved"], bool) and m["conserved"], name
    assert m["drain_time_s"] is None or m["drain_time_s"] >= 0, name
    assert isinstance(m["end_time_s"], (int, float)), name
    assert set(m["dropped"]) >= {"invalid", "retry_window", "retry_limit",
                                 "queue_overflow"}, (name, m["dropped"])
    assert set(m["responses"]) >= {"2xx", "400", "429", "5xx", "timeout"}, name
    assert m["fired"] == m["visible"] + sum(m["dropped"].values()) + m["in_flight"], name
    assert m["fired"] > 0, name
    for lat in ("latency_delivered_s", "latency_visible_s"):
        L = m[lat]
        for q in ("p50", "p90", "p99", "p999", "max", "mean"):
            assert q in L and (L[q] is None or L[q] >= 0), (name, lat, q)
        if L["p50"] is not None:
            assert L["p50"] <= L["p90"] <= L["p99"] <= L["p999"] <= L["max"], (name, lat)
' <"$TMP/out" 2>"$TMP/err"
  check $? "--format json parses and has the required keys for both modes"
fi

# shellcheck disable=SC2086
run run "$CFG" $FAST --format json
[ $rc -eq 0 ] && cmp -s "$TMP/out" "$TMP/a.json"
check $? "the same seed twice gives byte-identical JSON"

# shellcheck disable=SC2086
run run "$CFG" $FAST --format json --mode device
if [ $have_python -eq 1 ]; then
  [ $rc -eq 0 ] && python3 -c '
import json, sys
d = json.load(sys.stdin)
assert list(d["modes"]) == ["device"], list(d["modes"])
' <"$TMP/out"
else
  [ $rc -eq 0 ] && grep -q '"device"' "$TMP/out" && ! grep -q '"cloud"' "$TMP/out"
fi
check $? "--mode device runs device mode only"

# shellcheck disable=SC2086
run run "$CFG" $FAST --format json --seed 7
[ $rc -eq 0 ] && grep -q '"seed": 7,' "$TMP/out"
check $? "--seed overrides the scenario's seed"

# ---- check ---------------------------------------------------------------------

run check "$CFG" --set scenario.seed=9
cp "$TMP/out" "$TMP/resolved1.ini"
first_rc=$rc
run check "$TMP/resolved1.ini"
cp "$TMP/out" "$TMP/resolved2.ini"
[ $first_rc -eq 0 ] && [ $rc -eq 0 ] && [ -s "$TMP/resolved1.ini" ] \
  && grep -Eq '^seed *= *9 *$' "$TMP/resolved1.ini" && cmp -s "$TMP/resolved1.ini" "$TMP/resolved2.ini"
check $? "check prints a resolved scenario that check accepts and prints identically"

# ---- --out ---------------------------------------------------------------------

OUT=$TMP/report.json
# shellcheck disable=SC2086
run run "$CFG" $FAST --format json --out "$OUT"
leftovers=$(find "$TMP" -name 'report.json.tmp*' | wc -l)
[ $rc -eq 0 ] && [ ! -s "$TMP/out" ] && cmp -s "$OUT" "$TMP/a.json" && [ "$leftovers" -eq 0 ]
check $? "--out writes the report to the file, nothing to stdout, and leaves no .tmp behind"

# shellcheck disable=SC2086
run run "$CFG" $FAST --out "$TMP/no/such/dir/report.txt"
[ $rc -eq 2 ] && grep -q "cannot use directory" "$TMP/err" && [ ! -e "$TMP/no" ]
check $? "--out into a missing directory exits 2 before the run and leaves nothing behind"

# ---- replications ------------------------------------------------------------

# shellcheck disable=SC2086
run run "$CFG" $FAST --reps 4 --threads 1 --format json
cp "$TMP/out" "$TMP/reps1.json"; rc1=$rc
# shellcheck disable=SC2086
run run "$CFG" $FAST --reps 4 --threads 2 --format json
[ $rc1 -eq 0 ] && [ $rc -eq 0 ] && cmp -s "$TMP/reps1.json" "$TMP/out"
check $? "--reps 4 gives byte-identical JSON with --threads 1 and --threads 2"
if [ $have_python = 1 ]; then
  python3 -c 'import json,sys
d = json.load(open(sys.argv[1]))
for m in d["modes"].values():
    assert m["replications"] == 4
    c = m["ci95"]["p99_visible_s"]
    assert c["n"] == 4 and c["mean"] > 0 and c["half_width"] is not None
' "$TMP/out"
  check $? "--reps JSON carries the replications and each figure's mean and 95% half-width"
else
  skip "python3 not available"
fi
# shellcheck disable=SC2086
run run "$CFG" $FAST --reps 3 --threads 2
grep -q "^Across 3 replications" "$TMP/out" && grep -q "p99 to visible .*±" "$TMP/out"
check $? "--reps text shows mean ± half-width per figure"
# shellcheck disable=SC2086
run compare "$CFG" $FAST --reps 3 --threads 2
[ $rc -eq 0 ] && grep -q "^device against cloud, paired over 3 replications" "$TMP/out" &&
  grep -q "^In short: device-mode" "$TMP/out"
check $? "compare shows both modes and device's paired differences against cloud"
if [ $have_python = 1 ]; then
  # shellcheck disable=SC2086
  run compare "$CFG" $FAST --reps 3 --modes device,cloud,hybrid --format json
  python3 -c 'import json,sys
d = json.load(open(sys.argv[1]))
assert set(d["modes"]) == {"cloud", "device", "hybrid"}
diff = d["differences"]
assert set(diff) == {"device-cloud", "hybrid-cloud"}, diff.keys()
assert diff["device-cloud"]["p99_visible_s"]["n"] == 3
# common random numbers: every mode fires the same events
assert len({m["fired"] for m in d["modes"].values()}) == 1
' "$TMP/out"
  check $? "compare --format json: differences against the first mode, same fired count in every mode"
else
  skip "python3 not available"
fi
# shellcheck disable=SC2086
run run "$CFG" $FAST --slo 'p99<=1h, visible>=90%'
[ $rc -eq 0 ] && grep -q "SLO met in cloud mode" "$TMP/err"
check $? "an --slo that holds exits 0 and says so"
# shellcheck disable=SC2086
run run "$CFG" $FAST --slo 'p99<=1ms'
[ $rc -eq 3 ] && grep -q "SLO NOT met in cloud mode (p99<=1ms: p99_visible_s is" "$TMP/err"
check $? "an --slo that does not hold exits 3 and names the failing term"
# shellcheck disable=SC2086
run compare "$CFG" $FAST --reps 2 --slo 'drain<=1ms and visible>=0.5'
[ $rc -eq 3 ]
check $? "compare exits 3 on an unmet --slo"
run run "$CFG" --slo 'p99 is small'
[ $rc -eq 2 ] && grep -q "bad --slo: bad SLO term 'p99 is small'" "$TMP/err"
check $? "a malformed --slo is a usage error"
run run "$CFG" --reps 0
[ $rc -eq 2 ] && grep -q "bad --reps value '0'" "$TMP/err"
check $? "--reps 0 is a usage error"

# ---- Event Delivery view: --series, JSON series/alerts/incidents ------------------

OUTAGE=$ROOT/configs/alerts-outage.ini
SER="$TMP/series.csv"
# shellcheck disable=SC2086
run run "$CFG" $FAST --format json --series "$SER"
[ $rc -eq 0 ] && [ -s "$SER" ] && ! ls "$TMP"/series.csv.tmp.* >/dev/null 2>&1 &&
  head -n 1 "$SER" | grep -qx 'mode,t_s,delivered,not_delivered,2xx,400,429,5xx,timeout,retries,p95_latency_s,backlog'
check $? "--series writes the CSV atomically with its header"
if [ $have_python -eq 1 ] && [ $rc -eq 0 ]; then
  python3 -c 'import csv,json,sys
d = json.load(open(sys.argv[1]))
rows = list(csv.DictReader(open(sys.argv[2])))
for name, m in d["modes"].items():
    series = m["series"]
    mine = [r for r in rows if r["mode"] == name]
    assert len(mine) == len(series) > 0, (name, len(mine), len(series))
    for r, w in zip(mine, series):
        assert float(r["t_s"]) == w["t_s"] and float(r["delivered"]) == w["delivered"]
        assert float(r["backlog"]) == w["backlog"] and float(r["429"]) == w["responses"]["429"]
        p95 = w["p95_latency_s"]
        assert (r["p95_latency_s"] == "") == (p95 is None)
    assert sum(w["delivered"] for w in series) == m["delivered"]
    assert sum(w["retries"] for w in series) == m["retries"]
    assert sum(w["responses"]["2xx"] for w in series) == m["responses"]["2xx"]
    assert m["series_window_s"] == 60 and series[1]["t_s"] == 60
    assert m["alerts"] == [] and [i["name"] for i in m["incidents"]] == ["launch"]
' "$TMP/out" "$SER"
  check $? "--series rows equal the JSON series; the series adds up to the run's totals"
else
  skip "--series against JSON: no python3"
fi
# shellcheck disable=SC2086
run run "$CFG" $FAST --series "$TMP/no/such/dir/s.csv"
[ $rc -eq 2 ] && [ ! -s "$TMP/out" ] && grep -q "cannot use directory" "$TMP/err"
check $? "--series into a missing directory fails before the run (exit 2)"
# shellcheck disable=SC2086
run run "$CFG" $FAST --mode cloud
[ $rc -eq 0 ] && grep -q '^Event Delivery, cloud mode (per 1m window)$' "$TMP/out" &&
  grep -q 'burst launch, 30.0s to 32.0s: ' "$TMP/out"
check $? "the text report has an Event Delivery section with the incidents"
if [ -f "$OUTAGE" ] && [ $have_python -eq 1 ]; then
  run run "$OUTAGE" --mode cloud,device --format json --set traffic.scale=0.05 \
    --set alert.errors.threshold=1 --set alert.timeouts.threshold=1
  [ $rc -eq 0 ] && python3 -c 'import json,sys
d = json.load(open(sys.argv[1]))
for name, m in d["modes"].items():
    a = {x["name"]: x for x in m["alerts"]}
    for alert, outage in (("errors", "1"), ("timeouts", "2")):
        x = a[alert]
        assert x["incident"] == {"kind": "outage", "name": outage}, (name, x)
        assert 0 < x["detection_delay_s"] <= 60, (name, x)
    assert [i["kind"] for i in m["incidents"]] == ["outage", "outage"]
    assert all(i["recovery"] == "recovered" for i in m["incidents"]), m["incidents"]
' "$TMP/out"
  check $? "alerts-outage.ini: error and timeout alerts fire within one window of each outage"
else
  skip "alerts-outage.ini: missing or no python3"
fi
printf '[scenario]\nhorizon = 10m\n[alert.x]\nmetric = p95_latency\nthreshold = 100\n' > "$TMP/a.ini"
run run "$TMP/a.ini"
[ $rc -eq 2 ] && grep -q "a.ini:3: \[alert.x\] threshold must be a duration" "$TMP/err"
check $? "an alert with a count threshold on p95_latency is a scenario error at FILE:LINE"

exit 0
