#!/bin/sh
# cost_split.sh - where a fired event's instructions go: runs the pipeline
# benchmark under callgrind (instruction counts, independent of the
# machine's load) and sums the instructions by part of the program, per
# fired event.
#
#   sh benchmarks/cost_split.sh [BUILD] [MODE] [EVENTS] [SCENARIO]
#   (defaults: build cloud 300000 configs/default.ini)
#
# Parts: random variates (GSL, libm, lib/des/dist.c and rng.c), the
# engine (lib/des/event_queue.c), statistics (lib/stats), the ledger and
# its observers (ledger.c, latencies.c, delivery_view.c, warmup_probe.c,
# trace.c), the hops (the rest of lib/model) and everything else (libc,
# setup). Needs valgrind. Instruction counts miss cache misses, which
# cost more the larger the backlog: read them beside wall times.
BUILD=${1:-build}; MODE=${2:-cloud}; N=${3:-300000}; SCEN=${4:-configs/default.ini}
command -v valgrind >/dev/null || { echo "cost_split.sh: needs valgrind (apt-get install valgrind)" >&2; exit 2; }
out=$(mktemp) || exit 1
trap 'rm -f "$out"' EXIT
line=$(valgrind --tool=callgrind --callgrind-out-file="$out" "$BUILD"/pipeline "$SCEN" "$MODE" "$N" 2>/dev/null) || exit 1
fired=$(printf '%s\n' "$line" | tr ' ' '\n' | sed -n 's/^fired=//p')
callgrind_annotate --auto=no --threshold=100 "$out" 2>/dev/null | awk -v fired="$fired" -v mode="$MODE" -v n="$N" '
  /^ *[0-9,]+ +\(/ && !/PROGRAM TOTALS/ {
    ir = $1; gsub(",", "", ir)
    f = $0; sub(/^ *[0-9,]+ +\( *[0-9.]+%\) +/, "", f)
    part = "other"
    if (f ~ /libgsl|libm\.so|^\.\/math\/|lib\/des\/dist\.c|lib\/des\/rng\.c/) part = "variates"
    else if (f ~ /lib\/des\/event_queue\.c/) part = "engine"
    else if (f ~ /lib\/stats\//) part = "statistics"
    else if (f ~ /lib\/model\/(ledger|latencies|delivery_view|warmup_probe|trace)\.c/) part = "ledger"
    else if (f ~ /lib\/model\//) part = "hops"
    sum[part] += ir; total += ir
  }
  END {
    printf "%s, %s fired events: %.0f instructions per fired event\n", mode, fired, total / fired
    split("variates engine hops ledger statistics other", order, " ")
    for (i = 1; i <= 6; i++)
      printf "  %-10s %6.0f  %5.1f%%\n", order[i], sum[order[i]] / fired, 100 * sum[order[i]] / total
  }'
