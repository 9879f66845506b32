#!/bin/sh
# threads_test.sh - the same bytes for any thread count. Replications,
# compare, sweep and --precision runs are spread over worker threads that
# finish in any order; their merge must not depend on it. Each command
# runs with --threads 1 (one worker, in order) and --threads 2 and 3 (a
# different code path: concurrent workers, out-of-order completion), and
# the outputs must be byte-identical. `make tsan` runs this script under
# ThreadSanitizer, where it is also the race check of those paths. A plain
# run (one replication per mode) runs its modes side by side.
#
# Usage: sh tests/threads_test.sh [BUILD]

BUILD=${1:-build}
LAGSIM=$BUILD/lagsim
. "$(dirname "$0")/tap.sh"
tap_init threads_test

if [ ! -x "$LAGSIM" ]; then
  not_ok "$LAGSIM exists and is executable"
  exit 1
fi

CFG=$TMP/tiny.ini
cat >"$CFG" <<'EOF'
; a launch burst against a low limit, small enough for tests
[scenario]
name = tiny-threads
horizon = 90s
drain_limit = 1h
seed = 19
mode = all

[traffic]
base_rate = 100/s
users = 5000

[burst.launch]
start = 20s
duration = 20s
rate = 1500/s

[event.view]
share = 0.9
priority = low

[event.order]
share = 0.1
priority = high
route = device

[mixpanel]
ingest_limit = 1000/s
EOF

for args in "run|--format json" \
            "run|--reps 5 --format json" \
            "compare|--reps 4 --format json" \
            "run|--precision 10% --max-reps 12 --mode cloud,device --format csv" \
            "sweep|--vary burst.launch.rate=1000/s..3000/s:1000/s --reps 2 --mode device --format json"; do
  cmd=${args%%|*}; opts=${args#*|}
  # shellcheck disable=SC2086
  "$LAGSIM" $cmd "$CFG" $opts --threads 1 >"$TMP/t1" 2>"$TMP/err"; rc1=$?
  for th in 2 3; do
    # shellcheck disable=SC2086
    run $cmd "$CFG" $opts --threads $th
    [ $rc1 -eq 0 ] && [ $rc -eq 0 ] && [ -s "$TMP/t1" ] && cmp -s "$TMP/t1" "$TMP/out"
    check $? "$cmd $opts: the same bytes with --threads 1 and --threads $th"
  done
done
exit 0
