#!/bin/sh
# extreme_test.sh - a table of extreme and hostile scenarios, each with its
# expected outcome: a result (exit 0, conservation ok, a named property of
# the output) or a clear refusal (exit 2 with a named message). Every case
# must also finish within its time bound: never a crash, hang or silent
# wrong number.
#
# Usage: sh tests/extreme_test.sh [BUILD]
BUILD=${1:-build}
LAGSIM=$BUILD/lagsim
TMP=$(mktemp -d "${TMPDIR:-/tmp}/lagsim_extreme.XXXXXX") || exit 1
trap 'rm -rf "$TMP"' EXIT HUP INT TERM
LIMIT=${LAGSIM_EXTREME_TIMEOUT:-120}
n=0

# t NAME EXIT PATTERN [ARGS...] <<INI : runs `lagsim run FILE ARGS` (or
# `lagsim $CMD FILE ARGS` when CMD is set: tt runs trace) on the INI text
# from stdin; passes when the exit status is EXIT, the output
# (stdout and stderr together) matches the grep -E PATTERN, and, for
# EXIT 0, the conservation check says ok in every column.
t() {
  name=$1; want=$2; pat=$3; shift 3
  n=$((n + 1))
  cat > "$TMP/s.ini"
  t0=$(date +%s)
  timeout "$LIMIT" "$LAGSIM" "${CMD:-run}" "$TMP/s.ini" "$@" > "$TMP/out" 2>&1
  rc=$?
  [ -n "${LAGSIM_EXTREME_TIMES:-}" ] && echo "# $(( $(date +%s) - t0 ))s $name" >&2
  why=""
  [ "$rc" -eq 124 ] && why="timed out after ${LIMIT}s"
  [ -z "$why" ] && [ "$rc" -ne "$want" ] && why="exit $rc, expected $want"
  [ -z "$why" ] && ! grep -Eq -- "$pat" "$TMP/out" && why="output does not match /$pat/"
  if [ -z "$why" ] && [ "$want" -eq 0 ]; then
    grep -q "conservation" "$TMP/out" && grep "conservation" "$TMP/out" | grep -q FAILED &&
      why="conservation failed"
  fi
  if [ -z "$why" ]; then echo "ok $n - $name"; else
    echo "not ok $n - $name: $why"; sed 's/^/#   /' "$TMP/out" | head -n 15; fi
}
tt() { CMD=trace; t "$@"; CMD=run; }

# --- rates -------------------------------------------------------------------
t "a rate of zero fires nothing" 0 "fired +0 " <<'E'
[traffic]
base_rate = 0
E
t "10^9 events/s for 1 ms runs (10^6 events)" 0 "fired +1,0[0-9][0-9],[0-9]{3}" --mode device <<'E'
[scenario]
horizon = 1ms
drain_limit = 10m
[traffic]
base_rate = 1e9/s
E
t "10^9 events/s for an hour is refused before it runs" 2 "would fire about 3.6e\+12 events.*--max-events" <<'E'
[scenario]
horizon = 1h
[traffic]
base_rate = 1e9/s
E
t "a rate above 10^9/s is out of range" 2 "s.ini:2: key 'base_rate' in \[traffic\]: .*out of range" <<'E'
[traffic]
base_rate = 2e9/s
E
t "a negative rate is refused" 2 "s.ini:2: key 'base_rate' in \[traffic\]" <<'E'
[traffic]
base_rate = -5/s
E
t "a rate in an unknown unit is refused" 2 "s.ini:2: key 'base_rate' in \[traffic\]: " <<'E'
[traffic]
base_rate = 400/fortnight
E
# --- limits --------------------------------------------------------------------
t "no ingest limit (0) never answers 429" 0 "429 +0 \(0%\)" --mode cloud <<'E'
[scenario]
horizon = 5m
[traffic]
base_rate = 5000/s
[mixpanel]
ingest_limit = 0
ingest_limit_bytes = 0
E
t "an ingest limit of 10^9/s runs" 0 "fired" --mode cloud <<'E'
[scenario]
horizon = 2m
[mixpanel]
ingest_limit = 1e9/s
E
t "a tiny ingest limit leaves events in flight at the drain limit" 0 "in flight at end +[1-9]" --mode device <<'E'
[scenario]
horizon = 1m
drain_limit = 10m
[mixpanel]
ingest_limit = 0.01/s
E
t "a limit window of 1 us runs" 0 "fired" --mode cloud <<'E'
[scenario]
horizon = 2m
[mixpanel]
limit_window = 1us
E
t "a backlog past --max-memory is refused before it runs" 2 "backlog of about .*--max-memory" --max-memory 1MB <<'E'
[scenario]
horizon = 30m
[burst.b]
start = 1m
duration = 10m
rate = 50000/s
E
t "--max-events below the scenario's count is refused" 2 "more than --max-events=1e\+03" --max-events 1000 <<'E'
[scenario]
horizon = 1h
E
t "a bad --max-memory is a usage error" 2 "bad --max-memory value" --max-memory lots <<'E'
[scenario]
horizon = 1m
E
# --- users ---------------------------------------------------------------------
t "a single user runs" 0 "fired" <<'E'
[scenario]
horizon = 5m
[traffic]
users = 1
E
t "10^9 users run" 0 "fired" <<'E'
[scenario]
horizon = 5m
[traffic]
users = 1e9
E
t "zero users are refused" 2 "s.ini:2: key 'users' in \[traffic\]" <<'E'
[traffic]
users = 0
E
# --- horizons and windows ------------------------------------------------------------
t "a horizon of 1 ms runs" 0 "fired" <<'E'
[scenario]
horizon = 1ms
E
t "a horizon of a year at a low rate runs" 0 "fired" --mode device <<'E'
[scenario]
horizon = 365d
drain_limit = 0
[traffic]
base_rate = 0.01/s
E
t "a year of one-second series windows is refused (too many windows)" 2 "s.ini:1: \[scenario\] series_window 1 s makes 3.15e\+07 windows.*at least 16 s" <<'E'
[scenario]
horizon = 365d
drain_limit = 0
series_window = 1s
E
t "a horizon past 366 days is refused" 2 "s.ini:2: key 'horizon' in \[scenario\]: value 367d out of range" <<'E'
[scenario]
horizon = 367d
E
t "a zero horizon is refused" 2 "s.ini:2: key 'horizon' in \[scenario\]" <<'E'
[scenario]
horizon = 0
E
t "a drain limit of 0 reports what is in flight" 0 "in flight at end" <<'E'
[scenario]
horizon = 2m
drain_limit = 0
E
t "overlapping bursts run" 0 "fired" --mode cloud <<'E'
[scenario]
horizon = 10m
[burst.a]
start = 1m
duration = 5m
multiplier = 10
[burst.b]
start = 2m
duration = 5m
rate = 3000/s
E
t "zero-length burst and outage windows are valid" 0 "5xx +0 " --mode device <<'E'
[scenario]
horizon = 5m
[burst.empty]
start = 1m
duration = 0
rate = 1e6/s
[mixpanel]
outage = 2m+0 503
E
t "a burst after the horizon is refused" 2 "\[burst.late\] starts at or after the horizon" <<'E'
[scenario]
horizon = 10m
[burst.late]
start = 20m
duration = 1m
rate = 100/s
E
t "a burst with both rate and multiplier is refused" 2 "s.ini:5: key 'multiplier' in \[burst.b\]: give either 'rate' or 'multiplier', not both" <<'E'
[burst.b]
start = 1m
duration = 1m
rate = 100/s
multiplier = 2
E
t "a permanent outage ends at the drain limit, reported in flight" 0 "did not drain" --mode device <<'E'
[scenario]
horizon = 1m
drain_limit = 30m
[mixpanel]
outage = 0+366d 503
E
t "an outage past Segment's retry window drops for retry_window" 0 "retry_window +[1-9]" --mode cloud <<'E'
[scenario]
horizon = 1m
drain_limit = 6h
[mixpanel]
outage = 0+5h 503
E
ZERO_LOOP='[scenario]
horizon = 1s
drain_limit = 1h
[traffic]
users = 1
[network]
client_rtt = const(0)
[mixpanel]
response_time = const(0)
outage = 0+1h 503
[client.web]
share = 1
platform = web
device_flush_interval = 0
device_backoff_base = 0'
echo "$ZERO_LOOP" | tt "trace: a zero-delay loop stops it with exit status 4, not 0" 4 \
  "zero-delay retry loop" --mode device
t "a zero-delay retry loop is stopped, not hung (exit status 4)" 4 "zero-delay retry loop" --mode device <<'E'
[scenario]
horizon = 1s
drain_limit = 1h
[traffic]
users = 1
[network]
client_rtt = const(0)
[mixpanel]
response_time = const(0)
outage = 0+1h 503
[client.web]
share = 1
platform = web
device_flush_interval = 0
device_backoff_base = 0
E
# --- derived rates: each key valid, their product not ------------------------------
t "a ramp of 1e308 x the base rate is refused at its section" 2 \
  "s.ini:3: \[ramp.r\] goes from inf to inf events/s.*above the 1e\+09/s" <<'E'
[scenario]
horizon = 1m
[ramp.r]
start = 0
duration = 10s
from_multiplier = 1e308
to_multiplier = 1e308
E
t "a burst multiplier that overflows is refused at its section" 2 \
  "s.ini:5: \[burst.b\] its rate .* is inf events/s" <<'E'
[scenario]
horizon = 1m
[traffic]
base_rate = 1000/s
[burst.b]
start = 0
duration = 1s
multiplier = 1e306
E
t "base rate x MMPP multiplier above 10^9/s is refused" 2 \
  "s.ini:3: \[traffic\] the arrival rate reaches 1e\+10 events/s" <<'E'
[scenario]
horizon = 1m
[traffic]
base_rate = 10000/s
mmpp_high = 1000000
mmpp_high_mean = 1s
mmpp_low_mean = 1s
E
t "base rate x scale above 10^9/s is refused" 2 "\[traffic\] the arrival rate reaches 1e\+12" <<'E'
[scenario]
horizon = 1ms
[traffic]
base_rate = 1e9/s
scale = 1000
E
t "two overlapping bursts of 6e8/s add up past 10^9/s: refused" 2 \
  "\[traffic\] the arrival rate reaches 1\.(2|1999999[0-9]*)e\+09 events/s at 0\.5 s" <<'E'
[scenario]
horizon = 1s
[burst.a]
start = 0
duration = 1s
rate = 6e8/s
; each burst's rate is a total: together 6e8 + 6e8 - 100/s of base rate
[burst.b]
start = 500ms
duration = 1s
rate = 6e8/s
E
printf 'time,event,user\n' > "$TMP/dense.csv"
i=0; while [ $i -lt 1500 ]; do echo "0,e,u1"; i=$((i + 1)); done >> "$TMP/dense.csv"
t "a replay of 1500 rows in one microsecond is refused at the row" 2 \
  "dense.csv:1002: more than 1e\+09 rows per second" <<E
[scenario]
horizon = 1ms
[traffic]
base_rate = 0
[replay]
file = $TMP/dense.csv
[event.e]
share = 1
E
printf 'time,event,user\n' > "$TMP/scaled.csv"
awk 'BEGIN { for (i = 0; i < 1500; i++) printf "%.3f,e,u1\n", i / 1000 }' >> "$TMP/scaled.csv"
t "a replay of 1 ms steps pressed into 0.1 ns steps by time_scale is refused too" 2 \
  "scaled.csv:[0-9]+: more than 1e\+09 rows per second" <<E
[scenario]
horizon = 1ms
[traffic]
base_rate = 0
[replay]
file = $TMP/scaled.csv
time_scale = 0.0000001
[event.e]
share = 1
E

# --- the up-front memory check sees every limit that holds events back ------------
t "no ingest limit at 10^9 events/s (device): refused, not run out of memory" 2 \
  "would be on their way.*--max-memory" --mode device <<'E'
[scenario]
horizon = 1s
[traffic]
base_rate = 1e9/s
[mixpanel]
ingest_limit = 0
ingest_limit_bytes = 0
E
t "no ingest limit at 10^9 events/s (cloud): Segment's max_in_flight caps it" 2 \
  "backlog of about 1e\+09 events.*--max-memory" --mode cloud <<'E'
[scenario]
horizon = 1s
[traffic]
base_rate = 1e9/s
[mixpanel]
ingest_limit = 0
ingest_limit_bytes = 0
E
t "an hour-long outage at 20,000 events/s is refused before it runs" 2 \
  "backlog of about 7\.2e\+07 events.*--max-memory" --mode device <<'E'
[scenario]
horizon = 1h
[traffic]
base_rate = 20000/s
[mixpanel]
outage = 0+1h 503
E
t "failure_rate = 1 at 20,000 events/s is refused before it runs" 2 \
  "backlog of about 7\.2e\+07 events" --mode device <<'E'
[scenario]
horizon = 1h
[traffic]
base_rate = 20000/s
[mixpanel]
failure_rate = 1
E
t "Segment's inbound_limit of 10/s against 20,000 events/s is refused" 2 \
  "backlog of about 7\.2e\+07 events" --mode cloud <<'E'
[scenario]
horizon = 1h
[traffic]
base_rate = 20000/s
[segment]
inbound_limit = 10/s
E

# --- a trip longer than the sender's timeout: a counted timeout, never an abort ---
t "cloud: Segment's 1 ms timeout against a 20 ms network times out every request" 0 \
  "timeout +[1-9]" --mode cloud <<'E'
[scenario]
horizon = 10s
drain_limit = 1m
[traffic]
base_rate = 50/s
[segment]
request_timeout = 1ms
E
t "cloud: a 30 s server round trip against Segment's 10 s timeout" 0 "timeout +[1-9]" \
  --mode cloud <<'E'
[scenario]
horizon = 10s
drain_limit = 10m
[traffic]
base_rate = 20/s
[network]
server_rtt = const(30s)
E
t "device: Pareto (alpha 0.5) client round trips against the SDK's timeout" 0 "timeout +[1-9]" \
  --mode device <<'E'
[scenario]
horizon = 1m
drain_limit = 1h
[traffic]
base_rate = 100/s
[network]
client_rtt = pareto(shape=0.5, min=50ms)
E
t "device: a 1 us SDK timeout, retried by the SDK's rules until it gives up" 0 \
  "timeout +[1-9]" --mode device <<'E'
[scenario]
horizon = 5s
drain_limit = 10m
[traffic]
base_rate = 20/s
[client.srv]
share = 1
platform = server
device_request_timeout = 1us
device_max_retries = 3
E
tt "trace: a 30 s server round trip against a 1 ms timeout" 0 "timed out|timeout" --mode cloud <<'E'
[scenario]
horizon = 10s
drain_limit = 1m
[traffic]
base_rate = 20/s
[network]
server_rtt = const(30s)
[segment]
request_timeout = 1ms
E

# --- limits that hold while it runs --------------------------------------------------
MANY_DEVICES='[scenario]
horizon = 2m
mode = device
[traffic]
base_rate = 100000/s
users = 1000000000
[event.e]
share = 1
[client.w]
share = 1
platform = web
[mixpanel]
ingest_limit = 0
ingest_limit_bytes = 0'
echo "$MANY_DEVICES" | t "run: the process passing --max-memory stops the run, exit status 4" 4 \
  "PARTIAL.*memory.*|memory passed --max-memory" --max-memory 100MB
echo "$MANY_DEVICES" | t "--reps 8 --threads 2: the replications not started after a stop are left out" 4 \
  "^# replications: [1-7]$" --max-memory 100MB --reps 8 --threads 2 --format csv
echo "$MANY_DEVICES" | tt "trace: the process passing --max-memory stops it, exit status 4" 4 \
  "memory passed --max-memory" --max-memory 100MB
echo "$MANY_DEVICES" | tt "trace: a scenario over --max-events is refused before it runs" 2 \
  "more than --max-events" --max-events 1000
tt "trace: a bad --max-memory is a usage error" 2 "bad --max-memory value" --max-memory 0 <<'E'
[scenario]
horizon = 1m
E

# --- sizes and distributions ------------------------------------------------------
t "events larger than every limit are dropped as invalid" 0 "invalid +[1-9]" <<'E'
[scenario]
horizon = 1m
[event.huge]
share = 1
payload_bytes = const(2GB)
E
t "heavy-tailed latencies (Pareto, alpha 0.5) stay bounded" 0 "fired" <<'E'
[scenario]
horizon = 2m
[mixpanel]
idres_known = pareto(shape=0.5, min=1s)
E
t "a distribution with wrong parameters is refused" 2 "s.ini:2: key 'processing' in \[segment\]: " <<'E'
[segment]
processing = lognormal(mean=3s)
E
t "an indexing period of a year leaves events processing at the end" 0 "in flight at end +[1-9]" <<'E'
[scenario]
horizon = 1m
drain_limit = 1h
[mixpanel]
index_interval = 366d
E
# --- hostile files ----------------------------------------------------------------
t "an empty file runs with every default" 0 "scenario unnamed" --set scenario.horizon=1m <<'E'
E
t "binary garbage is refused with a line number" 2 "s.ini:1: " <<'E'
PK  ��{garbage<<>>
E
t "a section header without its bracket is refused" 2 "s.ini:1: " <<'E'
[scenario
horizon = 1h
E
t "an unknown section is refused" 2 "s.ini:1: unknown section \[scenery\]" <<'E'
[scenery]
horizon = 1h
E
t "an unknown key is refused" 2 "s.ini:2: .*'horizn'" <<'E'
[scenario]
horizn = 1h
E
t "shares that do not add up are refused" 2 "add up to 0.5, not 1" <<'E'
[event.a]
share = 0.5
E
t "65 bursts (one more than the maximum) are refused" 2 "s.ini:[0-9]+: .*(too many|at most)" <<E
$(i=0; while [ $i -lt 65 ]; do printf '[burst.b%d]\nstart = %ds\nduration = 1s\nmultiplier = 2\n' $i $i; i=$((i+1)); done)
E
t "a line longer than 4 KB is refused" 2 "s.ini:2: .*too long" <<E
[scenario]
name = $(head -c 5000 /dev/zero | tr '\0' 'x')
E
t "a seed of 2^64-1 runs" 0 "seed 18446744073709551615" --set scenario.horizon=1m <<'E'
[scenario]
seed = 18446744073709551615
E
t "a seed of 2^64 is refused" 2 "s.ini:2: key 'seed' in \[scenario\]" <<'E'
[scenario]
seed = 18446744073709551616
E
t "a bad --set is refused like the file" 2 "--set traffic.base_rate=fast: key 'base_rate'" --set traffic.base_rate=fast <<'E'
E
# --- inputs read exactly, outputs that destroy nothing -------------------------
# (bytes a here-document cannot hold are made with printf into $TMP/gen)
printf '\000[scenario]\nhorizon = 1m\n' > "$TMP/gen"
t "a NUL byte at the start is refused at line 1" 2 "s.ini:1: a NUL byte at column 1" < "$TMP/gen"
printf '[scenario]\nhorizon = 1m\000\nseed = 3\n' > "$TMP/gen"
t "a NUL byte mid-file is refused at its line" 2 "s.ini:2: a NUL byte at column 13" < "$TMP/gen"
printf '[scenario]\nhorizon = 1m\nseed = 3\000' > "$TMP/gen"
t "a NUL byte on a last line without a line end is refused" 2 "s.ini:3: a NUL byte" < "$TMP/gen"
printf '[scenario]\rhorizon = 2h\r[traffic]\rbase_rate = 0\r' > "$TMP/gen"
t "classic Mac OS (bare CR) line ends are refused" 2 "s.ini:1: a carriage return not followed by a line feed" < "$TMP/gen"
printf '[scenario]\r\nhorizon = 1m\r\nseed = 3\r\r\n' > "$TMP/gen"
t "a stray CR before CR LF is refused" 2 "s.ini:3: a carriage return" < "$TMP/gen"
printf '\357\273\277[scenario]\r\nhorizon = 1m\r\n' > "$TMP/gen"
t "a BOM and CR LF line ends are accepted" 0 "horizon 1m" < "$TMP/gen"
printf '\357\273\277[scenario]\nhorizon = 1m\n\357\273\277[traffic]\nbase_rate = 1/s\n' > "$TMP/gen"
t "a second BOM is named" 2 "s.ini:3: a second byte-order mark" < "$TMP/gen"
t "a --set that breaks a relation between keys is named" 2 "^--set event.a.share=0.5: the shares" \
  --set event.a.share=0.5 <<'E'
[event.a]
share = 1
E
t "--out naming the scenario is refused before it runs" 2 "--out .*is the scenario file" \
  --out "$TMP/s.ini" <<'E'
[scenario]
horizon = 1m
E
t "--out naming a directory is refused before it runs" 2 "--out .*is a directory" \
  --out "$TMP" <<'E'
[scenario]
horizon = 1h
E
t "--out and --hist naming one file are refused" 2 "--hist .*names the same file as --out" \
  --out "$TMP/same" --hist "$TMP/same" <<'E'
[scenario]
horizon = 1m
E

n=$((n + 1))
if timeout "$LIMIT" "$LAGSIM" run "$TMP/does-not-exist.ini" > "$TMP/out" 2>&1; then
  echo "not ok $n - a missing file is refused"
else
  rc=$?
  if [ "$rc" -eq 2 ] && grep -q "does-not-exist.ini" "$TMP/out"; then echo "ok $n - a missing file is refused"
  else echo "not ok $n - a missing file is refused: exit $rc"; sed 's/^/#   /' "$TMP/out"; fi
fi
exit 0
