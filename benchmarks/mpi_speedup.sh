#!/bin/sh
# mpi_speedup.sh - make bench-mpi: the speedup of lagsim-mpi on 2 ranks
# over one lagsim process, on a sweep of 8 points (docs/cluster.md).
#   sh benchmarks/mpi_speedup.sh BUILD [RANKS]
# The sweep: configs/default.ini (a launch against Mixpanel's ingestion
# limit) with the limit varied over 8 values, Cloud-mode, REPS
# replications per point (default 2: 16 replications, each its own unit),
# one thread per process,
# at traffic.scale SCALE (default 0.1). Prints, for one process and for
# RANKS ranks (default 2): wall seconds and CPU seconds (all processes),
# the median of REPEAT runs (default 3), and the speedup; then each
# point's cost (one replication, run alone), and the speedup those costs
# predict on an idle machine: one process takes the sum of the costs;
# RANKS ranks take the longest rank's share when units are handed out in
# order to whichever rank is free, plus the start-up of mpirun measured
# on an empty command. Both outputs are checked to be the same bytes.
BUILD=${1:-build}
RANKS=${2:-2}
REPS=${REPS:-2}
SCALE=${SCALE:-0.1}
REPEAT=${REPEAT:-3}
LAGSIM=$BUILD/lagsim
MPI_LAGSIM=$BUILD/lagsim-mpi
for b in "$LAGSIM" "$MPI_LAGSIM"; do
  [ -x "$b" ] || { echo "mpi_speedup.sh: $b is missing (make mpi)" >&2; exit 1; }
done
command -v python3 >/dev/null 2>&1 || { echo "mpi_speedup.sh: needs python3" >&2; exit 1; }
MPIRUN="mpirun --oversubscribe -q"
[ "$(id -u)" = 0 ] && MPIRUN="$MPIRUN --allow-run-as-root"
TMP=$(mktemp -d "${TMPDIR:-/tmp}/lagsim_mpi_bench.XXXXXX") || exit 1
trap 'rm -rf "$TMP"' EXIT HUP INT TERM

SCEN=configs/default.ini
VARY="mixpanel.ingest_limit=10000/s..45000/s:5000/s"
# --threads 1: the speedup measured is that of the ranks alone.
ARGS="sweep $SCEN --vary $VARY --mode cloud --reps $REPS --threads 1 --set traffic.scale=$SCALE --format csv"

# timed OUT CMD...: runs CMD with stdout in OUT; prints "wall cpu" in
# seconds (cpu: user + system of every process it started).
timed() {
  python3 - "$@" <<'EOF'
import resource, subprocess, sys, time
out = open(sys.argv[1], "wb")
t = time.monotonic()
rc = subprocess.run(sys.argv[2:], stdout=out, stderr=subprocess.DEVNULL).returncode
wall = time.monotonic() - t
r = resource.getrusage(resource.RUSAGE_CHILDREN)
print("%.3f %.3f" % (wall, r.ru_utime + r.ru_stime))
sys.exit(rc)
EOF
}
median() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

echo "machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "sweep: $ARGS"
w1=""; c1=""; wn=""; cn=""
i=0; while [ $i -lt "$REPEAT" ]; do
  # shellcheck disable=SC2086
  set -- $(timed "$TMP/one.csv" "$LAGSIM" $ARGS) || exit 1
  w1="$w1 $1"; c1="$c1 $2"
  # shellcheck disable=SC2086
  set -- $(timed "$TMP/many.csv" $MPIRUN -n "$RANKS" "$MPI_LAGSIM" $ARGS) || exit 1
  wn="$wn $1"; cn="$cn $2"
  cmp -s "$TMP/one.csv" "$TMP/many.csv" || { echo "mpi_speedup.sh: the outputs differ" >&2; exit 1; }
  i=$((i + 1))
done
W1=$(median $w1); C1=$(median $c1); WN=$(median $wn); CN=$(median $cn)
echo "one process:  wall $W1 s, cpu $C1 s   (runs:$w1)"
echo "$RANKS ranks:      wall $WN s, cpu $CN s   (runs:$wn)"
awk -v a="$W1" -v b="$WN" 'BEGIN { printf "measured speedup: %.2fx (same bytes: yes)\n", a / b }'

# Per-point cost: one replication of each point, run alone (cpu seconds).
costs=""
for limit in 10000 15000 20000 25000 30000 35000 40000 45000; do
  # shellcheck disable=SC2046
  set -- $(timed "$TMP/point" "$LAGSIM" run "$SCEN" --mode cloud --reps 1 \
    --set traffic.scale="$SCALE" --set mixpanel.ingest_limit="$limit/s")
  costs="$costs $2"
done
set -- $(timed "$TMP/empty" $MPIRUN -n "$RANKS" "$MPI_LAGSIM" check "$SCEN")
START=$1
echo "cost of one replication per point (cpu s):$costs"
echo "mpirun start-up and wind-down with $RANKS ranks (wall s): $START"
printf '%s\n' $costs | awk -v reps="$REPS" -v ranks="$RANKS" -v start="$START" '
  { c[NR] = $1 }
  END {
    n = 0
    for (i = 1; i <= NR; i++) for (r = 0; r < reps; r++) u[++n] = c[i]
    for (k = 0; k < ranks; k++) busy[k] = 0
    total = 0
    for (i = 1; i <= n; i++) {   # in order, to whichever rank is free first
      k = 0; for (j = 1; j < ranks; j++) if (busy[j] < busy[k]) k = j
      busy[k] += u[i]; total += u[i]
    }
    span = 0; for (k = 0; k < ranks; k++) if (busy[k] > span) span = busy[k]
    printf "units: %d, total %.2f cpu s, longest %.2f s\n", n, total, span
    printf "idle-machine estimate: one process %.2f s, %d ranks %.2f s + %.2f s start-up: %.2fx\n",
           total, ranks, span, start, total / (span + start)
  }'
