#!/bin/sh
# make bench: the engine (mm1) and pipeline benchmarks, as one table.
#   sh benchmarks/run_bench.sh BUILD [--quick] [--json]
# Each figure is the median of REPEAT runs (default 3; the 10^8-event
# pipeline runs REPEAT_BIG times, default 1). --quick uses
# smaller sizes (for a smoke test); --json prints JSON instead.
BUILD=${1:-build}; shift
QUICK=0; JSON=0
for a in "$@"; do
  case $a in --quick) QUICK=1 ;; --json) JSON=1 ;; esac
done
REPEAT=${REPEAT:-3}
SCEN=configs/default.ini
if [ $QUICK = 1 ]; then MM1=1000000; SCALES="100000 1000000"; REPEAT=1
else MM1=10000000; SCALES="1000000 10000000 100000000"; fi

# median VALUES...: the middle value (lower middle for an even count)
median() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
field() { printf '%s\n' "$1" | tr ' ' '\n' | sed -n "s/^$2=//p"; }

rows=""
mm1_c=""; mm1_e=""; mm1_t=""
i=0; while [ $i -lt "$REPEAT" ]; do
  out=$("$BUILD"/mm1 "$MM1") || exit 1
  mm1_c="$mm1_c $(field "$out" customers_per_s)"; mm1_e="$mm1_e $(field "$out" events_per_s)"
  mm1_t=$(field "$out" mean_T); i=$((i+1))
done
C=$(median $mm1_c); E=$(median $mm1_e)
rows="engine mm1 $MM1 customers/s=$C events/s=$E mean_T=$mm1_t"
for pending in 100 100000; do
  h=""; i=0; while [ $i -lt "$REPEAT" ]; do
    out=$("$BUILD"/heap "$pending" "$MM1") || exit 1
    h="$h $(field "$out" ns_per_event)"; i=$((i+1))
  done
  rows="$rows
engine heap $pending ns_per_event=$(median $h)"
done

pipe() { # mode events threads -> "fired/s rss wall"
  f=""; r=""; w=""
  # 10^8 events take minutes a run: once (REPEAT_BIG, default 1).
  reps=$REPEAT; [ "$2" -ge 100000000 ] && reps=${REPEAT_BIG:-1}
  j=0; while [ $j -lt "$reps" ]; do
    out=$("$BUILD"/pipeline "$SCEN" "$1" "$2" "$3") || exit 1
    f="$f $(field "$out" fired_per_s)"; r="$r $(field "$out" peak_rss_mb)"; w="$w $(field "$out" wall_s)"
    j=$((j+1))
  done
  echo "$(median $f) $(median $r) $(median $w)"
}
for mode in cloud device; do
  for n in $SCALES; do
    set -- $(pipe $mode $n 1)
    rows="$rows
pipeline $mode $n fired/s=$1 peak_rss_mb=$2 wall_s=$3"
  done
done
# Threads: two replications of the middle scale (10^7), on 1 thread and on 2.
n=$(echo $SCALES | awk '{print $2}')
set -- $(pipe cloud $n 1); one=$3
set -- $(pipe cloud $n 2); two=$3
speedup=$(awk -v a="$one" -v b="$two" 'BEGIN {printf "%.2f", 2 * a / b}')
rows="$rows
threads cloud $n 1x_wall_s=$one 2x2reps_wall_s=$two speedup=$speedup"

if [ $JSON = 1 ]; then
  printf '%s\n' "$rows" | awk 'BEGIN {print "["} {
    printf "%s{\"bench\":\"%s\",\"case\":\"%s\",\"size\":%s", (NR>1?",\n":""), $1, $2, $3
    for (i = 4; i <= NF; i++) { split($i, kv, "="); printf ",\"%s\":%s", kv[1], kv[2] }
    printf "}" } END {print "\n]"}'
else
  printf '%-9s %-7s %11s  %s\n' bench case size figures
  printf '%s\n' "$rows" | awk '{printf "%-9s %-7s %11s ", $1, $2, $3; for (i = 4; i <= NF; i++) printf " %s", $i; print ""}'
fi
