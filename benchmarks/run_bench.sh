#!/bin/sh
# make bench: the engine (mm1, heap), pipeline and `lagsim run` benchmarks,
# as one table.
#   [BASE=DIR] sh benchmarks/run_bench.sh BUILD [--quick] [--json]
# Each figure is the median of REPEAT runs (default 3; the 10^8-event
# pipeline runs REPEAT_BIG times, default 1). --quick uses smaller sizes
# (for a smoke test); --json prints JSON instead.
# With BASE set to another build directory (make bench builds the previous
# release there), every figure is also measured on BASE's binaries, the
# two interleaved run by run so that both see the same machine load, and
# the row adds base_FIGURE=... and ratio=this/base (for times, base/this:
# above 1 is always faster; mem_ratio: base/this peak memory).
BUILD=${1:-build}; shift
QUICK=0; JSON=0
for a in "$@"; do
  case $a in --quick) QUICK=1 ;; --json) JSON=1 ;; esac
done
REPEAT=${REPEAT:-3}
SCEN=configs/default.ini
if [ $QUICK = 1 ]; then MM1=1000000; SCALES="100000 1000000"; REPEAT=1; RUNSET="--set traffic.scale=0.05"
else MM1=10000000; SCALES="1000000 10000000 100000000"; RUNSET=""; fi
BUILDS=$BUILD
[ -n "$BASE" ] && BUILDS="$BUILD $BASE"

# median VALUES...: the middle value (lower middle for an even count)
median() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
field() { printf '%s\n' "$1" | tr ' ' '\n' | sed -n "s/^$2=//p"; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.2f", (b > 0 ? a / b : 0)}'; }

# measure REPS NAMES -- CMD...: runs CMD (with @B@ replaced by each build
# directory) REPS times per build, the builds interleaved; each run's
# output lines NAME=VALUE are collected; sets med_<k>_<NAME> to the median
# for build k (0: BUILD, 1: BASE).
measure() {
  _reps=$1; _names=$2; shift 3
  for _n in $_names; do _k=0; for _b in $BUILDS; do eval "acc_${_k}_$_n="; _k=$((_k+1)); done; done
  _j=0
  while [ $_j -lt "$_reps" ]; do
    _k=0
    for _b in $BUILDS; do
      _cmd=""; for _a in "$@"; do _cmd="$_cmd '$(printf '%s' "$_a" | sed "s|@B@|$_b|g")'"; done
      _out=$(eval "$_cmd") || exit 1
      for _n in $_names; do eval "acc_${_k}_$_n=\"\$acc_${_k}_$_n $(field "$_out" "$_n")\""; done
      _k=$((_k+1))
    done
    _j=$((_j+1))
  done
  for _n in $_names; do _k=0; for _b in $BUILDS; do eval "med_${_k}_$_n=\$(median \$acc_${_k}_$_n)"; _k=$((_k+1)); done; done
}
# cmp NAME [time|mem]: " base_LABEL=.. ratio=.." when BASE is set (LABEL:
# NAME with _per_s as /s; a memory ratio is named mem_ratio).
cmp() {
  [ -z "$BASE" ] && return
  eval "a=\$med_0_$1; b=\$med_1_$1"
  label=$(printf '%s' "$1" | sed 's|_per_s$|/s|')
  case $2 in
    time) printf ' base_%s=%s ratio=%s' "$label" "$b" "$(ratio "$b" "$a")" ;;
    mem) printf ' base_%s=%s mem_ratio=%s' "$label" "$b" "$(ratio "$b" "$a")" ;;
    *) printf ' base_%s=%s ratio=%s' "$label" "$b" "$(ratio "$a" "$b")" ;;
  esac
}

# `lagsim run` on the default scenario, both modes, printing fired events
# and wall seconds (its last stderr line says the wall time).
run_cli() {
  _rb=$1; shift
  err=$("$_rb"/lagsim run "$SCEN" "$@" --format json 2>&1 >/dev/null | tail -1)
  printf 'wall_s=%s\n' "$(printf '%s\n' "$err" | sed -n 's/.* in \([0-9.]*\) s .*/\1/p')"
}

# `lagsim compare` on the default scenario (5 replications per mode).
compare_cli() {
  _rb=$1; shift
  err=$("$_rb"/lagsim compare "$SCEN" "$@" --format json 2>&1 >/dev/null | tail -1)
  printf 'wall_s=%s\n' "$(printf '%s\n' "$err" | sed -n 's/.* in \([0-9.]*\) s .*/\1/p')"
}

rows=""
measure "$REPEAT" "customers_per_s events_per_s mean_T" -- @B@/mm1 "$MM1"
rows="engine mm1 $MM1 customers/s=$med_0_customers_per_s events/s=$med_0_events_per_s$(cmp events_per_s) mean_T=$med_0_mean_T"
for pending in 100 100000; do
  measure "$REPEAT" "ns_per_event" -- @B@/heap "$pending" "$MM1"
  rows="$rows
engine heap $pending ns_per_event=$med_0_ns_per_event$(cmp ns_per_event time)"
done

for mode in cloud device; do
  for n in $SCALES; do
    # 10^8 events take minutes a run: once (REPEAT_BIG, default 1).
    reps=$REPEAT; [ "$n" -ge 100000000 ] && reps=${REPEAT_BIG:-1}
    measure "$reps" "fired_per_s peak_rss_mb wall_s" -- @B@/pipeline "$SCEN" "$mode" "$n" 1
    rows="$rows
pipeline $mode $n fired/s=$med_0_fired_per_s$(cmp fired_per_s) peak_rss_mb=$med_0_peak_rss_mb$(cmp peak_rss_mb mem) wall_s=$med_0_wall_s"
  done
done
# Threads: two replications of the middle scale (10^7), on 1 thread and on 2.
n=$(echo $SCALES | awk '{print $2}')
measure "$REPEAT" "wall_s" -- "$BUILD"/pipeline "$SCEN" cloud "$n" 1; one=$med_0_wall_s
measure "$REPEAT" "wall_s" -- "$BUILD"/pipeline "$SCEN" cloud "$n" 2; two=$med_0_wall_s
speedup=$(awk -v a="$one" -v b="$two" 'BEGIN {printf "%.2f", 2 * a / b}')
rows="$rows
threads cloud $n 1x_wall_s=$one 2x2reps_wall_s=$two speedup=$speedup"
# The default command: `lagsim run` of the scenario, both modes (side by
# side on two threads since the modes share one batch), and the same on
# one thread: their ratio says how much of the second core it uses.
size=$(echo "${RUNSET:-scale=1}" | sed 's/.*scale=//')
measure "$REPEAT" "wall_s" -- run_cli @B@ $RUNSET
run_wall=$med_0_wall_s
rows="$rows
run default $size wall_s=$med_0_wall_s$(cmp wall_s time)"
BUILDS_SAVED=$BUILDS; BUILDS=$BUILD
measure "$REPEAT" "wall_s" -- run_cli @B@ $RUNSET --threads 1
rows="$rows
run 1thread $size wall_s=$med_0_wall_s run_speedup=$(ratio "$med_0_wall_s" "$run_wall")"
BUILDS=$BUILDS_SAVED
# `lagsim compare`: 5 replications of each mode, on every core.
measure "$REPEAT" "wall_s" -- compare_cli @B@ $RUNSET
rows="$rows
compare default $size wall_s=$med_0_wall_s$(cmp wall_s time)"

# The goals of the pipeline's speed (docs/performance.md), each a row:
# the figure, the goal and whether it is met.
goal() { # NAME VALUE min|max LIMIT
  met=$(awk -v v="$2" -v l="$4" -v k="$3" 'BEGIN {print (v != "" && (k == "min" ? v >= l : v <= l)) ? 1 : 0}')
  rows="$rows
goal $1 0 value=${2:-0} $3=$4 met=$met"
}
if [ $QUICK = 0 ]; then
  for mode in cloud device; do
    f=$(printf '%s
' "$rows" | awk -v m="$mode" '$1 == "pipeline" && $2 == m && $3 == 10000000' | tr ' ' '
' | sed -n 's|^fired/s=||p')
    goal "fired_per_s_$mode" "$f" min 5000000
    r=$(printf '%s
' "$rows" | awk -v m="$mode" '$1 == "pipeline" && $2 == m && $3 == 10000000' | tr ' ' '
' | sed -n 's|^ratio=||p')
    [ -n "$r" ] && goal "ratio_vs_base_$mode" "$r" min 8
    w7=$(printf '%s
' "$rows" | awk -v m="$mode" '$1 == "pipeline" && $2 == m && $3 == 10000000' | tr ' ' '
' | sed -n 's|^wall_s=||p')
    w8=$(printf '%s
' "$rows" | awk -v m="$mode" '$1 == "pipeline" && $2 == m && $3 == 100000000' | tr ' ' '
' | sed -n 's|^wall_s=||p')
    goal "time_1e8_over_1e7_$mode" "$(ratio "$w8" "$w7")" max 11
    for n in 10000000 100000000; do # memory no higher than the base's (5% noise)
      mr=$(printf '%s\n' "$rows" | awk -v m="$mode" -v n="$n" '$1 == "pipeline" && $2 == m && $3 == n' | tr ' ' '\n' | sed -n 's|^mem_ratio=||p')
      [ -n "$mr" ] && goal "memory_vs_base_${mode}_$n" "$mr" min 0.95
    done
  done
  mr=$(printf '%s\n' "$rows" | awk '$1 == "engine" && $2 == "mm1"' | tr ' ' '\n' | sed -n 's|^ratio=||p')
  [ -n "$mr" ] && goal mm1_vs_base "$mr" min 0.95
  c=$(printf '%s
' "$rows" | awk '$1 == "compare"' | tr ' ' '
' | sed -n 's|^wall_s=||p')
  goal compare_wall_s "$c" max 60
fi

if [ $JSON = 1 ]; then
  printf '%s\n' "$rows" | awk 'BEGIN {print "["} {
    printf "%s{\"bench\":\"%s\",\"case\":\"%s\",\"size\":%s", (NR>1?",\n":""), $1, $2, $3
    for (i = 4; i <= NF; i++) { split($i, kv, "="); printf ",\"%s\":%s", kv[1], kv[2] }
    printf "}" } END {print "\n]"}'
else
  [ -n "$BASE" ] && echo "base: $BASE ($(cat "$BASE/../REF" 2>/dev/null || echo '?')); ratio > 1: this tree is faster (or smaller)"
  printf '%-9s %-7s %11s  %s\n' bench case size figures
  printf '%s\n' "$rows" | awk '{printf "%-9s %-7s %11s ", $1, $2, $3; for (i = 4; i <= NF; i++) printf " %s", $i; print ""}'
fi
