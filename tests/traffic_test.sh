#!/bin/sh
# traffic_test.sh - black-box tests of the traffic keys through the lagsim
# command: [ramp.NAME], daily_profile, the MMPP keys and [replay], each
# mistake with its FILE:LINE message and exit status 2 (in the scenario
# file or in the replayed CSV), --set on the new keys, `check` output that
# loads again from another directory, a replay firing exactly its rows in
# every mode, and --max-events counting ramps, MMPP and replay.
# Prints one "ok N - ..." or "not ok N - ..." line per check.
#
# Usage: sh tests/traffic_test.sh [BUILD]   (BUILD defaults to build)

BUILD=${1:-build}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
case $BUILD in /*) LAGSIM=$BUILD/lagsim ;; *) LAGSIM=$ROOT/$BUILD/lagsim ;; esac

. "$(dirname "$0")/tap.sh"
tap_init traffic_test

if [ ! -x "$LAGSIM" ]; then
  not_ok "$LAGSIM exists and is executable"
  exit 1
fi

# refused FILE MESSAGE WHAT: `lagsim check FILE` exits 2 with exactly
# MESSAGE on stderr and nothing on stdout.
refused() {
  run check "$1"
  [ $rc -eq 2 ] && [ ! -s "$TMP/out" ] && [ "$(cat "$TMP/err")" = "$2" ]
  check $? "$3"
}

# ---- Ramps ----------------------------------------------------------------

cat >"$TMP/ramp.ini" <<'E'
[traffic]
base_rate = 100/s
[ramp.up]
start = 1m
duration = 2m
from = 100/s
from_multiplier = 2
to = 500/s
E
refused "$TMP/ramp.ini" \
  "$TMP/ramp.ini:7: key 'from_multiplier' in [ramp.up]: give either 'from' or 'from_multiplier', not both" \
  "a ramp with both from and from_multiplier is refused at the later key"

cat >"$TMP/ramp.ini" <<'E'
[ramp.up]
start = 1m
duration = 2m
from_multiplier = 1
E
refused "$TMP/ramp.ini" "$TMP/ramp.ini:1: [ramp.up]: missing required key 'to' or 'to_multiplier'" \
  "a ramp without an end rate is refused at its header"

cat >"$TMP/ramp.ini" <<'E'
[ramp.up]
start = 1m
to = 5/s
from = 1/s
E
refused "$TMP/ramp.ini" "$TMP/ramp.ini:1: [ramp.up]: missing required key 'duration'" \
  "a ramp without a duration is refused"

cat >"$TMP/ramp.ini" <<'E'
[scenario]
horizon = 10m
[ramp.late]
start = 10m
duration = 1m
from = 1/s
to = 2/s
E
refused "$TMP/ramp.ini" \
  "$TMP/ramp.ini:3: [ramp.late] starts at or after the horizon; it would never fire" \
  "a ramp starting at the horizon is refused"

cat >"$TMP/ramp.ini" <<'E'
[ramp.up]
start = 1m
duration = 2m
from = 1/s
to = fast
E
run check "$TMP/ramp.ini"
[ $rc -eq 2 ] && grep -q "^$TMP/ramp.ini:5: key 'to' in \[ramp.up\]: " "$TMP/err"
check $? "a ramp's bad rate is refused with FILE:LINE"

cat >"$TMP/ramp.ini" <<'E'
[scenario]
horizon = 30m
[ramp.up]
start = 5m
duration = 10m
from_multiplier = 1
to = 400/s
E
run check "$TMP/ramp.ini" --set ramp.up.to_multiplier=3
[ $rc -eq 0 ] && grep -q '^to_multiplier = 3$' "$TMP/out" && ! grep -q '^to = ' "$TMP/out"
check $? "--set ramp.up.to_multiplier replaces the file's 'to'"

# ---- Daily profile and MMPP ------------------------------------------------

cat >"$TMP/profile.ini" <<'E'
[traffic]
daily_profile = 1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1
E
refused "$TMP/profile.ini" \
  "$TMP/profile.ini:2: key 'daily_profile' in [traffic]: 23 hourly multipliers, not 24 (expected flat, or 24 hourly multipliers separated by commas)" \
  "a daily profile of 23 hours is refused"

cat >"$TMP/profile.ini" <<'E'
[traffic]
daily_profile = 1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,-2
E
refused "$TMP/profile.ini" \
  "$TMP/profile.ini:2: key 'daily_profile' in [traffic]: hour 23: multiplier -2 out of range [0, 1e6]" \
  "a negative hourly multiplier is refused"

cat >"$TMP/profile.ini" <<'E'
[traffic]
day_start = 25h
E
refused "$TMP/profile.ini" \
  "$TMP/profile.ini:2: key 'day_start' in [traffic]: value 25h out of range [0, 1d]" \
  "a day_start past a day is refused"

cat >"$TMP/mmpp.ini" <<'E'

[traffic]
mmpp_high = 4
mmpp_high_mean = 30s
E
refused "$TMP/mmpp.ini" \
  "$TMP/mmpp.ini:2: [traffic] an MMPP needs both mmpp_high_mean and mmpp_low_mean (or neither)" \
  "an MMPP with one sojourn mean is refused at [traffic]"

cat >"$TMP/mmpp.ini" <<'E'
[scenario]
horizon = 2m
mode = cloud
[traffic]
base_rate = 50/s
daily_profile = 0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,2
day_start = 23h
mmpp_high = 3
mmpp_high_mean = 10s
mmpp_low_mean = 50s
E
run check "$TMP/mmpp.ini"
cp "$TMP/out" "$TMP/mmpp-resolved.ini"
[ $rc -eq 0 ] && grep -q '^daily_profile = 0, 0, .*, 0, 2$' "$TMP/out" &&
  grep -q '^mmpp_low = 1$' "$TMP/out" && grep -q '^day_start = 23h$' "$TMP/out"
check $? "check writes the profile and the MMPP keys"
run check "$TMP/mmpp-resolved.ini"
cmp -s "$TMP/out" "$TMP/mmpp-resolved.ini"
check $? "check accepts its own output for the profile and the MMPP"
run run "$TMP/mmpp.ini" --format json
[ $rc -eq 0 ] && grep -q '"conserved": true' "$TMP/out"
check $? "a run with a daily profile and an MMPP conserves its events"

# ---- Replay ----------------------------------------------------------------

# replay_ini NAME CSV-TEXT: writes $TMP/NAME.csv and $TMP/NAME.ini
# replaying it (two event types, no Poisson traffic, horizon 1h).
replay_ini() {
  printf '%s' "$2" >"$TMP/$1.csv"
  cat >"$TMP/$1.ini" <<E
[scenario]
horizon = 1h
[traffic]
base_rate = 0
[event.view]
share = 0.5
[event.buy]
share = 0.5
[replay]
file = $1.csv
E
}

replay_ini cols 'time,evnt
1,view
'
refused "$TMP/cols.ini" "$TMP/cols.csv:1: unknown column 'evnt' (known: time, event, user)" \
  "a CSV with an unknown column is refused at its header"

replay_ini badtime 'time,event
1,view
yesterday,buy
'
refused "$TMP/badtime.ini" \
  "$TMP/badtime.csv:3: bad time 'yesterday' (expected seconds such as 12.5, or ISO-8601 such as 2024-05-01T12:00:00Z, at most microseconds)" \
  "a CSV row with a bad time is refused at its line"

replay_ini sorted 'time,event
2024-05-14T08:00:01Z,view
2024-05-14T08:00:00Z,buy
'
refused "$TMP/sorted.ini" \
  "$TMP/sorted.csv:3: time goes backwards (2024-05-14T08:00:00Z after 2024-05-14T08:00:01Z); the rows must be sorted by time" \
  "a CSV whose times go backwards is refused at the row"

replay_ini event 'time,event
1,view
2,refund
'
refused "$TMP/event.ini" "$TMP/event.csv:3: event 'refund' is not an [event.NAME] of the scenario" \
  "a CSV row naming an unknown event type is refused"

replay_ini missing 'time
1
'
rm -f "$TMP/missing.csv"
refused "$TMP/missing.ini" \
  "$TMP/missing.ini:10: key 'file' in [replay]: cannot open '$TMP/missing.csv': No such file or directory" \
  "a missing replay file is refused at the [replay] file key"

replay_ini good 'time,event,user
0,view,ann
0.5,buy,ann
10,view,bob
"3599.999999",view,"carl, jr"
3600,view,dee
'
mkdir -p "$TMP/elsewhere"
run check "$TMP/good.ini"
cp "$TMP/out" "$TMP/elsewhere/resolved.ini"
[ $rc -eq 0 ] && grep -q "^file = $TMP/good.csv\$" "$TMP/out" &&
  grep -q '^; 5 rows, at 0s to 3600s; 4 of them inside the horizon$' "$TMP/out"
check $? "check resolves the replay file to an absolute path and counts its rows"
run check "$TMP/elsewhere/resolved.ini"
cmp -s "$TMP/out" "$TMP/elsewhere/resolved.ini"
check $? "check's output loads again from another directory, to the same text"

run run "$TMP/good.ini" --mode all --format json
[ $rc -eq 0 ] && [ "$(grep -c '"fired": 4,' "$TMP/out")" -eq 3 ]
check $? "a replay fires exactly the rows inside the horizon, in every mode"

(cd "$TMP/elsewhere" && "$LAGSIM" check "$TMP/good.ini" --set replay.file=../good.csv \
  --set replay.time_scale=2 >"$TMP/out" 2>"$TMP/err")
rc=$?
[ $rc -eq 0 ] && grep -q "^file = $TMP/good.csv\$" "$TMP/out" &&
  grep -q '^; 5 rows, at 0s to 7200s; 3 of them inside the horizon$' "$TMP/out"
check $? "--set replay.file is relative to the current directory; time_scale stretches the rows"

run run "$TMP/good.ini" --max-events 3
[ $rc -eq 2 ] && grep -q 'would fire about 4 events' "$TMP/err"
check $? "--max-events counts the replayed rows"

# ---- Estimates with ramps and MMPP ---------------------------------------

cat >"$TMP/big.ini" <<'E'
[scenario]
horizon = 1h
[traffic]
base_rate = 0
mmpp_high = 3
mmpp_high_mean = 1m
mmpp_low_mean = 1m
[ramp.up]
start = 0
duration = 1h
from = 0
to = 1000/s
E
# 1,000/s over an hour, averaged: 1.8 million; the MMPP's mean factor 2: 3.6 million.
run run "$TMP/big.ini" --max-events 3500000
[ $rc -eq 2 ] && grep -q 'would fire about 3.6e+06 events' "$TMP/err"
check $? "--max-events counts a ramp at its integral times the MMPP's mean"

exit 0
