#!/bin/sh
# html_report_test.sh - the HTML reports (--format html) opened in a real
# browser. For run, compare, a one-key sweep with --find, a two-key sweep
# and trace, it writes the page of a small fixed-seed scenario and checks:
#  - the file is self-contained (no script, link, img, src=, href= to
#    anything but an anchor, url(, @import) and under 1 MB;
#  - headless Chromium loads it from file:// with no console message
#    (--enable-logging=stderr prints each as INFO:CONSOLE) and no network
#    request started by the page (--log-net-log; the browser's own
#    background requests, initiator "not an origin", are left out);
#  - the DOM Chromium built holds each expected chart (an <svg> by id)
#    and its data table;
#  - a screenshot is not blank and shows the modes' colours (Okabe-Ito
#    blue #0072B2 and vermillion #D55E00, exact pixels of the lines);
#  - the same command gives the same bytes twice.
# A planted bad page (an external image and a script error) must fail the
# console and network checks, so they can fail.
# Chromium comes from make deps-browser (Debian's chromium package).

BUILD=${1:-build}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
case $BUILD in /*) LAGSIM=$BUILD/lagsim ;; *) LAGSIM=$(pwd)/$BUILD/lagsim ;; esac
. "$ROOT/tests/tap.sh"
tap_init html_report_test
cd "$ROOT" || exit 1

CHROMIUM=${CHROMIUM:-$(command -v chromium || command -v chromium-browser)}
if [ -z "$CHROMIUM" ] || [ $have_python -eq 0 ]; then
  skip "html reports in a browser: no chromium or python3 (make deps-browser)"
  exit 0
fi
CHECKS="python3 $ROOT/tests/html_checks.py"

# One headless Chromium, its own profile, quiet about its own networking.
chrome() {
  timeout 60 "$CHROMIUM" --headless --no-sandbox --disable-gpu --hide-scrollbars \
    --user-data-dir="$TMP/profile" --no-first-run --disable-background-networking \
    --disable-component-update --disable-sync --disable-default-apps --disable-extensions \
    --disable-features=Translate,MediaRouter,OptimizationHints --disable-breakpad "$@"
}

# load NAME: dump the DOM of $TMP/NAME.html with console and network logs.
load() {
  chrome --enable-logging=stderr --v=0 --log-net-log="$TMP/$1.netlog" \
    --dump-dom "file://$TMP/$1.html" >"$TMP/$1.dom" 2>"$TMP/$1.log"
}

# The checks every page gets; $2.. are the ids its DOM must hold.
check_page() {
  name=$1; shift
  f=$TMP/$name.html
  $CHECKS selfcontained "$f" >"$TMP/out" 2>&1
  check $? "$name: self-contained (nothing loaded or linked from outside)"
  size=$(wc -c <"$f")
  [ "$size" -gt 1000 ] && [ "$size" -lt 1000000 ]
  check $? "$name: between 1 kB and 1 MB ($size bytes)"
  load "$name"
  ! grep -q 'CONSOLE' "$TMP/$name.log"
  check $? "$name: no console message"
  $CHECKS netlog "$TMP/$name.netlog" >"$TMP/out" 2>&1
  check $? "$name: no network request"
  missing=""
  for id in "$@"; do
    grep -q "id=\"$id\"" "$TMP/$name.dom" || missing="$missing $id"
  done
  [ -z "$missing" ]
  check $? "$name: the DOM holds $*${missing:+ (missing:$missing)}"
}

# Negative control: the detectors see a planted bad page.
cat >"$TMP/bad.html" <<'EOF'
<!DOCTYPE html><html><head><meta charset="utf-8"><title>bad</title></head><body>
<img src="http://example.invalid/x.png"><script>console.error("planted")</script></body></html>
EOF
load bad
grep -q 'CONSOLE.*planted' "$TMP/bad.log"
check $? "control: a console message is caught"
$CHECKS netlog "$TMP/bad.netlog" >/dev/null 2>&1
[ $? -eq 1 ]
check $? "control: a request for http://example.invalid is caught"
$CHECKS selfcontained "$TMP/bad.html" >/dev/null 2>&1
[ $? -eq 1 ]
check $? "control: an external <img> and a <script> are caught"

SMALL="--set traffic.scale=0.005 --set mixpanel.ingest_limit=150/s --set mixpanel.ingest_limit_bytes=10MB/min"

# shellcheck disable=SC2086
run run configs/default.ini --mode all $SMALL --format html --out "$TMP/run.html"
check $rc "run --format html exits 0"
check_page run chart-cdf chart-cdf-data chart-hist chart-hist-data chart-latency-time \
  chart-latency-time-data chart-backlog chart-backlog-data chart-responses \
  chart-responses-data chart-hops chart-hops-data headline-table drops-table requests-table \
  manifest-table
grep -q 'id="verdict">In short: in cloud mode' "$TMP/run.html"
check $? "run: the page opens with its verdict"

# shellcheck disable=SC2086
run compare configs/default.ini --reps 3 $SMALL --format html --out "$TMP/compare.html"
check $rc "compare --format html exits 0"
check_page compare chart-forest-device chart-forest-device-data chart-cdf chart-hist \
  chart-backlog chart-responses chart-hops headline-table
# shellcheck disable=SC2086
"$LAGSIM" compare configs/default.ini --reps 3 $SMALL --format html --out "$TMP/again.html" 2>/dev/null
cmp -s "$TMP/compare.html" "$TMP/again.html"
check $? "compare: the same command writes the same bytes"

chrome --window-size=1000,1400 --screenshot="$TMP/compare.png" "file://$TMP/compare.html" \
  >/dev/null 2>&1
$CHECKS pixels "$TMP/compare.png" '#0072B2' '#D55E00' >"$TMP/out" 2>&1
check $? "compare: the screenshot shows both modes' colours ($(tr '\n' ' ' <"$TMP/out"))"

# shellcheck disable=SC2086
run sweep configs/default.ini --vary mixpanel.ingest_limit=100/s..300/s:100/s --slo 'p99<=4m' \
  --find --reps 2 --mode cloud $SMALL --format html --out "$TMP/find.html"
[ $rc -eq 0 ] || [ $rc -eq 3 ]
check $? "sweep --find --format html exits 0 or 3 (exit $rc)"
check_page find chart-p99_visible_s chart-visible_share chart-backlog_peak sweep-table \
  manifest-table

# shellcheck disable=SC2086
run sweep configs/default.ini --vary mixpanel.ingest_limit=100/s..300/s:100/s \
  --vary traffic.scale=0.003..0.005:0.002 --slo 'p99<=4m' --mode all \
  --set mixpanel.ingest_limit_bytes=10MB/min --format html --out "$TMP/grid.html"
[ $rc -eq 0 ] || [ $rc -eq 3 ]
check $? "a two-key sweep --format html exits 0 or 3 (exit $rc)"
check_page grid chart-heatmap-cloud chart-heatmap-device sweep-table

# shellcheck disable=SC2086
run trace configs/default.ini --mode all $SMALL --format html --out "$TMP/trace.html"
check $rc "trace --format html exits 0"
check_page trace chart-swimlane-cloud chart-swimlane-cloud-data chart-swimlane-device \
  chart-swimlane-device-data

echo "1..$n"
