#!/bin/sh
# sweep_test.sh - black-box tests of the experiment options: lagsim sweep
# (--vary, --slo marks and exit status 3, --find against a brute-force
# sweep of the same grid), --precision, the same bytes for --threads 1 and
# 2 (sweep, find and precision), --format md of sweep and find (header and
# separator rows, the same bytes twice), --format csv and --hist of run, compare
# and sweep (parsed with python3: column counts, cumulative share ending
# at 1, one block per sweep point), the manifest (its
# hash follows the file's bytes), the terminal charts (80 columns, --ascii),
# progress (nothing on a non-terminal stderr, a line on a terminal) and
# the speed line. Prints "ok N - ..." or "not ok N - ..." per check.
#
# The scenario is tiny (90 simulated seconds, ~20,000 events per run): a
# 20 s launch burst against a 1000/s limit, whose p99 to visible in
# device mode jumps from under a minute to almost two when the burst rate
# passes about 3000/s.
#
# Usage: sh tests/sweep_test.sh [BUILD]   (BUILD defaults to build)

BUILD=${1:-build}
LAGSIM=$BUILD/lagsim
. "$(dirname "$0")/tap.sh"
tap_init sweep_test


CFG=$TMP/tiny.ini
cp tests/fixtures/tiny-launch.ini "$CFG"
GRID="burst.launch.rate=1000/s..4000/s:250/s"

# ---- Usage and scenario errors: exit 2 before anything runs --------------------

run sweep --help
[ $rc -eq 0 ] && grep -q '^usage: lagsim sweep SCENARIO --vary' "$TMP/out" && grep -q -- '--find' "$TMP/out"
check $? "sweep --help exits 0 and shows --vary and --find"
run sweep "$CFG"
[ $rc -eq 2 ] && grep -q "missing --vary" "$TMP/err"
check $? "sweep without --vary exits 2"
run sweep "$CFG" --vary traffic.bogus=1..2
[ $rc -eq 2 ] && grep -q "bad --vary: --vary traffic.bogus: key 'bogus' in \[traffic\]: unknown key" "$TMP/err" \
  && [ ! -s "$TMP/out" ]
check $? "a --vary of an unknown key exits 2 naming the key"
run sweep "$CFG" --vary 'burst.launch.rate=-5/s..10/s'
[ $rc -eq 2 ] && grep -q "FROM: rate '-5/s' is negative" "$TMP/err"
check $? "a --vary with a bad FROM exits 2 naming the part"
run sweep "$CFG" --vary mixpanel.limiter=1..2
[ $rc -eq 2 ] && grep -q "does not take a number" "$TMP/err"
check $? "a --vary of a key that takes no number exits 2"
run sweep "$CFG" --vary burst.launch.start=0..2m:30s
[ $rc -eq 2 ] && grep -q "^lagsim: --vary: --set burst.launch.start=90s: " "$TMP/err" \
  && [ ! -s "$TMP/out" ] && ! grep -q "simulated events" "$TMP/err"
check $? "a point that does not validate (a burst past the horizon) exits 2 before any run"
run sweep "$CFG" --vary "$GRID" --vary traffic.scale=1..2 --vary traffic.users=1..2
[ $rc -eq 2 ] && grep -q "at most two --vary" "$TMP/err"
check $? "a third --vary exits 2"
run sweep "$CFG" --vary "$GRID" --find
[ $rc -eq 2 ] && grep -q -- "--find needs an --slo" "$TMP/err"
check $? "--find without --slo exits 2"
run sweep "$CFG" --vary "$GRID" --vary traffic.scale=1..2:0.01 --find --slo 'p99<=1m'
[ $rc -eq 2 ] && grep -q -- "--find with two --vary: the second (traffic.scale) has 101 values, more than the 64" "$TMP/err"
check $? "--find with a second --vary of more than 64 values exits 2 (the frontier's limit)"
run run "$CFG" --reps 3 --precision 5%
[ $rc -eq 2 ] && grep -q "not both" "$TMP/err"
check $? "--reps with --precision exits 2"
run run "$CFG" --max-reps 9
[ $rc -eq 2 ] && grep -q -- "--max-reps goes with --precision" "$TMP/err"
check $? "--max-reps without --precision exits 2"
run run "$CFG" --precision 150%
[ $rc -eq 2 ] && grep -q "bad --precision value '150%'" "$TMP/err"
check $? "--precision outside (0, 1) exits 2"

# ---- Sweep ---------------------------------------------------------------------------

run sweep "$CFG" --vary burst.launch.rate=2000/s..4000/s:1000/s --mode cloud,device --slo 'p99<=1m'
[ $rc -eq 3 ] && grep -q '^cloud mode$' "$TMP/out" && grep -q '^device mode$' "$TMP/out" \
  && [ "$(grep -c '^  [234]000/s ' "$TMP/out")" -eq 6 ] && grep -q '✓$' "$TMP/out" && grep -q '✗$' "$TMP/out" \
  && grep -q "SLO NOT met at [0-9]* of 3 points" "$TMP/err" \
  && grep -q '^lagsim: [0-9]* simulated events in .* s (.* events/s, .* simulated s per wall s)$' "$TMP/err"
check $? "sweep: a row per point and mode marked ✓/✗, exit 3 when the SLO fails somewhere, the speed line"
run sweep "$CFG" --vary burst.launch.rate=1000/s..2000/s:500/s --slo 'p99<=1h' --ascii
[ $rc -eq 0 ] && grep -q ' ok$' "$TMP/out" && ! grep -q '✓' "$TMP/out" && grep -q "SLO met at all 3 points" "$TMP/err"
check $? "sweep exits 0 when the SLO holds at every point; --ascii marks ok"
run sweep "$CFG" --vary burst.launch.rate=2000/s..4000/s:1000/s --vary mixpanel.ingest_limit=1000/s..2000/s:1000/s --reps 2 --format csv
if [ $have_python = 1 ]; then
  [ $rc -eq 0 ] && python3 -c 'import csv, sys
rows = [r for r in csv.reader(l for l in open(sys.argv[1]) if not l.startswith("#"))]
head, data = rows[0], rows[1:]
assert head[:4] == ["burst.launch.rate", "mixpanel.ingest_limit", "mode", "replications"], head
assert len(data) == 6 and all(len(r) == len(head) for r in data), len(data)
assert {(r[0], r[1]) for r in data} == {(a, b) for a in ("2000", "3000", "4000") for b in ("1000", "2000")}
i = head.index("p99_visible_s_hw95")
assert all(float(r[i]) >= 0 and r[3] == "2" for r in data)
' "$TMP/out"
  check $? "a two-key sweep as CSV: one row per grid point, every row as wide as the header"
else
  skip "sweep CSV: no python3"
fi

# Same bytes for any thread count: sweep (with replications), find, precision.
for args in "sweep|--vary $GRID --reps 2 --format json" \
            "sweep|--vary $GRID --reps 2 --slo p99<=1m --find" \
            "sweep|--vary burst.launch.rate=2500/s..3500/s:500/s --precision 10% --max-reps 12" \
            "run|--precision 10% --max-reps 20 --mode cloud,device" \
            "compare|--precision 10% --max-reps 20 --format csv"; do
  cmd=${args%%|*}; opts=${args#*|}
  # shellcheck disable=SC2086
  "$LAGSIM" $cmd "$CFG" $opts --threads 1 >"$TMP/t1" 2>/dev/null; rc1=$?
  # shellcheck disable=SC2086
  "$LAGSIM" $cmd "$CFG" $opts --threads 2 >"$TMP/t2" 2>/dev/null; rc2=$?
  [ $rc1 -eq $rc2 ] && [ -s "$TMP/t1" ] && cmp -s "$TMP/t1" "$TMP/t2"
  check $? "$cmd $opts: the same bytes with --threads 1 and --threads 2"
done

# ---- --find against a brute-force sweep of the same grid ---------------------------------

run sweep "$CFG" --vary "$GRID" --reps 2 --slo 'p99<=1m' --format csv
cp "$TMP/out" "$TMP/brute.csv"; rc_brute=$rc
run sweep "$CFG" --vary "$GRID" --reps 2 --slo 'p99<=1m' --find --format json
if [ $have_python = 1 ]; then
  [ $rc_brute -eq 3 ] && [ $rc -eq 0 ] && python3 -c 'import csv, json, sys
rows = list(csv.DictReader(l for l in open(sys.argv[1]) if not l.startswith("#")))
met = [(float(r["burst.launch.rate"]), r["slo_met"] == "true") for r in rows]
changes = [i for i in range(1, len(met)) if met[i][1] != met[i - 1][1]]
assert len(changes) == 1, "the brute-force sweep must change once: %s" % met
first_fail = met[changes[0]][0]
d = json.load(open(sys.argv[2]))
m = d["find"]["modes"]["device"]
assert m["outcome"] == "boundary", m
assert m["fails_at"] == first_fail and m["holds_at"] == first_fail - 250, (m, first_fail)
assert abs(m["fails_at"] - m["holds_at"]) == 250  # within one STEP
probes = d["find"]["probes"]
assert len(probes) <= 2 + 4, len(probes)  # both ends, then ceil(log2(12)) rounds
# The figures at every probe are those of the brute-force sweep (same seed).
brute = {float(r["burst.launch.rate"]): r for r in rows}
for p in d["sweep"]["points"]:
    b = brute[p["values"][0]]
    f = p["modes"]["device"]["figures"]["p99_visible_s"]
    assert abs(f["mean"] - float(b["p99_visible_s"])) < 1e-6, (p["values"], f, b["p99_visible_s"])
print("boundary", m, "after", len(probes), "probes", file=sys.stderr)
' "$TMP/brute.csv" "$TMP/out"
  check $? "--find lands within one STEP on the boundary a brute-force sweep of the same grid shows"
else
  skip "--find against brute force: no python3"
fi
run sweep "$CFG" --vary "$GRID" --reps 2 --slo 'p99<=1m' --find
[ $rc -eq 0 ] && grep -q "^Answer, device mode: the SLO holds at burst.launch.rate = 2750/s and fails at 3000/s;" "$TMP/out" \
  && grep -q "within one step, 250/s" "$TMP/out" && [ "$(grep -c '^  2750/s \|^  3000/s ' "$TMP/out")" -eq 2 ] \
  && grep -q "device mode: the SLO holds at burst.launch.rate=2750/s and fails at burst.launch.rate=3000/s" "$TMP/err"
check $? "--find text: the answer within one step, and the figures on both sides"
run sweep "$CFG" --vary "$GRID" --slo 'p99<=1h' --find
[ $rc -eq 0 ] && grep -q "the SLO holds over the whole range" "$TMP/out"
check $? "--find says so when the SLO holds over the whole range (exit 0)"
run sweep "$CFG" --vary "$GRID" --slo 'p99<=1s' --find
[ $rc -eq 3 ] && grep -q "the SLO fails over the whole range" "$TMP/out"
check $? "--find says so when the SLO fails over the whole range (exit 3)"

# ---- --precision -----------------------------------------------------------------------------

run run "$CFG" --set burst.launch.rate=3200/s --precision 10% --max-reps 20 --format json
if [ $have_python = 1 ]; then
  [ $rc -eq 0 ] && grep -q "^lagsim: precision 10% " "$TMP/err" && python3 -c 'import json, sys
d = json.load(open(sys.argv[1]))
p = d["manifest"]["precision"]
r = p["reached"]["device"]
assert p["target"] == 0.1 and p["max_reps"] == 20
assert 5 <= r["replications"] <= 20 and r["replications"] == d["modes"]["device"]["replications"]
assert r["met"] or r["replications"] == 20, r
if r["replications"] < 20:   # stopped early: every judged figure within 10%
    for name, c in d["modes"]["device"]["ci95"].items():
        if c["n"] >= 2 and c["mean"]:
            assert c["half_width"] <= 0.1 * abs(c["mean"]) + 1e-9, (name, c)
' "$TMP/out"
  check $? "--precision stops at or before the cap, and meets the precision when it stops early"
else
  skip "--precision: no python3"
fi
run run "$CFG" --set burst.launch.rate=3200/s --precision 0.1% --max-reps 6
[ $rc -eq 0 ] && grep -q "precision 0.1% NOT reached: stopped at the cap of 6 replications" "$TMP/err" \
  && grep -q "^Across 6 replications" "$TMP/out" && grep -q "OUTSIDE the 0.1% asked (stopped at the cap)" "$TMP/out"
check $? "--precision out of reach stops at --max-reps and says so"

# ---- CSV, --hist, manifest -------------------------------------------------------------------

run compare "$CFG" --reps 3 --format csv --hist "$TMP/hist.csv"
cp "$TMP/out" "$TMP/summary.csv"
if [ $have_python = 1 ]; then
  [ $rc -eq 0 ] && python3 -c 'import csv, sys
lines = open(sys.argv[1]).read().splitlines()
comments = [l for l in lines if l.startswith("#")]
assert any(l.startswith("# scenario_fnv1a64: ") for l in comments), comments
assert any(l.startswith("# command: lagsim compare ") for l in comments), comments
rows = list(csv.reader(l for l in lines if not l.startswith("#")))
head, data = rows[0], rows[1:]
assert all(len(r) == len(head) for r in data)
assert [r[0] for r in data] == ["cloud", "device", "device-cloud"], [r[0] for r in data]
assert head[:3] == ["mode", "kind", "replications"] and "p99_visible_s_hw95" in head
w = head.index("warmup_s")   # the tiny launch is terminating: nothing cut
assert [r[w] for r in data] == ["0", "0", ""], [r[w] for r in data]
h = list(csv.reader(l for l in open(sys.argv[2]) if not l.startswith("#")))
assert h[0] == ["mode", "latency", "lower_s", "upper_s", "count", "cumulative_share"], h[0]
groups = {}
for r in h[1:]:
    assert len(r) == 6
    groups.setdefault((r[0], r[1]), []).append(r)
assert set(groups) == {(m, l) for m in ("cloud", "device") for l in ("delivered", "visible")}
fired = {r[0]: int(r[head.index("visible_total")]) for r in data[:2]}
for (m, l), rs in groups.items():
    shares = [float(r[5]) for r in rs]
    assert shares == sorted(shares) and rs[-1][5] == "1", (m, l, rs[-1])
    assert all(float(r[2]) < float(r[3]) for r in rs)
    if l == "visible":
        assert sum(int(r[4]) for r in rs) == fired[m], (m, fired[m])
' "$TMP/summary.csv" "$TMP/hist.csv"
  check $? "--format csv and --hist parse: columns match the header, cumulative share ends at 1"
else
  skip "csv and hist: no python3"
fi

# sweep --hist: one block per (point, mode, latency), led by the varied
# keys; the visible buckets of a point add up to the point's visible count
# in the sweep's own CSV table.
run sweep "$CFG" --vary burst.launch.rate=2000/s..3000/s:1000/s --vary mixpanel.ingest_limit=1000/s..2000/s:1000/s \
  --mode cloud,device --format csv --hist "$TMP/sweep_hist.csv"
cp "$TMP/out" "$TMP/sweep.csv"
if [ $have_python = 1 ]; then
  [ $rc -eq 0 ] && ! ls "$TMP" | grep -q '\.tmp\.' && python3 -c 'import csv, sys
lines = open(sys.argv[2]).read().splitlines()
comments = [l for l in lines if l.startswith("#")]
assert comments == lines[:len(comments)], "the manifest comes first"
assert any(l.startswith("# command: lagsim sweep ") for l in comments), comments
assert not any("--hist" in l for l in comments), comments
assert any(l.startswith("# scenario_fnv1a64: ") for l in comments), comments
h = list(csv.reader(l for l in lines if not l.startswith("#")))
assert h[0] == ["burst.launch.rate", "mixpanel.ingest_limit", "mode", "latency", "lower_s", "upper_s",
                "count", "cumulative_share"], h[0]
blocks, order = {}, []
for r in h[1:]:
    assert len(r) == 8, r
    key = (r[0], r[1], r[2], r[3])
    if key not in blocks:
        order.append(key)
    blocks.setdefault(key, []).append(r)
# Each block is contiguous, and the blocks come point by point in grid order.
assert sum(len(b) for b in blocks.values()) == len(h) - 1
runs = [k for i, k in enumerate(order) if i == 0 or order[i - 1] != k]
assert runs == order
points = [(a, b) for a in ("2000", "3000") for b in ("1000", "2000")]
assert order == [(a, b, m, l) for (a, b) in points for m in ("cloud", "device")
                 for l in ("delivered", "visible")], order
table = list(csv.DictReader(l for l in open(sys.argv[1]) if not l.startswith("#")))
visible = {(r["burst.launch.rate"], r["mixpanel.ingest_limit"], r["mode"]): int(r["visible_total"])
           for r in table}
assert len(visible) == 8
for (a, b, m, l), rs in blocks.items():
    assert rs[-1][7] == "1", rs[-1]
    shares = [float(r[7]) for r in rs]
    assert shares == sorted(shares)
    assert all(float(r[4]) < float(r[5]) for r in rs)
    if l == "visible":
        assert sum(int(r[6]) for r in rs) == visible[(a, b, m)], (a, b, m)
' "$TMP/sweep.csv" "$TMP/sweep_hist.csv"
  check $? "sweep --hist: a block per point, mode and latency, led by the varied keys; visible buckets add up"
else
  skip "sweep --hist: no python3"
fi
run sweep "$CFG" --vary burst.launch.rate=2000/s..3000/s:1000/s --hist "$TMP/nodir/h.csv"
[ $rc -eq 2 ] && grep -q "cannot use directory $TMP/nodir" "$TMP/err" && [ ! -s "$TMP/out" ] \
  && ! grep -q "simulated events" "$TMP/err"
check $? "sweep --hist to a path that cannot be created fails before any run"
run sweep "$CFG" --vary burst.launch.rate=2000/s..3000/s:1000/s --hist ''
[ $rc -eq 2 ] && grep -q -- "--hist needs a file name" "$TMP/err"
check $? "sweep --hist with an empty name exits 2"
run sweep --help
[ $rc -eq 0 ] && grep -q -- '--hist FILE.csv' "$TMP/out"
check $? "sweep --help shows --hist"

cp "$CFG" "$TMP/copy.ini"
run run "$TMP/copy.ini" --format json
h1=$(sed -n 's/.*"scenario_fnv1a64": "\([0-9a-f]*\)".*/\1/p' "$TMP/out")
echo "; an edit" >>"$TMP/copy.ini"
run run "$TMP/copy.ini" --format json
h2=$(sed -n 's/.*"scenario_fnv1a64": "\([0-9a-f]*\)".*/\1/p' "$TMP/out")
if [ $have_python = 1 ]; then
  want=$(python3 -c 'import sys
h = 14695981039346656037
for b in open(sys.argv[1], "rb").read():
    h = ((h ^ b) * 1099511628211) % 2**64
print("%016x" % h)' "$TMP/copy.ini")
  [ -n "$h1" ] && [ -n "$h2" ] && [ "$h1" != "$h2" ] && [ "$h2" = "$want" ]
  check $? "the manifest's hash is FNV-1a 64 of the file's bytes and changes when the file does"
else
  skip "the manifest's hash against FNV-1a 64: no python3"
fi

run run "$CFG" --reps 2 --threads 2 --out "$TMP/r.txt"
grep -q "^Manifest$" "$TMP/r.txt" && grep -q "^  command        lagsim run $CFG --reps 2$" "$TMP/r.txt" \
  && grep -q "^  replications   2 per mode$" "$TMP/r.txt" && grep -q "^  seed           11$" "$TMP/r.txt"
check $? "text ends with the manifest; its command line leaves out --threads and --out"

# ---- Interrupted sweep ---------------------------------------------------------------------

"$LAGSIM" sweep "$CFG" --vary traffic.base_rate=1000/s..5000/s:1000/s --set scenario.horizon=20m \
  --threads 1 >"$TMP/out" 2>"$TMP/err" &
pid=$!
sleep 1
kill -s INT $pid
wait $pid
rc=$?
[ $rc -eq 130 ] && grep -q "^PARTIAL: some runs stopped early (interrupted)" "$TMP/out" \
  && grep -q "^Manifest$" "$TMP/out" && grep -q "stopped by SIGINT" "$TMP/err" \
  && ! grep -q "CONSERVATION" "$TMP/err"
check $? "SIGINT stops a sweep: the points so far, marked partial, exit 130"

# ---- Warm-up ----------------------------------------------------------------------------------

# The tiny launch is terminating; without its burst it is steady and gets
# an MSER-5 pilot per point and mode, reported in text and JSON.
run sweep "$CFG" --vary mixpanel.ingest_limit=500/s..1000/s:500/s
[ $rc -eq 0 ] && grep -q "^Warm-up: none cut; the scenario has bursts" "$TMP/out"
check $? "sweep of a terminating scenario: the warm-up line says nothing was cut, and why"
run sweep "$CFG" --set burst.launch.rate=100/s --set burst.launch.duration=0s \
  --vary mixpanel.ingest_limit=50/s..1000/s:950/s
[ $rc -eq 0 ] && grep -q "^Warm-up (MSER-5 on a pilot per point and mode): nothing to cut in [0-9]* runs, a cut in [0-9]*.*, never settled in 1 (latencies from time zero at mixpanel.ingest_limit = 50/s device)" "$TMP/out"
check $? "sweep of a steady scenario: the warm-up line counts the pilots' outcomes and names the point that never settled"
if [ $have_python = 1 ]; then
  run sweep "$CFG" --set burst.launch.duration=0s --vary mixpanel.ingest_limit=50/s..1000/s:950/s --format json
  [ $rc -eq 0 ] && python3 -c 'import json, sys
d = json.load(open(sys.argv[1]))
w = [p["modes"]["device"]["warmup"] for p in d["sweep"]["points"]]
assert [x["method"] for x in w] == ["unsettled", "mser5"], w
assert w[0]["cut_s"] == 0 and 0 <= w[1]["cut_s"] <= 0.4 * 90, w
' "$TMP/out"
  check $? "sweep --format json: each point and mode has its warm-up method and cut"
else
  skip "sweep --format json warm-up: no python3"
fi

# ---- Charts and progress -------------------------------------------------------------------

run run "$CFG" --mode cloud,device
awk '/^Latency to visible, (cloud|device):/ {on = 1} on && /^$/ {on = 0} on' "$TMP/out" >"$TMP/charts"
[ $rc -eq 0 ] && [ "$(grep -c '^Latency to visible, [a-z]*: ' "$TMP/charts")" -eq 2 ] \
  && grep -q '█' "$TMP/charts" && grep -q '(CDF)' "$TMP/charts" \
  && grep -Eq '^ +(1s|5s|10s) ' "$TMP/charts" \
  && { [ $have_python = 0 ] || python3 -c 'import sys
w = max(len(l) for l in open(sys.argv[1], encoding="utf-8").read().splitlines())
sys.exit(0 if w <= 80 else 1)' "$TMP/charts"; }
check $? "text shows a histogram and a CDF per mode within 80 columns, with time labels"
# The modes' charts share one x axis: the four axis lines (a histogram and
# a CDF per mode) and the four label lines under them are the same.
[ "$(grep -c ' 0% [┼+]' "$TMP/charts")" -eq 4 ] \
  && [ "$(grep ' 0% [┼+]' "$TMP/charts" | sort -u | wc -l)" -eq 1 ] \
  && [ "$(grep -A1 ' 0% [┼+]' "$TMP/charts" | grep -v ' 0% \|^--' | sort -u | wc -l)" -eq 1 ]
check $? "the charts of both modes share one x axis"
[ $have_python = 0 ] && skip "the charts' 80-column check: no python3"
run run "$CFG" --ascii
[ $rc -eq 0 ] && LC_ALL=C awk '/[\200-\377]/ { bad = 1 } END { exit bad }' "$TMP/out" && grep -q '#' "$TMP/out"
check $? "--ascii: the whole text report is plain ASCII"
# ---- --format md: Markdown tables, the same bytes twice ------------------------

run sweep "$CFG" --vary burst.launch.rate=1000/s..2000/s:500/s --reps 2 --slo 'p99<=1m' --format md
cp "$TMP/out" "$TMP/sweep_md1"
md_rc=$rc
run sweep "$CFG" --vary burst.launch.rate=1000/s..2000/s:500/s --reps 2 --slo 'p99<=1m' --format md
{ [ $md_rc -eq 0 ] || [ $md_rc -eq 3 ]; } && [ $rc -eq $md_rc ] &&
  grep -q '^| burst.launch.rate | visible | p50 | p99 | max | 429s | backlog | drain | SLO |$' "$TMP/out" &&
  grep -q '^| --- | ---: | ---: |' "$TMP/out" && grep -q '^## device mode$' "$TMP/out" &&
  [ "$(grep -c '^| 1[05]00/s \|^| 2000/s ' "$TMP/out")" -eq 3 ] &&
  cmp -s "$TMP/out" "$TMP/sweep_md1"
check $? "sweep --format md: a header row, a separator row, a row per point, the same bytes twice"
run sweep "$CFG" --vary "$GRID" --slo 'p99<=1m' --find --format md
[ $rc -eq 0 ] || [ $rc -eq 3 ]
r1=$?
grep -q '^| round | burst.launch.rate |' "$TMP/out" && grep -q '^### Answer, device mode$' "$TMP/out"
check $((r1 + $?)) "sweep --find --format md: the probes with their round and the answer"
run sweep "$CFG" --vary burst.launch.rate=1000/s..3000/s:1000/s --vary mixpanel.ingest_limit=1000/s..2000/s:1000/s --slo 'p99<=1m' --find --format md
{ [ $rc -eq 0 ] || [ $rc -eq 3 ]; } && grep -q '^### Frontier, device mode$' "$TMP/out" &&
  grep -q '^| mixpanel.ingest_limit | holds at | fails at | 95% interval |$' "$TMP/out" &&
  [ "$(grep -c '^| [12]000/s |' "$TMP/out")" -ge 2 ]
check $? "sweep --find with two keys --format md: the frontier as a table, a row per line"

run run "$CFG"
! grep -q "$(printf '\r')" "$TMP/err"
check $? "no progress line when stderr is not a terminal"
if command -v script >/dev/null 2>&1 && script -qec true /dev/null >/dev/null 2>&1; then
  # A run of a few seconds on a pseudo-terminal: the progress line shows.
  script -qec "$LAGSIM run $CFG --set scenario.horizon=20m --set traffic.base_rate=3000/s --mode device --threads 1 >/dev/null" \
    "$TMP/typescript" >/dev/null 2>&1
  grep -q "lagsim: device mode  *[0-9]*% " "$TMP/typescript"
  check $? "a progress line on stderr when it is a terminal"
else
  skip "progress on a terminal: no script(1)"
fi

exit 0
