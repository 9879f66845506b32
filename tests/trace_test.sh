#!/bin/sh
# trace_test.sh - black-box tests of "lagsim trace" and of the theory
# section of "lagsim run": the milestones of a burst above the limit in
# order (a 429, a backoff by Segment and by the SDK, delivered, visible),
# an ad blocker's drop, --follow and --filter, a bad filter type (exit 2
# with the scenario's types), byte-identical output for the same seed,
# lines within 80 columns; --format json (parsed with python3: the
# manifest, the events, steps in time order, outcomes; the same bytes for
# the same seed; a bad --format exits 2), --format md (a table per event,
# the same bytes twice) and --out; "Theory vs
# simulation" in text and a "theory" array in JSON. Prints one "ok N - ..." or "not ok N - ..." per check.
#
# Usage: sh tests/trace_test.sh [BUILD]   (BUILD defaults to build)

BUILD=${1:-build}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
LAGSIM=$BUILD/lagsim
CFG=$ROOT/configs/default.ini
# A short launch: a one-minute burst against a lowered limit, so the
# events followed late in it meet 429s.
FAST="--set scenario.horizon=3m --set burst.launch.start=30s --set burst.launch.duration=1m
      --set traffic.scale=0.1 --set mixpanel.ingest_limit=1000/s --set mixpanel.limit_window=10s"

. "$(dirname "$0")/tap.sh"
tap_init trace_test

if [ ! -x "$LAGSIM" ]; then
  not_ok "$LAGSIM exists and is executable"
  exit 1
fi

run help trace
[ $rc -eq 0 ] && grep -q '^usage: lagsim trace SCENARIO' "$TMP/out" && grep -q -- '--follow N' "$TMP/out" &&
  grep -q -- '--filter TYPE' "$TMP/out"
check $? "help trace shows its usage and options"

# shellcheck disable=SC2086
run trace "$CFG" $FAST
cp "$TMP/out" "$TMP/trace1"
[ $rc -eq 0 ] && grep -q '^=== cloud mode' "$TMP/out" && grep -q '^=== device mode' "$TMP/out" &&
  grep -q '^Event 5 of 5:' "$TMP/out" && ! grep -q '^Event 6 of' "$TMP/out"
check $? "trace follows 5 events by default, in each mode"
grep -q '^Manifest$' "$TMP/trace1" && grep -q '^  command        lagsim trace ' "$TMP/trace1" &&
  grep -q '^  scenario hash  [0-9a-f]\{16\} ' "$TMP/trace1"
check $? "the text of trace ends with the manifest"

# In cloud mode, an event that meets a 429: fired, sent, accepted by
# Segment, queued, sent to /import, 429, Segment backs off, retry,
# delivered, visible - in that order within its block.
awk '/^=== device mode/ { exit } /^Event / { if (block ~ /429/) { print block; found = 1; exit } block = "" }
     { block = block "\n" $0 } END { if (!found && block ~ /429/) print block }' "$TMP/trace1" >"$TMP/block"
ordered=1
last=0
for pat in 'fired by the product' 'sends it to Segment' "Segment's tracking API accepts it" \
           "in Segment's queue" 'sends it to Mixpanel (/import)' '429 Too Many Requests' \
           'Segment hears the answer and backs off' '(retry 1)' 'DELIVERED' 'identity resolved' 'VISIBLE'; do
  line=$(grep -n -F -- "$pat" "$TMP/block" | head -n 1 | cut -d: -f1)
  if [ -z "$line" ] || [ "$line" -lt "$last" ]; then ordered=0; echo "# missing or out of order: $pat"; break; fi
  last=$line
done
[ "$ordered" -eq 1 ]
check $? "a cloud-mode event above the limit: 429, Segment's backoff, retry, delivered, visible, in order"

sed -n '/^=== device mode/,$p' "$TMP/trace1" >"$TMP/device"
grep -q '429 Too Many Requests' "$TMP/device" && grep -Eq '(mixpanel-js|mixpanel-swift|mixpanel-android) (hears the answer and )?backs off' "$TMP/device"
check $? "device mode: the SDK gets the 429 and chooses the backoff"

[ "$(grep -c 'Event Delivery dashboard' "$TMP/trace1")" -eq 1 ] &&
  [ "$(grep -c 'A 429 loses nothing' "$TMP/trace1")" -ge 1 ] &&
  [ "$(grep -c 'A 429 loses nothing' "$TMP/trace1")" -le 2 ] && grep -q '\$insert_id\|> ' "$TMP/trace1"
check $? "each plain-language explanation appears once (per sender for a 429)"

# The manifest's command line is as long as the command was.
awk '/^Manifest$/ { exit } length($0) > 80 { bad = 1 } END { exit bad }' "$TMP/trace1"
check $? "trace lines fit in 80 columns (the narration, before the manifest)"

# shellcheck disable=SC2086
run trace "$CFG" $FAST
[ $rc -eq 0 ] && cmp -s "$TMP/out" "$TMP/trace1"
check $? "the same scenario and seed give byte-identical traces"

# shellcheck disable=SC2086
run trace "$CFG" $FAST --seed 7 --mode cloud
[ $rc -eq 0 ] && grep -q '(seed 7)' "$TMP/out" && ! grep -q '^=== device mode' "$TMP/out" &&
  ! cmp -s "$TMP/out" "$TMP/trace1"
check $? "--seed and --mode change what is traced"

# shellcheck disable=SC2086
run trace "$CFG" $FAST --follow 2 --mode device
[ $rc -eq 0 ] && grep -q '^Event 2 of 2:' "$TMP/out" && ! grep -q '^Event 3 of' "$TMP/out" &&
  grep -q '^2 events followed:' "$TMP/out"
check $? "--follow 2 follows two events"

# shellcheck disable=SC2086
run trace "$CFG" $FAST --filter order_completed --mode cloud
[ $rc -eq 0 ] && [ "$(grep -c '^Event [0-9] of 5: order_completed,' "$TMP/out")" -eq 5 ] &&
  [ "$(grep -c '^Event ' "$TMP/out")" -eq 5 ]
check $? "--filter order_completed follows only that type"

# shellcheck disable=SC2086
run trace "$CFG" $FAST --filter nosuch
[ $rc -eq 2 ] && [ ! -s "$TMP/out" ] && grep -q "bad --filter value 'nosuch'" "$TMP/err" &&
  grep -q 'page_view, button_click, order_completed' "$TMP/err"
check $? "an unknown --filter type exits 2 and lists the scenario's types"

run trace "$CFG" --follow 0
[ $rc -eq 2 ] && grep -q 'bad --follow' "$TMP/err"
check $? "--follow 0 exits 2"

run trace "$CFG" --follow 257
[ $rc -eq 2 ] && grep -q 'bad --follow' "$TMP/err"
check $? "--follow above 256 exits 2"

run trace "$CFG" --reps 3
[ $rc -eq 2 ] && grep -q "unknown option '--reps'" "$TMP/err"
check $? "trace refuses run's options it does not take"

# shellcheck disable=SC2086
run trace "$CFG" $FAST --mode device --follow 3 --set client.web.adblock=1 \
  --set client.ios.adblock=1 --set client.android.adblock=1
[ $rc -eq 0 ] && [ "$(grep -c 'DROPPED (adblock)' "$TMP/out")" -eq 3 ] &&
  grep -q '> Ad blockers block' "$TMP/out" && grep -q '0 visible.*3 dropped' "$TMP/out"
check $? "ad blockers: each followed event shows an adblock drop, explained"

# ---- --format json and --out ----------------------------------------------------

run help trace
[ $rc -eq 0 ] && grep -q -- '--format text|json' "$TMP/out" && grep -q -- '--out FILE' "$TMP/out"
check $? "help trace shows --format text|json and --out"

# shellcheck disable=SC2086
run trace "$CFG" $FAST --follow 4 --format json
cp "$TMP/out" "$TMP/trace1.json"
if [ $have_python = 1 ]; then
  [ $rc -eq 0 ] && python3 -m json.tool "$TMP/trace1.json" >/dev/null && python3 - "$TMP/trace1.json" <<'EOF'
import json, sys
d = json.load(open(sys.argv[1]))
m = d["manifest"]
assert m["command"].startswith("lagsim trace ") and "--format json" in m["command"], m
assert len(m["scenario_fnv1a64"]) == 16 and m["seed"] == 42 and m["replications"] == 1, m
assert d["seed"] == 42 and d["trace"]["follow"] == 4 and d["trace"]["filter"] is None
assert list(d["modes"]) == ["cloud", "device"], list(d["modes"])
kinds = set()
for mode, r in d["modes"].items():
    assert r["stopped"] == "settled", r["stopped"]
    ev = r["events"]
    assert [e["id"] for e in ev] == [1, 2, 3, 4], [e["id"] for e in ev]
    assert r["summary"]["followed"] == 4
    for e in ev:
        for k in ("type", "user", "mode", "client", "sdk", "bytes", "identity", "fired_at_s"):
            assert k in e, (k, e.keys())
        assert e["type"] in ("page_view", "button_click", "order_completed"), e["type"]
        assert e["mode"] in ("cloud", "device")
        steps = e["steps"]
        assert steps[0]["step"] == "fired" and steps[0]["at_s"] == e["fired_at_s"]
        times = [s["at_s"] for s in steps]
        assert times == sorted(times), times
        for s in steps:
            assert abs(s["since_fired_s"] - (s["at_s"] - e["fired_at_s"])) < 1e-6, s
            assert isinstance(s["text"], str) and s["text"]
            assert s["explanation"] is None or isinstance(s["explanation"], str)
            kinds.add((mode, s["step"], s.get("status"), s.get("by")))
            if s["step"] == "backoff":
                assert s["backoff_s"] is None or s["backoff_s"] >= 0, s
        o = e["outcome"]
        assert o["status"] in ("visible", "dropped", "in_flight"), o
        if o["status"] == "visible":
            assert steps[-1]["step"] == "visible" and o["at_s"] == steps[-1]["at_s"], (o, steps[-1])
            assert o["reason"] is None
    assert r["summary"]["visible"] + r["summary"]["dropped"] + r["summary"]["in_flight"] == 4
assert ("cloud", "refused", "429", "segment") in kinds, sorted(kinds)
assert ("cloud", "backoff", None, "segment") in kinds, sorted(kinds)
assert any(k[0] == "device" and k[1] == "backoff" and k[3] == "sdk" for k in kinds), sorted(kinds)
assert ("cloud", "delivered", "2xx", "segment") in kinds
EOF
  check $? "trace --format json parses: the manifest, 4 events per mode, steps in time order, 429s and backoffs, outcomes"
else
  skip "trace --format json: no python3"
fi

# shellcheck disable=SC2086
run trace "$CFG" $FAST --follow 4 --format json
[ $rc -eq 0 ] && cmp -s "$TMP/out" "$TMP/trace1.json"
check $? "trace --format json: the same bytes for the same scenario and seed"

# shellcheck disable=SC2086
run trace "$CFG" $FAST --follow 4 --format json --seed 7
[ $rc -eq 0 ] && ! cmp -s "$TMP/out" "$TMP/trace1.json" && grep -q '"seed": 7,' "$TMP/out"
check $? "trace --format json: another seed, other events"

# shellcheck disable=SC2086
run trace "$CFG" $FAST --mode device --follow 3 --format json --set client.web.adblock=1 \
  --set client.ios.adblock=1 --set client.android.adblock=1
if [ $have_python = 1 ]; then
  [ $rc -eq 0 ] && python3 - "$TMP/out" <<'EOF'
import json, sys
d = json.load(open(sys.argv[1]))
r = d["modes"]["device"]
assert r["summary"] == {"followed": 3, "visible": 0, "dropped": 3, "in_flight": 0}, r["summary"]
for e in r["events"]:
    assert e["outcome"]["status"] == "dropped" and e["outcome"]["reason"] == "adblock", e["outcome"]
    last = e["steps"][-1]
    assert last["step"] == "dropped" and last["reason"] == "adblock" and last["explanation"], last
EOF
  check $? "trace --format json: an ad blocker's drop is the outcome, with its reason"
else
  skip "trace --format json adblock: no python3"
fi

for bad in xml csv ''; do
  run trace "$CFG" --format "$bad"
  [ $rc -eq 2 ] && [ ! -s "$TMP/out" ] && grep -q "bad --format value '$bad' (text, json, html or md)" "$TMP/err" \
    && grep -q '^usage: lagsim trace' "$TMP/err"
  check $? "trace --format '$bad' exits 2 saying text, json, html or md"
done

# --out writes atomically, in either format: the same bytes as stdout, no
# temporary file left; a path that cannot be created fails before the run.
# shellcheck disable=SC2086
run trace "$CFG" $FAST --follow 4 --format json --out "$TMP/t.json"
[ $rc -eq 0 ] && [ ! -s "$TMP/out" ] && cmp -s "$TMP/t.json" "$TMP/trace1.json" && ! ls "$TMP" | grep -q '\.tmp\.'
check $? "trace --format json --out FILE: the same bytes in the file, no temporary left"
# shellcheck disable=SC2086
run trace "$CFG" $FAST --out "$TMP/t.txt"
[ $rc -eq 0 ] && [ ! -s "$TMP/out" ] && cmp -s "$TMP/t.txt" "$TMP/trace1"
check $? "trace --out FILE (text): the same bytes as on stdout"
run trace "$CFG" --out "$TMP/nodir/t.json" --format json
[ $rc -eq 2 ] && grep -q "cannot use directory $TMP/nodir" "$TMP/err" && [ ! -s "$TMP/out" ]
check $? "trace --out to a path that cannot be created exits 2, writing nothing"

# ---- Theory beside simulation in run's reports -------------------------------

# shellcheck disable=SC2086
run run "$CFG" $FAST
[ $rc -eq 0 ] && grep -q '^Theory vs simulation, cloud mode' "$TMP/out" &&
  grep -q '^Theory vs simulation, device mode' "$TMP/out" &&
  grep -q '^  client batching wait ' "$TMP/out" && grep -q '^  backlog peak ' "$TMP/out" &&
  grep -q "^  in flight (Little's law) " "$TMP/out" && grep -q '^  - indexing:' "$TMP/out"
check $? "run's text report has a Theory vs simulation section per mode"

# --format md: per event a table of its milestones, and its outcome; the same bytes twice.
# shellcheck disable=SC2086
run trace "$CFG" $FAST --follow 2 --format md
cp "$TMP/out" "$TMP/trace_md1"
md_rc=$rc
# shellcheck disable=SC2086
run trace "$CFG" $FAST --follow 2 --format md
[ $md_rc -eq 0 ] && [ $rc -eq 0 ] && cmp -s "$TMP/out" "$TMP/trace_md1" &&
  grep -q '^| since fired | step | status | what happened |$' "$TMP/out" &&
  grep -q '^| ---: | --- | --- | --- |$' "$TMP/out" &&
  grep -q '^| 0s | fired |' "$TMP/out" && grep -q '^## cloud mode$' "$TMP/out" &&
  [ "$(grep -c '^Outcome: \*\*' "$TMP/out")" -eq 4 ] && grep -q '^## Manifest$' "$TMP/out"
check $? "trace --format md: a table per event (header and separator rows) and its outcome, the same bytes twice"

if command -v python3 >/dev/null 2>&1; then
  # shellcheck disable=SC2086
  run run "$CFG" $FAST --format json
  python3 - "$TMP/out" <<'EOF'
import json, sys
d = json.load(open(sys.argv[1]))
for mode, m in d["modes"].items():
    names = [t["name"] for t in m["theory"]]
    for want in ("client_batching_wait", "mixpanel_ingest", "identity_resolution", "indexing",
                 "backlog_peak", "backlog_drain", "little_in_flight"):
        assert want in names, (mode, want, names)
    assert ("segment_batching_wait" in names) == (mode != "device"), (mode, names)
    for t in m["theory"]:
        assert set(t) == {"name", "label", "unit", "theory", "simulated", "tolerance", "agrees",
                          "note"}, t.keys()
        assert t["unit"] in ("s", "events") and t["tolerance"] == 0.1 and t["note"]
        assert t["agrees"] in (True, False, None)
EOF
  check $? "run --format json has a theory array per mode with name, theory, simulated, unit, note"
else
  ok "# SKIP python3 not found"
fi
